"""The explorer's look: toolbar icons beside labels, a neutral close button per tab, instance
rows with a coloured state dot, coloured history statuses, and empty lists that say what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListView, QTableView

from shipexplorer.core.history_records import HistoryEntry
from shipexplorer.ui.instances.instance_delegate import STATE_ROLE, InstanceDelegate, state_role
from shipexplorer.ui.library.history_table_model import status_role
from shipexplorer.ui.style import colors, icons
from shipexplorer.ui.widgets.empty_state import EmptyState


def colours_in(widget) -> set[str]:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 1)
        for y in range(0, image.height(), 1)
    }


def test_instance_rows_have_a_state_dot(qtbot):
    model = QStandardItemModel()
    for handle, state in (("ok", "ready"), ("slow", "initialising"), ("bad", "failed")):
        item = QStandardItem(f"{handle}\nsome-package 1.0 · {state}")
        item.setData(state, STATE_ROLE)
        model.appendRow(item)
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(InstanceDelegate(view))
    view.resize(300, 200)
    view.show()
    seen = colours_in(view.viewport())
    for role in (colors.SUCCESS, colors.WARNING, colors.DANGER):
        assert colors.semantic(role, view.palette()).name() in seen, role
    assert state_role("ready") == colors.SUCCESS and state_role(None) == colors.NEUTRAL
    assert model.index(0, 0).data() == "ok\nsome-package 1.0 · ready"  # what readers read


def test_history_statuses_have_their_role():
    def entry(status, error=None) -> HistoryEntry:
        return HistoryEntry(
            id=1, time=0.0, profile="p", workspace="w", instance="i", method="m", verb="POST",
            url="u", status=status, status_class="", kind=None, response_size=0,
            content_type=None, elapsed=0.1, error=error, task_id=None, body_note=None,
            body_file=None, request_size=0,
        )  # fmt: skip

    assert status_role(entry(200)) == colors.SUCCESS
    assert status_role(entry(302)) == colors.INFO
    assert status_role(entry(404)) == colors.WARNING
    assert status_role(entry(503)) == colors.DANGER
    assert status_role(entry(None, "ConnectError: refused")) == colors.DANGER
    assert status_role(entry(None, "Cancelled: by the user")) == colors.NEUTRAL


def test_an_empty_list_says_what_to_do(qtbot):
    model = QStandardItemModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    empty = EmptyState(view, "No saved requests yet: save the current tab with Ctrl+S.")
    view.show()
    assert empty.isVisible() and "Ctrl+S" in empty.text()
    model.appendRow(QStandardItem("one"))
    assert not empty.isVisible()
    model.clear()
    assert empty.isVisible()


def test_toolbar_and_tabs_look(qtbot, make_explorer):
    setup = make_explorer(docks=True)
    window = setup.window
    qtbot.waitUntil(icons.ready, timeout=5000)  # loaded once the window was painted
    toolbar = window.toolbar
    assert toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    for action in (window.refresh_action, window.create_instance_action, window.profiles_action):
        assert not action.icon().isNull(), action.text()
    tabs = window.tabs
    tabs.new_tab()
    assert tabs.count() == 2
    bar = tabs.tabBar()
    buttons = [
        bar.tabButton(i, side)
        for i in range(bar.count())
        for side in (bar.ButtonPosition.LeftSide, bar.ButtonPosition.RightSide)
        if bar.tabButton(i, side) is not None
    ]
    assert len(buttons) == 2 and {b.accessibleName() for b in buttons} == {"Close tab"}
    assert all(not b.icon().isNull() for b in buttons)
    assert not tabs.tabIcon(0).isNull()  # the verb's icon
    buttons[1].click()
    assert tabs.count() == 1
