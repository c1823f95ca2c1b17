"""Types in the words a user reads: ``type_words`` for what ``__dir__`` and config templates
spell as ``<class 'str'>``, ``typing.List[str]``, ``Optional[int]``, ``array``..."""

from __future__ import annotations

import pytest

from shipexplorer.api.methods import ArgSpec, MethodSpec, parse_methods, type_words
from tests.core.documents.test_json_body import describe_packages

USER_WORDS = {
    "text",
    "number",
    "whole number",
    "yes/no",
    "object",
    "list",
    "one of the choices",
    "any value",
}


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("<class 'str'>", "text"),
        ("str", "text"),
        ("string", "text"),
        ("<class 'int'>", "whole number"),
        ("integer", "whole number"),
        ("<class 'float'>", "number"),
        ("number", "number"),
        ("<class 'bool'>", "yes/no"),
        ("boolean", "yes/no"),
        ("<class 'dict'>", "object"),
        ("typing.Dict[str, typing.Any]", "object"),
        ("dict[str, int]", "object"),
        ("object", "object"),
        ("<class 'list'>", "list"),
        ("typing.List[str]", "list"),
        ("array", "list"),
        ("Optional[int]", "whole number (optional)"),
        ("typing.Optional[str]", "text (optional)"),
        ("str | None", "text (optional)"),
        ("Union[str, int]", "text or whole number"),
        ("typing.Any", "any value"),
        ("<class 'steamship.data.file.File'>", "File"),
        (None, None),
        ("", None),
    ],
)
def test_type_words(kind, words):
    assert type_words(kind) == words
    if words is not None:
        assert type_words(words) == words  # words stay words
        assert "<" not in words and "class" not in words and "typing" not in words


def test_arguments_and_returns_say_their_types_in_words():
    spec = parse_methods(
        {
            "methods": [
                {
                    "path": "/greet",
                    "returns": "<class 'dict'>",
                    "args": [
                        {"name": "name", "kind": "<class 'str'>"},
                        {"name": "mood", "kind": "<class 'str'>", "values": ["glad", "sad"]},
                        {"name": "untyped"},
                    ],
                }
            ]
        }
    )
    greet = spec.method("greet")
    assert greet.returns == "<class 'dict'>" and greet.returns_words == "object"
    assert [a.type_words for a in greet.args] == ["text", "one of the choices", None]
    assert MethodSpec("m").returns_words is None and ArgSpec("a").type_words is None


def test_every_type_the_demo_packages_list_reads_as_words(emulator):
    for package in describe_packages(emulator).values():
        for method in package.methods:
            assert method.returns_words is None or "<class" not in method.returns_words
            for arg in method.args:
                assert arg.type_words in USER_WORDS, (method.path, arg.name, arg.kind)
