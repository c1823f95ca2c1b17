"""The body checker, formatter, skeleton, completion and warnings; the method specs come from a
real ``__dir__`` of the emulator's demo packages."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipexplorer.api import ArgSpec, ConnectionSettings, MethodSpec, SteamshipClient
from shipexplorer.core.documents.json_body import (
    BodyError,
    base_type,
    check,
    complete,
    first_error,
    format_json,
    minify_json,
    parse_body,
    skeleton,
    warnings,
)

BROKEN = [
    ('{"a": 1,}', 1, 9, "Expecting property name enclosed in double quotes"),
    ('{\n  "a": 1,\n  "b": \n}', 4, 1, "Expecting value"),
    ("[1, 2", 1, 6, "Expecting ',' delimiter"),
    ('{"a" 1}', 1, 6, "Expecting ':' delimiter"),
    ('{"a": tru}', 1, 7, "Expecting value"),
    ('{"a": "x\ny"}', 1, 9, "Invalid control character at"),
    ('{"a": 1} x', 1, 10, "Extra data"),
    ("{'a': 1}", 1, 2, "Expecting property name enclosed in double quotes"),
    ('\n\n  {"a": [1, 2,]}', 3, 15, "Expecting value"),
    ('{"ü": "ß", "b": }', 1, 17, "Expecting value"),
    ('{"a": "\\q"}', 1, 8, "Invalid \\escape"),
    ('{"a": [1}', 1, 9, "Expecting ',' delimiter"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), BROKEN)
def test_broken_bodies_point_at_the_right_line_and_column(text, line, column, message):
    problem = first_error(text)
    assert problem is not None
    assert (problem.line, problem.column) == (line, column)
    assert problem.message == f"line {line}, column {column}: {message}"
    # The offset is the same place, and the runner refuses with the very same words.
    assert text.count("\n", 0, problem.offset) + 1 == line
    with pytest.raises(BodyError) as refused:
        parse_body(text)
    assert str(refused.value) == problem.message


@pytest.mark.parametrize("text", ["", "  \n\t", "{}", '{"a": [1, {"b": null}]}', "3", '"x"'])
def test_blank_and_valid_bodies_have_no_problem(text):
    assert first_error(text) is None
    assert check("  ")[0] == {}


def test_get_needs_an_object_like_the_runner():
    problem = first_error("[1]", "GET")
    assert problem is not None and problem.message.startswith("line 1, column 1: a GET")
    assert first_error("[1]", "POST") is None
    assert first_error('{"a": 1}', "GET") is None


def test_deep_nesting_is_a_problem_not_a_crash():
    assert first_error("[" * 100_000 + "]" * 100_000) is not None


def test_the_body_error_says_where_and_survives_pickling():
    import pickle

    with pytest.raises(BodyError) as refused:
        parse_body('{\n  "a": 1,\n}', "POST")
    problem = refused.value.problem
    assert (problem.line, problem.column) == (3, 1)
    assert check('{\n  "a": 1,\n}') == (None, problem)
    copy = pickle.loads(pickle.dumps(refused.value))
    assert copy.problem == problem and str(copy) == problem.message
    assert isinstance(copy, ValueError)


_JSONISH = st.text(alphabet='{}[]:,"\\ \n\tabtrufalsenl0123456789.-eE', max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), _JSONISH))
def test_first_error_agrees_with_json_loads_and_never_raises(text):
    problem = first_error(text)
    try:
        json.loads(text)
        valid = True
    except ValueError:
        valid = False
    assert (problem is None) == (valid or not text.strip())
    if problem is not None:
        assert problem.line == text.count("\n", 0, problem.offset) + 1
        assert problem.message.startswith(f"line {problem.line}, column {problem.column}: ")


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(_VALUES)
def test_format_and_minify_keep_the_value(value):
    text = json.dumps(value)
    assert json.loads(format_json(text)) == value
    assert json.loads(minify_json(text)) == value
    assert minify_json(format_json(text)) == json.dumps(
        value, separators=(",", ":"), ensure_ascii=False
    )


def test_format_shapes():
    assert format_json("") == "{}"
    assert format_json('{"b":1,"a":[1,2],"ü":"ß"}') == (
        '{\n  "b": 1,\n  "a": [\n    1,\n    2\n  ],\n  "ü": "ß"\n}'
    )
    assert minify_json('{\n  "a": [1, 2]\n}') == '{"a":[1,2]}'
    with pytest.raises(ValueError):
        format_json("{")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("<class 'str'>", ("str", False)),
        ("<class 'float'>", ("float", False)),
        ("typing.Optional[int]", ("int", True)),
        ("str | None", ("str", True)),
        ("typing.List[str]", ("list", False)),
        ("typing.Dict[str, int]", ("dict", False)),
        ("<class 'SomethingElse'>", (None, False)),
        (None, (None, False)),
    ],
)
def test_base_types(kind, expected):
    assert base_type(ArgSpec("x", kind)) == expected


# -- from a real __dir__ ----------------------------------------------------------------------


def describe_packages(emulator, packages=("greeter", "slow-job", "faults")) -> dict:
    """``package`` -> PackageSpec, from the emulator's own ``__dir__`` answers (also used by the
    editor and form tests)."""
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    api = SteamshipClient(
        ConnectionSettings(
            api_base=emulator.api_base,
            app_base=emulator.app_base,
            workspace_handle=workspace,
            api_key="demo-key",
        )
    )
    try:
        api.workspace_create(workspace)
        return {p: api.describe(api.instance_create(p, p).value).value for p in packages}
    finally:
        api.close()


@pytest.fixture(scope="module")
def specs(emulator) -> dict[str, MethodSpec]:
    """``package.method`` -> MethodSpec."""
    return {
        f"{package}.{method.path}": method
        for package, spec in describe_packages(emulator).items()
        for method in spec.methods
    }


def test_skeletons_from_real_dir(specs):
    assert json.loads(skeleton(specs["greeter.greet"])) == {"name": ""}
    start = skeleton(specs["slow-job.start"])
    assert start == '{\n  "seconds": 0.0,\n  "steps": 0,\n  "fail": false\n}'
    fail = json.loads(skeleton(specs["faults.fail"]))
    assert fail["form"] == "status"  # an enum: its first value
    assert fail["http_status"] == 0 and fail["code"] == ""
    assert skeleton(specs["faults.no_content_type"]) == "{}"
    for spec in specs.values():
        assert warnings(json.loads(skeleton(spec)), spec) == []


def _labels(text: str, spec: MethodSpec, offset: int | None = None) -> list[str]:
    return [
        label for label, _ in complete(text, len(text) if offset is None else offset, spec).options
    ]


def test_completion_offers_names_then_values_from_real_dir(specs):
    greet, start, fail = specs["greeter.greet"], specs["slow-job.start"], specs["faults.fail"]
    assert _labels('{"', greet) == ["name"]
    assert _labels("{", start) == ["seconds", "steps", "fail"]
    assert _labels('{"seconds": 1, "', start) == ["steps", "fail"]
    # Names already present anywhere in the object are not offered again.
    text = '{"seconds": 1, "", "fail": true}'
    assert _labels(text, start, text.index('""') + 1) == ["steps"]
    assert _labels('{"fail": ', start) == ["true", "false"]
    assert _labels('{"form": ', fail) == ['"status"', '"package"']
    assert _labels('{"form": "pa', fail) == ["status", "package"]
    assert _labels('{"name": ', greet) == []  # a string: nothing to offer
    assert _labels('{"a": {"', start) == []  # nested objects are not the method's
    assert _labels("[", start) == []


def test_completion_replacements(specs):
    start = specs["slow-job.start"]
    context = complete('{"st', 4, start)
    assert (context.kind, context.prefix, context.start, context.end) == ("key", "st", 2, 4)
    assert dict(context.options)["steps"] == 'steps": '
    # Inside a string that is already closed, only the name is put in.
    assert dict(complete('{""}', 2, start).options)["steps"] == "steps"
    assert dict(complete("{ ", 2, start).options)["fail"] == '"fail": '
    value = complete('{"form": "st', 12, specs["faults.fail"])
    assert (value.kind, value.key, value.prefix) == ("value", "form", "st")
    assert dict(value.options)["status"] == 'status"'


def test_warnings_from_real_dir(specs):
    greet, start, fail = specs["greeter.greet"], specs["slow-job.start"], specs["faults.fail"]
    assert warnings({"name": "Ada"}, greet) == []
    assert warnings({"nme": "Ada"}, greet) == ['"nme" is not an argument of greet (it takes name).']
    assert warnings({"seconds": "3", "steps": 1.5, "fail": 0}, start) == [
        '"seconds" should be a number, not a string.',
        '"steps" should be a whole number, not a number.',
        '"fail" should be true or false, not a number.',
    ]
    assert warnings({"seconds": 3}, start) == []  # an int is a fine float
    assert warnings({"form": "other"}, fail) == ['"form" should be one of "status", "package".']
    assert warnings([1], greet) == ["The body is a list; greet takes named arguments (an object)."]
    assert warnings({"x": 1}, None) == []


_SPEC = MethodSpec(
    "m",
    args=[
        ArgSpec("name", "<class 'str'>"),
        ArgSpec("n", "<class 'int'>"),
        ArgSpec("flag", "<class 'bool'>"),
        ArgSpec("form", "<enum 'Form'>", ["a", "b"]),
    ],
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), _JSONISH), st.integers(min_value=0, max_value=40))
def test_completion_never_raises_and_replaces_only_before_the_cursor(text, offset):
    offset = min(offset, len(text))
    context = complete(text, offset, _SPEC)
    assert context.kind in ("", "key", "value")
    if context.kind:
        assert 0 <= context.start <= context.end == offset
        assert text[context.start : context.end].endswith(context.prefix)
    if context.kind == "key":
        assert {label for label, _ in context.options} <= {"name", "n", "flag", "form"}


@settings(max_examples=200, deadline=None)
@given(_VALUES)
def test_warnings_never_raise(value):
    assert isinstance(warnings(value, _SPEC), list)


def test_no_unknown_argument_warning_when_dir_lists_no_arguments(specs):
    bare = MethodSpec("echo")  # __dir__ gave no argument list: any name may be right
    assert warnings({"x": 1, "anything": "goes"}, bare) == []
    assert warnings([1], bare) == ["The body is a list; echo takes named arguments (an object)."]
    found = warnings({"nme": "Ada", "x": 2}, specs["greeter.greet"])
    assert len(found) == 2 and not any("lists none" in w for w in found)
    for sentence in found:  # each a whole sentence: joined with a space, they still read
        assert sentence.endswith(".") and not sentence.endswith(").;")
