"""A request body's JSON: the one parser of a body (:func:`parse_body`, used by the request runner
before sending and, through :func:`check`, by the editor's live check), format and minify, a
skeleton of a method's arguments, completion at the cursor and warnings.

Pure Python, no Qt. Offsets are Python ``str`` indexes. A problem's message has the form
"line L, column C: message" wherever it is shown (the editor's status, a refused Send).
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from shipexplorer.api.methods import ArgSpec, MethodSpec


@dataclass(frozen=True)
class BodyProblem:
    """Where a body stops being JSON (1-based line and column; 0-based ``offset``)."""

    line: int
    column: int
    offset: int
    message: str


class BodyError(ValueError):
    """The request body is not valid JSON (or not an object for GET); nothing was sent.

    ``str(error)`` is the problem's message; ``problem`` says where it is."""

    def __init__(self, problem: BodyProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.problem,)


def _problem(line: int, column: int, offset: int, message: str) -> BodyError:
    return BodyError(BodyProblem(line, column, offset, f"line {line}, column {column}: {message}"))


def parse_body(text: str, verb: str | None = None) -> Any:
    """The value of ``text`` as a request body (``{}`` when blank). Raises :class:`BodyError`
    ("line L, column C: message") when it is not JSON, is nested too deeply, or, with ``verb``
    "GET", is not an object (a GET body is sent as the query)."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _problem(exc.lineno, exc.colno, exc.pos, exc.msg) from None
    except RecursionError:
        raise _problem(1, 1, 0, "the body is nested too deeply") from None
    if verb and verb.upper() == "GET" and not isinstance(value, dict):
        raise _problem(1, 1, 0, "a GET request needs a JSON object (sent as query)")
    return value


def check(text: str, verb: str | None = None) -> tuple[Any, BodyProblem | None]:
    """``(value, None)`` when ``text`` is a valid body (blank means ``{}``), else
    ``(None, problem)``: :func:`parse_body` without the exception."""
    try:
        return parse_body(text, verb), None
    except BodyError as exc:
        return None, exc.problem


def first_error(text: str, verb: str | None = None) -> BodyProblem | None:
    """The first problem of ``text`` as a body, or None (see :func:`check`)."""
    return check(text, verb)[1]


def parse(text: str) -> Any:
    """The value of ``text`` (``{}`` when blank); raises ``ValueError`` when it is not JSON."""
    return json.loads(text) if text.strip() else {}


def pretty(value: Any, indent: int = 2) -> str:
    """``value`` as indented JSON text (keys in their order, non-ASCII kept)."""
    return json.dumps(value, indent=indent, ensure_ascii=False)


def format_json(text: str, indent: int = 2) -> str:
    """``text`` pretty-printed (keys in their order); raises ``ValueError`` when not JSON."""
    return pretty(parse(text), indent)


def minify_json(text: str) -> str:
    """``text`` without any space; raises ``ValueError`` when not JSON."""
    return json.dumps(parse(text), separators=(",", ":"), ensure_ascii=False)


# -- argument types ---------------------------------------------------------------------------

_OPTIONAL = re.compile(r"^(?:typing\.)?Optional\[(.*)\]$")
_GENERIC = re.compile(r"^(?:typing\.)?([A-Za-z_]+)\[.*\]$")
_ALIASES = {"List": "list", "Dict": "dict", "Mapping": "dict", "Sequence": "list"}
SIMPLE_TYPES = ("str", "int", "float", "bool")


def base_type(arg: ArgSpec) -> tuple[str | None, bool]:
    """``(type, optional)``: the basic type (str, int, float, bool, list, dict or "enum") of an
    argument, None when unknown; ``optional`` when None is allowed."""
    if arg.values:
        return "enum", False
    name = (arg.type_name or "").strip()
    optional = False
    match = _OPTIONAL.match(name)
    if match:
        name, optional = match.group(1).strip(), True
    if name.endswith("| None"):
        name, optional = name[: -len("| None")].strip(), True
    match = _GENERIC.match(name)
    if match:
        name = match.group(1)
    name = _ALIASES.get(name, name)
    return (name if name in (*SIMPLE_TYPES, "list", "dict") else None), optional


_PLACEHOLDERS: dict[str | None, Any] = {
    "str": "",
    "int": 0,
    "float": 0.0,
    "bool": False,
    "list": [],
    "dict": {},
    None: None,
}


def placeholder(arg: ArgSpec) -> Any:
    """A typed placeholder for an argument: the first enum value, "", 0, 0.0, false, [], {}."""
    kind, _ = base_type(arg)
    if kind == "enum":
        return arg.values[0]
    return _PLACEHOLDERS.get(kind)


def skeleton(spec: MethodSpec) -> str:
    """An object with every argument of ``spec`` and a typed placeholder, indented by 2."""
    return pretty({a.name: placeholder(a) for a in spec.args})


def _fits(value: Any, kind: str | None) -> bool:
    if kind is None:
        return True
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, list if kind == "list" else dict)


_KIND_WORDS = {
    "str": "a string",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
    "dict": "an object",
}


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def warnings(value: Any, spec: MethodSpec | None) -> list[str]:
    """What looks wrong in ``value`` for ``spec`` (unknown names, wrong basic types), each a whole
    sentence; the server stays the judge, so these are hints, never reasons to refuse. A method
    whose ``__dir__`` lists no arguments gets no warning about unknown ones."""
    if spec is None:
        return []
    if not isinstance(value, dict):
        return [f"The body is {_json_kind(value)}; {spec.path} takes named arguments (an object)."]
    args = {a.name: a for a in spec.args}
    found: list[str] = []
    for name, item in value.items():
        arg = args.get(name)
        if arg is None:
            # A method whose __dir__ lists no arguments may still take some: nothing to say.
            if args:
                known = ", ".join(args)
                found.append(f'"{name}" is not an argument of {spec.path} (it takes {known}).')
            continue
        kind, optional = base_type(arg)
        if item is None and optional:
            continue
        if kind == "enum":
            if item not in arg.values:
                options = ", ".join(json.dumps(v, ensure_ascii=False) for v in arg.values)
                found.append(f'"{name}" should be one of {options}.')
        elif not _fits(item, kind):
            found.append(f'"{name}" should be {_KIND_WORDS[kind]}, not {_json_kind(item)}.')
    return found


# -- completion -------------------------------------------------------------------------------

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*("?)|[{}\[\],:]|[^\s{}\[\],:"]+', re.S)


@dataclass(frozen=True)
class Completion:
    """What to offer at a cursor: ``kind`` is "key", "value" or "" (nothing); ``key`` is the
    argument whose value is at the cursor; ``options`` are (label, replacement) pairs, the
    replacement standing for ``text[start:end]``."""

    kind: str = ""
    key: str | None = None
    prefix: str = ""
    start: int = 0
    end: int = 0
    in_string: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)


def _top_keys(text: str, skip: int) -> set[str]:
    """Keys of the top-level object, tolerant of broken text; the key at ``skip`` is left out."""
    keys: set[str] = set()
    depth, expect_key = 0, False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            depth += 1
            expect_key = depth == 1 and token == "{"
        elif token in "}]":
            depth -= 1
        elif depth == 1 and token == ",":
            expect_key = True
        elif depth == 1 and expect_key and token.startswith('"'):
            expect_key = False
            if not match.start() <= skip <= match.end():
                with contextlib.suppress(ValueError):
                    keys.add(json.loads(token))
        elif token == ":":
            expect_key = False
    return keys


def _unquote(token: str) -> str:
    body = token[1:-1] if len(token) > 1 and token.endswith('"') else token[1:]
    try:
        return json.loads(f'"{body}"')
    except ValueError:
        return body


def complete(text: str, offset: int, spec: MethodSpec | None) -> Completion:
    """The completion context at ``offset`` of ``text``: argument names not yet present at a key
    position of the top-level object; enum values (or true/false) at the value of a key."""
    before = text[:offset]
    depth, state, key = 0, "", None  # state (at depth 1 of an object): key, colon, value, after
    last = None
    for match in _TOKEN.finditer(before):
        token, last = match.group(), match
        if token in "{[":
            depth += 1
            if depth == 1:
                state = "key" if token == "{" else ""
        elif token in "}]":
            depth -= 1
            if depth == 0:
                state = ""
            elif depth == 1 and state == "value":
                state = "after"
        elif depth == 1 and state:
            if token == ",":
                state = "key"
            elif token == ":":
                state = "value" if state == "colon" else state
            elif state == "key" and token.startswith('"'):
                state, key = "colon", _unquote(token)
            elif state == "value":
                state = "after"
    if depth != 1 or not state or spec is None:
        return Completion()
    # The token under the cursor (if the cursor ends one) is what is being typed.
    typing = last is not None and last.end() == offset and last.group() not in "{}[],:"
    token = last.group() if typing else ""
    open_string = typing and token.startswith('"') and not last.group(1)
    if typing and not open_string and token.startswith('"'):
        return Completion()  # right after a closed string
    if typing and state in ("colon", "after"):  # still typing that key or value
        state = "key" if state == "colon" else "value"
        key = key if state == "value" else None
    if state == "key":
        present = _top_keys(text, offset)
        prefix = token[1:] if open_string else token
        start = offset - len(prefix)
        names = [a.name for a in spec.args if a.name not in present]
        after = text[offset : offset + 1]
        if open_string:
            tail = "" if after == '"' else '": '
            options = [(n, json.dumps(n, ensure_ascii=False)[1:-1] + tail) for n in names]
        else:
            options = [(n, json.dumps(n, ensure_ascii=False) + ": ") for n in names]
        return Completion("key", None, prefix, start, offset, open_string, options)
    if state != "value":
        return Completion()
    arg = next((a for a in spec.args if a.name == key), None)
    values: list[Any] = []
    if arg is not None:
        kind, _ = base_type(arg)
        values = (
            list(arg.values or []) if kind == "enum" else [True, False] if kind == "bool" else []
        )
    prefix = token[1:] if open_string else token
    options = []
    for value in values:
        shown = json.dumps(value, ensure_ascii=False)
        if open_string:
            if not isinstance(value, str):
                continue
            tail = "" if text[offset : offset + 1] == '"' else '"'
            options.append((value, shown[1:-1] + tail))
        else:
            options.append((shown, shown))
    return Completion("value", key, prefix, offset - len(prefix), offset, open_string, options)
