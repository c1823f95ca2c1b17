"""The saved-requests panel: a sound model, keyboard paths, edits through dialogs, open emits."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from shipexplorer.core.saved_files import RequestSpec, to_bytes
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.ui.library.saved_panel import SavedRequestsPanel
from shipexplorer.ui.library.saved_tree_model import FOLDER, REQUEST
from tests.canary import widget_texts

GREET = RequestSpec(name="Greet", instance="t-greeter", method="greet", body='{"name": "Ada"}')
ECHO = RequestSpec(name="Echo", instance="t-echo", method="echo", body="{}", notes="n")


@pytest.fixture
def panel(qtbot, tmp_path, worker_pool):
    root = tmp_path / "saved"
    (root / "team" / "users").mkdir(parents=True)
    (root / "Greet.json").write_bytes(to_bytes(GREET))
    (root / "team" / "Echo.json").write_bytes(to_bytes(ECHO))
    (root / "team" / "broken.json").write_bytes(b"{nope")
    future = {**ECHO.to_dict(), "name": "Future", "kind": "saved-request", "schemaVersion": 7}
    (root / "team" / "users" / "Future.json").write_text(json.dumps(future))
    store = SavedRequests(worker_pool, root, settings_file=tmp_path / "cfg.json")
    widget = SavedRequestsPanel(store)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(store.changed, timeout=5000):
        store.rescan()
    return widget


def changed(qtbot, panel):
    return qtbot.waitSignal(panel.store.changed, timeout=5000)


def test_model_is_sound_and_marks_entries_in_words(qtbot, panel, qtmodeltester):
    qtmodeltester.check(panel.model)
    assert panel.objectName() == "saved-dock"
    assert panel.accessibleName() == "Saved requests"
    panel.tree.expandAll()
    texts = widget_texts(panel)
    for needle in ("Greet", "Echo", "broken: line 1, column 2", "Future (read-only"):
        assert any(needle in panel.model.index(r, 0, p).data() for p, r in _all(panel)), needle
    assert "Saved requests tree" in texts
    assert all(b.accessibleName() for b in panel.findChildren(QToolButton))


def _all(panel):
    stack, out = [panel.tree.rootIndex()], []
    while stack:
        parent = stack.pop()
        for row in range(panel.model.rowCount(parent)):
            out.append((parent, row))
            stack.append(panel.model.index(row, 0, parent))
    return out


def test_enter_and_double_click_open(qtbot, panel):
    assert panel.select("Greet.json")
    panel.tree.setFocus()
    with qtbot.waitSignal(panel.openRequested, timeout=2000) as opened:
        qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert opened.args == [GREET]
    panel.tree.expandAll()
    assert panel.select("team/Echo.json")
    rect = panel.tree.visualRect(panel.tree.currentIndex())
    viewport = panel.tree.viewport()
    seen = []
    panel.openRequested.connect(seen.append)
    with qtbot.waitSignal(panel.openRequested, timeout=2000) as opened:
        # QTest's double-click needs the press before it, as a real double-click has
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [ECHO] and seen == [ECHO]  # once, not once per click


def test_a_broken_file_does_not_open(qtbot, panel):
    panel.select("team/broken.json")
    with qtbot.assertNotEmitted(panel.openRequested):
        panel.open_current()
    assert "broken" in panel.message.text()


def test_f2_renames(qtbot, panel, monkeypatch):
    monkeypatch.setattr(panel, "ask_text", lambda *a: "Greet everyone")
    panel.select("Greet.json")
    panel.tree.setFocus()
    with changed(qtbot, panel):
        qtbot.keyClick(panel.tree, Qt.Key.Key_F2)
    assert panel.current() == (REQUEST, "Greet everyone.json")
    assert not (panel.store.root / "Greet.json").exists()


def test_rename_of_read_only_is_refused_in_words(qtbot, panel, monkeypatch):
    monkeypatch.setattr(panel, "ask_text", lambda *a: "x")
    before = (panel.store.root / "team/users/Future.json").read_bytes()
    panel.select("team/users/Future.json")
    panel.rename_current()
    assert "read-only" in panel.message.text()
    assert (panel.store.root / "team/users/Future.json").read_bytes() == before


def test_delete_asks_first(qtbot, panel, monkeypatch):
    answers = [False, True]
    monkeypatch.setattr(panel, "confirm", lambda text: answers.pop(0))
    panel.select("team/Echo.json")
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert (panel.store.root / "team/Echo.json").exists()
    with changed(qtbot, panel):
        qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert not (panel.store.root / "team/Echo.json").exists()


def test_duplicate_and_move_to(qtbot, panel, monkeypatch):
    panel.select("Greet.json")
    with changed(qtbot, panel):
        panel.actions["duplicate"].trigger()
    assert panel.current() == (REQUEST, "Greet copy.json")
    offered = []
    monkeypatch.setattr(
        panel, "ask_item", lambda _title, _label, items: offered.extend(items) or "team"
    )
    with changed(qtbot, panel):
        panel.actions["move"].trigger()
    assert "(top folder)" not in offered and "team/users" in offered
    assert panel.current() == (REQUEST, "team/Greet copy.json")


def test_save_request_asks_name_and_folder(qtbot, panel, monkeypatch):
    monkeypatch.setattr(panel, "ask_save", lambda spec: ("Mine", "new/group"))
    with changed(qtbot, panel):
        rel = panel.save_request(RequestSpec(instance="i", method="m", body="{}"))
    assert rel == "new/group/Mine.json"
    assert panel.store.entry(rel).spec.name == "Mine"
    assert panel.model.find("new/group", FOLDER).isValid()
    # the same name again: replaced only after a confirmation
    monkeypatch.setattr(panel, "confirm", lambda text: False)
    assert panel.save_request(RequestSpec(method="other")) is None
    assert "already exists" in panel.message.text()
    monkeypatch.setattr(panel, "confirm", lambda text: True)
    with changed(qtbot, panel):
        panel.save_request(RequestSpec(method="other"))
    assert panel.store.entry(rel).spec.method == "other"


def test_choose_folder(qtbot, panel, monkeypatch, tmp_path):
    other = tmp_path / "repo"
    monkeypatch.setattr(panel, "ask_folder", lambda: str(other))
    with changed(qtbot, panel):
        panel.actions["choose"].trigger()
    assert panel.store.root == other and panel.model.rowCount() == 0
    assert str(other) in panel.folder_label.text()


def test_drag_and_drop_moves_to_a_folder(qtbot, panel):
    model = panel.model
    source = model.find("Greet.json", REQUEST)
    data = model.mimeData([source])
    folder = model.find("team/users", FOLDER)
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, folder)
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, source)
    assert not source.flags() & Qt.ItemFlag.ItemIsDropEnabled
    assert folder.flags() & Qt.ItemFlag.ItemIsDropEnabled
    with changed(qtbot, panel):
        # refused, so the view removes nothing: the next scan shows the moved file
        assert not model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, folder)
    assert (panel.store.root / "team/users/Greet.json").exists()
    assert panel.current() == (REQUEST, "team/users/Greet.json")
    back = model.mimeData([model.find("team/users/Greet.json", REQUEST)])
    with changed(qtbot, panel):
        model.dropMimeData(back, Qt.DropAction.MoveAction, -1, -1, model.index(-1, -1))
    assert (panel.store.root / "Greet.json").exists()
