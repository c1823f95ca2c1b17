"""The emulator in a child process, as ``shipexplorer --local`` runs it (no Qt).

:class:`EmulatorProcess` starts ``shipexplorer-emulator --child`` (:mod:`.cli`) on 127.0.0.1 and
offers what the app uses of an in-process :class:`~.emulator.Emulator`: the addresses
(``base_url``, ``api_base``, ``app_base``, ``port``), ``state_file``, ``state_problem``,
``seeded`` and ``stop()``. The window's process then holds neither the server nor its threads
(about 8 MB measured at rest), and a request the emulator serves never competes with the GUI
thread for the interpreter.

The child learns nothing from its parent but its command line; it answers one JSON line on its
stdout (ready, with its port, or why it could not start) and stops when its stdin closes:
``stop()`` closes it, and so does the system when the app ends in any way, killed included. In a
frozen bundle (PyInstaller: no ``python -m``) the bundle's own executable runs it through the
hidden ``emulator`` command of ``shipexplorer.app.main``.

This module imports nothing of the server: the parent stays light.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from shipexplorer.child_process import child_command as process_command
from shipexplorer.child_process import child_env
from shipexplorer.emulator.defaults import Served

#: how long the child may take to say it is ready (it imports the server and opens its state)
START_TIMEOUT_S = 30.0
#: how long ``stop()`` waits for the child to end by itself before it is killed
STOP_TIMEOUT_S = 3.0
#: ``shipexplorer <this>`` runs the emulator (the frozen bundle's way to start its child)
FROZEN_COMMAND = "emulator"


class EmulatorStartError(RuntimeError):
    """The child could not start; the message is one clause for the user (port taken, ...)."""


@dataclass(frozen=True)
class SeededInstance:
    """A demo instance the child made at this start (the state was new)."""

    package_handle: str
    handle: str


def child_command() -> list[str]:
    """The command that runs the emulator: ``python -m shipexplorer.emulator`` from an
    installed or checked-out package, the bundle's own executable when frozen."""
    return process_command("shipexplorer.emulator", FROZEN_COMMAND)


class EmulatorProcess(Served):
    """The ``--local`` emulator in a child process on 127.0.0.1.

    ``EmulatorProcess(port=0, state=..., seed_demo=True).start()`` blocks until the child is
    ready (call it on a worker thread) and raises :class:`EmulatorStartError` with words for
    the user when it could not start. ``stop()`` is idempotent and waits at most a few seconds.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        state: str | Path | None = None,
        seed_demo: bool = False,
        command: list[str] | None = None,
        start_timeout: float = START_TIMEOUT_S,
    ) -> None:
        self.state_file = Path(state) if state is not None else None
        self.seed_demo = seed_demo
        self.state_problem: str | None = None
        self.seeded: list[SeededInstance] = []
        self._requested_port = port
        self._port: int | None = None
        self._command = command if command is not None else child_command()
        self._start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopped = False

    # Life cycle
    def arguments(self) -> list[str]:
        """The child's command line after the command itself."""
        args = ["--child", "--quiet", "--port", str(self._requested_port)]
        if self.state_file is not None:
            args += ["--state", str(self.state_file)]
        if self.seed_demo:
            args.append("--demo")
        return args

    def start(self) -> EmulatorProcess:
        """Start the child and wait until it listens; returns ``self``."""
        with self._lock:
            if self._process is not None or self._stopped:
                raise RuntimeError("an EmulatorProcess can be started once")
            try:
                process = subprocess.Popen(
                    [*self._command, *self.arguments()],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    env=child_env(),
                    # Windows: no console window of its own for a server the user never sees
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
            except OSError as exc:
                raise EmulatorStartError(f"its process could not be started ({exc})") from exc
            self._process = process
        try:
            answer = self._read_answer(process)
        except BaseException:
            self.stop()
            raise
        if "port" not in answer:
            self.stop()
            raise EmulatorStartError(str(answer.get("error") or "it gave no address"))
        self._port = int(answer["port"])
        problem = answer.get("state_problem")
        self.state_problem = str(problem) if problem else None
        self.seeded = [SeededInstance(str(p), str(h)) for p, h in answer.get("seeded") or []]
        return self

    def _read_answer(self, process: subprocess.Popen[bytes]) -> dict[str, object]:
        """The child's ready line (the child is killed when it takes too long: its stdout then
        ends, and the read with it)."""
        assert process.stdout is not None
        late: list[bool] = []

        def too_late() -> None:
            late.append(True)
            process.kill()

        timer = threading.Timer(self._start_timeout, too_late)
        timer.daemon = True
        timer.start()
        try:
            line = process.stdout.readline()
        finally:
            timer.cancel()
            process.stdout.close()  # the child writes nothing more there
        if late:
            raise EmulatorStartError(f"its process did not answer within {self._start_timeout:g} s")
        if not line:
            status = process.wait()
            raise EmulatorStartError(f"its process ended before it was ready (status {status})")
        try:
            answer = json.loads(line)
        except ValueError as exc:
            raise EmulatorStartError("its process answered something unexpected") from exc
        if not isinstance(answer, dict):
            raise EmulatorStartError("its process answered something unexpected")
        return answer

    def stop(self) -> None:
        """Close the child's stdin (it stops by itself), wait for it, kill it if it lingers."""
        with self._lock:
            process, self._stopped = self._process, True
        if process is None or process.returncode is not None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):  # the child is gone already
                process.stdin.close()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT_S)

    @property
    def running(self) -> bool:
        process = self._process
        return self._port is not None and process is not None and process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    # Addresses
    @property
    def port(self) -> int:
        return self._port if self._port is not None else self._requested_port

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<EmulatorProcess {self.base_url} pid {self.pid} {state}>"


__all__ = ["EmulatorProcess", "EmulatorStartError", "SeededInstance", "child_command"]
