"""Serving a package from its folder: the official CLI's local server run by ``QProcess``.

:class:`PackageServer` runs ``ship run local`` (see :mod:`shipexplorer.core.package_serve`) in
the package's folder with the chosen Python, its engine the embedded emulator, captures its
output (the "Package log"), registers an instance for it once it serves, and offers restart and
stop. Nothing waits on the GUI thread: the process reports through signals, the registration
runs on the worker pool. A restart keeps the port when it can and points the same instance at
the server again, so the instance (and the tabs bound to it) stay. With "restart on change", a
``.py`` file of the folder that changes restarts it (debounced).
"""

from __future__ import annotations

import codecs
import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import (
    QFileSystemWatcher,
    QObject,
    QProcess,
    QProcessEnvironment,
    QTimer,
    Signal,
    Slot,
)

from shipexplorer.api import describe
from shipexplorer.core import package_serve as core
from shipexplorer.core.package_serve import PackageLog, ServeSettings
from shipexplorer.services.workers import Op, WorkerPool

IDLE, STARTING, SERVING, STOPPED, FAILED = "idle", "starting", "serving", "stopped", "failed"
START_TIMEOUT_MS = 90_000
STOP_GRACE_MS = 3_000
DEBOUNCE_MS = 600


class PackageServer(QObject):
    """One package served at a time.

    Signals: ``stateChanged(state, sentence)`` (``idle``, ``starting``, ``serving``,
    ``stopped``, ``failed``), ``logLines(list[str])`` (new lines of the package's output),
    ``logCleared()`` (a new start), ``instanceReady(workspace, handle)`` (registered and
    serving: the window selects it), ``problem(str)``.
    """

    stateChanged = Signal(str, str)
    logLines = Signal(object)
    logCleared = Signal()
    instanceReady = Signal(str, str)
    problem = Signal(str)

    def __init__(
        self, pool: WorkerPool, settings_file: Path | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._settings_file = settings_file
        self._engine: tuple[str, str, str] | None = None
        self.settings: ServeSettings | None = None
        self.package = ""
        self.workspace = ""
        self.port = 0
        self.state = IDLE
        self.sentence = "No package is served."
        self.log = PackageLog()
        self._process: QProcess | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._wanted_stop = False
        self._restart_after_stop = False
        self._start_timer = QTimer(self, singleShot=True, interval=START_TIMEOUT_MS)
        self._start_timer.timeout.connect(self._start_timed_out)
        self._kill_timer = QTimer(self, singleShot=True, interval=STOP_GRACE_MS)
        self._kill_timer.timeout.connect(self._kill)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._file_changed)
        self._watcher.directoryChanged.connect(self._folder_changed)
        self._py_files: set[str] = set()
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self._changed_settled)

    # -- what the window asks -----------------------------------------------------------------
    def set_engine(self, api_base: str, app_base: str, api_key: str) -> None:
        """The emulator the package talks to (its key stays in memory)."""
        self._engine = (api_base, app_base, api_key)

    @property
    def available(self) -> bool:
        return self._engine is not None

    @property
    def running(self) -> bool:
        return self._process is not None

    def remembered(self) -> ServeSettings | None:
        """What was served last (for the dialog)."""
        if self._settings_file is None:
            return None
        return core.load_settings(self._settings_file)

    def serve(self, settings: ServeSettings) -> bool:
        """Serve the package of ``settings.folder`` (stopping the one served now); False, with
        the state ``failed`` and the reason, when it cannot start."""
        settings = ServeSettings(
            str(Path(settings.folder).expanduser().resolve()),
            settings.python,
            settings.workspace.strip(),
            settings.restart_on_change,
        )
        self.settings = settings
        self._remember(settings)
        self.log = PackageLog()  # a new folder, a new log (a restart keeps it)
        self.logCleared.emit()
        if self._process is not None:
            self._restart_after_stop = True
            self.stop()
            return True
        return self._start()

    def restart(self) -> None:
        """Stop the package (if it runs) and start it again, on the same port when free."""
        if self.settings is None:
            return
        if self._process is None:
            self._start()
            return
        self._restart_after_stop = True
        self.stop()

    def stop(self) -> None:
        """Ask the package's server to end (killed after a grace time)."""
        process = self._process
        if process is None:
            return
        self._wanted_stop = True
        self._start_timer.stop()
        process.terminate()
        self._kill_timer.start()

    def set_restart_on_change(self, on: bool) -> None:
        if self.settings is None:
            return
        self.settings = replace(self.settings, restart_on_change=on)
        self._remember(self.settings)
        self._watch()

    def shutdown(self, wait_ms: int = 2000) -> None:
        """The app quits: end the package's server (bounded wait)."""
        process, self._process = self._process, None
        self._start_timer.stop()
        self._kill_timer.stop()
        if process is None:
            return
        process.blockSignals(True)
        process.terminate()
        if not process.waitForFinished(wait_ms):
            process.kill()
            process.waitForFinished(1000)

    # -- the process --------------------------------------------------------------------------
    def _start(self) -> bool:
        settings = self.settings
        assert settings is not None
        if self._engine is None:
            return self._fail("serving a package needs the local emulator (start with --local)")
        handle, reason = core.check_folder(settings)
        if reason is not None:
            self._note(reason)
            return self._fail(reason.rstrip("."))
        self.package = handle
        self.workspace = settings.workspace or core.default_workspace(handle)
        try:
            self.port = core.free_port(self.port)
        except OSError:
            return self._fail("no free port was found on this computer")
        api_base, app_base, key = self._engine
        argv = core.command(core.python_for(settings), self.port, self.workspace)
        env = QProcessEnvironment()
        for name, value in core.environment(dict(os.environ), api_base, app_base, key).items():
            env.insert(name, value)
        process = QProcess(self)
        process.setProgram(argv[0])
        process.setArguments(argv[1:])
        process.setWorkingDirectory(settings.folder)
        process.setProcessEnvironment(env)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error)
        self._process = process
        self._decoder.reset()
        self._wanted_stop = False
        self._restart_after_stop = False
        self._note(f"Serving {handle} from {settings.folder} in workspace {self.workspace}.")
        self._set_state(STARTING, f"starting {handle}…")
        self._start_timer.start()
        process.start()
        process.closeWriteChannel()  # a question of the CLI's gets an end of input, never a wait
        self._watch()
        return True

    @Slot()
    def _read(self) -> None:
        process = self.sender()
        if not isinstance(process, QProcess) or process is not self._process:
            return
        text = self._decoder.decode(bytes(process.readAllStandardOutput().data()))
        lines = self.log.feed(text)
        if lines:
            self.logLines.emit(lines)
        if self.state == STARTING and any(core.ready_url(line) for line in lines):
            self._register()

    def _register(self) -> None:
        assert self._engine is not None
        api_base, app_base, key = self._engine
        workspace, package, port = self.workspace, self.package, self.port
        process = self._process

        def job(_token, _progress) -> str:
            return core.register_instance(api_base, app_base, key, workspace, package, port)

        def done(handle: str) -> None:
            if self._process is not process:
                return
            self._start_timer.stop()
            self._set_state(SERVING, f"serving on port {port}")
            self._note(f"Registered instance {handle} in workspace {workspace}.")
            self.instanceReady.emit(workspace, handle)

        def failed(error: BaseException) -> None:
            if self._process is not process:
                return
            reason = f"the instance could not be registered: {describe(error)}"
            self._note(reason)
            self._fail(reason)
            self.stop()

        Op(self._pool, job).on_success(done).on_failure(failed).run()

    @Slot(int, QProcess.ExitStatus)
    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        process = self.sender()
        if process is not self._process:
            return
        self._end_process()
        wanted, restart = self._wanted_stop, self._restart_after_stop
        if restart:
            self._note("Restarting…")
            self._start()
        elif wanted:
            self._note("Stopped.")
            self._set_state(STOPPED, "stopped")
        else:
            if self.state == SERVING:
                reason = f"it stopped on its own (exit code {code})"
            else:
                reason = core.failure_reason(self.log.lines(), code)
            self._note(f"The package stopped: {reason}.")
            self._fail(reason)

    @Slot(QProcess.ProcessError)
    def _error(self, error: QProcess.ProcessError) -> None:
        if error != QProcess.ProcessError.FailedToStart or self.sender() is not self._process:
            return
        assert self.settings is not None
        python = core.python_for(self.settings)
        self._end_process()
        reason = f"the Python at {python} could not be started"
        self._note(f"{reason[0].upper()}{reason[1:]}.")
        self._fail(reason)

    def _end_process(self) -> None:
        process, self._process = self._process, None
        self._start_timer.stop()
        self._kill_timer.stop()
        if process is None:
            return
        rest = self._decoder.decode(bytes(process.readAllStandardOutput().data()), final=True)
        lines = self.log.feed(rest) + self.log.flush()
        if lines:
            self.logLines.emit(lines)
        process.deleteLater()

    @Slot()
    def _start_timed_out(self) -> None:
        if self._process is None or self.state != STARTING:
            return
        reason = f"it did not start serving within {START_TIMEOUT_MS // 1000} s"
        self._note(f"The package {reason}.")
        self._fail(reason)
        self._wanted_stop = True
        self._process.kill()

    @Slot()
    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()

    # -- watching the folder ------------------------------------------------------------------
    def _watch(self) -> None:
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)
        settings = self.settings
        if settings is None or not settings.restart_on_change:
            return
        files = core.watched_files(settings.folder)
        self._py_files = set(files)
        folders = sorted({str(Path(f).parent) for f in files} | {settings.folder})
        self._watcher.addPaths(files + folders)

    @Slot(str)
    def _file_changed(self, _path: str) -> None:
        self._debounce.start()

    @Slot(str)
    def _folder_changed(self, _path: str) -> None:
        """A folder's entries changed: a restart only when its ``.py`` files did."""
        if self.settings is not None and set(core.watched_files(self.settings.folder)) != (
            self._py_files
        ):
            self._debounce.start()

    @Slot()
    def _changed_settled(self) -> None:
        if self.settings is None or not self.settings.restart_on_change:
            return
        self._note("A .py file changed: restarting.")
        self.restart()  # the start watches the files again (an editor may have replaced them)

    # -- state --------------------------------------------------------------------------------
    def _note(self, line: str) -> None:
        self.log.note(f"[shipexplorer] {line}")
        self.logLines.emit([self.log.lines()[-1]])

    def _fail(self, reason: str) -> bool:
        self._set_state(FAILED, f"failed: {reason}")
        return False

    def _set_state(self, state: str, sentence: str) -> None:
        self.state, self.sentence = state, sentence
        self.stateChanged.emit(state, sentence)

    def _remember(self, settings: ServeSettings) -> None:
        if self._settings_file is None:
            return
        try:
            core.save_settings(self._settings_file, settings)
        except OSError as exc:
            self.problem.emit(f"The package folder could not be remembered ({exc.strerror}).")
