"""Keyring backends a keyring child process loads by name (``PYTHON_KEYRING_BACKEND``), for the
tests of :mod:`shipexplorer.core.keyring_child`: each misbehaves in one way."""

from __future__ import annotations

import time

from keyring.errors import KeyringLocked, PasswordSetError

from tests.memory_keyring import MemoryKeyring


class Blabbing(MemoryKeyring):
    """Refuses to store, and says the password in its error."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"cannot store {password!r}")


class Locked(MemoryKeyring):
    """Locked: every read fails as a locked keyring does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")


class Hanging(MemoryKeyring):
    """A read waits, as for an unlock prompt nobody answers."""

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(60)
        return None


class Crashing(MemoryKeyring):
    """A read ends the whole process, as a crashing D-Bus library would."""

    def get_password(self, service: str, username: str) -> str | None:
        import os

        os._exit(3)
