"""Only the current request tab takes repaints: a hidden tab's updates stay off, so a tab switch
does not walk every widget of every tab (Qt's stacked layout turns updates off and on again for
its whole subtree at each switch, and that recursion skips a subtree whose own updates are off)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from shipexplorer.ui.request.request_tab import RequestTab


def _updating(tabs) -> list[bool]:
    return [tabs.widget(i).updatesEnabled() for i in range(tabs.count())]


def test_hidden_tabs_keep_their_updates_off_and_the_current_one_paints(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)])
    tabs = setup.window.tabs
    made = [tabs.new_tab(blank=True) for _ in range(4)]
    current = tabs.currentIndex()
    assert _updating(tabs) == [i == current for i in range(tabs.count())]
    tabs.setCurrentWidget(made[0])
    index = tabs.indexOf(made[0])
    assert _updating(tabs) == [i == index for i in range(tabs.count())]
    # a widget deep in a hidden tab is not updating either; one in the current tab is
    hidden = made[1].panel.body_edit.viewport()
    assert not hidden.updatesEnabled()
    assert hidden.testAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled)
    assert made[0].panel.body_edit.viewport().updatesEnabled()
    # the current tab draws what it holds
    setup.window.show()
    made[0].panel.body_edit.setPlainText('{"drawn": true}')
    assert not made[0].grab().isNull()
    # closing the current tab leaves the next current one painting
    tabs.close_tab(index)
    assert _updating(tabs) == [i == tabs.currentIndex() for i in range(tabs.count())]


def test_a_tab_opened_behind_the_current_one_starts_without_updates(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)])
    tabs = setup.window.tabs
    first = tabs.current()
    behind = RequestTab(setup.explorer, tabs._runner, tabs)
    tabs.addTab(behind, "behind")
    assert tabs.current() is first
    assert not behind.updatesEnabled() and first.updatesEnabled()
    tabs.setCurrentWidget(behind)
    assert behind.updatesEnabled() and not first.updatesEnabled()
