"""Marking a saved request as a demo is one action with one prefilled dialog ("Use as demo…",
also in the tree's context menu), and the demo list shows it; the same dialog stops it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from shipexplorer.core.recipes import recipes_from
from shipexplorer.core.saved_files import RequestSpec, to_bytes
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.ui.library.saved_panel import SavedRequestsPanel
from shipexplorer.ui.library.saved_tree_model import REQUEST
from shipexplorer.ui.presentation.demo_dialog import DemoChoice, DemoDialog
from shipexplorer.ui.presentation.recipe_list import RecipeList

GREET = RequestSpec(name="Greet", instance="g", method="greet", body='{"name": "Ada"}')


def test_one_dialog_marks_and_unmarks(qtbot, tmp_path, worker_pool, monkeypatch):
    root = tmp_path / "saved"
    root.mkdir()
    (root / "Greet.json").write_bytes(to_bytes(GREET))
    store = SavedRequests(worker_pool, root, settings_file=tmp_path / "cfg.json")
    panel = SavedRequestsPanel(store)
    qtbot.addWidget(panel)
    demos = RecipeList(store)
    qtbot.addWidget(demos)
    with qtbot.waitSignal(store.changed, timeout=5000):
        store.rescan()
    action = panel.actions["present"]
    assert action.text() == "Use as demo…"
    assert action in panel.tree.actions()
    assert panel.tree.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    asked: list[tuple] = []

    def ask(title, description, is_demo):
        asked.append((title, description, is_demo))
        return DemoChoice(title, "Says hello.")

    monkeypatch.setattr(panel, "ask_demo", ask)
    panel.select("Greet.json")
    with qtbot.waitSignal(store.changed, timeout=5000):
        action.trigger()
    assert asked == [("Greet", "", False)]  # prefilled with the request's name, asked once
    (recipe,) = recipes_from(store.snapshot())
    assert (recipe.title, recipe.description) == ("Greet", "Says hello.")
    qtbot.waitUntil(lambda: demos.list.count() == 1, timeout=5000)
    assert demos.list.item(0).text() == "Greet\nSays hello."
    marked = panel.model.find("Greet.json", REQUEST)
    assert marked.data() == "Greet · demo"  # the saved tree says which requests are demos
    assert "Used as a demo: “Greet”" in marked.data(Qt.ItemDataRole.ToolTipRole)
    monkeypatch.setattr(panel, "ask_demo", lambda *a: asked.append(a) or DemoChoice(remove=True))
    panel.select("Greet.json")
    with qtbot.waitSignal(store.changed, timeout=5000):
        action.trigger()
    assert asked[-1] == ("Greet", "Says hello.", True)
    assert recipes_from(store.snapshot()) == []
    qtbot.waitUntil(lambda: demos.list.count() == 0, timeout=5000)
    assert panel.model.find("Greet.json", REQUEST).data() == "Greet"


def test_the_dialog_is_prefilled_and_offers_to_stop(qtbot):
    dialog = DemoDialog("Greet", "Says hello.", is_demo=True)
    qtbot.addWidget(dialog)
    assert dialog.title_edit.text() == "Greet"
    assert dialog.description_edit.text() == "Says hello."
    assert dialog.remove_button is not None
    dialog.remove_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.choice().remove
    fresh = DemoDialog("Echo", "", is_demo=False)
    qtbot.addWidget(fresh)
    assert fresh.remove_button is None
    fresh.title_edit.setText("  Echo it  ")
    assert fresh.choice() == DemoChoice("Echo it", "")
