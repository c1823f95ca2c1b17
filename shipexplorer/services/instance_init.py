"""Waiting for package instances to initialise, the way the official client waits before use.

A package that defines ``instance_init`` answers ``package/instance/create`` with
``initStatus: "initializing"``. The official client (``PackageInstance.wait_for_init``) then
sleeps a second and polls ``package/instance/get`` by handle, again and again while the status
is ``initializing``, for up to 180 s. :class:`InitWatcher` does the same for every instance it
is asked to watch: one short ``package/instance/get`` job on the worker pool per poll (no
thread waits in between), a second apart, until the status is anything else or 180 s passed.

The pure helpers read an instance record: :func:`init_state` maps ``initStatus`` to "ready",
"initialising" or "failed"; :func:`init_message` finds why an initialisation failed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from shipexplorer.api import ConnectionSettings, PackageInstance, describe

if TYPE_CHECKING:
    from shipexplorer.services.client_provider import ClientProvider
    from shipexplorer.services.workers import JobHandle, WorkerPool

__all__ = [
    "FAILED",
    "INITIALISING",
    "POLL_SECONDS",
    "READY",
    "TIMEOUT_SECONDS",
    "InitProgress",
    "InitWatcher",
    "init_message",
    "init_state",
]

READY, INITIALISING, FAILED = "ready", "initialising", "failed"
#: the official client's cadence and limit (``wait_for_init(max_timeout_s=180, retry_delay_s=1)``)
POLL_SECONDS = 1.0
TIMEOUT_SECONDS = 180.0

#: the service's ``initStatus`` values (and a few spellings seen elsewhere), as states
_STATES = {
    "notneeded": READY,
    "ready": READY,
    "succeeded": READY,
    "complete": READY,
    "completed": READY,
    "initializing": INITIALISING,
    "initialising": INITIALISING,
    "running": INITIALISING,
    "waiting": INITIALISING,
    "failed": FAILED,
    "error": FAILED,
}
#: where a record may say why its initialisation failed (the protocol names none)
_MESSAGE_KEYS = (
    "initStatusMessage",
    "initMessage",
    "initError",
    "initFailure",
    "statusMessage",
    "message",
    "error",
)


def init_state(instance: PackageInstance | None) -> str:
    """ "ready", "initialising" or "failed" ("" when the record does not say)."""
    status = (instance.init_status if instance is not None else None) or ""
    return _STATES.get(status.replace("_", "").replace("-", "").lower(), "")


def init_message(instance: PackageInstance | None) -> str:
    """Why the initialisation of ``instance`` failed, as the record says ("" when it does not)."""
    raw = instance.raw if instance is not None else {}
    for source in (raw, raw.get("initTask"), raw.get("status"), raw.get("init")):
        if not isinstance(source, dict):
            continue
        for key in _MESSAGE_KEYS:
            value = source.get(key)
            if isinstance(value, dict):
                value = value.get("message") or value.get("statusMessage")
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


@dataclass(frozen=True)
class InitProgress:
    """What is known of one instance's initialisation."""

    state: str  # READY, INITIALISING, FAILED, or "" (the record does not say)
    elapsed: float | None = None  # seconds waited so far (None: not watched here)
    message: str = ""  # why it failed, or the last poll's error
    timed_out: bool = False  # still initialising when the wait gave up

    @property
    def waiting(self) -> bool:
        """Still initialising and still watched: ``__dir__`` must wait."""
        return self.state == INITIALISING and not self.timed_out

    def words(self) -> str:
        """A few words for a list row: "ready", "initialising… 12 s", "failed"."""
        if self.state == INITIALISING:
            if self.timed_out:
                return f"still initialising after {_seconds(self.elapsed)}"
            if self.elapsed is None:
                return "initialising…"
            return f"initialising… {_seconds(self.elapsed)}"
        return self.state

    def sentence(self) -> str:
        """One sentence for a request tab or a methods error ("" when ready or unknown)."""
        if self.state == FAILED:
            why = self.message or "the server gave no reason"
            return f"This instance failed to initialise: {why.rstrip('.')}."
        if self.state != INITIALISING:
            return ""
        if self.timed_out:
            return (
                f"This instance is still initialising after {_seconds(self.elapsed)} (it goes on "
                "on the server); reload its methods or press F5 to wait again."
            )
        text = self.words()
        if self.message:
            text += f" (the last check failed: {self.message.rstrip('.')})"
        return text


def _seconds(elapsed: float | None) -> str:
    return f"{int(elapsed or 0)} s"


class _Watch:
    """One instance being waited for (GUI thread only)."""

    def __init__(self, key: Any, instance: PackageInstance, settings: ConnectionSettings) -> None:
        self.key = key
        self.instance = instance
        self.settings = settings
        self.started = time.monotonic()
        self.ended_at: float | None = None
        self.state = INITIALISING
        self.message = ""
        self.timed_out = False
        self.job: JobHandle | None = None
        self.timer: QTimer | None = None

    def progress(self) -> InitProgress:
        end = self.ended_at if self.ended_at is not None else time.monotonic()
        return InitProgress(self.state, end - self.started, self.message, self.timed_out)


class InitWatcher(QObject):
    """Polls ``package/instance/get`` for instances that are initialising, as the official
    client does (``interval`` 1 s, sleeping first; ``timeout`` 180 s), on the worker pool.

    Signals:
        changed(object): a watch key; its :meth:`progress` changed (once a second while it
            initialises, and when its state changes).
        ended(object, object): a watch key and the instance's last record: the wait ended
            (ready, failed, or given up after ``timeout``: see :meth:`progress`).
    """

    changed = Signal(object)
    ended = Signal(object, object)

    def __init__(
        self,
        clients: ClientProvider,
        pool: WorkerPool,
        parent: QObject | None = None,
        *,
        interval: float = POLL_SECONDS,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(parent)
        self._clients = clients
        self._pool = pool
        self.interval = interval
        self.timeout = timeout
        self._watches: dict[Any, _Watch] = {}
        self._ticker = QTimer(self)  # the elapsed seconds shown while anything initialises
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)

    # -- reading ------------------------------------------------------------------------------
    def progress(self, key: Any) -> InitProgress | None:
        """What the watch of ``key`` knows (None: never watched, or forgotten)."""
        watch = self._watches.get(key)
        return watch.progress() if watch is not None else None

    def watching(self, key: Any) -> bool:
        watch = self._watches.get(key)
        return watch is not None and watch.state == INITIALISING and not watch.timed_out

    # -- actions ------------------------------------------------------------------------------
    def watch(self, key: Any, instance: PackageInstance, settings: ConnectionSettings) -> None:
        """Wait for ``instance`` (through ``settings``) to initialise; nothing new when it is
        watched already. A wait that ended (given up, failed, ready) starts again."""
        if self.watching(key):
            return
        self.stop(key)
        watch = _Watch(key, instance, settings)
        watch.timer = QTimer(self)
        watch.timer.setSingleShot(True)
        watch.timer.setInterval(max(0, round(self.interval * 1000)))
        watch.timer.timeout.connect(lambda w=watch: self._poll(w))
        self._watches[key] = watch
        watch.timer.start()  # sleep first, then poll: as the official client
        if not self._ticker.isActive():
            self._ticker.start()
        self.changed.emit(key)

    def stop(self, key: Any) -> None:
        """Stop waiting for ``key`` and forget it (cancels its poll in flight)."""
        watch = self._watches.pop(key, None)
        if watch is not None:
            self._halt(watch)

    def stop_all(self) -> None:
        for key in list(self._watches):
            self.stop(key)
        self._ticker.stop()

    def forget_finished(self) -> None:
        """Forget the waits that ended (a reload starts them again where still needed)."""
        for key, watch in list(self._watches.items()):
            if not self.watching(key):
                self._halt(watch)
                del self._watches[key]

    # -- plumbing -----------------------------------------------------------------------------
    def _halt(self, watch: _Watch) -> None:
        if watch.timer is not None:
            watch.timer.stop()
            watch.timer.deleteLater()
            watch.timer = None
        if watch.job is not None:
            watch.job.cancel()
            watch.job = None

    def _poll(self, watch: _Watch) -> None:
        if self._watches.get(watch.key) is not watch:
            return
        clients, settings, instance = self._clients, watch.settings, watch.instance

        def job(token, _progress) -> PackageInstance | None:
            client = clients.client_for(settings)
            if instance.handle:
                return client.instance_get(handle=instance.handle, cancel=token).value
            return client.instance_get(id=instance.id, cancel=token).value

        watch.job = self._pool.submit(
            job,
            on_result=lambda record, w=watch: self._polled(w, record, None),
            on_error=lambda exc, w=watch: self._polled(w, None, exc),
            key=f"instance-init-{watch.key!r}",
        )

    def _polled(
        self, watch: _Watch, record: PackageInstance | None, error: BaseException | None
    ) -> None:
        if self._watches.get(watch.key) is not watch:
            return
        watch.job = None
        if record is not None:
            watch.instance = _merged(watch.instance, record)
            watch.message = ""
            state = init_state(record)
            if state != INITIALISING:  # the official client stops on anything else
                watch.state = state or READY
                if state == FAILED:
                    watch.message = init_message(record)
                self._end(watch)
                return
        elif error is not None:
            watch.message = describe(error)  # keep trying until the limit, as a poll may
        if time.monotonic() - watch.started >= self.timeout:
            watch.timed_out = True
            self._end(watch)
            return
        if watch.timer is not None:
            watch.timer.start()
        self.changed.emit(watch.key)

    def _end(self, watch: _Watch) -> None:
        watch.ended_at = time.monotonic()
        if watch.timer is not None:
            watch.timer.stop()
        if not any(self.watching(key) for key in self._watches):
            self._ticker.stop()
        self.changed.emit(watch.key)
        self.ended.emit(watch.key, watch.instance)

    @Slot()
    def _tick(self) -> None:
        waiting = [key for key in self._watches if self.watching(key)]
        if not waiting:
            self._ticker.stop()
        for key in waiting:
            self.changed.emit(key)


def _merged(old: PackageInstance, new: PackageInstance) -> PackageInstance:
    """The new record, keeping what only the old one knew (a get may leave fields out)."""
    missing = {
        f.name: getattr(old, f.name)
        for f in fields(new)
        if f.name != "raw" and getattr(new, f.name) is None and getattr(old, f.name) is not None
    }
    return replace(new, **missing) if missing else new
