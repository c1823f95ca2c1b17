"""JsonDocument: PyDocument (and the child-process document) agree with json.loads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shipexplorer.core.documents.json_document import (
    ARRAY,
    OBJECT,
    FilterError,
    NodeInfo,
    PyDocument,
    open_document,
    path_text,
    pointer,
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)


def all_nodes(value: Any, path=(), key=None):
    yield path, key, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from all_nodes(v, (*path, k), k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from all_nodes(v, (*path, i), i)


def expected_search(value: Any, needle: str) -> list[tuple]:
    needle = needle.casefold()
    out = []
    for path, key, node in all_nodes(value):
        hit = isinstance(key, str) and needle in key.casefold()
        if not hit and not isinstance(node, (dict, list)):
            shown = node if isinstance(node, str) else json.dumps(node)
            hit = needle in shown.casefold()
        if hit:
            out.append(path)
    return out


def check_document(doc, value: Any, needle: str) -> None:
    root = doc.root()
    assert root.path == () and root.key is None
    for path, _key, node in all_nodes(value):
        assert json.loads(doc.value_json(path)) == node
        if isinstance(node, (dict, list)):
            kids = doc.children(path, 0, 1000)
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            assert [k.key for k in kids] == keys
            assert [k.path for k in kids] == [(*path, k) for k in keys]
            assert all(
                k.size == (len(node[k.key]) if isinstance(node[k.key], (dict, list, str)) else 0)
                for k in kids
            )
    if needle:
        assert doc.search(needle) == expected_search(value, needle)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values, st.text(alphabet="ab1e", max_size=2))
def test_py_document_agrees_with_json_loads(value, needle):
    text = json.dumps(value)
    check_document(PyDocument(json.loads(text)), value, needle)


def test_node_info_previews():
    doc = PyDocument({"a": [1, 2, 3], "b": {"c": None}, "s": "x" * 500, "t": True, "n": 1.5})
    kids = {k.key: k for k in doc.children((), 0, 10)}
    assert kids["a"] == NodeInfo("a", ("a",), ARRAY, "[3 items]", 3)
    assert kids["b"].preview == "{1 key}" and kids["b"].kind == OBJECT and kids["b"].is_container
    assert kids["s"].size == 500 and len(kids["s"].preview) == 200 and kids["s"].preview[-1] == "…"
    assert kids["t"].preview == "true" and kids["n"].preview == "1.5" and not kids["n"].is_container
    assert PyDocument(list(range(1000))).root().preview == "[1,000 items]"
    assert PyDocument({}).children((), 0, 10) == []
    assert PyDocument(5).children((), 0, 10) == []


def test_children_in_batches():
    doc = PyDocument(list(range(10)))
    first = doc.children((), 0, 4)
    second = doc.children((), 4, 4)
    again = doc.children((), 2, 3)
    assert [n.key for n in first + second] == list(range(8))
    assert [n.key for n in again] == [2, 3, 4]
    assert [n.key for n in doc.children((), 8, 100)] == [8, 9]


def test_children_of_two_containers_read_in_turns():
    doc = PyDocument({"a": list(range(10)), "b": list(range(100, 110))})
    got = {"a": [], "b": []}
    for start in range(0, 10, 3):
        for name in ("a", "b"):
            got[name] += [n.key for n in doc.children((name,), start, 3)]
    assert got == {"a": list(range(10)), "b": list(range(10))}
    assert [n.preview for n in doc.children(("b",), 4, 2)] == ["104", "105"]


def test_value_json_indent_and_limit():
    value = {"a": [1, {"b": "é"}]}
    doc = PyDocument(value)
    assert doc.value_json((), indent=2) == json.dumps(value, indent=2, ensure_ascii=False)
    assert doc.value_json(("a", 1)) == '{"b": "é"}'
    assert doc.value_json((), limit=5) == '{"a":'


def test_pointer_and_path_text():
    assert pointer(()) == ""
    assert pointer(("a", 0, "b/c", "m~n")) == "/a/0/b~1c/m~0n"
    assert path_text(()) == "$"
    assert path_text(("a", 0, "b c", "it's")) == "$.a[0]['b c']['it\\'s']"


def test_query():
    doc = PyDocument({"items": [{"id": 1, "ok": True}, {"id": 2, "ok": False}], "id": 0})
    assert doc.query("$.items[?@.ok == true].id") == [("items", 0, "id")]
    assert doc.query("$..id") == [("id",), ("items", 0, "id"), ("items", 1, "id")]
    assert doc.query("$..id", limit=1) == [("id",)]
    with pytest.raises(FilterError, match="not valid JSONPath"):
        doc.query("$[")


@pytest.mark.parametrize("text", ["{", "[1, 2]", '{"a": 1}', "plain"])
def test_a_string_body_is_queried_as_a_string_not_as_json_text(text):
    # python-jsonpath parses a str argument as JSON: "[1, 2]" must not grow children
    from shipexplorer.core.documents.process_document import ProcessDocument

    child = ProcessDocument.open(data=json.dumps(text).encode())
    try:
        for doc in (PyDocument(text), child):
            assert doc.query("$") == [()]
            assert doc.query("$..*") == []
            assert doc.query("$[0]") == []
    finally:
        child.close()


def test_search_limit_and_keys():
    doc = PyDocument({"Name": "x", "other": ["name", "none"]})
    assert doc.search("NAME") == [("Name",), ("other", 0)]
    assert doc.search("n", limit=2) == [("Name",), ("other", 0)]


def test_open_document_small(tmp_path):
    doc = open_document(b'{"a": 1}')
    assert isinstance(doc, PyDocument) and doc.synchronous
    path = tmp_path / "b.json"
    path.write_bytes(b"[1, 2]")
    assert open_document(path=path).root().size == 2
    with pytest.raises(ValueError):
        open_document(b"{not json")


# -- the child-process document ------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values, st.text(alphabet="ab1e", max_size=2))
def test_child_document_agrees_with_json_loads(value, needle):
    from shipexplorer.core.documents.process_document import ProcessDocument

    doc = ProcessDocument.open(data=json.dumps(value).encode())
    try:
        assert not doc.synchronous
        check_document(doc, value, needle)
        assert doc.value_json((), indent=2) == json.dumps(value, indent=2, ensure_ascii=False)
        assert doc.query("$..*") == PyDocument(value).query("$..*")
    finally:
        doc.close()


def test_open_document_picks_the_child_for_big_bodies(tmp_path):
    from shipexplorer.core.documents.process_document import ProcessDocument

    value = {"items": [{"id": i, "name": f"n{i}"} for i in range(3000)], "end": True}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(value))
    doc = open_document(path=path, threshold=1000)
    try:
        assert isinstance(doc, ProcessDocument)
        assert doc.root().preview == "{2 keys}"
        batches = [doc.children(("items",), start, 1000) for start in (0, 1000, 2000, 2500)]
        assert [n.key for n in batches[0] + batches[1] + batches[2]] == list(range(3000))
        assert [n.key for n in batches[3]][:2] == [2500, 2501]
        assert doc.search("n2999") == [("items", 2999, "name")]
        assert doc.query("$.items[?@.id == 7].name") == [("items", 7, "name")]
        assert doc.query("$.items[-1].id") == [("items", 2999, "id")]
        with pytest.raises(FilterError):
            doc.query("$.items[?")
        assert doc.peak_memory() > 0
        with pytest.raises(KeyError):
            doc.children(("nope",), 0, 1)
    finally:
        doc.close()
    with pytest.raises(ValueError):
        doc.children((), 0, 1)


def test_child_document_refuses_broken_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b"[1, 2" + b" " * 5000)
    with pytest.raises(ValueError, match="not valid JSON"):
        open_document(path=path, threshold=1000)


def test_child_search_is_cancelled(tmp_path):
    import threading

    from shipexplorer.api.cancel import CancelToken
    from shipexplorer.core.documents.process_document import ProcessDocument

    doc = ProcessDocument.open(data=json.dumps([{"v": "x" * 10}] * 400_000).encode())
    try:
        token = CancelToken()
        threading.Timer(0.05, token.cancel).start()
        found = doc.search("x", limit=10**9, cancel=token)
        assert len(found) < 400_000
        assert doc.children((), 0, 1)[0].preview == "{1 key}"  # still answers afterwards
    finally:
        doc.close()
