"""A key typed into a body is never written to a file: Ctrl+S says where it is and offers the
reference ``{{STEAMSHIP_API_KEY}}`` (or writes nothing), drafts hold the reference, sending fills
the key back in, and exports read ``$STEAMSHIP_API_KEY``."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from shipexplorer.core.history_store import HistoryQuery
from shipexplorer.services.key_guard import KEY_REFERENCE
from tests.canary import assert_not_in_files, assert_not_in_text, widget_texts
from tests.ui.test_explorer_window import _fill, _ready, _send


@pytest.fixture
def canary_window(qtbot, make_explorer, start_emulator):
    """(setup, canary): a window with docks over an emulator whose only key is a canary."""
    canary = f"ss-CANARY-{uuid.uuid4()}"
    emu = start_emulator(api_keys=(canary,))
    setup = make_explorer(emu=emu, key=canary, docks=True, instances=[("echo", "e", None)])
    return setup, canary, emu


def _body_with(key: str) -> str:
    return '{\n  "say": "hi",\n  "secret": "' + key + '"\n}'


def _files(folder: Path) -> dict[Path, str]:
    return {p: p.read_text() for p in folder.rglob("*.json") if p.is_file()}


def test_ctrl_s_says_where_the_key_is_and_saves_the_reference(
    qtbot, canary_window, monkeypatch, tmp_path, app_home
):
    setup, canary, _emu = canary_window
    docks, store = setup.window.docks, setup.docks.saved
    asked: list = []
    monkeypatch.setattr(docks.saved_panel, "ask_save", lambda spec: ("With a key", ""))
    monkeypatch.setattr(
        docks.saved_panel, "ask_key_reference", lambda findings: asked.append(findings) or True
    )
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", _body_with(canary))
    docks.save_action.trigger()
    [findings] = asked
    assert [f.where() for f in findings] == ["the body, line 3, column 14"]
    qtbot.waitUntil(lambda: len(store.snapshot().entries) == 1, timeout=5000)
    entry = store.snapshot().entries[0]
    text = (store.root / entry.rel).read_text()
    assert canary not in text and json.loads(json.loads(text)["body"])["secret"] == KEY_REFERENCE
    # the tab holds what the file holds (one undoable edit), so it is not "modified"
    assert tab.body_text() == _body_with(KEY_REFERENCE)
    assert tab.saved_rel == entry.rel and not tab.to_draft().modified
    tab.panel.body_edit.undo()
    assert tab.body_text() == _body_with(canary)
    tab.panel.body_edit.redo()
    assert tab.body_text() == _body_with(KEY_REFERENCE)
    # Ctrl+S of the saved tab with the key typed again: asked again, the file keeps the reference
    tab.panel.body_edit.setPlainText(_body_with(canary).replace("hi", "bye"))
    docks.save_action.trigger()
    assert len(asked) == 2
    qtbot.waitUntil(lambda: "bye" in (store.root / entry.rel).read_text(), timeout=5000)
    assert canary not in (store.root / entry.rel).read_text()
    assert tab.body_text() == _body_with(KEY_REFERENCE).replace("hi", "bye")
    setup.docks.drafts.flush()
    assert_not_in_files(canary, [tmp_path, app_home])


def test_cancel_writes_nothing(qtbot, canary_window, monkeypatch, tmp_path):
    setup, canary, _emu = canary_window
    docks, store = setup.window.docks, setup.docks.saved
    monkeypatch.setattr(docks.saved_panel, "ask_key_reference", lambda findings: False)
    monkeypatch.setattr(docks.saved_panel, "ask_save", lambda spec: pytest.fail("asked a name"))
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", _body_with(canary))
    before = _files(store.root) if store.root.exists() else {}
    docks.save_action.trigger()
    assert not store.snapshot().entries and tab.saved_rel is None
    assert tab.body_text() == _body_with(canary)  # the tab is left as it was
    assert (_files(store.root) if store.root.exists() else {}) == before
    assert "API key" in docks.saved_panel.message.text()


def test_the_dialog_names_the_place_and_its_buttons(qtbot, canary_window):
    setup, canary, _emu = canary_window
    panel = setup.window.docks.saved_panel
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", _body_with(canary))
    findings = panel.key_guard.findings(tab.to_spec())
    box = panel.key_reference_box(findings)
    assert box.accessibleName() == "API key in the request"
    assert "line 3, column 14" in box.text() and canary not in widget_texts(box)
    names = sorted(b.accessibleName() for b in box.buttons())
    assert names == ["Cancel: save nothing", f"Replace the key with {KEY_REFERENCE}"]
    replace = next(b for b in box.buttons() if KEY_REFERENCE in b.text())
    box.show()
    replace.click()
    assert box.property("replace") is True
    # an encoded key cannot be replaced by the reference: only Cancel
    _fill(tab, "echo", json.dumps({"b": base64.b64encode(canary.encode()).decode()}))
    findings = panel.key_guard.findings(tab.to_spec())
    box = panel.key_reference_box(findings)
    assert [box.buttonRole(b) for b in box.buttons()] == [QMessageBox.ButtonRole.RejectRole]
    assert "base64" in box.text()


def test_a_draft_holds_the_reference(qtbot, canary_window):
    setup, canary, _emu = canary_window
    drafts = setup.docks.drafts
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", _body_with(canary))
    drafts.flush()
    written = _files(drafts.folder)
    assert written and not any(canary in text for text in written.values())
    bodies = [json.loads(text)["spec"]["body"] for text in written.values()]
    assert _body_with(KEY_REFERENCE) in bodies
    assert tab.body_text() == _body_with(canary)  # the tab keeps what was typed


def test_sending_the_reference_sends_the_key_and_history_masks_it(qtbot, canary_window):
    setup, canary, emu = canary_window
    history = setup.docks.history
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", _body_with(KEY_REFERENCE))
    mark = emu.request_mark()
    _send(qtbot, setup)
    sent = [r for r in emu.requests_since(mark) if r.path.endswith("/echo")]
    assert len(sent) == 1 and json.loads(sent[0].body)["secret"] == canary
    assert tab.body_text() == _body_with(KEY_REFERENCE)  # filled at send time only
    qtbot.waitUntil(history.idle, timeout=5000)
    got: list = []
    history.query(HistoryQuery(limit=50), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    [entry] = [e for e in got[0] if e.method == "echo"]
    whole: list = []
    history.get(entry.id, whole.append, whole_body=True)
    qtbot.waitUntil(lambda: bool(whole), timeout=5000)
    assert_not_in_text(canary, whole[0].body_text, "the history entry's body")
    assert_not_in_text(canary, whole[0].response_text, "the history entry's answer")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_export_reads_the_variable_and_runs(qtbot, canary_window):
    setup, canary, _emu = canary_window
    tab = _ready(qtbot, setup, "e")
    _fill(tab, "echo", _body_with(KEY_REFERENCE))
    texts = {}
    for kind in ("curl", "python", "httpie"):
        setup.window.request_actions.export_actions[kind].trigger()
        texts[kind] = QGuiApplication.clipboard().text()
        assert_not_in_text(canary, texts[kind], kind)
        assert KEY_REFERENCE not in texts[kind], kind
    assert "'\"$STEAMSHIP_API_KEY\"'" in texts["curl"]
    assert 'os.environ["STEAMSHIP_API_KEY"]' in texts["python"]
    run = subprocess.run(
        ["sh", "-c", texts["curl"]],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "STEAMSHIP_API_KEY": canary},
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"say": "hi", "secret": canary}
    # the key typed raw exports the same way (never the key itself)
    _fill(tab, "echo", _body_with(canary))
    setup.window.request_actions.export_actions["curl"].trigger()
    assert QGuiApplication.clipboard().text() == texts["curl"]
