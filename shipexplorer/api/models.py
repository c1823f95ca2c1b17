"""Small, tolerant records for what the API operations return (``raw`` keeps the whole object)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _unwrap(obj: Any, key: str) -> dict[str, Any]:
    """``{"workspace": {...}}`` -> ``{...}``; a flat object stays; a non-dict gives ``{}``."""
    if isinstance(obj, dict) and isinstance(obj.get(key), dict):
        return obj[key]
    return obj if isinstance(obj, dict) else {}


def _str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return None if value is None else str(value)


@dataclass(frozen=True)
class User:
    id: str | None
    handle: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_data(cls, data: Any) -> User:
        obj = _unwrap(data, "user")
        return cls(_str(obj, "id"), _str(obj, "handle"), obj)


@dataclass(frozen=True)
class Workspace:
    id: str | None
    handle: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_data(cls, data: Any) -> Workspace:
        obj = _unwrap(data, "workspace")
        return cls(_str(obj, "id"), _str(obj, "handle"), obj)


@dataclass(frozen=True)
class ConfigField:
    """One entry of a package's ``configTemplate``."""

    name: str
    type: str | None = None
    default: Any = None
    description: str | None = None
    options: list[Any] | None = None


def config_fields(template: Any) -> list[ConfigField]:
    """A ``configTemplate`` (a map, or that map as a JSON string) as fields, tolerant of gaps."""
    if isinstance(template, str):
        try:
            template = json.loads(template)
        except ValueError:
            return []
    if not isinstance(template, dict):
        return []
    fields = []
    for name, spec in template.items():
        spec = spec if isinstance(spec, dict) else {}
        options = spec.get("options")
        fields.append(
            ConfigField(
                name=str(name),
                type=None if spec.get("type") is None else str(spec.get("type")),
                default=spec.get("default"),
                description=spec.get("description"),
                options=list(options) if isinstance(options, list) else None,
            )
        )
    return fields


@dataclass(frozen=True)
class PackageVersion:
    """One version of a package (``package/version/list``): its handle and ``configTemplate``."""

    id: str | None
    handle: str | None
    package_id: str | None = None
    template: Any = field(default=None, repr=False)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_template(self) -> bool:
        """True when the record says what config it takes (even "none": an empty template)."""
        return isinstance(self.template, (dict, str))

    @property
    def config_template(self) -> list[ConfigField]:
        return config_fields(self.template)

    @classmethod
    def from_data(cls, data: Any) -> PackageVersion:
        obj = _unwrap(data, "packageVersion")
        return cls(
            id=_str(obj, "id"),
            handle=_str(obj, "handle"),
            package_id=_str(obj, "packageId"),
            template=obj.get("configTemplate"),
            raw=obj,
        )


@dataclass(frozen=True)
class Package:
    id: str | None
    handle: str | None
    description: str | None = None
    readme: str | None = None
    is_public: bool | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def config_template(self) -> list[ConfigField]:
        """The manifest's ``configTemplate`` (in ``profile``, or at the top), tolerant of gaps."""
        template = self.profile.get("configTemplate") if isinstance(self.profile, dict) else None
        if not isinstance(template, dict):
            template = self.raw.get("configTemplate")
        return config_fields(template)

    @property
    def version(self) -> str | None:
        """The version whose manifest ``profile`` is (its ``version``), when it says."""
        value = self.profile.get("version") if isinstance(self.profile, dict) else None
        return None if value is None else str(value)

    @property
    def versions(self) -> list[PackageVersion]:
        """Versions the record itself carries (``versions`` or ``packageVersions``; most servers
        carry none: ``package/version/list`` lists them)."""
        for key in ("versions", "packageVersions"):
            items = self.raw.get(key)
            if isinstance(items, list):
                return [PackageVersion.from_data(item) for item in items if isinstance(item, dict)]
        return []

    @classmethod
    def from_data(cls, data: Any) -> Package:
        obj = _unwrap(data, "package")
        profile = obj.get("profile")
        return cls(
            id=_str(obj, "id"),
            handle=_str(obj, "handle"),
            description=obj.get("description"),
            readme=obj.get("readme"),
            is_public=obj.get("isPublic"),
            profile=profile if isinstance(profile, dict) else {},
            raw=obj,
        )


@dataclass(frozen=True)
class PackageInstance:
    id: str | None
    handle: str | None
    package_id: str | None = None
    package_handle: str | None = None
    package_version_id: str | None = None
    package_version_handle: str | None = None
    user_handle: str | None = None
    user_id: str | None = None
    invocation_url: str | None = None
    config: dict[str, Any] | None = None
    workspace_id: str | None = None
    workspace_handle: str | None = None
    init_status: str | None = None
    created_at: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_data(cls, data: Any) -> PackageInstance:
        obj = _unwrap(data, "packageInstance")
        config = obj.get("config")
        return cls(
            id=_str(obj, "id"),
            handle=_str(obj, "handle"),
            package_id=_str(obj, "packageId"),
            package_handle=_str(obj, "packageHandle"),
            package_version_id=_str(obj, "packageVersionId"),
            package_version_handle=_str(obj, "packageVersionHandle"),
            user_handle=_str(obj, "userHandle"),
            user_id=_str(obj, "userId"),
            invocation_url=_str(obj, "invocationURL") or _str(obj, "invocationUrl"),
            config=config if isinstance(config, dict) else None,
            workspace_id=_str(obj, "workspaceId"),
            workspace_handle=_str(obj, "workspaceHandle"),
            init_status=_str(obj, "initStatus"),
            created_at=_str(obj, "createdAt"),
            raw=obj,
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list operation."""

    items: list[T]
    next_page_token: str | None = None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def page_of(data: Any, key: str, parse: Any) -> Page[Any]:
    obj = data if isinstance(data, dict) else {}
    items = obj.get(key)
    items = items if isinstance(items, list) else []
    token = obj.get("nextPageToken")
    return Page([parse(item) for item in items], None if token is None else str(token))
