"""Keys in the OS keyring (service ``shipexplorer``, user = profile name), or in process memory.

:class:`KeyVault` is plain, blocking Python meant for a worker thread: every keyring call is bounded
by :func:`~shipexplorer.core.call_timeout.run_with_timeout` and every failure becomes one
:class:`KeyringProblem` whose message a user can act on (and which never contains the key). Without
a secure backend (see :mod:`~shipexplorer.core.keyring_status`) the vault keeps keys in memory
for the session and never calls the backend's ``set_password``: nothing is written anywhere.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from shipexplorer.api.cancel import CancelToken
from shipexplorer.core.call_timeout import CallTimedOut, run_with_timeout
from shipexplorer.core.keyring_status import KeyringVerdict, assess_backend, current_verdict

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# keyring itself is imported inside the calls, which run on workers: importing it costs tens of
# milliseconds that the first paint of the window need not wait for.

log = logging.getLogger(__name__)

KEYRING_SERVICE = "shipexplorer"
DEFAULT_TIMEOUT = 10.0
WINDOWS_MAX_KEY_BYTES = 2560  # CRED_MAX_CREDENTIAL_BLOB_SIZE


class KeyringProblem(Exception):
    """A keyring call failed: ``message`` is for the user; ``retryable``: a retry may help."""

    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


def max_key_bytes(platform: str) -> int | None:
    """The largest key the platform's keyring stores, in bytes as stored; None when no limit."""
    return WINDOWS_MAX_KEY_BYTES if platform.startswith("win") else None


def check_key(key: str, platform: str = sys.platform) -> str | None:
    """Why ``key`` cannot be saved as it is (a sentence for the user), or None when it can."""
    if not key:
        return "The key is empty."
    if any(c in key for c in "\r\n"):
        return "The key contains a line break, a common paste error; remove it and try again."
    if any(c.isspace() for c in key):
        return "The key contains a space or tab, a common paste error; remove it and try again."
    limit = max_key_bytes(platform)
    if limit is not None:
        # keyring's Windows backend stores the key as UTF-16, so that is the size that counts.
        size = len(key.encode("utf-16-le"))
        if size > limit:
            return (
                f"Windows Credential Manager stores at most {limit:,} bytes; this key is "
                f"{size:,} bytes (as stored, UTF-16)."
            )
    return None


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "[key]") if secret else text


class KeyVault:
    """Blocking key storage for a worker thread; thread-safe, one keyring call at a time."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        backend: KeyringBackend | None = None,
        service: str = KEYRING_SERVICE,
    ) -> None:
        self.timeout = timeout
        self.service = service
        self._given = backend
        self._backend: KeyringBackend | None = None
        self._memory: dict[str, str] = {}
        self._lock = threading.RLock()
        self.verdict: KeyringVerdict | None = None

    @property
    def secure(self) -> bool | None:
        """True: keys go to the OS keyring; False: memory for this session; None: not probed."""
        return None if self.verdict is None else self.verdict.secure

    def probe(self, token: CancelToken | None = None) -> KeyringVerdict:
        """Decide between the OS keyring and session-only memory (may talk to D-Bus)."""

        def choose() -> tuple[KeyringBackend | None, KeyringVerdict]:
            if self._given is not None:
                return self._given, assess_backend(self._given)
            verdict = current_verdict()
            if not verdict.secure:
                return None, verdict
            import keyring

            backend = keyring.get_keyring()
            return backend, assess_backend(backend)

        with self._lock:
            backend, verdict = self._call(choose, "checking the keyring", token=token)
            self._backend = backend if verdict.secure else None
            self.verdict = verdict
            log.info(
                "key storage: %s (%s)", "secure" if verdict.secure else "session only", verdict
            )
            return verdict

    def get(self, profile: str, token: CancelToken | None = None) -> str | None:
        with self._lock:
            if not self._ready(token):
                return self._memory.get(profile)
            return self._read(profile, token)

    def set(self, profile: str, key: str, token: CancelToken | None = None) -> None:
        with self._lock:
            if not self._ready(token):
                self._memory[profile] = key
                return
            self._write(profile, key, token)

    def delete(self, profile: str, token: CancelToken | None = None) -> None:
        """Remove the key of ``profile``; a missing key is fine."""
        with self._lock:
            if not self._ready(token):
                self._memory.pop(profile, None)
                return
            self._remove(profile, token)

    def close(self) -> None:
        """Let go of what the vault holds open (nothing here; a child process in a subclass)."""

    # The keyring itself, once the probe found a secure one (a subclass asks a child process).
    def _ready(self, token: CancelToken | None) -> bool:
        """Whether keys go to the keyring (probing first if needed)."""
        if self.verdict is None:
            self.probe(token)
        return self._backend is not None

    def _read(self, profile: str, token: CancelToken | None) -> str | None:
        backend = self._backend
        assert backend is not None
        what = f"reading the key of profile {profile!r}"
        return self._call(lambda: backend.get_password(self.service, profile), what, token)

    def _write(self, profile: str, key: str, token: CancelToken | None) -> None:
        backend = self._backend
        assert backend is not None
        what = f"saving the key of profile {profile!r}"
        self._call(lambda: backend.set_password(self.service, profile, key), what, token, key)

    def _remove(self, profile: str, token: CancelToken | None) -> None:
        backend = self._backend
        assert backend is not None
        what = f"deleting the key of profile {profile!r}"

        def remove() -> bool:
            from keyring.errors import PasswordDeleteError

            try:
                backend.delete_password(self.service, profile)
            except PasswordDeleteError:
                return False  # keyring's way of saying "no such key", mostly
            return True

        if not self._call(remove, what, token) and self._read(profile, token) is not None:
            raise KeyringProblem(f"The keyring refused {what}.", retryable=True)

    def rename(self, old: str, new: str, token: CancelToken | None = None) -> bool:
        """Move the key of ``old`` to ``new`` (copy, then delete); False when there was none.

        A key already stored under ``new`` is replaced. If the copy fails nothing is lost.
        """
        if old == new:
            return self.get(old, token) is not None
        with self._lock:
            key = self.get(old, token)
            if key is None:
                return False
            self.set(new, key, token)
            try:
                self.delete(old, token)
            except KeyringProblem as problem:
                raise KeyringProblem(
                    f"The key was copied to profile {new!r}, but the old entry {old!r} could not "
                    f"be removed: {problem.message}",
                    problem.retryable,
                ) from problem
            return True

    def _call(
        self,
        fn: Callable[[], Any],
        what: str,
        token: CancelToken | None = None,
        secret: str | None = None,
    ) -> Any:
        from keyring.errors import InitError, KeyringError, KeyringLocked, NoKeyringError

        try:
            return run_with_timeout(fn, self.timeout, what, token=token)
        except CallTimedOut as exc:
            message = (
                f"The keyring did not answer within {self.timeout:g} s "
                f"(an unlock prompt may be waiting) while {what}."
            )
            raise KeyringProblem(message, retryable=True) from exc
        except (InitError, KeyringLocked) as exc:
            log.warning("keyring locked while %s: %s", what, _scrub(str(exc), secret))
            raise KeyringProblem("The keyring is locked; unlock it and retry.", True) from exc
        except NoKeyringError as exc:
            detail = _scrub(str(exc), secret)
            raise KeyringProblem(f"No usable keyring while {what}: {detail}", False) from exc
        except (KeyringError, RuntimeError, OSError) as exc:
            detail = _scrub(str(exc) or type(exc).__name__, secret)
            log.warning("keyring failed while %s: %s", what, detail)
            message = f"The keyring failed while {what}: {detail}"
            raise KeyringProblem(message, retryable=True) from exc
        except Exception as exc:
            if not type(exc).__module__.startswith(("secretstorage", "jeepney", "dbus")):
                raise
            detail = _scrub(str(exc) or type(exc).__name__, secret)
            log.warning("D-Bus error while %s: %s", what, detail)
            message = f"The keyring service (D-Bus) failed while {what}: {detail}"
            raise KeyringProblem(message, retryable=True) from exc
