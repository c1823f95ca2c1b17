"""Where ``shipexplorer run`` sends: a saved profile (its key from the keyring), the
``STEAMSHIP_*`` variables as the official client reads them, or the embedded emulator.

The key is held in :class:`Target` only (hidden from ``repr``) and never printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shipexplorer.api.settings import ConnectionSettings
from shipexplorer.runner import locations

if TYPE_CHECKING:
    from shipexplorer.emulator import Emulator

KEY_ENV = "STEAMSHIP_API_KEY"
API_BASE_ENV = "STEAMSHIP_API_BASE"
APP_BASE_ENV = "STEAMSHIP_APP_BASE"
WORKSPACE_ENV = "STEAMSHIP_WORKSPACE_HANDLE"


class UsageError(Exception):
    """The arguments or the environment cannot work; the message is for the user (exit 2)."""


@dataclass
class Target:
    """What to send with: ``settings`` (its key inside), what to call it in output, the
    profile's variables, and the emulator to stop at the end (``--local``)."""

    settings: ConnectionSettings = field(repr=False)
    label: str
    variables: Mapping[str, str] = field(default_factory=dict)
    emulator: Emulator | None = None

    @property
    def key(self) -> str | None:
        return self.settings.api_key

    def close(self) -> None:
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None


def local(port: int = 0, environ: Mapping[str, str] | None = None) -> Target:
    """The embedded emulator over the state file the window's ``--local`` uses (its demo
    instances made when the state is new)."""
    from shipexplorer.emulator import DEMO_API_KEY, Emulator

    state = locations.emulator_state_file(environ)
    state.parent.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(port=port, state=state, seed_demo=True)
    try:
        emulator.start()
    except BaseException:
        emulator.stop()
        raise
    settings = ConnectionSettings(
        api_base=emulator.api_base, app_base=emulator.app_base, api_key=DEMO_API_KEY
    )
    return Target(settings, "the local emulator", {}, emulator)


def from_environment(environ: Mapping[str, str] | None = None) -> Target:
    """``STEAMSHIP_API_KEY`` with ``STEAMSHIP_API_BASE`` / ``STEAMSHIP_APP_BASE`` (and
    ``STEAMSHIP_WORKSPACE_HANDLE``), the official client's variables."""
    environ = os.environ if environ is None else environ
    key = (environ.get(KEY_ENV) or "").strip()
    if not key:
        raise UsageError(
            "No connection: pass --profile NAME (its key from the keyring) or --local, or set "
            f"{KEY_ENV} (and {API_BASE_ENV} / {APP_BASE_ENV} for another server)."
        )
    values: dict[str, str] = {"api_key": key}
    for env, name in (
        (API_BASE_ENV, "api_base"),
        (APP_BASE_ENV, "app_base"),
        (WORKSPACE_ENV, "workspace_handle"),
    ):
        if environ.get(env):
            values[name] = environ[env]
    try:
        settings = ConnectionSettings(**values)
    except ValueError as exc:
        raise UsageError(f"The STEAMSHIP_* variables cannot be used: {exc}") from None
    return Target(settings, f"{settings.api_base} (from {KEY_ENV})")


def from_profile(name: str, environ: Mapping[str, str] | None = None) -> Target:
    """A saved profile of the app and its key from the OS keyring."""
    from shipexplorer.core.keyvault import KeyringProblem, KeyVault
    from shipexplorer.core.profiles import ProfileStore

    loaded = ProfileStore(locations.profiles_file(environ)).load()
    profile = loaded.file.get(name)
    if profile is None:
        known = ", ".join(loaded.file.names) or "none saved yet"
        raise UsageError(f"No profile named “{name}” (profiles: {known}).")
    vault = KeyVault()
    try:
        vault.probe()
        key = vault.get(name)
    except KeyringProblem as exc:
        raise UsageError(f"The key of profile “{name}” could not be read: {exc}") from None
    if not vault.secure:
        raise UsageError(
            "No secure keyring is available here, so no profile key can be read: set "
            f"{KEY_ENV} instead."
        )
    if not key:
        raise UsageError(f"The profile “{name}” has no key in the keyring: add one in the app.")
    return Target(profile.connection(key), f"profile “{name}”", dict(profile.variables))
