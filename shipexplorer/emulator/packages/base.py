"""The small framework the demo packages are written in.

A package is a class whose methods are marked with :func:`method`. The decorator records the HTTP
path, the verbs, the docstring, the typed arguments (with the allowed values of enum arguments) and
the return type, the way the Steamship SDK's ``PackageSpec`` does; ``__dir__`` is generated from
that record. A method receives its arguments as keyword arguments, already converted to the
declared kinds, and can reach the emulator through ``self.ctx``.

A method's result is unwrapped like the Steamship engine does: ``str`` becomes ``text/plain``,
``dict``/``list``/numbers raw JSON, :class:`Binary` its own MIME type, and :class:`Reply` gives
full control of the wire (status, headers, a streamed body, delays, a cut connection).
"""

from __future__ import annotations

import enum
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shipexplorer.emulator.replies import Binary, Reply

__all__ = [
    "ArgSpec",
    "ArgumentError",
    "Binary",
    "MethodSpec",
    "Package",
    "PackageError",
    "Reply",
    "method",
    "validate_config",
]

SDK_VERSION = "2.17.34"
DIR_PATH = "/__dir__"


class PackageError(Exception):
    """An error a package raises on purpose; answered as a failed status (or the package form)."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        suggestion: str | None = None,
        http_status: int = 500,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.suggestion = suggestion
        self.http_status = http_status


class ArgumentError(PackageError):
    """The caller sent arguments the method cannot take (HTTP 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="BadArgument", http_status=400)


@dataclass(frozen=True)
class ArgSpec:
    """One declared argument of a method."""

    name: str
    annotation: Any
    has_default: bool
    default: Any = None

    @property
    def kind(self) -> str:
        return str(self.annotation)

    @property
    def values(self) -> list[Any] | None:
        enum_type = _enum_type(self.annotation)
        return [member.value for member in enum_type] if enum_type else None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "values": self.values}


@dataclass(frozen=True)
class MethodSpec:
    """A method as a package advertises it."""

    name: str
    path: str
    verbs: tuple[str, ...]
    doc: str | None
    args: tuple[ArgSpec, ...]
    returns: str
    accepts_any: bool
    class_name: str = ""

    def as_json(self, verb: str) -> dict[str, Any]:
        return {
            "path": self.path,
            "verb": verb,
            "returns": self.returns,
            "doc": self.doc,
            "args": [arg.as_json() for arg in self.args],
            "config": {},
            "className": self.class_name,
        }


def _enum_type(annotation: Any) -> type[enum.Enum] | None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    if typing.get_origin(annotation) is typing.Union:
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return _enum_type(rest[0])
    return None


def method(
    path: str | None = None,
    *,
    verbs: tuple[str, ...] = ("POST",),
    returns: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a package method; ``path`` defaults to the function name."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func.__emulator_method__ = {  # type: ignore[attr-defined]
            "path": "/" + (path or func.__name__).lstrip("/"),
            "verbs": tuple(v.upper() for v in verbs),
            "returns": returns,
        }
        return func

    return decorate


def _spec_of(cls: type, func: Callable[..., Any], marks: dict[str, Any]) -> MethodSpec:
    sig = inspect.signature(func, eval_str=True)
    args: list[ArgSpec] = []
    accepts_any = False
    for name, param in sig.parameters.items():
        if name == "self":
            continue
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            accepts_any = True
            continue
        has_default = param.default is not inspect.Parameter.empty
        args.append(ArgSpec(name, param.annotation, has_default, param.default))
    return MethodSpec(
        name=func.__name__,
        path=marks["path"],
        verbs=marks["verbs"],
        doc=inspect.getdoc(func),
        args=tuple(args),
        returns=marks["returns"] or str(sig.return_annotation),
        accepts_any=accepts_any,
        class_name=cls.__name__,
    )


class Package:
    """Base class of the demo packages.

    Subclasses set ``handle``, ``description``, ``readme`` and optionally ``config_template``
    (Steamship's ``configTemplate``: key -> ``{"type", "default", "description", "options"?}``).
    """

    handle: str = ""
    description: str = ""
    readme: str = ""
    config_template: dict[str, dict[str, Any]] = {}
    _methods: tuple[MethodSpec, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        specs = []
        for name in dir(cls):
            func = getattr(cls, name, None)
            marks = getattr(func, "__emulator_method__", None)
            if marks is not None:
                specs.append(_spec_of(cls, func, marks))
        cls._methods = tuple(specs)

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx

    @classmethod
    def find(cls, verb: str, path: str) -> MethodSpec | None:
        path = "/" + path.lstrip("/")
        for spec in cls._methods:
            if spec.path == path and verb in spec.verbs:
                return spec
        return None

    @classmethod
    def dir_spec(cls) -> dict[str, Any]:
        """The package's spec, shaped like the SDK's ``PackageSpec.dict(by_alias=True)``."""
        methods = [
            (spec.path, verb, spec.as_json(verb)) for spec in cls._methods for verb in spec.verbs
        ]
        for verb in ("GET", "POST"):
            methods.append(
                (
                    DIR_PATH,
                    verb,
                    {
                        "path": DIR_PATH,
                        "verb": verb,
                        "returns": "<class 'dict'>",
                        "doc": "Return this Invocable's PackageSpec for remote inspection.",
                        "args": [],
                        "config": {},
                        "className": cls.__name__,
                    },
                )
            )
        methods.sort(key=lambda item: (item[0], item[1]))
        return {
            "name": cls.__name__,
            "doc": inspect.getdoc(cls),
            "sdkVersion": SDK_VERSION,
            "usedMixins": [],
            "methods": [item[2] for item in methods],
        }

    @classmethod
    def manifest(cls) -> dict[str, Any]:
        """The ``profile`` of ``package/get``: a manifest carrying the ``configTemplate``."""
        return {
            "type": "package",
            "handle": cls.handle,
            "version": "1.0.0",
            "description": cls.description,
            "public": True,
            "entrypoint": "Unused",
            "steamshipRegistry": {"tagline": cls.description, "tags": ["demo", "emulator"]},
            "configTemplate": cls.config_template,
        }

    @classmethod
    def effective_config(cls, config: dict[str, Any] | None) -> dict[str, Any]:
        """The instance config with the template's defaults filled in."""
        merged = {key: spec.get("default") for key, spec in cls.config_template.items()}
        merged.update({k: v for k, v in (config or {}).items() if v is not None})
        return merged


_TEMPLATE_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


def validate_config(template: dict[str, dict[str, Any]], config: Any) -> None:
    """Check an instance config against a ``configTemplate``; raise :class:`ArgumentError`.

    A null value means "use the default". The message always names the offending key.
    """
    if config is None:
        return
    if not isinstance(config, dict):
        raise ArgumentError("The config must be a JSON object.")
    for key, value in config.items():
        spec = template.get(key)
        if spec is None:
            known = ", ".join(sorted(template)) or "none"
            raise ArgumentError(f"Unknown config key '{key}' (known keys: {known}).")
        if value is None:
            continue
        kind = spec.get("type", "string")
        types = _TEMPLATE_TYPES.get(kind)
        wrong = types is not None and (
            not isinstance(value, types) or (kind == "number" and isinstance(value, bool))
        )
        if wrong:
            raise ArgumentError(
                f"Config key '{key}' must be of type {kind}, got {type(value).__name__}."
            )
        options = spec.get("options")
        if options and value not in options:
            allowed = ", ".join(repr(o) for o in options)
            raise ArgumentError(f"Config key '{key}' must be one of {allowed}, got {value!r}.")
