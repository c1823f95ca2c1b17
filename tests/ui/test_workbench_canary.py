"""One scripted session through every place the app keeps things, with a canary key: afterwards the
key is in no history row or file, saved request, draft, tracked-task file, preference, export,
log line or widget text."""

from __future__ import annotations

import json
import logging
import uuid

from PySide6.QtGui import QGuiApplication

from tests.canary import assert_not_in_files, assert_not_in_text, logged_text, widget_texts
from tests.ui.test_explorer_window import _fill, _ready, _send


def test_a_whole_session_leaves_the_key_nowhere(
    qtbot, make_explorer, start_emulator, tmp_path, app_home, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    canary = f"ss-CANARY-{uuid.uuid4()}"
    emu = start_emulator(api_keys=(canary,))
    setup = make_explorer(
        emu=emu, key=canary, docks=True, instances=[("echo", "e", None), ("slow-job", "s", None)]
    )
    window, docks = setup.window, setup.docks
    texts: list[str] = []
    # a method call whose body carries the key (history must mask it, bodies over 1 MB included);
    # the tab that typed it, and the echo that shows it back, are closed before texts are read
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", json.dumps({"secret": canary, "big": "x" * 1_200_000}))
    _send(qtbot, setup, timeout=10_000)
    window.tabs.close_current()
    tab = window.tabs.current()
    window.tabs.set_instance(setup.explorer.instance("e"))
    qtbot.waitUntil(lambda: tab.panel.method_combo.count() > 0, timeout=5000)
    _fill(tab, "echo", '{"plain": 1}')
    _send(qtbot, setup)
    texts.append(widget_texts(window))
    tab = _ready(qtbot, setup, "s")
    _fill(tab, "start", '{"seconds": 0.3, "steps": 1}')
    _send(qtbot, setup)
    qtbot.waitUntil(lambda: any(t.finished for t in docks.tracker.tasks()), timeout=10_000)
    # exports of the tab and of a history entry
    for kind in ("curl", "python", "httpie"):
        window.request_actions.export_actions[kind].trigger()
        texts.append(QGuiApplication.clipboard().text())
    panel = window.docks.history_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 2, timeout=5_000)
    panel.table.selectRow(0)
    with qtbot.waitSignal(panel.exportRequested, timeout=5_000):
        panel.export_selected("curl")
    texts.append(QGuiApplication.clipboard().text())
    # a saved request, a draft, preferences, the tracked tasks written out
    monkeypatch.setattr(window.docks.saved_panel, "ask_save", lambda spec: ("kept", ""))
    window.docks.save_action.trigger()
    qtbot.waitUntil(lambda: len(docks.saved.snapshot().entries) == 1, timeout=5_000)
    window.docks.preferences_action.trigger()
    window.docks.preferences_dialog.accept()
    docks.drafts.flush()
    docks.tracker.shutdown()
    docks.history.shutdown()
    qtbot.waitUntil(lambda: docks.history.idle(), timeout=5_000)
    texts.append(widget_texts(window))
    for n, text in enumerate(texts):
        assert_not_in_text(canary, text, f"a widget text or an export (#{n})")
    assert_not_in_text(canary, logged_text(caplog), "the log")
    read = assert_not_in_files(canary, [tmp_path, app_home])
    assert read >= 6  # history database and spilled body, tasks, saved request, draft, preferences
    names = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert any(n.endswith(".sqlite3") for n in names) and any(n.endswith(".gz") for n in names)
