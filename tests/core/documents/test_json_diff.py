"""The structural JSON diff and the line diff for other text."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from shipexplorer.core.documents.json_diff import (
    Change,
    diff_bodies,
    diff_json,
    diff_lines,
    format_path,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


def test_added_removed_and_changed_paths():
    old = {"a": 1, "b": {"c": [1, 2, 3], "d": "x"}, "gone": True}
    new = {"a": 2, "b": {"c": [1, 5], "d": "x", "e": None}, "fresh": [1]}
    changes, truncated = diff_json(old, new)
    assert not truncated
    assert [str(c) for c in changes] == [
        "~ $.a: 1 -> 2",
        "~ $.b.c[1]: 2 -> 5",
        "- $.b.c[2]: 3",
        "+ $.b.e: null",
        "+ $.fresh: [1]",
        "- $.gone: true",
    ]


def test_types_matter_but_not_int_versus_float():
    assert diff_json({"n": 1}, {"n": 1.0})[0] == []
    assert diff_json({"n": 1}, {"n": True})[0] == [Change("changed", ("n",), 1, True)]
    assert diff_json([1], {"0": 1})[0] == [Change("changed", (), [1], {"0": 1})]


def test_paths_quote_keys_that_are_not_names():
    assert format_path(("a", 0, "b c", "_ok", "1x")) == '$.a[0]["b c"]._ok["1x"]'


def test_the_number_of_changes_is_capped():
    changes, truncated = diff_json(list(range(50)), list(range(100, 150)), limit=10)
    assert len(changes) == 10 and truncated


@settings(max_examples=150, deadline=None)
@given(json_values, json_values)
def test_no_changes_exactly_when_equal(a, b):
    changes, _ = diff_json(a, b)
    assert (changes == []) == (a == b and _same_types(a, b))
    assert diff_json(a, copy.deepcopy(a))[0] == []


def _same_types(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return isinstance(a, bool) == isinstance(b, bool)


def test_bodies_json_or_text():
    structural = diff_bodies(b'{"a": 1}', b'{"a": 2}')
    assert structural.is_json and not structural.same
    assert [c.marker for c in structural.changes] == ["~"]
    text = diff_bodies(b"one\ntwo\nthree", b"one\n2\nthree")
    assert not text.is_json and not text.same
    assert "-two" in text.lines and "+2" in text.lines
    assert diff_bodies(b"same", b"same").same and diff_bodies(b"[1]", b"[1]").same


def test_line_diff_is_capped():
    lines, truncated = diff_lines("\n".join(map(str, range(100))), "", limit=20)
    assert len(lines) == 20 and truncated


def test_bodies_read_back_as_bytearrays_compare_as_text():
    """A spilled history body comes back from gzip as a bytearray; not JSON, it is a line diff."""
    result = diff_bodies(bytearray(b"line one\nline two\n"), bytearray(b"line one\nline 2\n"))
    assert not result.is_json
    assert any("line 2" in line for line in result.lines)
