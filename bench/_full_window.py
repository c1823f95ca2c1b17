"""What the benchmarks share: the full window as ``shipexplorer --local`` builds it, a frame
probe on its GUI thread, sending as a user sends, and the ``--json`` output.

The window comes from the app's own functions (``app.launch`` with ``--local``, or
``build_services``/``build_window``/``after_first_paint`` when the emulator runs in a process of
its own), with ``tune_runtime`` as ``run_gui`` applies it: its docks, history writing, drafts and
the answer's tab are all there. A request is sent as a user sends it: its tab made current, then
the Request menu's Send action triggered.

The frame probe is a 16 ms precise ``QTimer`` on the GUI thread that records when it fires; a gap
between two ticks beyond the period is time the window could not have painted. It reports the
longest stall (longest gap minus the period) and the 99th percentile gap. It also reads the GUI
thread's own CPU time at each tick (``time.thread_time``): the most CPU the GUI thread used within
one gap ("busy") and in all, figures that depend much less on how loaded the machine is than the
wall-clock gaps (waiting for the interpreter's lock or for a core is not CPU time).
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PERIOD = 1 / 60


@dataclass
class Gaps:
    """What a frame probe saw (seconds)."""

    stall: float  # the longest gap minus the period
    p99: float  # the 99th percentile gap
    beats: int  # the number of gaps
    stall_at: float  # when the longest gap began, from the probe's start
    busy: float = 0.0  # the most CPU time the GUI thread used within one gap
    cpu: float = 0.0  # the GUI thread's CPU time from the first tick to the last

    def as_ms(self) -> dict[str, float]:
        return {
            "stall_ms": self.stall * 1e3,
            "p99_ms": self.p99 * 1e3,
            "beats": self.beats,
            "busy_ms": self.busy * 1e3,
            "gui_cpu_ms": self.cpu * 1e3,
        }


class FrameProbe:
    """Records when a 16 ms timer on the GUI thread actually fires."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self.cpu: list[float] = []  # the GUI thread's CPU time at each tick
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.beat)

    def beat(self) -> None:
        self.ticks.append(time.perf_counter())
        self.cpu.append(time.thread_time())

    def start(self) -> float:
        """Start ticking; returns the first tick's time."""
        self.timer.start(int(PERIOD * 1000))
        self.beat()
        return self.ticks[-1]

    def gaps(self) -> Gaps:
        self.timer.stop()
        gaps = [(b - a, a) for a, b in itertools.pairwise(self.ticks)]
        if not gaps:
            return Gaps(0.0, 0.0, 0, 0.0)
        longest, at = max(gaps)
        values = [gap for gap, _ in gaps]
        p99 = longest
        if len(values) > 2:
            p99 = statistics.quantiles(values, n=100, method="inclusive")[98]
        busy = max(b - a for a, b in itertools.pairwise(self.cpu))
        return Gaps(
            max(0.0, longest - PERIOD),
            p99,
            len(values),
            at - self.ticks[0],
            busy,
            self.cpu[-1] - self.cpu[0],
        )

    def stop(self) -> tuple[float, float, int]:
        """Longest stall beyond the period, 99th percentile gap, number of gaps (seconds)."""
        gaps = self.gaps()
        return gaps.stall, gaps.p99, gaps.beats


Heartbeat = FrameProbe  # the name the older benchmarks use


def spin_until(condition, timeout: float = 30.0) -> None:
    """Run the event loop (idle-waiting, as ``app.exec()`` does) until ``condition()`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    loop = QEventLoop()
    end = time.monotonic() + timeout
    check = QTimer()

    def poll() -> None:
        if condition() or time.monotonic() > end:
            loop.quit()

    check.timeout.connect(poll)
    check.start(5)
    loop.exec()
    check.stop()
    if not condition():
        raise SystemExit("timed out")


def spin_for(seconds: float) -> None:
    """Let the event loop run for ``seconds``."""
    end = time.perf_counter() + seconds
    spin_until(lambda: time.perf_counter() > end, timeout=seconds + 30)


def start_emulator_process() -> tuple[subprocess.Popen, str, str]:
    """The emulator in a process of its own, as a real server would be: (process, api, app)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "shipexplorer.emulator", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    assert server.stdout is not None
    port = int(server.stdout.readline().split("(port ")[1].split(")")[0])
    base = f"http://127.0.0.1:{port}/"
    return server, f"{base}api/v1/", f"{base}_apps/"


def _die_with_parent() -> None:
    """In the emulator's child, before it runs: end it when the benchmark ends, even killed."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def machine() -> dict[str, Any]:
    """Where the figures come from: the machine, Python and how loaded it was."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in load],
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def machine_line(info: dict[str, Any], where: str) -> str:
    load = info["load_average"][0]
    return (
        f"machine: {info['machine']}, {info['cores']} cores, Python {info['python']}, "
        f"load average {load:.1f}; {where}"
    )


def write_json(path: str | None, data: dict[str, Any]) -> None:
    """The figures as JSON (for ``scripts/perf_table.py``), when ``--json FILE`` was given."""
    if path:
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def add_common_arguments(parser) -> None:
    parser.add_argument(
        "--local",
        "--in-process",
        dest="in_process",
        action="store_true",
        help="start through the app's own launch, exactly as `shipexplorer --local` does (its "
        "emulator a child process of the app; default: an emulator process the bench starts)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE")


def bench_home() -> None:
    """The app's config and data in a fresh folder, never the user's."""
    os.environ.setdefault("SHIPEXPLORER_HOME", tempfile.mkdtemp(prefix="shipexplorer-bench-"))


@dataclass
class FullWindow:
    """The app as a user runs it, shown offscreen, connected to the emulator."""

    app: Any
    context: Any
    services: Any
    window: Any
    api_base: str
    app_base: str
    server: subprocess.Popen | None = None
    instances: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return (
            "emulator in this process (--local)"
            if self.server is None
            else ("emulator in its own process")
        )

    def client(self):
        from shipexplorer.api import ConnectionSettings, SteamshipClient
        from shipexplorer.emulator import DEMO_API_KEY

        settings = ConnectionSettings(
            api_base=self.api_base, app_base=self.app_base, api_key=DEMO_API_KEY
        )
        return SteamshipClient(settings)

    def create_instances(self, *packages: str) -> dict[str, Any]:
        """One instance of each package (set-up, before any measuring)."""
        with self.client() as client:
            for name in packages:
                self.instances[name] = client.instance_create(name, f"bench-{name}").value
        return self.instances

    @property
    def tabs(self):
        return self.window.view.tabs

    def new_tab(self, package: str, method: str, body: str):
        """A request tab for ``package``'s ``method`` with ``body`` typed in, as a user fills it."""
        tabs = self.tabs
        tab = tabs.new_tab(blank=True)
        tab.bind(self.instances[package], tabs.current_profile(), listed=True)
        tab.panel.set_method(method)
        tab.panel.body_edit.setPlainText(body)
        return tab

    def send(self, tab) -> None:
        """Send ``tab``'s request as a user does: make it current, trigger the Send action."""
        self.tabs.setCurrentWidget(tab)
        self.window.request_actions.send_action.trigger()

    def send_each(self, tabs: list) -> None:
        """Send every tab of ``tabs``, one per event-loop turn (as a user's clicks come), starting
        now; returns at once, the sends happen as the event loop runs."""
        from PySide6.QtCore import QTimer

        waiting = list(tabs)

        def next_one() -> None:
            if waiting:
                self.send(waiting.pop(0))
                if waiting:
                    QTimer.singleShot(0, next_one)

        next_one()

    def close_tabs(self, tabs: list) -> None:
        for tab in tabs:
            index = self.tabs.indexOf(tab)
            if index >= 0:
                self.tabs.close_tab(index)

    def idle(self) -> bool:
        return self.services.runner.in_flight() == 0

    def close(self) -> None:
        self.window.close()
        self.services.shutdown()
        self.context.shutdown()
        if self.server is not None:
            self.server.terminate()
            self.server.wait(10)


def shown(tab) -> bool:
    """Whether ``tab``'s answer is in front of the user: delivered, and, in the current tab, its
    views filled (the Tree's first rows arrived when the answer has a document)."""
    if getattr(tab, "running", False):
        return False
    view = tab.response
    if getattr(view, "answer", None) is None:
        return False
    if not view.isVisible():
        return True  # a hidden tab renders when it is shown
    if getattr(view, "_pending", None) is not None:
        return False
    tree = getattr(view, "tree_view", None)
    model = getattr(tree, "tree_model", None)
    if model is None or not tree.isVisible() or model.document() is None:
        return True  # the answer is shown in another view (Pretty, Raw, Rendered)
    loading = model.is_loading() if hasattr(model, "is_loading") else False
    return model.rowCount() > 0 and not loading


def quiet_offscreen_warnings() -> None:
    """Drop the offscreen platform's "does not support propagateSizeHints()" lines (one per
    dock move); every other Qt message still reaches stderr."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def open_full_window(in_process: bool = False) -> FullWindow:
    """Build and show the window as ``shipexplorer --local`` does, wait until its services run
    and the key is in; with ``in_process`` through the app's own ``launch``, its emulator started as
    ``--local`` starts it (a child process of the app)."""
    bench_home()
    from PySide6.QtWidgets import QApplication

    from shipexplorer import __version__
    from shipexplorer import app as shipexplorer_app

    quiet_offscreen_warnings()
    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    qapp.setApplicationName("shipexplorer")
    qapp.setApplicationVersion(__version__)
    collector = shipexplorer_app.tune_runtime(qapp)  # GC on the GUI thread, as run_gui does
    server = None
    if in_process:
        context, services, window = shipexplorer_app.launch(
            shipexplorer_app.parse_args(["--local"])
        )
        spin_until(lambda: context.emulator is not None, timeout=60)
        api_base, app_base = context.emulator.api_base, context.emulator.app_base
    else:
        from shipexplorer.core.profiles import local_profile
        from shipexplorer.emulator import DEMO_API_KEY

        server, api_base, app_base = start_emulator_process()
        context = shipexplorer_app.AppContext()
        services = shipexplorer_app.build_services(context)
        services.profiles.add_builtin(local_profile(api_base, app_base), DEMO_API_KEY)
        window = shipexplorer_app.build_window(context, services)
        window.set_emulator_base(api_base.removesuffix("api/v1/"))
        window.show()

        def start() -> None:
            if window.docks is not None:
                window.docks.restore_drafts()
            services.start()

        shipexplorer_app.after_first_paint(window, start)
    spin_until(services.clients.has_key, timeout=60)
    spin_until(lambda: window.view is not None, timeout=30)
    if collector is not None:  # run_gui freezes the start-up objects after 2 s (collector.freeze)
        spin_for(0.3)
        collector.freeze()
    return FullWindow(qapp, context, services, window, api_base, app_base, server)
