"""The :class:`Emulator`: a local Steamship-compatible server, started and stopped in-process."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from shipexplorer.emulator.defaults import DEFAULT_PORT, DEMO_API_KEY, Served
from shipexplorer.emulator.demo import seed_demo as seed_demo_instances
from shipexplorer.emulator.server import MAX_CONNECTIONS, EmulatorHTTPServer, RecordedRequest
from shipexplorer.emulator.state import StateFile
from shipexplorer.emulator.store import Store
from shipexplorer.emulator.tasks import DIALECTS

__all__ = ["DEFAULT_PORT", "DEMO_API_KEY", "Emulator"]


class Emulator(Served):
    """A Steamship-compatible HTTP server on 127.0.0.1 with the demo packages.

    ``Emulator(port=0).start()`` binds a free port; ``stop()`` is fast and idempotent; the
    emulator is also a context manager. ``dialect="seed"`` answers tasks in the public page's
    spelling. ``requests`` is a bounded record of what was received (newest last).

    ``state`` is a SQLite file that keeps workspaces, instances and tasks across runs (None:
    in memory, forgotten at the stop); a file that cannot be used is moved aside and
    :attr:`state_problem` says so. ``seed_demo`` makes one instance of each demo package in
    ``default`` when the state is new (see :mod:`.demo`). ``max_connections`` is how many
    connections are served at once (a thread each); one more is answered 503 and closed.
    """

    def __init__(
        self,
        port: int = 0,
        api_keys: Iterable[str] = (DEMO_API_KEY,),
        user_handle: str = "demo-user",
        dialect: str = "real",
        *,
        verbose: bool = False,
        max_recorded: int = 1000,
        state: str | Path | None = None,
        seed_demo: bool = False,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {DIALECTS}, got {dialect!r}")
        keys = frozenset(api_keys)
        if not keys:
            raise ValueError("at least one API key is needed")
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.max_connections = max_connections
        self.api_keys = keys
        self.user_handle = user_handle
        self.dialect = dialect
        self.verbose = verbose
        self.state_file = Path(state) if state is not None else None
        self._state = StateFile(self.state_file) if self.state_file is not None else None
        self.store = Store(user_handle, self._state)
        #: the demo instances made by this start (none unless ``seed_demo`` and a new state)
        self.seeded = seed_demo_instances(self.store) if seed_demo else []
        self._requested_port = port
        self._records: deque[RecordedRequest] = deque(maxlen=max_recorded)
        self._records_lock = threading.Lock()
        self._recorded = 0  # requests recorded since start (the record keeps the last ones)
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    # Life cycle
    def start(self) -> Emulator:
        """Bind 127.0.0.1 and serve on a background thread; returns ``self``."""
        if self._server is not None or self._stopped:
            raise RuntimeError("an Emulator can be started once")
        server = EmulatorHTTPServer(
            self._requested_port,
            store=self.store,
            dialect=self.dialect,
            api_keys=self.api_keys,
            record=self._record,
            verbose=self.verbose,
            max_connections=self.max_connections,
        )
        self._server = server
        server.app_base = self.base_url
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections, wake sleeping handlers. Fast and idempotent."""
        server, self._server = self._server, None
        self._stopped = True
        if server is None:
            self.store.close()
            return
        server.stop_event.set()
        if self._thread is not None and self._thread.is_alive():
            # serve_forever resets its shutdown flag on entry: only ask once it is looping.
            server.loop_running.wait(1.0)
            server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(1.0)
        self.store.close()

    @property
    def running(self) -> bool:
        return self._server is not None

    # State
    @property
    def state_problem(self) -> str | None:
        """One sentence for the user when the state file could not be used as it was (moved
        aside, unreadable, a failed write), else None."""
        return self._state.problem if self._state is not None else None

    # Addresses
    @property
    def port(self) -> int:
        if self._server is not None:
            return int(self._server.server_address[1])
        return self._requested_port

    # Faults
    def fail_task_polls(self, count: int, kind: str = "429", retry_after: float = 1.0) -> None:
        """Answer the next ``count`` ``task/status`` requests with a fault: ``"429"`` (with
        ``Retry-After``), ``"503"`` or ``"drop"`` (the connection cut before the body)."""
        self.store.task_poll_faults.add(count, kind, retry_after)

    # The request record
    def _record(self, request: RecordedRequest) -> None:
        with self._records_lock:
            self._records.append(request)
            self._recorded += 1

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the recorded requests, oldest first."""
        with self._records_lock:
            return list(self._records)

    def request_mark(self) -> int:
        """A mark for :meth:`requests_since`: how many requests were recorded so far."""
        with self._records_lock:
            return self._recorded

    def requests_since(self, mark: int) -> list[RecordedRequest]:
        """The recorded requests that came after ``mark`` (as many as the record still keeps);
        unlike slicing :attr:`requests`, this holds once the record is full."""
        with self._records_lock:
            first = self._recorded - len(self._records)  # the mark of the oldest one kept
            return list(self._records)[max(0, mark - first) :]

    def clear_requests(self) -> None:
        with self._records_lock:
            self._records.clear()

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Wait until at least ``count`` requests are recorded (a helper for tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            records = self.requests
            if len(records) >= count:
                return records
            time.sleep(0.01)
        return self.requests

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Emulator {self.base_url} {self.dialect} {state}>"
