"""Package-method calls on the worker pool: several at once, each with its own id and cancel.

:meth:`RequestRunner.send` parses the body text with the body parser the editor's check uses
(:func:`~.json_body.parse_body`: empty means ``{}``; invalid JSON is refused with a
:class:`~.json_body.BodyError`, "line L, column C: message", before anything is sent), then invokes
the method on the pool.
The answer, or the error, is turned into a :class:`~.answer.Answer` on the worker, so
the GUI thread only shows it. Cancelling sets the job's token, which aborts the HTTP exchange at
once; a late answer of a cancelled request is dropped by the pool.

Big answers: the body is read as a stream (``progress`` reports it, at most ~20 times a second);
above ``pool_threshold`` bytes (64 kB) it goes to a temporary file in the cache folder's ``spool``
folder, and its views are opened on the worker before ``finished``: up to ``spool_threshold`` the
shared worker processes parse and pretty-print it (:mod:`~.process_pool`), above it a child process
of its own holds it (see :mod:`~.spooled_body`); this process never decodes a big body. The
receiver of ``finished`` owns the answer: it calls :meth:`Answer.close` when it stops showing it
(which ends the child process and deletes the file; garbage collection and exit do it otherwise).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from shipexplorer.api import Cancelled, ConnectionSettings, InstanceRef, PackageInstance
from shipexplorer.api.exchange import discard_body_file
from shipexplorer.core import key_reference, variables
from shipexplorer.core.documents.answer import IMAGE, Answer, answer_from_result
from shipexplorer.core.documents.error_answer import answer_from_error, open_error_body
from shipexplorer.core.documents.json_body import parse_body
from shipexplorer.core.documents.json_document import POOL_THRESHOLD, SPOOL_THRESHOLD
from shipexplorer.core.documents.process_document import prestart
from shipexplorer.core.documents.spooled_body import open_spooled
from shipexplorer.core.storage import atomic_write_bytes
from shipexplorer.services import paths
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.frame_updates import FrameCoalescer
from shipexplorer.services.variables_service import VariablesService
from shipexplorer.services.workers import JobHandle, WorkerPool


def _with_decoded_image(answer: Answer) -> Answer:
    """Decode an image answer here, on the worker (QImage may be made off the GUI thread)."""
    if answer.kind != IMAGE or not answer.image:
        return answer
    image = QImage.fromData(answer.image)
    return replace(answer, decoded_image=None if image.isNull() else image)


class RequestRunner(QObject):
    """Runs method invocations; every request has an id (an int) that its signals carry.

    Signals:
        started(int): the request left (its job started on a worker).
        finished(int, object): the request answered; the object is a ``Answer``.
        failed(int, object): the request ended in an error; a ``Answer`` of kind "error".
        cancelled(int): the request was cancelled (its HTTP exchange aborted).
        inFlightChanged(int): how many requests are in flight now (at most once per frame:
            twenty sends or answers in one frame give one update of the status bar).
        saved(str, str): "Save to file…" ended: the path, and "" or an error message.
        progress(int, int, int): request id, bytes received, total (-1 when unknown); at most
            ~20 a second per request, and the last one when the body is complete.
    """

    started = Signal(int)
    finished = Signal(int, object)
    failed = Signal(int, object)
    cancelled = Signal(int)
    inFlightChanged = Signal(int)
    saved = Signal(str, str)
    progress = Signal(int, int, int)

    def __init__(
        self,
        clients: ClientProvider,
        pool: WorkerPool,
        parent: QObject | None = None,
        *,
        spool_threshold: int = SPOOL_THRESHOLD,
        pool_threshold: int = POOL_THRESHOLD,
        spool_dir: str | Path | None = None,
        spool_limit: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._clients = clients
        self._pool = pool
        self.spool_threshold = spool_threshold
        #: bodies above this many bytes are spooled too and read by the worker processes (JSON
        #: parsed, pretty-printed and walked there): no big body is decoded in this process
        self.pool_threshold = pool_threshold
        #: the most bytes a spooled answer may have; past it the call fails with BodyTooLarge
        #: and the file is deleted (None: the process-wide limit of api.limits)
        self.spool_limit = spool_limit
        self.spool_dir = Path(spool_dir) if spool_dir else paths.spool_folder()
        self._jobs: dict[int, JobHandle] = {}
        self._announced = 0
        self._in_flight_frame = FrameCoalescer(self._announce_in_flight, self)
        self._next_id = 1
        #: the captured, folder and profile variables (None: only a tab's own)
        self.variables: VariablesService | None = None

    def in_flight(self) -> int:
        return len(self._jobs)

    def _announce_in_flight(self) -> None:
        if len(self._jobs) != self._announced:
            self._announced = len(self._jobs)
            self.inFlightChanged.emit(self._announced)

    def send(
        self,
        instance: PackageInstance | InstanceRef | str,
        method: str,
        body_text: str,
        verb: str = "POST",
        *,
        deadline: float | None = None,
        profile: str | None = None,
        workspace: str | None = None,
        own_variables: Mapping[str, str] | None = None,
    ) -> int:
        """Start a call; returns its id. Raises :class:`BodyError` (nothing sent) for a bad body,
        :class:`ValueError` when there is no method or no connection.

        ``profile`` and ``workspace`` name the connection (a request tab's own); None means the
        current profile and the workspace it uses. A ``{{STEAMSHIP_API_KEY}}`` in the body (what
        saved requests and drafts hold instead of a key) is filled in with the sending profile's
        key here, at send time only: the body checked before is the text as written.

        Other ``{{name}}`` references in the instance, method and body are filled in from
        ``own_variables`` (the tab's) and :attr:`variables` (captures, folder, profile); a name
        without a value refuses the send (``ValueError`` naming it). ``instance`` None sends
        ``method`` as an engine operation (``package/instance/create``) to the API base."""
        scope = self.scope(profile, own_variables)
        unknown = scope.unknown(_handle_of(instance), method, body_text)
        if unknown:
            raise ValueError(variables.refusal(unknown))
        instance = _filled_instance(instance, scope)
        method = scope.fill(method, with_key=False).strip()
        body_text = scope.fill(body_text, json_body=True, with_key=False)
        if not method:
            raise ValueError("Pick or type a method first.")
        verb = (verb or "POST").upper()
        args = parse_body(body_text, verb)
        settings = self._clients.settings_for(profile, workspace)
        if settings is None and profile is not None:
            raise ValueError(
                f"The profile “{profile}” this tab belongs to no longer exists: pick an "
                "instance of another profile."
            )
        if settings is None:
            raise ValueError("No connection profile: add one with Profiles… (Ctrl+Shift+P).")
        if not settings.api_key:
            self._clients.ensure_key(profile)
            raise ValueError(
                f"The profile “{profile}” has no API key loaded (yet): add one with Profiles…, "
                "or wait a moment and send again."
                if profile
                else "The profile has no API key (yet): add one with Profiles…."
            )
        if key_reference.holds_reference(body_text):
            filled = key_reference.fill_reference(body_text, settings.api_key, json_string=True)
            args = parse_body(filled, verb)
        request_id = self._next_id
        self._next_id += 1
        clients = self._clients

        threshold, folder = self.spool_threshold, self.spool_dir
        spool_at = min(threshold, self.pool_threshold)

        def call(token, progress) -> tuple[bool, Answer]:
            from shipexplorer.api.operations import Result  # loads httpx: not at window start

            client = clients.client_for(settings)
            try:
                if instance is None:  # an engine operation, e.g. package/instance/create
                    request = client.api_request(method, args, verb=verb)
                else:
                    target = client.resolve_instance(instance, cancel=token)  # no workspace
                    request = client.invoke_request(target, method, args, verb=verb)
            except Exception as exc:
                return False, answer_from_error(exc)
            exchange = client.send(
                request,
                cancel=token,
                deadline=deadline,
                on_progress=_throttled(progress, threshold),
                spool_threshold=spool_at,
                spool_dir=folder,
                spool_limit=self.spool_limit,
            )
            if exchange.error is not None:
                if isinstance(exchange.error, Cancelled):
                    discard_body_file(exchange)
                    raise exchange.error
                answer = answer_from_error(exchange.error)  # keeps the body for the views
                if answer.content().body_file is None:
                    discard_body_file(exchange)  # no view reads the file
                return False, open_error_body(answer, cancel=token, threshold=threshold)
            result = Result(exchange.outcome.data if exchange.outcome else None, exchange)
            answer = answer_from_result(result)
            if exchange.body_file is not None and answer.body_file is None:
                discard_body_file(exchange)  # not shown from the file (e.g. an error display)
            answer = open_spooled(answer, cancel=token, threshold=threshold)
            if token.cancelled:
                answer.close()
                raise Cancelled("Cancelled.")
            return True, _with_decoded_image(answer)

        self._jobs[request_id] = self._pool.submit(
            call,
            on_started=lambda: self.started.emit(request_id),
            on_result=lambda outcome: self._done(request_id, outcome),
            on_error=lambda exc: self._error(request_id, exc),
            on_cancelled=lambda: self._cancelled(request_id),
            on_progress=lambda value: self.progress.emit(request_id, *value),
        )
        self._in_flight_frame.request()
        return request_id

    def scope(
        self, profile: str | None, own: Mapping[str, str] | None = None
    ) -> variables.VariableScope:
        """The variables a tab of ``profile`` with its ``own`` sees (the key masked when shown)."""
        if self.variables is not None:
            return self.variables.scope(profile, own)
        return variables.VariableScope(tab=dict(own or {}))

    def clients_settings(self, profile: str | None) -> ConnectionSettings | None:
        """The connection a tab of ``profile`` sends with (its workspace, for a typed instance)."""
        return self._clients.settings_for(profile)

    def cancel(self, request_id: int) -> bool:
        """Abort a request now; False when it already ended."""
        handle = self._jobs.get(request_id)
        return bool(handle and handle.cancel())

    def cancel_all(self) -> None:
        for handle in list(self._jobs.values()):
            handle.cancel()

    def is_running(self, request_id: int) -> bool:
        return request_id in self._jobs

    def save_body(self, data: bytes, path: str) -> None:
        """Write a response body to ``path`` on the pool; ``saved`` reports the end."""
        self._pool.submit(
            lambda token, progress: atomic_write_bytes(Path(path), data),
            on_result=lambda _: self.saved.emit(path, ""),
            on_error=lambda exc: self.saved.emit(path, f"Could not save {path}: {exc}"),
        )

    def save_answer(self, p: Answer, path: str) -> None:
        """Write the whole body of ``p`` to ``path`` on the pool (its bytes, or a copy of its
        spooled file), atomically; ``saved`` reports the end."""
        if p.raw is None and p.body_file is None and p.image is None:
            self.saved.emit(path, f"Could not save {path}: there is no body to save.")
            return
        data, source = (p.raw if p.raw is not None else p.image), p.body_file

        def write(token, _progress) -> None:
            if data is not None:
                atomic_write_bytes(Path(path), data)
            else:
                copy_file_atomically(Path(source), Path(path), cancel=token)

        self._pool.submit(
            write,
            on_result=lambda _: self.saved.emit(path, ""),
            on_error=lambda exc: self.saved.emit(path, f"Could not save {path}: {exc}"),
        )

    # -- outcomes (GUI thread) ------------------------------------------------------------------

    def _end(self, request_id: int, emit: Callable[[], None]) -> None:
        if self._jobs.pop(request_id, None) is None:
            return
        self._in_flight_frame.request()
        emit()

    def _done(self, request_id: int, outcome: tuple[bool, Answer]) -> None:
        ok, answer = outcome
        signal = self.finished if ok else self.failed
        self._end(request_id, lambda: signal.emit(request_id, answer))

    def _error(self, request_id: int, exc: BaseException) -> None:
        self._end(request_id, lambda: self.failed.emit(request_id, answer_from_error(exc)))

    def _cancelled(self, request_id: int) -> None:
        self._end(request_id, lambda: self.cancelled.emit(request_id))


def _handle_of(instance: PackageInstance | InstanceRef | str | None) -> str | None:
    if instance is None or isinstance(instance, str):
        return instance
    if isinstance(instance, InstanceRef):
        return instance.instance_handle
    return instance.handle


def _filled_instance(
    instance: PackageInstance | InstanceRef | str | None, scope: variables.VariableScope
) -> PackageInstance | InstanceRef | str | None:
    """``instance`` with the variables of its handle filled in (None and blank stay None)."""
    if instance is None:
        return None
    if isinstance(instance, str):
        return scope.fill(instance, with_key=False).strip() or None
    handle = _handle_of(instance)
    if not handle or "{{" not in handle:
        return instance
    filled = scope.fill(handle, with_key=False).strip()
    if isinstance(instance, PackageInstance):
        return replace(instance, handle=filled)
    return replace(instance, instance_handle=filled)


def _throttled(
    progress: Callable[[object], None], threshold: int
) -> Callable[[int, int | None], None]:
    """The client's progress hook, passed on at most every 50 ms (and when complete). When the
    body turns out big, a spare JSON child process starts while the rest downloads."""
    last = 0.0
    big = False

    def report(received: int, total: int | None) -> None:
        nonlocal last, big
        if not big and (received > threshold or (total or 0) > threshold):
            big = True
            prestart()
        now = time.monotonic()
        if now - last >= 0.05 or (total is not None and received >= total):
            last = now
            progress((received, -1 if total is None else total))

    return report


def copy_file_atomically(source: Path, target: Path, *, cancel=None) -> None:
    """Copy ``source`` over ``target`` all at once (a temporary file beside it, fsynced, renamed),
    in chunks so a cancel stops it; on failure ``target`` is left as it was."""
    if target.is_symlink():
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            while chunk := src.read(1 << 20):
                if cancel is not None and cancel.cancelled:
                    raise Cancelled("Cancelled.")
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            shutil.copymode(target, temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
