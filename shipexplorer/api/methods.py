"""The ``__dir__`` answer of a package instance, parsed into method specs for forms and editors.

Types come as the package wrote them (``"<class 'str'>"``, ``"typing.List[str]"``,
``"Optional[int]"``); :func:`type_words` says one in the words a user reads ("text", "number",
"yes/no", "object", "list"...), for anything that shows a type: arguments, what a method returns,
config fields (their JSON-schema names, "string", "boolean", "array", read the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: a type's name (its last dotted part, lower-case) -> what a user reads
_WORDS = {
    "str": "text",
    "string": "text",
    "bytes": "bytes",
    "int": "whole number",
    "integer": "whole number",
    "float": "number",
    "number": "number",
    "decimal": "number",
    "bool": "yes/no",
    "boolean": "yes/no",
    "dict": "object",
    "mapping": "object",
    "object": "object",
    "list": "list",
    "sequence": "list",
    "tuple": "list",
    "set": "list",
    "array": "list",
    "any": "any value",
    "none": "nothing",
    "nonetype": "nothing",
}
_CLASS = re.compile(r"^<(?:class|enum) '([^']*)'>$")
_GENERIC = re.compile(r"^([\w.]+)\s*\[(.*)\]$", re.S)


def _split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _words(kind: str) -> str:
    kind = kind.strip()
    match = _CLASS.match(kind)
    if match:
        kind = match.group(1)
    alternatives = _split_top(kind, "|")
    if len(alternatives) > 1:
        return _union([_words(a) for a in alternatives])
    match = _GENERIC.match(kind)
    if match:
        outer = match.group(1).rsplit(".", 1)[-1].lower()
        inner = _split_top(match.group(2), ",")
        if outer == "optional" and len(inner) == 1:
            return _union([_words(inner[0]), "nothing"])
        if outer == "union":
            return _union([_words(a) for a in inner])
        if outer == "literal":
            return "one of " + ", ".join(inner)
        return _WORDS.get(outer, outer if outer in _WORDS.values() else _named(match.group(1)))
    name = kind.rsplit(".", 1)[-1]
    return _WORDS.get(name.lower(), name if name.lower() in _WORDS.values() else _named(kind))


def _named(kind: str) -> str:
    """A class of the package's own (``steamship.data.file.File``): its short name."""
    return kind.rsplit(".", 1)[-1] or "any value"


def _union(words: list[str]) -> str:
    seen = [w for i, w in enumerate(words) if w not in words[:i]]
    if "nothing" in seen and len(seen) > 1:
        seen.remove("nothing")
        return " or ".join(seen) + " (optional)"
    return " or ".join(seen)


def type_words(kind: str | None) -> str | None:
    """A type as a user reads it: ``"<class 'str'>"`` -> ``"text"``, ``int`` -> ``"whole
    number"``, ``float`` -> ``"number"``, ``bool`` -> ``"yes/no"``, ``dict`` -> ``"object"``,
    ``typing.List[str]`` -> ``"list"``, ``Optional[int]`` -> ``"whole number (optional)"``; a
    package's own class by its short name; None for none. Words come back unchanged."""
    if kind is None or not str(kind).strip():
        return None
    return _words(str(kind))


@dataclass(frozen=True)
class ArgSpec:
    """One argument: ``kind`` as written (``"<class 'str'>"``); ``values`` lists enum choices."""

    name: str
    kind: str | None = None
    values: list[Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def type_name(self) -> str | None:
        """``"<class 'str'>"`` -> ``"str"``; other spellings as they are (for parsing; a user
        reads :attr:`type_words`)."""
        if self.kind is None:
            return None
        kind = self.kind.strip()
        if kind.startswith("<class '") and kind.endswith("'>"):
            return kind[len("<class '") : -2]
        return kind

    @property
    def type_words(self) -> str | None:
        """The type as a user reads it ("text", "number", "yes/no"...; see :func:`type_words`);
        "one of the choices" for an enum."""
        if self.values:
            return "one of the choices"
        return type_words(self.kind)


@dataclass(frozen=True)
class MethodSpec:
    """One method: ``path`` without its leading ``/``; ``verb`` upper-case (POST when missing)."""

    path: str
    verb: str = "POST"
    doc: str | None = None
    returns: str | None = None
    args: list[ArgSpec] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def returns_words(self) -> str | None:
        """What the method returns, as a user reads it (``"<class 'dict'>"`` -> ``"object"``)."""
        return type_words(self.returns)


@dataclass(frozen=True)
class PackageSpec:
    name: str | None = None
    doc: str | None = None
    sdk_version: str | None = None
    methods: list[MethodSpec] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def method(self, path: str, verb: str | None = None) -> MethodSpec | None:
        path = path.lstrip("/")
        for spec in self.methods:
            if spec.path == path and (verb is None or spec.verb == verb.upper()):
                return spec
        return None


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _arg(obj: Any) -> ArgSpec | None:
    if isinstance(obj, str):
        return ArgSpec(name=obj)
    if not isinstance(obj, dict) or obj.get("name") is None:
        return None
    values = obj.get("values")
    return ArgSpec(
        name=str(obj["name"]),
        kind=_opt_str(obj.get("kind")),
        values=list(values) if isinstance(values, list) else None,
        raw=obj,
    )


def parse_methods(data: Any) -> PackageSpec:
    """Parse a ``__dir__`` answer; missing or odd fields are skipped, never fatal."""
    obj = data if isinstance(data, dict) else {}
    methods = []
    raw_methods = obj.get("methods")
    for item in raw_methods if isinstance(raw_methods, list) else []:
        if not isinstance(item, dict) or item.get("path") is None:
            continue
        raw_args = item.get("args")
        args = [a for a in map(_arg, raw_args if isinstance(raw_args, list) else []) if a]
        methods.append(
            MethodSpec(
                path=str(item["path"]).lstrip("/"),
                verb=str(item.get("verb") or "POST").upper(),
                doc=_opt_str(item.get("doc")),
                returns=_opt_str(item.get("returns")),
                args=args,
                raw=item,
            )
        )
    return PackageSpec(
        name=_opt_str(obj.get("name")),
        doc=_opt_str(obj.get("doc")),
        sdk_version=_opt_str(obj.get("sdkVersion")),
        methods=methods,
        raw=obj,
    )
