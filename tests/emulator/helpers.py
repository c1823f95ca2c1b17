"""Helpers shared by the emulator tests (clients, handles, instances, polling)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from shipexplorer.emulator import DEMO_API_KEY, Emulator

AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}


def make_client(emu: Emulator, **kwargs: Any) -> httpx.Client:
    headers = {**AUTH, **kwargs.pop("headers", {})}
    kwargs.setdefault("timeout", 10.0)
    return httpx.Client(base_url=emu.base_url, headers=headers, **kwargs)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create_instance(
    http: httpx.Client, package: str, config: dict[str, Any] | None = None, workspace: str = ""
) -> dict[str, Any]:
    """A new instance of ``package`` in ``workspace`` (created if needed); its JSON."""
    workspace = workspace or unique("ws")
    http.post("api/v1/workspace/create", json={"handle": workspace, "fetchIfExists": True})
    body = {"packageHandle": package, "handle": unique(package), "config": config}
    response = http.post(
        "api/v1/package/instance/create", json=body, headers={"X-Workspace-Handle": workspace}
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["packageInstance"]


def app_path(instance: dict[str, Any], method: str) -> str:
    return f"{instance['workspaceHandle']}/{instance['handle']}/{method}"


def poll_until(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.02) -> Any:
    """Call ``check`` until it returns something truthy, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s (last value {value!r})")
        time.sleep(interval)


def read_response(sock: Any) -> tuple[bytes, dict[bytes, bytes], bytes]:
    """Read one whole HTTP/1.1 answer with a Content-Length from a raw socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before the headers end: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers[b"content-length"])
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body
