"""Tab titles change at most once per frame, however many tabs report a change in it."""

from __future__ import annotations


def test_many_title_changes_in_a_frame_retitle_the_tabs_once(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)])
    tabs = setup.window.tabs
    made = [tabs.new_tab(blank=True) for _ in range(5)]
    tabs.titles.flush()
    before = tabs.titles.calls
    for _ in range(20):  # twenty answers landing in the same frame
        for tab in made:
            tab.titleChanged.emit()
    assert tabs.titles.calls == before and tabs.titles.pending()
    qtbot.waitUntil(lambda: not tabs.titles.pending(), timeout=5000)
    assert tabs.titles.calls == before + 1


def test_an_unchanged_title_leaves_the_tab_bar_alone(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)])
    tabs = setup.window.tabs
    tabs.new_tab(blank=True)
    tabs.titles.flush()
    texts: list[int] = []
    original = tabs.setTabText

    def counting(index: int, text: str) -> None:
        texts.append(index)
        original(index, text)

    tabs.setTabText = counting
    tabs.titles.flush()
    assert texts == []
