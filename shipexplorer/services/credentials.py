"""The GUI thread's face of API-key storage: :class:`CredentialService`.

It runs every :class:`~shipexplorer.core.keyvault.KeyVault` call on the
:class:`~shipexplorer.services.workers.WorkerPool`, one at a time and in order, keeps an in-memory
cache for synchronous reads, and reports through signals that never carry a key. The vault's names
(``KEYRING_SERVICE``, ``KeyVault``, ``KeyringProblem``, ``check_key``, ``max_key_bytes``) are
re-exported here.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from shipexplorer.api.cancel import CancelToken
from shipexplorer.core.keyring_child import default_vault
from shipexplorer.core.keyring_status import KeyringVerdict, how_to_enable
from shipexplorer.core.keyvault import (
    DEFAULT_TIMEOUT,
    KEYRING_SERVICE,
    WINDOWS_MAX_KEY_BYTES,
    KeyringProblem,
    KeyVault,
    check_key,
    max_key_bytes,
)
from shipexplorer.services.workers import Op, WorkerPool

__all__ = [
    "DEFAULT_TIMEOUT",
    "KEYRING_SERVICE",
    "WINDOWS_MAX_KEY_BYTES",
    "CredentialService",
    "KeyVault",
    "KeyringProblem",
    "check_key",
    "max_key_bytes",
]

log = logging.getLogger(__name__)


@dataclass
class _Pending:
    profile: str
    what: str
    work: Callable[[KeyVault, CancelToken], Any]
    done: Callable[[Any], None]


class CredentialService(QObject):
    """Keys for profiles, for the GUI thread: asynchronous calls, an in-memory cache.

    Signals (none ever carries a key; receivers call :meth:`key_for`):
        modeChanged(bool secure, str explanation): the probe at :meth:`start` finished (and
            again whenever the mode changes, e.g. after a retried probe).
        keyLoaded(str profile, bool present): :meth:`load_key` finished.
        keySaved(str profile): the key was stored (in the keyring, or for the session).
        keyForgotten(str profile): the key was removed.
        keyRenamed(str old, str new): the key moved to the new profile name.
        problem(str profile, str message, bool retryable): a call failed (profile "" for the
            probe); :meth:`retry` repeats the last failed call.
    """

    modeChanged = Signal(bool, str)
    keyLoaded = Signal(str, bool)
    keySaved = Signal(str)
    keyForgotten = Signal(str)
    keyRenamed = Signal(str, str)
    problem = Signal(str, str, bool)

    def __init__(
        self, pool: WorkerPool, vault: KeyVault | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._vault = vault if vault is not None else default_vault()
        self._cache: dict[str, str] = {}
        self._session: dict[str, str] = {}
        self._unsaved: set[str] = set()  # typed keys not (yet) stored: a load must not drop them
        self._queue: deque[_Pending] = deque()
        self._running = False
        self._failed: _Pending | None = None
        self._secure: bool | None = None
        self._announced: KeyringVerdict | None = None

    @property
    def is_secure(self) -> bool | None:
        return self._secure

    def close(self) -> None:
        """Let go of the keyring (its child process ends); a later call opens it again."""
        self._vault.close()

    def key_for(self, profile: str) -> str | None:
        return self._session.get(profile, self._cache.get(profile))

    def has_key(self, profile: str) -> bool:
        return self.key_for(profile) is not None

    def set_session_key(self, profile: str, key: str) -> None:
        """Hold ``key`` in memory for this session only; it is never persisted."""
        self._session[profile] = key

    def start(self) -> None:
        """Probe the keyring; :attr:`modeChanged` follows."""

        def probed(verdict: KeyringVerdict) -> None:
            if self._announced is not verdict:
                self._announce(verdict)

        self._enqueue(_Pending("", "checking the keyring", lambda v, t: v.probe(t), probed))

    def load_key(self, profile: str) -> None:
        def loaded(key: str | None) -> None:
            if key is not None:
                self._cache[profile] = key
                self._unsaved.discard(profile)
            elif profile not in self._unsaved:
                self._cache.pop(profile, None)
            self.keyLoaded.emit(profile, self.has_key(profile))

        self._enqueue(_Pending(profile, "loading a key", lambda v, t: v.get(profile, t), loaded))

    def save_key(self, profile: str, key: str) -> None:
        """Store ``key``; it is usable through :meth:`key_for` at once, even if storing fails."""
        reason = check_key(key)
        if reason is not None:
            refuse = _Pending(profile, "checking a key", lambda v, t: _refuse(reason), _ignore)
            self._enqueue(refuse)
            return
        self._session.pop(profile, None)  # a key the user saves wins over a session key
        self._cache[profile] = key
        self._unsaved.add(profile)

        def saved(_: object) -> None:
            self._unsaved.discard(profile)
            self.keySaved.emit(profile)

        self._enqueue(_Pending(profile, "saving a key", lambda v, t: v.set(profile, key, t), saved))

    def forget_key(self, profile: str) -> None:
        self._cache.pop(profile, None)
        self._session.pop(profile, None)
        self._unsaved.discard(profile)
        forgotten = lambda _: self.keyForgotten.emit(profile)  # noqa: E731
        forget = lambda v, t: v.delete(profile, t)  # noqa: E731
        self._enqueue(_Pending(profile, "forgetting a key", forget, forgotten))

    def rename_key(self, old: str, new: str) -> None:
        for store in (self._cache, self._session):
            if old in store:
                store[new] = store.pop(old)
        if old in self._unsaved:
            self._unsaved.discard(old)
            self._unsaved.add(new)
        renamed = lambda _: self.keyRenamed.emit(old, new)  # noqa: E731
        self._enqueue(_Pending(new, "renaming a key", lambda v, t: v.rename(old, new, t), renamed))

    def retry(self) -> None:
        """Repeat the last call that failed (if any)."""
        failed, self._failed = self._failed, None
        if failed is not None:
            self._enqueue(failed)

    # one keyring call at a time, in order -----------------------------------------------------
    def _enqueue(self, pending: _Pending) -> None:
        self._queue.append(pending)
        self._next()

    def _next(self) -> None:
        if self._running or not self._queue:
            return
        pending = self._queue.popleft()
        self._running = True
        log.debug("%s (profile %r)", pending.what, pending.profile)
        vault = self._vault

        def finished(value: object) -> None:
            self._running = False
            self._note_mode()
            failed_before = self._failed
            if failed_before is not None and _supersedes(pending, failed_before):
                self._failed = None  # a later change of the same key makes the retry moot
            try:
                pending.done(value)
            finally:
                self._next()

        def failed(exc: BaseException) -> None:
            self._running = False
            self._note_mode()
            try:
                self._report(pending, exc)
            finally:
                self._next()

        def cancelled() -> None:
            self._running = False
            self._next()

        (
            Op(self._pool, lambda token, progress: pending.work(vault, token))
            .on_success(finished)
            .on_failure(failed)
            .on_cancelled(cancelled)
            .run()
        )

    def _report(self, pending: _Pending, exc: BaseException) -> None:
        if isinstance(exc, KeyringProblem):
            message, retryable = exc.message, exc.retryable
        else:
            log.error("unexpected error while %s", pending.what, exc_info=exc)
            message, retryable = f"Unexpected error ({type(exc).__name__}); see the log.", False
        if retryable:
            self._failed = pending
        self.problem.emit(pending.profile, message, retryable)

    def _note_mode(self) -> None:
        verdict = self._vault.verdict
        if verdict is not None and verdict.secure != self._secure:
            self._announce(verdict)

    def _announce(self, verdict: KeyringVerdict) -> None:
        self._announced = verdict
        self._secure = verdict.secure
        if verdict.secure:
            explanation = f"API keys are kept in the OS keyring: {verdict.reason}."
        else:
            explanation = (
                f"API keys are kept in memory for this session only: {verdict.reason}. "
                f"{how_to_enable(sys.platform)}"
            )
        self.modeChanged.emit(verdict.secure, explanation)


def _supersedes(done: _Pending, failed: _Pending) -> bool:
    return done.profile == failed.profile and done.what not in ("loading a key", "checking a key")


def _refuse(reason: str) -> None:
    raise KeyringProblem(reason, retryable=False)


def _ignore(_: object) -> None:
    """Nothing to do after a call that only reports."""
