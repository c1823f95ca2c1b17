"""What users already have: profiles from ``~/.steamship.json`` and the ``STEAMSHIP_*`` variables.

Pure Python (no Qt), read-only: nothing here ever writes ``~/.steamship.json``. Every reader
returns candidates and plain-language problems; bad input never raises.

The official client reads the file's top level, or with ``STEAMSHIP_PROFILE`` only that entry of
``profiles`` (a named profile inherits nothing from the top level); keys may be camelCase or
snake_case (it runs them through ``inflection.underscore``); variables override the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shipexplorer.api.settings import ConnectionSettings
from shipexplorer.core.profiles import (
    LOCAL_PROFILE_NAME,
    MAX_NAME_LENGTH,
    Profile,
    _bad_char,
    quoted,
)
from shipexplorer.core.storage import decode_json_bytes, read_limited, type_name

CONFIG_FILE_NAME = ".steamship.json"
MAX_CONFIG_BYTES = 1024 * 1024
TOP_LEVEL_NAME = "default"
ENVIRONMENT_NAME = "environment"
ENVIRONMENT_SOURCE = "environment (STEAMSHIP_*)"
ENVIRONMENT_VARIABLES = {
    "STEAMSHIP_API_KEY": "api_key",
    "STEAMSHIP_API_BASE": "api_base",
    "STEAMSHIP_APP_BASE": "app_base",
    "STEAMSHIP_WEB_BASE": "web_base",
    "STEAMSHIP_WORKSPACE_HANDLE": "workspace_handle",
    "STEAMSHIP_WORKSPACE_ID": "workspace_id",
}
PROFILE_VARIABLE = "STEAMSHIP_PROFILE"
_FIELDS = frozenset(ENVIRONMENT_VARIABLES.values())


@dataclass(frozen=True)
class ImportCandidate:
    """A profile that could be imported, its key (hidden from ``repr``) and where it came from."""

    profile: Profile
    api_key: str | None = field(repr=False)
    source: str

    def __repr__(self) -> str:
        key = "<hidden>" if self.api_key else None
        return f"ImportCandidate(profile={self.profile!r}, api_key={key}, source={self.source!r})"

    __str__ = __repr__


@dataclass
class ImportScan:
    """Candidates in the order found, and one sentence per problem met on the way."""

    candidates: list[ImportCandidate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def extend(self, other: ImportScan) -> None:
        self.candidates += other.candidates
        self.problems += other.problems


def underscore(word: str) -> str:
    """``inflection.underscore``: ``apiKey`` and ``APIKey`` give ``api_key``."""
    word = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", word)
    word = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", word)
    return word.replace("-", "_").lower()


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Names:
    """Hands out valid, unique profile names (the built-in profile's name is never one)."""

    def __init__(self) -> None:
        self.taken = {LOCAL_PROFILE_NAME}
        self.counters: dict[str, int] = {}

    @staticmethod
    def clean(raw: str) -> str:
        name = " ".join("".join(" " if _bad_char(ch) else ch for ch in raw).split())
        return name[:MAX_NAME_LENGTH].rstrip() or "unnamed"

    def claim(self, wanted: str, *alternatives: str) -> str:
        for option in (wanted, *alternatives):
            name = self.clean(option)
            if name not in self.taken:
                self.taken.add(name)
                return name
        base = self.clean(wanted)
        counter = self.counters.get(base, 2)
        while True:
            suffix = f" ({counter})"
            name = base[: MAX_NAME_LENGTH - len(suffix)].rstrip() + suffix
            counter += 1
            if name not in self.taken:
                self.counters[base] = counter
                self.taken.add(name)
                return name


def _candidate(name: str, values: dict[str, str], source: str) -> ImportCandidate:
    settings = ConnectionSettings(**{k: v for k, v in values.items() if k != "api_key"})
    return ImportCandidate(Profile(name, settings), values.get("api_key"), source)


def _section(data: Mapping[str, Any], where: str) -> tuple[dict[str, str] | None, str | None]:
    """The known settings of one section, or (None, why it was skipped)."""
    values: dict[str, str] = {}
    for key, value in data.items():
        name = underscore(key)
        if name not in _FIELDS or value is None:
            continue
        if not isinstance(value, str):
            return None, f"{where} was skipped: {key} should be text, not {type_name(value)}."
        if not _is_text(value):
            return None, f"{where} was skipped: {key} holds characters that are not valid text."
        if value.strip():
            values[name] = value.strip()
    return values, None


@dataclass
class _Config:
    """A read ``~/.steamship.json``: top-level values, named sections, names seen, problems."""

    display: str
    top: dict[str, str] | None = None
    named: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    read: bool = False


def _display(path: Path) -> str:
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except (ValueError, RuntimeError, KeyError):
        return str(path)


def _read_config(path: Path, display: str) -> _Config:
    config = _Config(display)
    try:
        raw = read_limited(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return config
    except OSError as exc:
        why = exc.strerror or str(exc)
        config.problems.append(
            f"{display} could not be read ({why}); nothing was imported from it."
        )
        return config
    if raw is None:
        config.problems.append(f"{display} is larger than 1 MB; it was not read.")
        return config
    value, reason = decode_json_bytes(raw)
    if reason is not None:
        config.problems.append(f"{display} could not be read: {reason}. Nothing was imported.")
        return config
    if not isinstance(value, dict):
        config.problems.append(
            f"{display} should hold a JSON object, not {type_name(value)}; nothing was imported."
        )
        return config
    config.read = True
    top = {k: v for k, v in value.items() if k != "profiles"}
    if any(underscore(k) in _FIELDS and v is not None for k, v in top.items()):
        config.top, problem = _section(top, f"{display}: the top level")
        config.problems += [problem] if problem else []
    profiles = value.get("profiles")
    if profiles is not None and not isinstance(profiles, dict):
        config.problems.append(
            f"{display}: profiles should be an object of named settings, not "
            f"{type_name(profiles)}; no named profile was imported."
        )
        profiles = None
    for name, entry in (profiles or {}).items():
        config.seen.add(name)
        where = f"{display}: profile {quoted(name)}"
        if not isinstance(entry, dict):
            kind = type_name(entry)
            config.problems.append(f"{where} was skipped: it should be an object, not {kind}.")
            continue
        values, problem = _section(entry, where)
        if values is None:
            config.problems.append(problem or f"{where} was skipped.")
        else:
            config.named.append((name, values))
    return config


def _config_scan(config: _Config, names: _Names) -> ImportScan:
    result = ImportScan(problems=list(config.problems))
    named = [names.claim(name) for name, _ in config.named]  # they keep their own names first
    if config.top is not None:
        top = names.claim(TOP_LEVEL_NAME, f"{TOP_LEVEL_NAME} (top level)")
        result.candidates.append(_candidate(top, config.top, config.display))
    for claimed, (name, values) in zip(named, config.named, strict=True):
        source = f"{config.display}, profile {quoted(name)}"
        result.candidates.append(_candidate(claimed, values, source))
    return result


def read_steamship_config(path: Path, *, display: str | None = None) -> ImportScan:
    """Candidates from a ``~/.steamship.json``: its top level (named ``default``) and each entry
    of ``profiles`` (named after it). A missing file gives nothing; a malformed one, problems and
    whatever entries could be read. ``display`` is how messages name the file."""
    path = Path(path)
    return _config_scan(_read_config(path, display or _display(path)), _Names())


def _environment(
    env: Mapping[str, str], names: _Names, config: _Config | None = None
) -> ImportScan:
    result = ImportScan()
    values: dict[str, str] = {}
    for variable, name in ENVIRONMENT_VARIABLES.items():
        value = env.get(variable) or ""
        if not _is_text(value):
            result.problems.append(
                f"{variable} holds bytes that are not valid text; it was ignored."
            )
        elif value.strip():
            values[name] = value.strip()
    if not values:
        return result
    selected = env.get(PROFILE_VARIABLE) or ""
    selected = selected.strip() if _is_text(selected) else ""
    source = ENVIRONMENT_SOURCE
    if config is not None and config.read:
        base = config.top
        where = config.display
        if selected:
            base = dict(config.named).get(selected)
            where = f"{config.display}, profile {quoted(selected)}"
            if selected not in config.seen:
                result.problems.append(
                    f"{PROFILE_VARIABLE} names {quoted(selected)}, which {config.display} does "
                    "not have; the STEAMSHIP_* variables were read on their own."
                )
        if base:
            values = {**base, **values}
            source = f"{ENVIRONMENT_SOURCE} over {where}"
    wanted = selected or ENVIRONMENT_NAME
    name = names.claim(wanted, f"{wanted} (environment)")
    result.candidates.append(_candidate(name, values, source))
    return result


def read_environment(env: Mapping[str, str]) -> ImportScan:
    """A candidate from the ``STEAMSHIP_*`` variables, named by ``STEAMSHIP_PROFILE`` (else
    ``environment``); none when no value variable is set (empty values count as unset)."""
    return _environment(env, _Names())


def scan(home: Path, env: Mapping[str, str]) -> ImportScan:
    """Everything importable: ``home/.steamship.json``, then the variables (over the file section
    the official client would use, as it does). Names are unique across the result."""
    names = _Names()
    config = _read_config(Path(home) / CONFIG_FILE_NAME, "~/" + CONFIG_FILE_NAME)
    result = _config_scan(config, names)
    result.extend(_environment(env, names, config))
    return result
