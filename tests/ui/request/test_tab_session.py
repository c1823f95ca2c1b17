"""Tab drafts: a tab made current (as each Send from another tab does) writes the drafts of the
two tabs whose current flag changed, not a new draft of every tab (each scans its whole body)."""

from __future__ import annotations

import json

from shipexplorer.ui.request.tab_session import TabSession


def test_making_a_tab_current_redrafts_only_the_tabs_whose_place_changed(
    qtbot, make_explorer, monkeypatch
):
    setup = make_explorer(docks=True)
    docks = setup.window.docks
    assert docks is not None
    session, drafts, tabs = docks.tab_session, setup.docks.drafts, setup.window.tabs
    opened = [tabs.new_tab(blank=True) for _ in range(5)]
    for n, tab in enumerate(opened):
        tab.panel.body_edit.setPlainText(json.dumps({"n": n}))
    drafts.flush()
    made: list[object] = []
    draft_of = TabSession._draft_of
    monkeypatch.setattr(
        session, "_draft_of", lambda tab: made.append(tab) or draft_of(session, tab)
    )
    before = tabs.current()
    tabs.setCurrentWidget(opened[1])
    drafts.flush()
    assert sorted(map(id, made)) == sorted(map(id, [before, opened[1]]))
    # A moved tab changes the place of the tabs between: those are written again.
    made.clear()
    tabs.tabBar().moveTab(tabs.indexOf(opened[0]), tabs.indexOf(opened[2]))
    drafts.flush()
    assert {id(t) for t in made} == {id(t) for t in opened[:3]}
    # A draft says which tab is current, and where it is.
    assert draft_of(session, opened[1]).current and not draft_of(session, before).current
    assert draft_of(session, opened[0]).position == tabs.indexOf(opened[0])
