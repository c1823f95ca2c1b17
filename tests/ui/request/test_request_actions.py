"""The Request menu: copy a tab or a history entry as curl / Python / HTTPie, import curl."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid

import pytest
from PySide6.QtGui import QGuiApplication

from tests.canary import key_forms
from tests.ui.test_explorer_window import _fill, _ready, _send


def _clipboard() -> str:
    return QGuiApplication.clipboard().text()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_copy_as_curl_runs_and_imports_back(qtbot, make_explorer, emulator):
    setup = make_explorer(instances=[("echo", "e", None)])
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", '{"from": "the editor"}')
    actions = setup.window.request_actions
    actions.export_actions["curl"].trigger()
    command = _clipboard()
    assert "$STEAMSHIP_API_KEY" in command and "demo-key" not in command
    run = subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "STEAMSHIP_API_KEY": "demo-key"},
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"from": "the editor"}
    imported = actions.import_curl(command)
    assert imported is not None and imported is not tab
    assert imported.panel.method() == "echo"
    assert json.loads(imported.panel.body_text()) == {"from": "the editor"}
    qtbot.waitUntil(lambda: imported.instance is not None, timeout=5000)
    assert imported.instance.handle == "e"


def test_python_and_httpie_exports_never_hold_the_key(qtbot, make_explorer, start_emulator):
    canary = f"ss-CANARY-{uuid.uuid4()}"
    emu = start_emulator(api_keys=(canary,))
    setup = make_explorer(instances=[("echo", "e", None)], key=canary, emu=emu)
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", '{"a": 1}')
    for kind in ("python", "httpie"):
        setup.window.request_actions.export_actions[kind].trigger()
        text = _clipboard()
        assert "STEAMSHIP_API_KEY" in text, (kind, text)
        assert not any(form in text for form in key_forms(canary)), kind


def test_export_without_an_instance_says_why(qtbot, make_explorer):
    setup = make_explorer()
    QGuiApplication.clipboard().setText("before")
    setup.window.request_actions.export_actions["curl"].trigger()
    assert _clipboard() == "before"
    assert "Select a package instance first" in setup.window.messages.label.text()


def test_a_bad_curl_command_is_explained(qtbot, make_explorer):
    setup = make_explorer()
    count = setup.window.tabs.count()
    assert setup.window.request_actions.import_curl("curl -X") is None
    assert setup.window.tabs.count() == count
    assert setup.window.messages.label.text()


def test_a_history_entry_of_a_task_exports_with_its_polling(qtbot, make_explorer):
    setup = make_explorer(instances=[("slow-job", "s", None)], docks=True)
    tab = _ready(qtbot, setup, "s")
    _fill(tab, "start", '{"seconds": 0.2, "steps": 1}')
    added: list[int] = []
    setup.docks.history.entryAdded.connect(added.append)
    _send(qtbot, setup)
    qtbot.waitUntil(lambda: bool(added), timeout=5000)
    panel = setup.window.docks.history_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 1, timeout=5000)
    row = next(r for r in range(panel.model.rowCount()) if panel.model.entry(r).method == "start")
    panel.table.selectRow(row)
    with qtbot.waitSignal(panel.exportRequested, timeout=5000):
        panel.export_selected("curl")
    text = _clipboard()
    assert "task/status" in text and "$STEAMSHIP_API_KEY" in text and "demo-key" not in text
