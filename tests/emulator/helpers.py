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
    return httpx.Client(base_url=emu.base_url, headers=headers, timeout=10.0, **kwargs)


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
