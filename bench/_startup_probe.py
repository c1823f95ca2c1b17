"""Child process of startup.py: shows one window, prints when it is first painted, which modules
were imported by then, then its resident memory once idle. ``bare`` is a plain PySide6 window;
``app`` is shipexplorer's main window built as ``shipexplorer --local`` builds it.

Idle means 1.5 s after the first paint for ``bare``; for ``app``, 1.5 s after the app says its
start-up is over (``services.at_rest``: the rest of the window built, the emulator and services
started, memory settled), 15 s at most. At the first paint the probe writes ``FIRST_PAINT`` to
stderr, so a run under ``python -X importtime`` tells the imports before it from those after.
"""

import json
import os
import sys
import time

START = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
FIRST_PAINT = "--- first paint ---"
IDLE_MS = 1500


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    kind = sys.argv[1]
    app = QApplication([sys.argv[0]])
    cleanup = []
    services = None
    if kind == "bare":
        window = QWidget()
        window.resize(960, 640)
    else:
        from shipexplorer.app import launch, parse_args

        context, services, window = launch(parse_args(["--local"]))  # as run_gui does
        cleanup = [services.shutdown, context.shutdown]
    result: dict[str, object] = {}

    def at_rest() -> bool:
        return services is None or getattr(services, "at_rest", True)

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and "painted" not in result:
                result["painted"] = time.perf_counter() - START
                result["modules"] = sorted(sys.modules)
                print(FIRST_PAINT, file=sys.stderr, flush=True)
                QTimer.singleShot(IDLE_MS if at_rest() else 100, wait_for_rest)
            return False

    waited = [0]

    def wait_for_rest() -> None:
        waited[0] += 1
        if at_rest() or waited[0] > 150:
            QTimer.singleShot(IDLE_MS if waited[0] > 1 else 0, finish)
        else:
            QTimer.singleShot(100, wait_for_rest)

    def finish() -> None:
        result["rss_mb"] = rss_mb()
        result["idle_after_s"] = time.perf_counter() - START - float(result["painted"])
        for step in cleanup:
            step()
        app.quit()

    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()  # no-op for the app's window, which launch() showed
    app.exec()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
