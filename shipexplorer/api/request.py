"""A request before it is sent: what to call, with what, and (for exports) how it was asked for.

It holds no key: headers are computed by the client when sending, or with a placeholder for exports.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from .models import PackageInstance


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Any = _NoBody()


@dataclass(frozen=True)
class InstanceRef:
    """What invoking needs to know of a package instance (any of it may be missing)."""

    instance_handle: str | None
    workspace_handle: str | None = None
    user_handle: str | None = None
    package_id: str | None = None
    instance_id: str | None = None
    package_handle: str | None = None
    config: dict[str, Any] | None = None

    @classmethod
    def from_instance(cls, instance: PackageInstance) -> InstanceRef:
        return cls(
            instance_handle=instance.handle,
            workspace_handle=instance.workspace_handle,
            user_handle=instance.user_handle,
            package_id=instance.package_id,
            instance_id=instance.id,
            package_handle=instance.package_handle,
            config=instance.config,
        )

    def replace(self, **changes: Any) -> InstanceRef:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class ApiRequest:
    """One call to make. ``json_body`` is :data:`NO_BODY` for GET; ``args`` keeps what was asked."""

    method: str
    url: str
    json_body: Any = NO_BODY
    operation: str | None = None  # an API operation ("workspace/list")
    package_call: bool = False
    package_owner: str | None = None
    package_id: str | None = None
    package_instance_id: str | None = None
    background: bool = False
    idempotent: bool = False
    instance: InstanceRef | None = None
    method_path: str | None = None  # a package method ("greet")
    args: Any = None

    def body_bytes(self) -> bytes | None:
        """The body as ``requests``' ``json=`` writes it: ``json.dumps`` with default separators."""
        if self.json_body is NO_BODY:
            return None
        return json.dumps(self.json_body, allow_nan=False).encode("utf-8")
