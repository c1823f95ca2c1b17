"""A big JSON body parsed and served by a child process, so this process never holds it.

No Qt (the child imports only this module, :mod:`.json_document` and pysimdjson). Why a process:
parsing 100 MB (even with pysimdjson, ~0.2 s, which keeps the interpreter lock) or walking it for a
search on a worker thread would stall the GUI thread, which waits for the same lock. The child
loads the body with ``simdjson.Parser().load(path)`` (lazy proxies over simdjson's tape: random
access without Python objects for the whole body) and answers ``children``, ``value_json``,
``search`` and ``query`` over a pipe; the threads waiting on the pipe here release the lock.

The child is a ``multiprocessing`` process of the "spawn" context: it works the same on Linux,
macOS and Windows and inside a PyInstaller bundle (where ``sys.executable -m`` would not exist; the
entry point must call ``multiprocessing.freeze_support()``), and it does not inherit the parent's
threads and Qt state as a fork would. Starting it costs ~0.1-0.3 s (a fresh interpreter).

Cancel: each call polls its token while it waits; when set, a byte on a second pipe asks the child
to stop its walk (polled every few thousand nodes) and a search returns what it found so far. Close:
:meth:`ProcessDocument.close` terminates the child at once, whatever it is doing (it holds nothing
that needs saving); it also happens at garbage collection and, the child being a daemon, at exit.

The JSONPath filter runs on read-only ``Mapping``/``Sequence`` views over the lazy proxies, so a
filter over 100 MB converts to Python only the nodes it visits, never the whole body.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shipexplorer.core.documents.background import work_in_background
from shipexplorer.core.documents.json_document import (
    Cancelled,
    FilterError,
    JsonPath,
    NodeInfo,
    RemoteDocument,
    TreeDocument,
)

if TYPE_CHECKING:  # the child process does not import the api package
    from shipexplorer.api.cancel import CancelToken


_CONTEXT = multiprocessing.get_context("spawn")
_POLL = 0.05  # seconds between cancel checks while waiting for the child
_STOP_GRACE = 5.0  # seconds the child has to stop a cancelled walk before it is killed


# -- the child side -------------------------------------------------------------------------------


class LazyDocument(TreeDocument):
    """The walking code over pysimdjson's proxies (runs in the child)."""

    def __init__(self, value: Any, stop: Any) -> None:
        import simdjson

        self.object_types = (dict, simdjson.Object)
        self.array_types = (list, simdjson.Array)
        self._stop = stop
        self._visits = 0
        super().__init__(value)

    def _should_stop(self, cancel: CancelToken | None) -> bool:
        return self._stop.poll()

    def drain(self) -> None:
        """Forget stop requests that came after the last call had ended."""
        while self._stop.poll():
            self._stop.recv_bytes()

    def node(self, path: JsonPath) -> Any:
        value = self._value
        for part in path:
            value = _member(value, part)
        return value

    def tick(self) -> None:
        self._visits += 1
        if self._visits % 2000 == 0 and self._stop.poll():
            raise Cancelled()

    def encode(self, value: Any, indent: int | None) -> Iterator[str]:
        """Formatted as ``json.dumps(value, indent=indent, ensure_ascii=False)``."""
        item_sep = ", " if indent is None else ","
        containers = self.object_types + self.array_types

        def scalar(v: Any) -> str:
            return json.dumps(v, ensure_ascii=False)

        def enc(v: Any, level: int) -> Iterator[str]:
            self.tick()
            if not isinstance(v, containers):
                yield scalar(v)
                return
            is_object = isinstance(v, self.object_types)
            opening, closing = ("{", "}") if is_object else ("[", "]")
            if len(v) == 0:
                yield opening + closing
                return
            inner = "" if indent is None else "\n" + " " * (indent * (level + 1))
            outer = "" if indent is None else "\n" + " " * (indent * level)
            yield opening
            for number, (key, child) in enumerate(self.items(v)):
                yield (item_sep if number else "") + inner
                if is_object:
                    yield scalar(key) + ": "
                yield from enc(child, level + 1)
            yield outer + closing

        return enc(value, 0)

    def query_view(self, value: Any) -> Any:
        return self._view(value)

    def _view(self, value: Any) -> Any:
        self.tick()
        if isinstance(value, self.object_types):
            return _MapView(value, self._view)
        if isinstance(value, self.array_types):
            return _SeqView(value, self._view)
        return value


def _member(value: Any, key: str | int) -> Any:
    if isinstance(key, str) and "\0" in key:
        # simdjson looks keys up as C strings: "a\0b" would find "a" (or miss), so scan
        found = [v for k, v in value.items() if k == key]
        if not found:
            raise KeyError(key)
        return found[-1]
    return value[key]


class _MapView(Mapping):
    """A read-only Mapping over a lazy object (python-jsonpath walks Mappings)."""

    def __init__(self, value: Any, view: Any) -> None:
        self._value, self._wrap = value, view

    def __getitem__(self, key: str) -> Any:
        return self._wrap(_member(self._value, key))

    def __iter__(self) -> Iterator[str]:
        return iter(self._value.keys())

    def __len__(self) -> int:
        return len(self._value)


class _SeqView(Sequence):
    """A read-only Sequence over a lazy array; iteration is linear, indexing is simdjson's."""

    def __init__(self, value: Any, view: Any) -> None:
        self._value, self._wrap = value, view

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self._value))
            return [self._wrap(v) for v in itertools.islice(self._value, start, stop, step)]
        if index < 0:
            index += len(self._value)
        if not 0 <= index < len(self._value):
            raise IndexError(index)
        return self._wrap(self._value[index])

    def __iter__(self) -> Iterator[Any]:
        return (self._wrap(v) for v in self._value)

    def __len__(self) -> int:
        return len(self._value)


def _serve(conn: Any, stop: Any) -> None:
    """The child's loop: load what the first message names, then answer calls until closed."""
    import simdjson

    work_in_background()

    parser = simdjson.Parser()
    try:
        kind, source = conn.recv()
        root = parser.load(source) if kind == "path" else parser.parse(source)
        source = None
        doc = LazyDocument(root, stop)
        conn.send(("ok", doc.root(), None))
    except (EOFError, OSError):
        return
    except Exception as exc:  # not JSON, or too deep, or an unreadable file
        conn.send(("error", "ValueError", f"The body is not valid JSON ({exc})."))
        return
    while True:
        try:
            op, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        if op == "close":
            return
        doc.drain()
        try:
            result = getattr(doc, op)(*args, **kwargs)
        except Cancelled:
            conn.send(("cancelled", None, None))
        except FilterError as exc:
            conn.send(("error", "FilterError", str(exc)))
        except Exception as exc:
            conn.send(("error", type(exc).__name__, str(exc)))
        else:
            conn.send(("ok", result, None))


# -- the parent side ------------------------------------------------------------------------------

_ERRORS: dict[str, type[Exception]] = {
    "FilterError": FilterError,
    "KeyError": KeyError,
    "IndexError": IndexError,
    "TypeError": TypeError,
}


def _raise_cancelled() -> None:
    from shipexplorer.api.errors import Cancelled as CallCancelled

    raise CallCancelled("Cancelled.")


def _shut(process: Any, conn: Any, stop: Any) -> None:
    process.terminate()
    process.join(1.0)
    if process.is_alive():  # pragma: no cover - SIGTERM is not handled by the child
        process.kill()
        process.join(1.0)
    for end in (conn, stop):
        with contextlib.suppress(OSError):
            end.close()


class ProcessDocument(RemoteDocument):
    """A document whose body lives in a child process; every call is a round trip (workers only).

    Calls from several threads are serialised. :attr:`pid` is the child's process id.
    """

    synchronous = False

    def __init__(self, process: Any, conn: Any, stop: Any, root: NodeInfo) -> None:
        self._process = process
        self._conn = conn
        self._stop = stop
        self._root = root
        self._lock = threading.Lock()
        self._closer = weakref.finalize(self, _shut, process, conn, stop)

    @classmethod
    def open(
        cls,
        data: bytes | None = None,
        path: str | Path | None = None,
        *,
        cancel: CancelToken | None = None,
    ) -> ProcessDocument:
        """Start a child that loads ``data`` or the file at ``path`` (blocking: a worker).

        Raises ``ValueError`` when the body is not JSON, ``api.Cancelled`` when cancelled.
        """
        return cls.begin(data, path).finish(cancel)

    @classmethod
    def begin(cls, data: bytes | None = None, path: str | Path | None = None) -> PendingDocument:
        """Ask a child (the spare one when :func:`prestart` made one) to load the body, without
        waiting: do other work, then :meth:`PendingDocument.finish`."""
        process, ours, stop = _take_spare() or _spawn()
        try:
            ours.send(("path", str(path)) if data is None else ("data", bytes(data)))
        except BaseException:
            _shut(process, ours, stop)
            raise
        return PendingDocument(cls, process, ours, stop)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def _call(self, op: str, *args: Any, cancel: CancelToken | None = None, **kwargs: Any) -> Any:
        with self._lock:
            if not self._closer.alive:
                raise ValueError("the document is closed")
            self._conn.send((op, args, kwargs))
            status, value, message = _wait(self._conn, self._process, cancel, self._stop)
        if status == "ok":
            return value
        if status == "cancelled":
            _raise_cancelled()
        raise _ERRORS.get(str(value), RuntimeError)(message)

    def peak_memory(self) -> int | None:
        """The child's peak resident memory in bytes (Linux ``VmHWM``), None when unknown."""
        return vm_hwm(self.pid) if self._closer.alive else None

    def close(self) -> None:
        """Terminate the child now (a call waiting on it fails). Safe to call twice."""
        self._closer()


class PendingDocument:
    """A child loading a body: :meth:`finish` waits for it and gives the document."""

    def __init__(self, cls: type[ProcessDocument], process: Any, conn: Any, stop: Any) -> None:
        self._cls, self._process, self._conn, self._stop = cls, process, conn, stop

    def finish(self, cancel: CancelToken | None = None) -> ProcessDocument:
        process, ours, stop = self._process, self._conn, self._stop
        try:
            status, value, message = _wait(ours, process, cancel, stop, kill_on_cancel=True)
        except BaseException:
            _shut(process, ours, stop)
            raise
        if status != "ok":
            _shut(process, ours, stop)
            raise ValueError(message or "The body is not valid JSON.")
        return self._cls(process, ours, stop, value)

    def abandon(self) -> None:
        _shut(self._process, self._conn, self._stop)


def _spawn() -> tuple[Any, Any, Any]:
    ours, theirs = _CONTEXT.Pipe()
    stop_reader, stop = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(
        target=_serve, args=(theirs, stop_reader), name="shipexplorer-json", daemon=True
    )
    process.start()
    theirs.close()
    stop_reader.close()
    return process, ours, stop


_spare: tuple[Any, Any, Any] | None = None
_spare_lock = threading.Lock()


def prestart() -> None:
    """Start a spare child now (if there is none), so that the next big body does not wait for
    an interpreter to start (~0.1-0.7 s). Call it on a worker, e.g. when a download turns big."""
    global _spare
    with _spare_lock:
        if _spare is not None and _spare[0].is_alive():
            return
        _spare = _spawn()


def _take_spare() -> tuple[Any, Any, Any] | None:
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    if spare is not None and not spare[0].is_alive():
        _shut(*spare)
        return None
    return spare


def _wait(
    conn: Any, process: Any, cancel: CancelToken | None, stop: Any, *, kill_on_cancel: bool = False
) -> tuple:
    """The child's answer ``(status, value, message)``; polls ``cancel`` while waiting (the wait
    itself releases the GIL)."""
    deadline = None
    while not conn.poll(_POLL):
        if not process.is_alive():
            raise RuntimeError("The JSON process ended unexpectedly.")
        if cancel is not None and cancel.cancelled:
            if kill_on_cancel:
                _raise_cancelled()
            if deadline is None:
                with contextlib.suppress(OSError):
                    stop.send_bytes(b"x")
                deadline = time.monotonic() + _STOP_GRACE
            elif time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("The JSON process did not stop when cancelled.")
    try:
        return conn.recv()
    except EOFError:
        raise RuntimeError("The JSON process ended unexpectedly.") from None


def vm_hwm(pid: int | None = None) -> int | None:
    """Peak resident memory (``VmHWM``) of process ``pid`` (None: this one), in bytes; Linux."""
    try:
        with open(f"/proc/{pid or 'self'}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


__all__ = ["LazyDocument", "PendingDocument", "ProcessDocument", "prestart", "vm_hwm"]
