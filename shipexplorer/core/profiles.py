"""Connection profiles (a name and its settings, never a key) and the versioned file holding them.

Pure Python (no Qt). Keys live in the OS keyring, keyed by profile name; a :class:`Profile`
refuses one. The built-in "Local emulator" profile of ``--local`` is never written to disk.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from shipexplorer.api.settings import ConnectionSettings, is_loopback_url
from shipexplorer.core import storage, variables
from shipexplorer.core.storage import type_name

LOCAL_PROFILE_NAME = "Local emulator"
MAX_NAME_LENGTH = 64

_BASES = {"api_base": "API base", "app_base": "App base", "web_base": "Web base"}
_OPTIONAL_TEXT = {"workspace_handle", "workspace_id", "ca_file"}
_LIMITS = {
    "connect_timeout": "Connect timeout",
    "read_timeout": "Read timeout",
    "write_timeout": "Write timeout",
    "pool_timeout": "Pool timeout",
    "deadline": "Deadline",
}
# Yes/no settings; a missing one takes its default (use_system_proxy: on).
_FLAGS = {"use_system_proxy"}
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _bad_char(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI_CONTROLS


def quoted(text: str, limit: int = 80) -> str:
    """``text`` in double quotes for a message, control characters escaped, long text cut."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def name_problems(name: str, *, builtin: bool = False) -> list[str]:
    """What is wrong with a profile name, for the user (empty when it is fine)."""
    if not name.strip():
        return ["Give the profile a name."]
    problems = []
    if len(name) > MAX_NAME_LENGTH:
        problems.append(f"The name is longer than {MAX_NAME_LENGTH} characters.")
    if any(_bad_char(ch) for ch in name):
        problems.append("The name contains a line break or another control character.")
    if name != name.strip():
        problems.append("The name starts or ends with a space.")
    if name == LOCAL_PROFILE_NAME and not builtin:
        problems.append(f"{quoted(name)} is the built-in profile's name; choose another.")
    return problems


def _url_problems(label: str, url: str, *, carries_key: bool) -> list[str]:
    if any(ch.isspace() or _bad_char(ch) for ch in url):
        return [f"{label} contains spaces or control characters."]
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return [f"{label} {quoted(url)} is not a valid URL."]
    if parts.scheme not in ("http", "https"):
        return [f"{label} {quoted(url)} should start with https:// (or http:// to this machine)."]
    if not parts.hostname:
        return [f"{label} {quoted(url)} has no host name."]
    if parts.username is not None or parts.password is not None:
        # The URL is not repeated: it holds a password.
        return [f"{label} contains a user name or password; remove it (the key has its own field)."]
    problems = []
    if parts.query or parts.fragment:
        problems.append(f"{label} {quoted(url)} should not have a query (?…) or fragment (#…).")
    if carries_key and parts.scheme == "http" and not is_loopback_url(url):
        problems.append(
            f"{label} {quoted(url)} uses plain http:// to a host that is not this machine: "
            "the API key would be sent in clear. Use https://."
        )
    return problems


def _text(value: Any, what: str, *, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{what} should be text, not {type_name(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} holds characters that are not valid Unicode") from None
    return value


def _seconds(value: Any, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} should be a number of seconds, not {type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{what} should be a finite number of seconds")
    return value


@dataclass(frozen=True)
class Profile:
    """A named connection. ``settings.api_key`` is always None: keys never live in a Profile."""

    name: str
    settings: ConnectionSettings = field(default_factory=ConnectionSettings)
    builtin: bool = False
    #: the profile's variables (``{{name}}`` in requests), never a secret; the lowest layer
    variables: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(f"a profile name should be text, not {type_name(self.name)}")
        if self.settings.api_key is not None:
            raise ValueError(
                "A profile never holds an API key (keys live in the keyring); "
                "pass the key to Profile.connection() instead."
            )

    def connection(self, api_key: str | None) -> ConnectionSettings:
        """The settings to connect with: this profile's, with ``api_key`` (empty means none)."""
        return self.settings.replace(api_key=api_key or None)

    def problems(self) -> list[str]:
        """What is wrong with this profile, one sentence each, for the user (empty when fine)."""
        s = self.settings
        problems = name_problems(self.name, builtin=self.builtin)
        for attr, label in _BASES.items():
            problems += _url_problems(label, getattr(s, attr), carries_key=attr != "web_base")
        for attr, label in _LIMITS.items():
            value = getattr(s, attr)
            if value is not None and not _positive(value):
                problems.append(f"{label} should be a positive number of seconds (or no limit).")
        if not isinstance(s.max_retries, int) or s.max_retries < 0:
            problems.append("Retries should be a whole number, 0 or more.")
        for attr, label in (
            ("workspace_handle", "Workspace handle"),
            ("workspace_id", "Workspace id"),
        ):
            value = getattr(s, attr)
            if value and any(ch.isspace() or _bad_char(ch) for ch in value):
                problems.append(f"{label} contains spaces or control characters.")
        if s.ca_file and not _is_file(s.ca_file):
            problems.append(f"CA file {quoted(s.ca_file)} does not exist or is not a file.")
        return problems

    def to_dict(self) -> dict[str, Any]:
        """``{"name": ..., "settings": {...}}``, JSON-ready; never a key, never ``builtin``
        (``"variables"`` too, when it has some)."""
        data: dict[str, Any] = {"name": self.name, "settings": self.settings.to_dict()}
        if self.variables:
            data["variables"] = dict(sorted(self.variables.items()))
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Profile:
        """Build from :meth:`to_dict` output. Unknown keys are ignored (an ``api_key`` too),
        missing settings take their defaults; a wrong type raises ``ValueError`` saying which."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a profile should be an object, not {type_name(data)}")
        if "name" not in data:
            raise ValueError("the profile has no name")
        name = _text(data["name"], "name", optional=False)
        raw = data.get("settings")
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise ValueError(f"settings should be an object, not {type_name(raw)}")
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _BASES:
                values[key] = _text(value, key, optional=False)
            elif key in _OPTIONAL_TEXT:
                values[key] = _text(value, key, optional=True)
            elif key in _LIMITS:
                values[key] = _seconds(value, key)
            elif key in _FLAGS:
                if not isinstance(value, bool):
                    raise ValueError(f"{key} should be true or false, not {type_name(value)}")
                values[key] = value
            elif key == "max_retries":
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(
                        f"max_retries should be a whole number, not {type_name(value)}"
                    )
                values[key] = value
        own = variables.clean(data.get("variables"))
        return cls(name=str(name), settings=ConnectionSettings(**values), variables=own)


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < math.inf


def _is_file(path: str) -> bool:
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def local_profile(api_base: str, app_base: str) -> Profile:
    """The built-in profile of ``--local``: the embedded emulator, no workspace; never saved."""
    settings = ConnectionSettings(api_base=api_base, app_base=app_base, workspace_handle=None)
    return Profile(LOCAL_PROFILE_NAME, settings, builtin=True)


@dataclass
class ProfilesFile:
    """What the profiles file holds. Names are unique (case-sensitive); order is the user's."""

    profiles: list[Profile] = field(default_factory=list)
    selected: str | None = None
    import_offered: bool = False

    def get(self, name: str) -> Profile | None:
        return next((p for p in self.profiles if p.name == name), None)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.profiles]


@dataclass(frozen=True)
class LoadResult:
    """``file`` is empty when the file was missing or damaged; ``problem`` is for the user."""

    file: ProfilesFile
    problem: str | None = None
    read_only: bool = False


class ProfilesReadOnlyError(RuntimeError):
    """``save`` refused: the file on disk must not be overwritten (newer version, unreadable)."""


_SHOWN_SKIPS = 5


class ProfileStore:
    """Loads and saves :class:`ProfilesFile` at ``path``, atomically, never a key."""

    KIND = "shipexplorer-profiles"
    SCHEMA_VERSION = 1

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._refusal: str | None = None

    def load(self) -> LoadResult:
        """Read the file. Never raises; see :class:`LoadResult`."""
        self._refusal = None
        read = storage.read_versioned_json(
            self.path, kind=self.KIND, current_version=self.SCHEMA_VERSION
        )
        status = storage.ReadStatus
        if read.status is status.MISSING:
            return LoadResult(ProfilesFile())
        if read.status is status.UNREADABLE:
            self._refusal = f"{self.path} could not be read, so it is not overwritten."
            return LoadResult(ProfilesFile(), f"Profiles could not be loaded: {read.message}", True)
        if read.status is status.CORRUPT:
            return self._damaged(read)
        data = read.data or {}
        newer = read.status is status.NEWER
        if newer:
            self._refusal = (
                f"{self.path} was written by a newer shipexplorer and is not overwritten; "
                "update shipexplorer to change profiles."
            )
        profiles, selected, offered = (
            data.get("profiles", []),
            data.get("selected"),
            data.get("importOffered", False),
        )
        wrong = _top_level_problem(profiles, selected, offered)
        if wrong and not newer:
            return self._damaged(storage.corrupt(self.path, wrong))
        if wrong:  # a newer layout: take what can be read
            profiles = profiles if isinstance(profiles, list) else []
            selected = selected if isinstance(selected, str) else None
            offered = offered is True
        file = ProfilesFile(import_offered=offered)
        skipped: list[str] = []
        for index, entry in enumerate(profiles, start=1):
            label = f"entry {index}"
            if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
                label = quoted(entry["name"])
            try:
                profile = Profile.from_dict(entry)
            except ValueError as exc:
                skipped.append(f"{label} ({exc})")
                continue
            bad_name = name_problems(profile.name)
            if bad_name:
                skipped.append(f"{label} ({bad_name[0].rstrip('.').lower()})")
            elif profile.name in file.names:
                skipped.append(f"{label} (a second profile with this name)")
            else:
                file.profiles.append(profile)
        file.selected = selected if selected in file.names else None
        messages = [read.message] if read.message else []
        if skipped:
            messages.append(self._skip_message(skipped, keep_copy=not newer))
        return LoadResult(file, "\n".join(messages) or None, newer)

    def save(self, file: ProfilesFile) -> None:
        """Write ``file`` atomically. Built-in profiles are left out; ``selected`` is written only
        when it names a saved profile. Raises ``ValueError`` for a profile that could not be read
        back (bad name, duplicate, wrong types, a key) and :class:`ProfilesReadOnlyError` when the
        file on disk is a newer version or could not be read."""
        refusal = self._refusal or self._newer_on_disk()
        if refusal:
            raise ProfilesReadOnlyError(refusal)
        saved: list[Profile] = [p for p in file.profiles if not p.builtin]
        seen: set[str] = set()
        for profile in saved:
            if profile.settings.api_key is not None:
                raise ValueError(f"Profile {quoted(profile.name)} holds an API key; not saved.")
            problems = name_problems(profile.name)
            if problems:
                raise ValueError(f"Profile {quoted(profile.name)}: {problems[0]}")
            if profile.name in seen:
                raise ValueError(f"Two profiles are named {quoted(profile.name)}.")
            seen.add(profile.name)
            try:
                Profile.from_dict(profile.to_dict())
            except ValueError as exc:
                raise ValueError(f"Profile {quoted(profile.name)}: {exc}.") from None
        document = {
            "kind": self.KIND,
            "schemaVersion": self.SCHEMA_VERSION,
            "profiles": [p.to_dict() for p in saved],
            "selected": file.selected if file.selected in seen else None,
            "importOffered": bool(file.import_offered),
        }
        storage.atomic_write_json(self.path, document)

    def _damaged(self, read: storage.VersionedRead) -> LoadResult:
        if read.moved_to is None:
            self._refusal = f"{self.path} is damaged and could not be moved aside; not overwritten."
            return LoadResult(ProfilesFile(), read.message, True)
        return LoadResult(
            ProfilesFile(),
            f"The profiles file {self.path} was damaged ({read.reason}). It was moved aside to "
            f"{read.moved_to} and shipexplorer starts with no profiles.",
        )

    def _skip_message(self, skipped: list[str], *, keep_copy: bool) -> str:
        shown = "; ".join(skipped[:_SHOWN_SKIPS])
        if len(skipped) > _SHOWN_SKIPS:
            shown += f"; and {len(skipped) - _SHOWN_SKIPS} more"
        count = "1 profile was" if len(skipped) == 1 else f"{len(skipped)} profiles were"
        message = f"{count} left out of {self.path} (could not be read): {shown}."
        if keep_copy:
            try:
                copy = storage.copy_aside(self.path)
            except OSError:
                pass
            else:
                message += f" The file as it was is kept at {copy}."
        return message

    def _newer_on_disk(self) -> str | None:
        try:
            raw = storage.read_limited(self.path, storage.MAX_JSON_BYTES)
        except OSError:
            return None
        value, _ = storage.decode_json_bytes(raw or b"")
        if not isinstance(value, dict) or value.get("kind") != self.KIND:
            return None
        version = value.get("schemaVersion")
        if type(version) is int and version > self.SCHEMA_VERSION:
            return f"{self.path} was written by a newer shipexplorer and is not overwritten."
        return None


def _top_level_problem(profiles: Any, selected: Any, offered: Any) -> str | None:
    if not isinstance(profiles, list):
        return f"profiles should be a list, not {type_name(profiles)}"
    if selected is not None and not isinstance(selected, str):
        return f"selected should be a profile name, not {type_name(selected)}"
    if not isinstance(offered, bool):
        return f"importOffered should be true or false, not {type_name(offered)}"
    return None
