"""Child process of startup.py: shows one window, prints when it is first painted, which modules
were imported by then, when the window is complete, then its resident memory once idle, and that
of its own child processes. ``bare`` is a plain PySide6 window; ``app`` is shipexplorer's main
window built as ``shipexplorer --local`` builds it.

"Complete" is the main window's ``built`` signal (the docks, dialogs and the rest of what the
first frame does not show, built after it); for ``bare`` it is the first paint. Idle means 1.5 s
after the first paint for ``bare``; for ``app``, 1.5 s after the app says its start-up is over
(``services.at_rest``: the rest of the window built, the emulator and services started, memory
settled), 15 s at most. At the first paint the probe writes ``FIRST_PAINT`` to stderr, so a run
under ``python -X importtime`` tells the imports before it from those after.

At rest it also counts what does not depend on the machine's load: threads, modules,
gc-tracked objects; and it reads each child process (the ``--local`` emulator, the JSON worker
processes, multiprocessing's resource tracker): its RSS, and its PSS (shared pages divided
among the processes that map them), from ``/proc``.
"""

import gc
import json
import os
import sys
import time

START = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
FIRST_PAINT = "--- first paint ---"
IDLE_MS = 1500


def rss_mb(pid: "int | str" = "self") -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def pss_mb(pid: "int | str" = "self") -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def child_kind(cmdline: list[str]) -> str:
    """What a child process is, from its command line."""
    text = " ".join(cmdline)
    if "shipexplorer.emulator" in text or "emulator --child" in text:
        return "emulator"
    if "keyring_child" in text:
        return "keyring"
    if "resource_tracker" in text:
        return "resource tracker"
    if "multiprocessing" in text:
        return "json worker"
    return "other"


def descendants(root: int) -> list[int]:
    """The pids of ``root``'s children, grandchildren, ... (Linux ``/proc``)."""
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def children_at_rest() -> list[dict[str, object]]:
    """Each child process: kind, pid, RSS and PSS in MB."""
    result = []
    for pid in descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                cmdline = handle.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        rss = rss_mb(pid)
        if rss != rss:  # ended meanwhile (nan), or a zombie
            continue
        kind = child_kind(cmdline)
        result.append({"kind": kind, "pid": pid, "rss_mb": rss, "pss_mb": pss_mb(pid)})
    return result


def main() -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    kind = sys.argv[1]
    app = QApplication([sys.argv[0]])
    cleanup = []
    services = None
    result: dict[str, object] = {}

    def at_rest() -> bool:
        return services is None or getattr(services, "at_rest", True)

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and "painted" not in result:
                result["painted"] = time.perf_counter() - START
                if kind == "bare":
                    result["complete"] = result["painted"]
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
        result["pss_mb"] = pss_mb()
        result["children"] = children_at_rest()
        result["threads"] = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc") else 0
        result["modules_at_rest"] = len(sys.modules)
        result["emulator_in_process"] = "shipexplorer.emulator.server" in sys.modules
        result["keyring_in_process"] = "keyring" in sys.modules
        result["gc_objects"] = len(gc.get_objects()) + gc.get_freeze_count()
        result["at_rest"] = at_rest()
        result["idle_after_s"] = time.perf_counter() - START - float(result["painted"])
        for step in cleanup:
            step()
        app.quit()

    spy = FirstPaint()
    if kind == "bare":
        window = QWidget()
        window.resize(960, 640)
        window.installEventFilter(spy)
        window.show()
    else:
        import shipexplorer.ui.widgets.first_paint as first_paint
        from shipexplorer.app import launch, parse_args

        painted_by_app = first_paint.paint_first

        def paint_first(widget, *args, **kwargs):  # the app paints its frame inside launch()
            widget.installEventFilter(spy)
            return painted_by_app(widget, *args, **kwargs)

        first_paint.paint_first = paint_first
        context, services, window = launch(parse_args(["--local"]))  # as run_gui does
        cleanup = [services.shutdown, context.shutdown]

        def complete() -> None:
            result.setdefault("complete", time.perf_counter() - START)

        if window.is_built():
            complete()
        else:
            window.built.connect(complete)

    app.exec()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
