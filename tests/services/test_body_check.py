"""The body service the editor and the method form ask: the same answers as the core parser."""

from __future__ import annotations

import json

from shipexplorer.api import ArgSpec, MethodSpec
from shipexplorer.services import body_check

SPEC = MethodSpec(
    "greet",
    args=[
        ArgSpec("name", "<class 'str'>"),
        ArgSpec("times", "typing.Optional[int]"),
        ArgSpec("mood", None, values=["calm", "loud"]),
        ArgSpec("tags", "typing.List[str]"),
    ],
)


def test_check_format_and_minify():
    assert body_check.check_body("  ") == ({}, None)
    value, problem = body_check.check_body('{"a": 1,}')
    assert value is None and problem.message.startswith("line 1, column 9: ")
    assert body_check.check_body("[1]", "GET")[1] is not None
    assert body_check.format_body('{"a":[1]}') == '{\n  "a": [\n    1\n  ]\n}'
    assert body_check.minify_body('{\n  "a": [1, 2]\n}') == '{"a":[1,2]}'
    assert body_check.pretty_body({"ü": 1}) == '{\n  "ü": 1\n}'


def test_skeleton_keeps_what_is_there_and_replaces_what_is_not_an_object():
    filled = json.loads(body_check.with_skeleton('{"name": "Ada", "extra": 1}', SPEC))
    assert filled == {"name": "Ada", "extra": 1, "times": 0, "mood": "calm", "tags": []}
    for other in ("[1]", "{", ""):
        assert json.loads(body_check.with_skeleton(other, SPEC))["name"] == ""


def test_completion_warnings_and_form_kinds():
    labels = [label for label, _ in body_check.completion_at('{"', 2, SPEC).options]
    assert labels == ["name", "times", "mood", "tags"]
    assert body_check.body_warnings({"nam": 1}, SPEC)
    assert body_check.body_warnings({"name": "x"}, SPEC) == []
    kinds = [body_check.form_kind(a) for a in SPEC.args]
    assert kinds == ["str", "int", "enum", None]
