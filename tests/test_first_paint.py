"""The first paint waits for nothing it does not show (issue 17): started as ``shipexplorer
--local`` starts it, in a fresh interpreter, the main window's frame (menus, toolbar, status bar)
is painted before the explorer, the docks, the dialogs, presentation mode, the highlighter, the
icon font, the JSON worker processes, history's database, package serving, the network stack,
the keyring and the emulator are imported, started or opened; right after it, the window fills
itself in and is complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = r"""
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([sys.argv[0]])
import shipexplorer.ui.widgets.first_paint as first_paint
from shipexplorer.app import launch, parse_args

seen = {}
shown = first_paint.paint_first


def paint_first(widget, *args, **kwargs):  # the app paints its frame inside launch()
    widget.installEventFilter(spy)
    return shown(widget, *args, **kwargs)


first_paint.paint_first = paint_first


def open_files():
    names = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            names.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return names


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "modules" not in seen:
            import multiprocessing

            # imported for real (a stub standing in for a module has no spec)
            real = [n for n, m in sys.modules.items() if getattr(m, "__spec__", None)]
            seen["modules"] = sorted(real)
            seen["files"] = open_files() if os.path.isdir("/proc/self/fd") else []
            seen["children"] = len(multiprocessing.active_children())
            seen["docks_at_paint"] = watched.docks_if_built() is not None
            seen["attached_at_paint"] = watched.is_attached()
            seen["title"] = watched.windowTitle()
            seen["menus"] = [a.text() for a in watched.menuBar().actions()]
            seen["toolbar"] = [a.text() for a in watched.toolbar.actions()]
        return False


def done():
    seen["docks_when_built"] = window.docks is not None and len(window.docks.docks)
    seen["present_action"] = window.present_action is not None
    seen["explorer_when_built"] = window.view is not None and window.tabs.count() >= 1
    services.shutdown()
    context.shutdown()
    app.quit()


spy = FirstPaint()
context, services, window = launch(parse_args(["--local"]))
window.built.connect(done)
QTimer.singleShot(60000, app.quit)  # never hang the test
app.exec()
print(json.dumps(seen))
"""

#: module prefixes that must not be imported when the window is first painted
NOT_BEFORE_FIRST_PAINT = (
    # the explorer: its sidebar, request tabs, answer views and services
    "shipexplorer.ui.instances",
    "shipexplorer.ui.request",
    "shipexplorer.ui.response",
    "shipexplorer.services.explorer",
    "shipexplorer.services.request_runner",
    "shipexplorer.services.workers",
    # the docks (Tasks, History, Saved requests, Package log) and package serving
    "shipexplorer.ui.tasks",
    "shipexplorer.ui.library",
    "shipexplorer.ui.packages",
    # dialogs
    "shipexplorer.ui.profiles.profile_dialog",
    "shipexplorer.ui.profiles.import_dialog",
    "shipexplorer.ui.profiles.preferences_dialog",
    "shipexplorer.ui.instances.create_instance_dialog",
    "shipexplorer.ui.request.variables_dialog",
    "shipexplorer.ui.help",
    # demo mode, the highlighter, the icon font's library
    "shipexplorer.ui.presentation",
    "shipexplorer.ui.widgets.json_highlighter",
    "qtawesome",
    # worker processes, the network stack, the keyring, the emulator
    "multiprocessing.pool",
    "concurrent.futures.process",
    "httpx",
    "httpcore",
    "keyring",
    "shipexplorer.emulator",
)


def _offending(modules: list[str]) -> list[str]:
    return [
        name
        for name in modules
        if any(name == prefix or name.startswith(prefix + ".") for prefix in NOT_BEFORE_FIRST_PAINT)
    ]


def test_the_rule_catches_a_listed_module():
    assert _offending(["shipexplorer.ui.tasks.task_panel", "httpx._client", "json"]) == [
        "shipexplorer.ui.tasks.task_panel",
        "httpx._client",
    ]
    assert _offending(["shipexplorer.ui.presentation_other", "keyrings"]) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_first_paint_imports_none_of_what_it_does_not_show(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SHIPEXPLORER_HOME=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert _offending(seen["modules"]) == []
    assert "shipexplorer.ui.main_window" in seen["modules"]  # the probe saw the real window
    assert seen["children"] == 0  # no worker process yet
    assert not [f for f in seen["files"] if f.endswith((".sqlite3", ".sqlite", ".db"))]
    assert seen["docks_at_paint"] is False
    # the first frame is the main window's own frame, filled in right after
    assert seen["attached_at_paint"] is False
    assert seen["title"] == "shipexplorer"
    assert seen["menus"] == ["&File", "&View", "&Help"]
    assert "&Profiles…" in seen["toolbar"]
    # ... and right after the first paint, the window is complete
    assert seen["docks_when_built"] == 3
    assert seen["present_action"] is True
    assert seen["explorer_when_built"] is True
