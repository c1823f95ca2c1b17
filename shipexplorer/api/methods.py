"""The ``__dir__`` answer of a package instance, parsed into method specs for forms and editors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ArgSpec:
    """One argument: ``kind`` as written (``"<class 'str'>"``); ``values`` lists enum choices."""

    name: str
    kind: str | None = None
    values: list[Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def type_name(self) -> str | None:
        """``"<class 'str'>"`` -> ``"str"``; other spellings as they are."""
        if self.kind is None:
            return None
        kind = self.kind.strip()
        if kind.startswith("<class '") and kind.endswith("'>"):
            return kind[len("<class '") : -2]
        return kind


@dataclass(frozen=True)
class MethodSpec:
    """One method: ``path`` without its leading ``/``; ``verb`` upper-case (POST when missing)."""

    path: str
    verb: str = "POST"
    doc: str | None = None
    returns: str | None = None
    args: list[ArgSpec] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


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
