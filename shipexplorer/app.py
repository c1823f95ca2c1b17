"""The composition root: parse arguments, build services and the window, run.

``--version`` and ``--diagnose`` print and exit without touching the display.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from shipexplorer import __version__
from shipexplorer.app_args import parse_args
from shipexplorer.app_serving import install_serving, package_server, serve_folder
from shipexplorer.app_signals import SignalQuit

if TYPE_CHECKING:  # the real imports wait until a window is wanted: --version stays fast
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QWidget

    from shipexplorer.emulator import Emulator
    from shipexplorer.emulator.child import EmulatorProcess
    from shipexplorer.services.catalog import PackageCatalog
    from shipexplorer.services.client_provider import ClientProvider
    from shipexplorer.services.credentials import CredentialService
    from shipexplorer.services.document_queries import DocumentQueries
    from shipexplorer.services.drafts import DraftStore
    from shipexplorer.services.explorer import Explorer
    from shipexplorer.services.exports import ExportService
    from shipexplorer.services.gui_collector import GuiCollector
    from shipexplorer.services.history import HistoryService
    from shipexplorer.services.housekeeping import Housekeeping
    from shipexplorer.services.package_server import PackageServer
    from shipexplorer.services.preferences import Preferences, PreferenceService
    from shipexplorer.services.problem_log import ProblemLog
    from shipexplorer.services.profile_service import ProfileService
    from shipexplorer.services.request_runner import RequestRunner
    from shipexplorer.services.saved_requests import SavedRequests
    from shipexplorer.services.task_tracker import TaskTracker
    from shipexplorer.services.workers import WorkerPool
    from shipexplorer.ui.main_window import MainWindow
    from shipexplorer.ui.window_docks import DockServices


@dataclass
class AppContext:
    """What the window runs against; owns what must be stopped on quit. The ``--local``
    emulator runs in a child process (:class:`~shipexplorer.emulator.child.EmulatorProcess`);
    tests may give an in-process :class:`~shipexplorer.emulator.Emulator`."""

    emulator: Emulator | EmulatorProcess | None = None
    _stopped: bool = field(default=False, repr=False)

    @property
    def emulator_base(self) -> str | None:
        return self.emulator.base_url if self.emulator is not None else None

    def shutdown(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.emulator is not None:
            self.emulator.stop()


def build_context(args: argparse.Namespace) -> AppContext:
    """Start what the arguments ask for (the emulator binds to 127.0.0.1 only)."""
    if not args.local:
        return AppContext()
    from shipexplorer.emulator import Emulator

    return AppContext(emulator=Emulator(port=args.emulator_port).start())


@dataclass
class Services:
    """The Qt services the window uses, built once by :func:`build_services`."""

    pool: WorkerPool
    credentials: CredentialService
    profiles: ProfileService
    clients: ClientProvider
    explorer: Explorer
    runner: RequestRunner
    catalog: PackageCatalog
    queries: DocumentQueries  # reads of big answers, for the viewers
    tracker: TaskTracker
    history: HistoryService
    saved: SavedRequests
    drafts: DraftStore
    preferences: PreferenceService
    exports: ExportService
    problems: ProblemLog  # every store's problem, kept until the window drains them
    housekeeping: Housekeeping | None = None  # private folders, this copy's spool, start sweep
    package_server: PackageServer | None = None  # a package served from a folder (--local)
    serving: object = None  # the window's part of it (ui.packages.package_serving)
    at_rest: bool = False  # start-up done and memory settled (see launch)
    _stopped: bool = field(default=False, repr=False)

    def start(self) -> None:
        """Ask the keyring and read the profiles; results arrive through signals."""
        self.credentials.start()
        self.profiles.load()
        self.explorer.start()  # a profile selected before (--local) changed nothing
        self.history.start()
        self.tracker.start()
        self.saved.rescan()
        self.pool.submit(lambda token, progress: _warm_processes())  # after the first paint
        if self.housekeeping is not None:  # modes repaired, left-overs of killed runs swept
            self.housekeeping.start(self.saved.root)

    def shutdown(self, timeout_ms: int = 3000) -> None:
        """Stop polling, write the drafts, let running jobs end, then record the last history."""
        if self._stopped:
            return
        self._stopped = True
        if self.package_server is not None:
            self.package_server.shutdown()
        self.tracker.shutdown()
        self.drafts.close()
        self.pool.shutdown(timeout_ms)
        _stop_processes()  # the worker processes die with the app
        self.history.shutdown()
        self.clients.close()
        self.credentials.close()
        if self.housekeeping is not None:
            self.housekeeping.close()  # this copy's spool folder

    def dock_services(self) -> DockServices:
        from shipexplorer.ui.window_docks import DockServices

        return DockServices(
            tracker=self.tracker,
            history=self.history,
            saved=self.saved,
            drafts=self.drafts,
            queries=self.queries,
            preferences=self.preferences,
        )


def build_services(
    context: AppContext, *, home: Path | None = None, environ: Mapping[str, str] | None = None
) -> Services:
    """Worker pool, keys, profiles; with ``--local`` the built-in emulator profile is selected.

    ``home`` and ``environ`` (where ~/.steamship.json and STEAMSHIP_* are looked for) default to
    the user's; tests pass their own."""
    from shipexplorer.core.profiles import ProfileStore
    from shipexplorer.services import paths
    from shipexplorer.services.catalog import PackageCatalog
    from shipexplorer.services.client_provider import ClientProvider
    from shipexplorer.services.credentials import CredentialService
    from shipexplorer.services.document_queries import DocumentQueries
    from shipexplorer.services.drafts import DraftStore
    from shipexplorer.services.explorer import Explorer
    from shipexplorer.services.exports import ExportService
    from shipexplorer.services.history import HistoryService
    from shipexplorer.services.housekeeping import Housekeeping
    from shipexplorer.services.preferences import PreferenceService
    from shipexplorer.services.problem_log import ProblemLog
    from shipexplorer.services.profile_service import ProfileService
    from shipexplorer.services.request_runner import RequestRunner
    from shipexplorer.services.saved_requests import SavedRequests
    from shipexplorer.services.task_tracker import TaskTracker
    from shipexplorer.services.workers import WorkerPool

    pool = WorkerPool()
    housekeeping = Housekeeping(pool)  # first: the folders private before any store writes
    credentials = CredentialService(pool)
    store = ProfileStore(paths.profiles_file())
    profiles = ProfileService(store, credentials, pool, home=home, environ=environ)
    if context.emulator is not None:
        add_local_profile(profiles, context.emulator)
    clients = ClientProvider(profiles, credentials)
    services = Services(
        pool,
        credentials,
        profiles,
        clients,
        explorer=Explorer(clients, pool),
        runner=RequestRunner(clients, pool, spool_dir=housekeeping.spool_dir),
        catalog=PackageCatalog(clients, pool),
        queries=DocumentQueries(pool),
        tracker=TaskTracker(clients, pool, paths.tasks_file()),
        history=HistoryService(pool, clients, paths.history_file()),
        saved=SavedRequests(pool, settings_file=paths.saved_requests_settings_file()),
        drafts=DraftStore(pool, paths.drafts_folder()),
        preferences=PreferenceService(pool, paths.preferences_file()),
        exports=ExportService(clients),
        problems=ProblemLog(),
        housekeeping=housekeeping,
        package_server=package_server(pool),
    )
    _collect_problems(services)  # before anything is read: a problem found at start is kept
    _attach_variables(services)
    _connect(services)
    return services


def _attach_variables(services: Services) -> None:
    """The captured, folder and profile variables every request tab sees, through its runner."""
    from shipexplorer.services.variables_service import VariablesService

    variables = VariablesService(
        services.pool, services.clients, services.saved, parent=services.runner
    )
    variables.problem.connect(services.problems.report)
    variables.watch_tasks(services.tracker)  # a tab's "task ends" check hears the end
    services.runner.variables = variables


def _collect_problems(services: Services) -> None:
    """Every store's problem reaches the problem log (which keeps those raised before the
    window exists, see :func:`build_window`)."""
    report = services.problems.report
    for store in (
        services.profiles,
        services.tracker,
        services.history,
        services.saved,
        services.drafts,
        services.preferences,
    ):
        store.problem.connect(report)


def _connect(services: Services) -> None:
    """What one service hears from another: a request's task and a task's end reach the tracker
    and history; the preferences are applied."""
    tracker, history, runner = services.tracker, services.history, services.runner
    runner.finished.connect(tracker.link_request)

    def attach(task_id: str) -> None:
        tracked = tracker.task(task_id)
        if tracked is not None:
            history.attach_task(task_id, tracked.to_dict())

    tracker.taskEnded.connect(attach)
    _apply_preferences(services.preferences, runner, history)


def _apply_preferences(
    preferences: PreferenceService, runner: RequestRunner, history: HistoryService
) -> None:
    """The spool threshold, the body limits (every client's, and the runner's spool limit) and
    the history budget follow the preferences (read now, at start)."""
    from shipexplorer.api.limits import BodyLimits, set_body_limits
    from shipexplorer.services.preferences import MB

    def apply(chosen: Preferences) -> None:
        runner.spool_threshold = int(chosen.spool_threshold_mb * MB)
        runner.spool_limit = chosen.spool_limit_mb * MB
        set_body_limits(
            BodyLimits(memory=chosen.memory_body_limit_mb * MB, spool=chosen.spool_limit_mb * MB)
        )
        history.set_budget(chosen.history_budget_mb * MB)

    preferences.changed.connect(apply)
    preferences.load()


def _warm_processes() -> None:
    """Start the shared worker processes that read big answers (on a worker thread)."""
    from shipexplorer.core.documents.process_pool import start_shared_pool

    start_shared_pool()


def _stop_processes() -> None:
    if "shipexplorer.core.documents.process_pool" in sys.modules:  # started, or never used
        from shipexplorer.core.documents.process_pool import shutdown_shared_pool

        shutdown_shared_pool()


def add_local_profile(profiles: ProfileService, emulator: Emulator | EmulatorProcess) -> None:
    """Select the built-in "Local emulator" profile, its demo key held in memory only."""
    from shipexplorer.core.profiles import local_profile
    from shipexplorer.emulator import DEMO_API_KEY

    profiles.add_builtin(local_profile(emulator.api_base, emulator.app_base), DEMO_API_KEY)


def launch(args: argparse.Namespace) -> tuple[AppContext, Services, MainWindow]:
    """Paint the window's frame first (menus, toolbar, status bar, in the saved theme and
    geometry), then build the services and fill the window in; the rest of the window follows
    one piece per event-loop turn, then the emulator (``--local``: a child process, started from
    a worker) and the services start. The first paint waits for none of them."""
    from shipexplorer.services.lean_runtime import (
        limit_malloc_arenas,
        skip_httpx_cli,
        spare_source_cache,
    )
    from shipexplorer.ui.widgets.first_paint import paint_first

    spare_source_cache()  # before the app's modules load: their text is not kept
    skip_httpx_cli()
    window = build_frame()
    paint_first(window)
    limit_malloc_arenas()  # before the worker threads start (ctypes loads after the frame)
    context = AppContext()
    services = build_services(context)
    build_window(context, services, defer=True, frame=window)

    def start() -> None:
        if window.docks is not None:
            window.docks.restore_drafts()
        if args.present:
            window.present_action.setChecked(True)
        if not args.local:
            services.start()
            return
        from shipexplorer.services.workers import Op

        def up(started: tuple[EmulatorProcess, list[str]]) -> None:
            emulator, problems = started
            context.emulator = emulator
            add_local_profile(services.profiles, emulator)
            window.set_emulator_base(emulator.base_url)
            services.start()  # the saved requests' scan finds the demo recipes
            serve_folder(services, emulator, args.serve or "", args.serve_python)
            if problems:  # a state file moved aside, recipes not written
                window.messages.show_message(" ".join(problems))

        def failed(error: BaseException) -> None:
            window.messages.show_message(f"The local emulator could not start: {error}")
            services.start()

        port, folder = args.emulator_port, services.saved.root
        Op(services.pool, lambda token, progress: _start_emulator(port, folder)).on_success(
            up
        ).on_failure(failed).run()

    def started() -> bool:
        return window.is_built() and (not args.local or context.emulator is not None)

    def built() -> None:
        start()
        _settle_at_rest(services, started)

    window.build_rest_soon(then=built)
    return context, services, window


def _settle_at_rest(services: Services, started: Callable[[], bool], tries: int = 60) -> None:
    """Once start-up is over (``started()`` and no job left, checked every 250 ms, 15 s at
    most), give memory back (:func:`~shipexplorer.services.lean_runtime.settle_memory`)."""
    from PySide6.QtCore import QTimer

    from shipexplorer.services.lean_runtime import settle_memory

    def check(left: int = tries) -> None:
        if services._stopped or services.at_rest:
            return
        if left > 0 and not (started() and services.pool.active_jobs() == 0):
            QTimer.singleShot(250, lambda: check(left - 1))
            return
        settle_memory()
        services.at_rest = True

    QTimer.singleShot(250, check)


def _start_emulator(
    port: int, saved_folder: Path | None = None
) -> tuple[EmulatorProcess, list[str]]:
    """The ``--local`` playground (on a worker): the emulator in a child process over its state
    file in the data folder (demo instances when the state is new) and, the first time, the
    demo recipes in ``saved_folder``. Returns the running emulator and sentences for the user;
    raises :class:`~shipexplorer.emulator.child.EmulatorStartError` in words (port taken, ...).
    """
    from shipexplorer.emulator.child import EmulatorProcess
    from shipexplorer.services import paths, playground

    emulator = EmulatorProcess(port, state=paths.emulator_state_file(), seed_demo=True).start()
    problems = [emulator.state_problem] if emulator.state_problem else []
    if saved_folder is not None:
        seeded = playground.seed_demo_recipes(saved_folder)
        problems += [seeded.problem] if seeded.problem else []
    return emulator, problems


def build_frame() -> MainWindow:
    """The main window's frame, not shown yet: menus, toolbar and status bar, in the
    saved geometry and the theme the preferences chose (see :meth:`MainWindow.attach`)."""
    from shipexplorer.core.window_state import WindowStateStore
    from shipexplorer.services import paths
    from shipexplorer.services.preferences import saved_theme
    from shipexplorer.ui.main_window import MainWindow

    apply_theme(choice=saved_theme())
    return MainWindow(state_store=WindowStateStore(paths.window_state_file()), defer=True)


def build_window(
    context: AppContext,
    services: Services,
    *,
    defer: bool = False,
    frame: MainWindow | None = None,
) -> MainWindow:
    """The main window over the services (not shown yet), or ``frame`` filled in over them,
    showing what the stores reported before it existed. With ``defer``, what its first frame
    does not show (docks, presentation mode, package serving) waits for
    ``window.build_rest_soon()`` or ``finish_building()``."""
    from shipexplorer.core.window_state import WindowStateStore
    from shipexplorer.services import paths
    from shipexplorer.ui.main_window import MainWindow

    apply_theme(services)
    parts = dict(
        explorer=services.explorer,
        runner=services.runner,
        catalog=services.catalog,
        queries=services.queries,
        docks=services.dock_services(),
        exports=services.exports,
    )
    if frame is None:
        window = MainWindow(
            services.profiles,
            services.credentials,
            emulator_base=context.emulator_base,
            state_store=WindowStateStore(paths.window_state_file()),
            defer=defer,
            **parts,
        )
    else:
        window = frame
        window.attach(services.profiles, services.credentials, **parts)
    if services.package_server is not None and window.view is not None:
        window.build_later(lambda: install_serving(window, services))
    # What the stores said before the window could hear them (it hears them itself from now on).
    pending = services.problems.drain()
    if pending:
        window.messages.show_message("\n".join(pending))
    return window


def apply_theme(services: Services | None = None, *, choice: str | None = None) -> None:
    """Fusion and the light or dark palette (marked widgets' looks with it), following the
    preference (System / Light / Dark) and the desktop, before any widget is built; without the
    services, ``choice`` until they follow."""
    from PySide6.QtWidgets import QApplication

    from shipexplorer.ui.style import theme

    app = QApplication.instance()
    if isinstance(app, QApplication):
        theme.install(app, services.preferences if services is not None else None, choice)


def after_first_paint(window: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback`` once, on the event loop turn after ``window`` was first painted.

    Starting the services sends their first jobs to the pool, whose threads then import httpx
    and keyring; done earlier, those imports compete with the first paint for the interpreter.
    """
    from shipexplorer.ui.widgets.first_paint import after_first_paint as on_first_paint

    on_first_paint(window, callback)


def _display_missing() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(args: argparse.Namespace) -> int:
    if _display_missing():
        print(
            "shipexplorer: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "Run it in a desktop session, or set QT_QPA_PLATFORM=offscreen for a headless run.",
            file=sys.stderr,
        )
        return 2
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("shipexplorer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.example.shipexplorer")
    from shipexplorer.ui.widgets.app_icon import app_icon

    app.setWindowIcon(app_icon())
    collector = tune_runtime(app)
    signals = SignalQuit(app)  # before the window: a signal meanwhile closes it once it is up
    context, services, window = launch(args)
    signals.attach(window)
    QTimer.singleShot(2000, collector.freeze)  # start-up's objects skip later full collections
    app.aboutToQuit.connect(services.shutdown)
    app.aboutToQuit.connect(context.shutdown)
    try:
        return app.exec()
    finally:
        signals.restore()
        services.shutdown()
        context.shutdown()


def tune_runtime(app: QObject) -> GuiCollector:
    """How the app runs Python (the benchmarks use it too): garbage cycles collected on the GUI
    thread only (see services/gui_collector.py). The interpreter's switch interval is left at
    its default: a shorter one does not give the GUI thread the lock in order (measured), and
    the long Python work of big answers runs in worker processes instead. Returns the
    collector (a child of ``app``)."""
    from shipexplorer.services.gui_collector import GuiCollector

    collector = GuiCollector(parent=app)
    collector.start()
    return collector


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["run"]:  # saved requests without a window: nothing of Qt is imported
        from shipexplorer.runner.cli import run

        return run(given[1:])
    if given[:1] == ["emulator"]:  # the emulator alone; the bundle runs --local's child so
        from shipexplorer.emulator.cli import main as emulator_main

        return emulator_main(given[1:])
    if given[:1] == ["keyring"]:  # the bundle's keyring child (core/keyring_child.py)
        from shipexplorer.core.keyring_child import main as keyring_main

        return keyring_main()
    args = parse_args(argv)
    if args.version:
        print(f"shipexplorer {__version__}")
        return 0
    if args.diagnose:
        from shipexplorer.diagnostics import report

        print(report())
        return 0
    return run_gui(args)


if __name__ == "__main__":
    raise SystemExit(main())
