"""The first paint waits for nothing it does not show (issue 17): started as ``shipexplorer
--local`` starts it, in a fresh interpreter, the main window's first paint happens before the
docks, the dialogs, presentation mode, the highlighter, the icon font, the JSON worker processes,
history's database, package serving, the network stack, the keyring and the emulator are
imported, started or opened; right after it, the window builds the rest and is complete."""

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
from shipexplorer.app import launch, parse_args

context, services, window = launch(parse_args(["--local"]))
seen = {}


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
            seen["docks_at_paint"] = window.docks_if_built() is not None
            window.built.connect(done)
        return False


def done():
    seen["docks_when_built"] = window.docks is not None and len(window.docks.docks)
    seen["present_action"] = window.present_action is not None
    services.shutdown()
    context.shutdown()
    app.quit()


spy = FirstPaint()
window.installEventFilter(spy)
QTimer.singleShot(60000, app.quit)  # never hang the test
app.exec()
print(json.dumps(seen))
"""

#: module prefixes that must not be imported when the window is first painted
NOT_BEFORE_FIRST_PAINT = (
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
    # ... and right after the first paint, the window is complete
    assert seen["docks_when_built"] == 3
    assert seen["present_action"] is True
