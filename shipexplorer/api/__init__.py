"""Steamship over HTTP, without Qt: settings, requests, decoding, tasks, errors, exchanges, exports.

Typical use::

    client = SteamshipClient(ConnectionSettings(api_base=..., app_base=..., api_key=key))
    inst = client.instance_create("echo", "my-echo").value
    result = client.invoke(inst, "echo", {"hello": "world"}, cancel=CancelToken())

Names load their module on first use (PEP 562), so importing one light name (``ConnectionSettings``)
does not import httpx: the window can paint before the network stack is loaded.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "ApiError": "errors",
    "ApiRequest": "request",
    "ArgSpec": "methods",
    "CancelToken": "cancel",
    "CancellableTransport": "transport",
    "Cancelled": "errors",
    "ConfigField": "models",
    "ConnectFailed": "errors",
    "ConnectTimeout": "errors",
    "ConnectionDropped": "errors",
    "ConnectionRefused": "errors",
    "ConnectionReport": "connection_check",
    "ConnectionSettings": "settings",
    "Data": "decode",
    "DeadlineExceeded": "errors",
    "Decoded": "decode",
    "DnsError": "errors",
    "Exchange": "exchange",
    "HttpError": "errors",
    "InsecureTransportError": "errors",
    "InstanceRef": "request",
    "MethodSpec": "methods",
    "NO_BODY": "request",
    "NetworkError": "errors",
    "Package": "models",
    "PackageInstance": "models",
    "PackageSpec": "methods",
    "Page": "models",
    "PoolTimeout": "errors",
    "ProtocolError": "errors",
    "RateLimited": "errors",
    "ReadTimeout": "errors",
    "RedirectNotFollowed": "errors",
    "RemoteError": "errors",
    "RequestTimeout": "errors",
    "Result": "client",
    "RetryPolicy": "retry",
    "SteamshipClient": "client",
    "Task": "tasks",
    "TaskFailed": "errors",
    "TlsError": "errors",
    "USER_AGENT": "client",
    "User": "models",
    "Workspace": "models",
    "WriteTimeout": "errors",
    "check_connection": "connection_check",
    "decode": "decode",
    "describe": "errors",
    "find_task": "tasks",
    "is_idempotent": "retry",
    "is_local": "settings",
    "is_loopback_url": "settings",
    "parse_methods": "methods",
    "parse_retry_after": "decode",
    "redact": "redact",
    "to_curl": "export",
    "to_python": "export",
}

__all__ = sorted(_EXPORTS)

# Two functions share their module's name; once the submodule is imported the package attribute
# would be the module. Both modules are light (no httpx), so they are bound now.
from .decode import decode as decode  # noqa: E402
from .redact import redact as redact  # noqa: E402


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
