"""The app side: ``GET|POST /{workspace}/{instance}/{method path}`` invokes a package method.

POST arguments come from a JSON object body, GET arguments from the query string, converted to
the method's declared kinds. Results are unwrapped like the Steamship engine does it: ``str`` as
``text/plain``, dicts and lists as raw JSON (no ``data`` wrapper), bytes with their MIME type.
``__dir__`` (GET or POST) answers the package's spec.

An instance that is still initialising answers its methods with 503 (and ``Retry-After``), one
whose initialisation failed with 500 and the failure; ``__dir__`` answers in either case. A path
that names no instance route at all (fewer than two segments) is not found the way the engine's
web framework says it: ``{"error": true, "reason": "Not Found"}``.

A method call with ``X-Task-Background: true`` is answered with a task whose output is the
method's answer (see :func:`.ops_tasks.app_call_in_background`).
"""

from __future__ import annotations

import enum
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shipexplorer.emulator.envelopes import ApiError, encode, json_object, json_reply
from shipexplorer.emulator.local_forward import forward
from shipexplorer.emulator.packages.base import (
    ArgSpec,
    ArgumentError,
    MethodSpec,
    PackageError,
    is_optional,
)
from shipexplorer.emulator.replies import Binary, Reply
from shipexplorer.emulator.store import FAILED_INIT, INITIALIZING, Instance, Store

TEXT = "text/plain; charset=utf-8"
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass
class InvocationContext:
    """What a package method may use through ``self.ctx``."""

    store: Store
    dialect: str
    instance: Instance
    config: dict[str, Any]
    stop_event: threading.Event


def _describe(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) < 60 else text[:57] + '...'}"


def _convert(method: str, arg: ArgSpec, value: Any, from_query: bool) -> Any:
    """Convert one argument to its declared kind, or raise :class:`ArgumentError`."""
    if value is None and is_optional(arg.annotation):
        return None
    kind = arg.value_type
    problem = f"Argument '{arg.name}' of method {method}"
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in kind)
            raise ArgumentError(
                f"{problem} must be one of {allowed}, got {_describe(value)}."
            ) from None
    if from_query and isinstance(value, str):
        return _from_text(problem, kind, value)
    if kind is bool and not isinstance(value, bool):
        raise ArgumentError(f"{problem} must be a boolean, got {_describe(value)}.")
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ArgumentError(f"{problem} must be an integer, got {_describe(value)}.")
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ArgumentError(f"{problem} must be a number, got {_describe(value)}.")
        return float(value)
    for simple in (str, dict, list):
        if kind is simple and not isinstance(value, simple):
            raise ArgumentError(
                f"{problem} must be of type {simple.__name__}, got {_describe(value)}."
            )
    return value


def _from_text(problem: str, kind: Any, text: str) -> Any:
    try:
        if kind is bool:
            lowered = text.strip().lower()
            if lowered in _TRUE or lowered in _FALSE:
                return lowered in _TRUE
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind in (dict, list):
            value = json.loads(text)
            if not isinstance(value, kind):
                raise ValueError(text)
            return value
    except ValueError:
        name = {bool: "a boolean", int: "an integer", float: "a number"}.get(kind, f"a JSON {kind}")
        raise ArgumentError(f"{problem} must be {name}, got {text!r}.") from None
    return text


def convert_arguments(spec: MethodSpec, given: dict[str, Any], from_query: bool) -> dict[str, Any]:
    """The keyword arguments for ``spec`` from what the caller sent."""
    declared = {arg.name: arg for arg in spec.args}
    kwargs: dict[str, Any] = {}
    for name, value in given.items():
        arg = declared.get(name)
        if arg is None:
            if not spec.accepts_any:
                known = ", ".join(declared) or "none"
                raise ArgumentError(
                    f"Method {spec.name} has no argument '{name}' (arguments: {known})."
                )
            kwargs[name] = value
        elif value is None and arg.has_default:
            continue
        else:
            kwargs[name] = _convert(spec.name, arg, value, from_query)
    for arg in spec.args:
        if arg.name not in kwargs and not arg.has_default:
            raise ArgumentError(f"Method {spec.name} needs the argument '{arg.name}'.")
    return kwargs


def to_reply(result: Any) -> Reply:
    """Unwrap a method's result the way the engine does."""
    if isinstance(result, Reply):
        return result
    if isinstance(result, Binary):
        return Reply(body=result.data, content_type=result.mime_type)
    if isinstance(result, str):
        return Reply(body=result.encode("utf-8"), content_type=TEXT)
    if isinstance(result, (bytes, bytearray)):
        return Reply(body=bytes(result), content_type="application/octet-stream")
    if result is None:
        raise ApiError(500, "Handler provided no response.", code="NoResponse")
    return Reply(body=encode(result))


def _query_arguments(query: list[tuple[str, str]]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for key, value in query:
        if key in args:
            previous = args[key]
            args[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            args[key] = value
    return args


def handle(
    store: Store,
    dialect: str,
    stop_event: threading.Event,
    verb: str,
    segments: list[str],
    query: list[tuple[str, str]],
    raw_body: bytes,
    *,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """Invoke ``segments`` = ``[workspace, instance, *method path]`` (errors raise ApiError).

    With ``X-Task-Background: true`` in ``headers``, answer a task instead. An instance of a
    package served from a folder is forwarded to its local server with ``headers`` (the caller's
    request headers; see :mod:`.local_forward`)."""
    from shipexplorer.emulator import ops_tasks

    if ops_tasks.is_background(headers) and len(segments) > 2 and segments[2] != "__dir__":
        assert headers is not None
        foreground = {k: v for k, v in headers.items() if k.lower() != "x-task-background"}

        def call() -> Reply:
            return handle(
                store, dialect, stop_event, verb, segments, query, raw_body, headers=foreground
            )

        return ops_tasks.app_call_in_background(store, dialect, headers, segments[0], call)
    if len(segments) < 2 or not segments[0] or not segments[1]:
        raise ApiError.not_found()
    ws = store.find_workspace(handle=segments[0])
    inst = store.find_instance(ws, handle=segments[1]) if ws is not None else None
    if inst is None:
        raise ApiError(
            404,
            f"No package instance {segments[1]!r} in workspace {segments[0]!r}.",
            code="ObjectNotFound",
            suggestion="Create the instance first.",
        )
    method_path = "/".join(segments[2:])
    if inst.local_url:
        return forward(inst, verb, method_path, query, raw_body, headers or {})
    package = inst.package
    if method_path == "__dir__" and verb in ("GET", "POST"):
        return json_reply(package.dir_spec())
    spec = package.find(verb, method_path)
    if spec is None:
        raise ApiError(404, f"No handler for {verb} {method_path} available.", code="NotFound")
    _check_initialised(inst)
    ctx = InvocationContext(store, dialect, inst, package.effective_config(inst.config), stop_event)
    try:
        if verb == "GET":
            kwargs = convert_arguments(spec, _query_arguments(query), from_query=True)
        else:
            kwargs = convert_arguments(spec, _json_arguments(raw_body), from_query=False)
        result = getattr(package(ctx), spec.name)(**kwargs)
    except ArgumentError as exc:
        raise ApiError(400, exc.message, code=exc.code) from exc
    except PackageError as exc:
        raise ApiError(
            exc.http_status,
            f"Method {spec.name} failed: {exc.message}",
            code=exc.code,
            suggestion=exc.suggestion,
        ) from exc
    except Exception as exc:
        raise ApiError(
            500, f"Method {spec.name} raised {type(exc).__name__}: {exc}", code="PackageError"
        ) from exc
    return to_reply(result)


def _check_initialised(inst: Instance) -> None:
    """Refuse a method call on an instance that is initialising or whose init failed."""
    status = inst.init_status()
    if status == INITIALIZING:
        left = max(1, round(inst.init_seconds_left()))
        raise ApiError(
            503,
            f"Package instance {inst.handle!r} is still initializing (about {left} s left).",
            code="InstanceInitializing",
            suggestion="Wait until package/instance/get reports initStatus 'complete'.",
            headers=[("Retry-After", str(left))],
        )
    if status == FAILED_INIT:
        raise ApiError(
            500,
            f"Package instance {inst.handle!r} failed to initialize: {inst.package.init_failure}",
            code="InstanceInitFailed",
            suggestion="Delete the instance and create it again with another config.",
        )


def _json_arguments(raw_body: bytes) -> dict[str, Any]:
    try:
        return json_object(raw_body, name="The arguments")
    except ValueError as exc:
        raise ArgumentError(str(exc)) from exc
