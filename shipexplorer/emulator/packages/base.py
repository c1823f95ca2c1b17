"""The small framework the demo packages are written in.

A package is a class whose methods are marked with :func:`method`. The decorator records the HTTP
path, the verbs, the docstring, the typed arguments (with the allowed values of enum arguments) and
the return type, the way the Steamship SDK's ``PackageSpec`` does; ``__dir__`` is generated from
that record. A method receives its arguments as keyword arguments, already converted to the
declared kinds, and can reach the emulator through ``self.ctx``.

A method's result is unwrapped like the Steamship engine does: ``str`` becomes ``text/plain``,
``dict``/``list``/numbers raw JSON, :class:`Binary` its own MIME type, and :class:`Reply` gives
full control of the wire (status, headers, a streamed body, delays, a cut connection).

``__dir__`` spells argument kinds the way real packages do, in one of two spellings:
``"class"`` (``<class 'str'>``, ``typing.Optional[str]``: ``str()`` of the annotation) or
``"name"`` (``str``, ``Optional[str]``, ``int``), chosen per package by
:attr:`Package.kind_spelling`.

A package whose instances take a while to initialise says so with :meth:`Package.init_seconds`
(and :attr:`Package.init_failure` for one whose initialisation fails); the instance's
``initStatus`` is derived from its creation time.
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
KIND_SPELLINGS = ("class", "name")


def type_name(annotation: Any) -> str:
    """A type in the short spelling: ``str``, ``Optional[str]``, ``List[int]``, ``Any``."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return "Any"
    if annotation is None or annotation is type(None):
        return "None"
    origin = typing.get_origin(annotation)
    if origin is typing.Union or (
        origin is not None and getattr(origin, "__name__", "") == "UnionType"
    ):
        args = typing.get_args(annotation)
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return f"Optional[{type_name(rest[0])}]"
        return f"Union[{', '.join(type_name(a) for a in args)}]"
    if origin is not None:
        names = {list: "List", dict: "Dict", tuple: "Tuple", set: "Set"}
        name = names.get(origin, getattr(origin, "__name__", str(origin)))
        return f"{name}[{', '.join(type_name(a) for a in typing.get_args(annotation))}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def spell_kind(annotation: Any, spelling: str) -> str:
    """An annotation as ``__dir__`` lists it, in ``spelling`` (see :data:`KIND_SPELLINGS`)."""
    return type_name(annotation) if spelling == "name" else str(annotation)


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
    def value_type(self) -> Any:
        """The annotation without ``Optional``: what a non-null value must be."""
        return optional_inner(self.annotation)

    @property
    def values(self) -> list[Any] | None:
        enum_type = _enum_type(self.annotation)
        return [member.value for member in enum_type] if enum_type else None

    def as_json(self, spelling: str = "class") -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": spell_kind(self.annotation, spelling),
            "values": self.values,
        }


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
    returns_name: str = ""  # the return kind in the short spelling

    def as_json(self, verb: str, spelling: str = "class") -> dict[str, Any]:
        returns = self.returns_name if spelling == "name" and self.returns_name else self.returns
        return {
            "path": self.path,
            "verb": verb,
            "returns": returns,
            "doc": self.doc,
            "args": [arg.as_json(spelling) for arg in self.args],
            "config": {},
            "className": self.class_name,
        }


def optional_inner(annotation: Any) -> Any:
    """``X`` for ``Optional[X]`` (``X | None``), else the annotation itself."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or (
        origin is not None and getattr(origin, "__name__", "") == "UnionType"
    ):
        args = typing.get_args(annotation)
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return rest[0]
    return annotation


def is_optional(annotation: Any) -> bool:
    return optional_inner(annotation) is not annotation


def _enum_type(annotation: Any) -> type[enum.Enum] | None:
    annotation = optional_inner(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    return None


def method(
    path: str | None = None,
    *,
    verbs: tuple[str, ...] = ("POST",),
    returns: str | None = None,
    returns_name: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a package method; ``path`` defaults to the function name. ``returns`` and
    ``returns_name`` override the return kind ``__dir__`` lists, in each spelling."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func.__emulator_method__ = {  # type: ignore[attr-defined]
            "path": "/" + (path or func.__name__).lstrip("/"),
            "verbs": tuple(v.upper() for v in verbs),
            "returns": returns,
            "returns_name": returns_name,
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
        returns_name=marks["returns_name"] or type_name(sig.return_annotation),
    )


class Package:
    """Base class of the demo packages.

    Subclasses set ``handle``, ``description``, ``readme`` and optionally ``config_template``
    (Steamship's ``configTemplate``: key -> ``{"type", "default", "description", "options"?}``),
    ``kind_spelling`` (how ``__dir__`` spells argument kinds), :meth:`init_seconds` and
    :attr:`init_failure` (an initialisation that takes time, and how it fails).
    """

    handle: str = ""
    description: str = ""
    readme: str = ""
    config_template: dict[str, dict[str, Any]] = {}
    kind_spelling: str = "class"
    #: when set, an instance's initialisation ends ``failed`` with this message
    init_failure: str | None = None
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
    def init_seconds(cls, config: dict[str, Any]) -> float | None:
        """How long an instance with this (effective) config takes to initialise; None when it
        needs no initialisation (``initStatus: notNeeded``)."""
        return None

    @classmethod
    def check_config(cls, config: dict[str, Any]) -> None:
        """Check the effective config beyond its types; raise :class:`ArgumentError`."""

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
        spelling = cls.kind_spelling
        methods = [
            (spec.path, verb, spec.as_json(verb, spelling))
            for spec in cls._methods
            for verb in spec.verbs
        ]
        for verb in ("GET", "POST"):
            methods.append(
                (
                    DIR_PATH,
                    verb,
                    {
                        "path": DIR_PATH,
                        "verb": verb,
                        "returns": "dict" if spelling == "name" else "<class 'dict'>",
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
