"""The tag filter queries of ``tag/query``, ``file/query`` and ``block/query`` (no Qt).

The language, as the official client and its key-value store and chat history write it::

    filetag and kind "kv-store-x"
    blocktag and kind "BlockTag"
    file_id "5E0B..."
    kind "chat" and name "context-keys" and value("test_id") = "abc"

A query is predicates joined by ``and`` / ``or`` (``and`` binds tighter), with ``not`` and
parentheses. Predicates: ``filetag`` (a tag of a file itself), ``blocktag`` (a tag of a block),
``kind "x"``, ``name "x"``, ``text "x"``, ``file_id "x"``, ``block_id "x"``, ``tag_id "x"``, and
``value("key") OP literal`` with OP one of ``= != < <= > >=`` and a string, number, ``true``,
``false`` or ``null`` literal. Every predicate is about one tag; a file or block matches when one
of its tags does. :func:`parse` raises :class:`QueryError` with the position of the problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from shipexplorer.emulator.files import TagRecord

Predicate = Callable[[TagRecord], bool]

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)'
    r"|(?P<op><=|>=|!=|=|<|>)|(?P<paren>[()])|(?P<word>[A-Za-z_][A-Za-z_0-9]*))"
)
_FIELDS = {
    "kind": "kind",
    "name": "name",
    "text": "text",
    "file_id": "file_id",
    "block_id": "block_id",
    "tag_id": "id",
}


class QueryError(ValueError):
    """A query that cannot be read."""


def _tokens(query: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:
            raise QueryError(
                f"Cannot read the query at character {pos + 1}: {query[pos : pos + 20]!r}"
            )
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind), match.start(kind)))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.at = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, kind: str | None = None, text: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise QueryError(f"The query ends too early: {self.query!r}.")
        if (kind and token[0] != kind) or (text and token[1].lower() != text):
            expected = text or kind
            raise QueryError(
                f"Expected {expected} at character {token[2] + 1}, found {token[1]!r}."
            )
        self.at += 1
        return token

    def word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1].lower() in words

    def parse(self) -> Predicate:
        predicate = self.disjunction()
        token = self.peek()
        if token is not None:
            raise QueryError(f"Unexpected {token[1]!r} at character {token[2] + 1}.")
        return predicate

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.word("or"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else lambda tag: any(p(tag) for p in parts)

    def conjunction(self) -> Predicate:
        parts = [self.unary()]
        while self.word("and"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else lambda tag: all(p(tag) for p in parts)

    def unary(self) -> Predicate:
        if self.word("not"):
            self.take()
            inner = self.unary()
            return lambda tag: not inner(tag)
        token = self.peek()
        if token is not None and token[1] == "(":
            self.take()
            inner = self.disjunction()
            self.take("paren", ")")
            return inner
        return self.predicate()

    def literal(self) -> Any:
        token = self.take()
        if token[0] == "string":
            return json.loads(token[1])
        if token[0] == "number":
            return float(token[1])
        words = {"true": True, "false": False, "null": None}
        if token[0] == "word" and token[1].lower() in words:
            return words[token[1].lower()]
        raise QueryError(f"Expected a value at character {token[2] + 1}, found {token[1]!r}.")

    def predicate(self) -> Predicate:
        _kind, text, pos = self.take("word")
        name = text.lower()
        if name == "filetag":
            return lambda tag: tag.block_id is None
        if name == "blocktag":
            return lambda tag: tag.block_id is not None
        if name in _FIELDS:
            wanted = json.loads(self.take("string")[1])
            attribute = _FIELDS[name]
            return lambda tag: getattr(tag, attribute) == wanted
        if name == "value":
            self.take("paren", "(")
            key = json.loads(self.take("string")[1])
            self.take("paren", ")")
            op = self.take("op")[1]
            wanted = self.literal()
            return lambda tag: _compare((tag.value or {}).get(key, _MISSING), op, wanted)
        raise QueryError(f"Unknown term {text!r} at character {pos + 1}.")


_MISSING = object()


def _compare(value: Any, op: str, wanted: Any) -> bool:
    if value is _MISSING:
        return op == "!="
    if (
        isinstance(wanted, float)
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    ):
        value = float(value)
    if op == "=":
        return value == wanted
    if op == "!=":
        return value != wanted
    try:
        return {
            "<": value < wanted,
            "<=": value <= wanted,
            ">": value > wanted,
            ">=": value >= wanted,
        }[op]
    except TypeError:
        return False


def parse(query: str) -> Predicate:
    """A predicate over tags for ``query`` (raises :class:`QueryError`)."""
    if not isinstance(query, str) or not query.strip():
        raise QueryError("The query is empty.")
    return _Parser(query).parse()
