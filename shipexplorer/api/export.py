"""Export a call as a ``curl`` command or as Python with the official ``steamship`` client.

The key is always written as ``$STEAMSHIP_API_KEY`` (an environment variable), never literally.
"""

from __future__ import annotations

import shlex
from typing import Any

from .exchange import Exchange
from .redact import redact
from .request import NO_BODY, ApiRequest
from .settings import ConnectionSettings

KEY_VAR = "STEAMSHIP_API_KEY"
_SKIP = {"content-length", "host", "user-agent", "accept", "accept-encoding", "connection"}


def _request_parts(
    source: ApiRequest | Exchange, settings: ConnectionSettings | None, client: Any = None
) -> tuple[str, str, list[tuple[str, str]], bytes | None]:
    if isinstance(source, Exchange):
        return source.method, source.url, list(source.request_headers), source.request_body
    if client is not None:
        headers = client.headers_for(source, api_key="***")
    else:
        headers = [("Authorization", "Bearer ***")]
        if settings is not None and settings.workspace_id:
            headers.append(("X-Workspace-Id", settings.workspace_id))
        elif settings is not None and settings.workspace_handle:
            headers.append(("X-Workspace-Handle", settings.workspace_handle))
        if source.json_body is not NO_BODY:
            headers.append(("Content-Type", "application/json"))
    return source.method, source.url, headers, source.body_bytes()


def to_curl(
    source: ApiRequest | Exchange, settings: ConnectionSettings | None = None, *, client: Any = None
) -> str:
    """A shell command that repeats the call; the key comes from ``$STEAMSHIP_API_KEY``."""
    method, url, headers, body = _request_parts(source, settings, client)
    secrets = (settings.api_key,) if settings is not None and settings.api_key else ()
    parts = ["curl", "-sS", "-X", method, shlex.quote(redact(url, secrets))]
    for name, value in headers:
        if name.lower() in _SKIP:
            continue
        if name.lower() == "authorization":
            parts += ["-H", f'"Authorization: Bearer ${KEY_VAR}"']
            continue
        parts += ["-H", shlex.quote(f"{name}: {redact(value, secrets)}")]
    if body is not None:
        text = redact(body.decode("utf-8", errors="replace"), secrets)
        parts += ["--data-raw", shlex.quote(text)]
    return " \\\n  ".join(_pairs(parts))


def _pairs(parts: list[str]) -> list[str]:
    """Group flags with their values so the command reads one option per line."""
    lines: list[str] = [" ".join(parts[:5])]
    i = 5
    while i < len(parts):
        lines.append(f"{parts[i]} {parts[i + 1]}")
        i += 2
    return lines


def _py(value: Any) -> str:
    return repr(value)


def to_python(source: ApiRequest | Exchange, settings: ConnectionSettings) -> str:
    """Python that makes the same call with the official client (steamship 2.17)."""
    request = source.request if isinstance(source, Exchange) else source
    if request is None:
        raise ValueError("this exchange does not carry its request")
    secrets = (settings.api_key,) if settings.api_key else ()
    kwargs = [
        f'api_key=os.environ["{KEY_VAR}"]',
        f"api_base={_py(settings.api_base)}",
        f"app_base={_py(settings.app_base)}",
    ]
    ref = request.instance
    workspace = (
        ref.workspace_handle if ref and ref.workspace_handle else None
    ) or settings.workspace_handle
    if workspace:
        kwargs.append(f"workspace={_py(workspace)}")
    lines = ["import os", "", "from steamship import Steamship"]
    if ref is not None and ref.package_handle is None:
        lines.append("from steamship.data.package.package_instance import PackageInstance")
    lines += ["", "client = Steamship(", *[f"    {kw}," for kw in kwargs], ")"]
    if request.package_call and ref is not None:
        if ref.package_handle:
            use = [_py(ref.package_handle), _py(ref.instance_handle)]
            if ref.config:
                use.append(f"config={_py(ref.config)}")
            lines.append(f"instance = client.use({', '.join(use)})")
        else:
            lines.append(f"instance = PackageInstance.get(client, {_py(ref.instance_handle)})")
        call = [_py(request.method_path)]
        if request.method != "POST":
            call.append(f"verb={_py(request.method)}")
        args = request.args if isinstance(request.args, dict) else {}
        if args:
            call.append(f"**{_py(args)}")
        lines.append(f"result = instance.invoke({', '.join(call)})")
    else:
        body = None if request.json_body is NO_BODY else request.json_body
        verb = "get" if request.method == "GET" else "post"
        payload = request.args if request.method == "GET" else body
        call = [_py(request.operation)]
        if payload:
            call.append(_py(payload))
        if request.background:
            call.append("as_background_task=True")
        lines.append(f"result = client.{verb}({', '.join(call)})")
    lines.append("print(result)")
    return redact("\n".join(lines) + "\n", secrets)
