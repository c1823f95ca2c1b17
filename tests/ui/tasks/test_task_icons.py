"""The state icons of the task table: "waiting" is a calm hourglass, not the style's red stop
sign; "creating" and "running" are not alarming either; only "failed" is."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QApplication, QStyle

from shipexplorer.ui.tasks.task_table_model import STATE, TASK_ID, TaskTableModel
from tests.ui.tasks.test_task_table_model import NOW, FakeTracker, make_task

SP = QStyle.StandardPixmap
ALARMING = (SP.SP_BrowserStop, SP.SP_MessageBoxCritical, SP.SP_MessageBoxWarning)


def image(icon: QIcon) -> QImage:
    return icon.pixmap(16, 16).toImage().convertToFormat(QImage.Format.Format_ARGB32)


def test_waiting_creating_and_running_have_calm_icons(qtbot):
    tracker = FakeTracker()
    for state in ("waiting", "creating", "running", "failed"):
        tracker.add(make_task(f"t-{state}", state, start=NOW - 5))
    model = TaskTableModel(tracker, clock=lambda: NOW)
    icons = {
        model.index(row, TASK_ID).data(): model.index(row, STATE).data(
            Qt.ItemDataRole.DecorationRole
        )
        for row in range(model.rowCount())
    }
    style = QApplication.style()
    alarming = [image(style.standardIcon(pixmap)) for pixmap in ALARMING]
    for task_id in ("t-waiting", "t-creating", "t-running"):
        icon = icons[task_id]
        assert icon is not None and not icon.isNull(), task_id
        assert image(icon) not in alarming, task_id
    assert image(icons["t-waiting"]) != image(style.standardIcon(SP.SP_BrowserStop))
    assert model.index(0, STATE).data() == "waiting"  # and said in words
