"""Child process of startup.py: shows one window, prints when it is first painted, then its
resident memory after a short idle. ``bare`` is a plain PySide6 window; ``app`` is shipexplorer's
main window built as ``shipexplorer --local`` builds it."""

import json
import os
import sys
import time

START = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
    if kind == "bare":
        window = QWidget()
        window.resize(960, 640)
    else:
        from shipexplorer.app import launch, parse_args

        context, services, window = launch(parse_args(["--local"]))  # as run_gui does
        cleanup = [services.shutdown, context.shutdown]
    result: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and "painted" not in result:
                result["painted"] = time.perf_counter() - START
                QTimer.singleShot(1500, finish)
            return False

    def finish() -> None:
        result["rss_mb"] = rss_mb()
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
