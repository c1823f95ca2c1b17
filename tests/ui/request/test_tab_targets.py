"""Tabs are documents: each keeps its own target (profile, workspace, instance) whatever the
sidebar, the profile or the workspace shows; all of them come back after a restart."""

from __future__ import annotations

import json

from shipexplorer.core.profiles import Profile
from shipexplorer.services.drafts import DraftStore
from tests.ui.conftest import settings_for


def _ready(qtbot, setup, handle: str):
    qtbot.waitUntil(lambda: setup.window.sidebar.select_handle(handle), timeout=5000)
    tab = setup.window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.count() > 0, timeout=5000)
    return tab


def _send(qtbot, setup, tab, method: str, body: str) -> None:
    tab.panel.set_method(method)
    tab.panel.body_edit.setPlainText(body)
    with qtbot.waitSignal(setup.runner.finished, timeout=5000):
        assert setup.window.tabs.send(tab) is tab


def _titles(tabs) -> list[str]:
    if tabs.titles.pending():  # titles change once per frame: take this frame's now
        tabs.titles.flush()
    return [tabs.tabText(i) for i in range(tabs.count())]


def test_creating_or_clicking_another_instance_never_retargets_the_greet_tab(qtbot, make_explorer):
    """The issue's sequence: a greet tab showing the greeter's answer keeps the greeter."""
    setup = make_explorer(instances=[("greeter", "greeter-1", None)])
    window, tabs = setup.window, setup.window.tabs
    greet = _ready(qtbot, setup, "greeter-1")
    _send(qtbot, setup, greet, "greet", '{"name": "Ada"}')
    assert "Ada" in greet.response.body_text()
    created = setup.instance("echo", "echo-1")
    window._instance_created(created)  # what the create dialog's `created` does
    qtbot.waitUntil(lambda: any(t.handle == "echo-1" for t in tabs.tabs()), timeout=5000)
    assert (greet.handle, greet.method()) == ("greeter-1", "greet")
    assert "Ada" in greet.response.body_text()
    echo = tabs.current()
    assert echo is not greet and echo.handle == "echo-1"
    # the sidebar follows the current tab; clicking greeter focuses the greet tab again
    assert window.sidebar.current().handle == "echo-1"
    tabs.setCurrentWidget(greet)
    assert window.sidebar.current().handle == "greeter-1"
    tabs.setCurrentWidget(echo)
    assert window.sidebar.select_handle("greeter-1")
    assert tabs.current() is greet and echo.handle == "echo-1"
    qtbot.waitUntil(lambda: echo.panel.method_combo.findText("echo") >= 0, timeout=5000)
    _send(qtbot, setup, echo, "echo", '{"x": 1}')
    assert json.loads(echo.response.body_text()) == {"x": 1}


def test_a_click_replaces_the_preview_tab_until_it_is_edited(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "a", None), ("echo", "b", None), ("echo", "c", None)])
    tabs = setup.window.tabs
    first = _ready(qtbot, setup, "a")
    assert first.preview
    setup.window.sidebar.select_handle("b")
    assert tabs.count() == 1 and first.handle == "b"  # the preview took the new instance
    first.panel.body_edit.setPlainText('{"kept": true}')  # an edit: no longer a preview
    assert not first.preview
    setup.window.sidebar.select_handle("c")
    assert tabs.count() == 2 and first.handle == "b" and tabs.current().handle == "c"


def test_a_preview_taking_another_package_shows_that_packages_method(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None), ("greeter", "g", None)])
    tab = _ready(qtbot, setup, "e")
    assert tab.preview and tab.method() == "echo"
    assert setup.window.sidebar.select_handle("g")
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("greet") >= 0, timeout=5000)
    assert tab.handle == "g" and tab.method() == "greet"  # not echo's method kept as typed


def test_titles_are_unique_and_name_instance_and_method(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)])
    tabs = setup.window.tabs
    tab = _ready(qtbot, setup, "e")
    tab.panel.set_method("echo")
    tabs.new_tab().panel.set_method("echo")
    tabs.new_tab(copy_of=tab)
    assert _titles(tabs) == ["e · echo", "e · echo (2)", "e · echo (3)"]


def test_profile_switch_and_back_keeps_four_tabs_and_a_tab_sends_with_its_profile(
    qtbot, make_explorer, emulator
):
    setup = make_explorer(instances=[("echo", "e", None), ("greeter", "g", None)])
    tabs = setup.window.tabs
    first = _ready(qtbot, setup, "e")
    _send(qtbot, setup, first, "echo", '{"n": 1}')
    assert setup.window.sidebar.select_handle("g")  # the sent echo tab stays: g gets a tab
    second = tabs.current()
    qtbot.waitUntil(lambda: second.panel.method_combo.count() > 0, timeout=5000)
    _send(qtbot, setup, second, "greet", '{"name": "Bo"}')
    tabs.setCurrentWidget(first)
    third = tabs.new_tab()  # Ctrl+T: another tab of the current tab's instance
    _send(qtbot, setup, third, "echo", '{"n": 3}')
    tabs.setCurrentWidget(second)
    fourth = tabs.new_tab()
    _send(qtbot, setup, fourth, "greet", '{"name": "Di"}')
    made = [first, second, third, fourth]
    assert [t.handle for t in made] == ["e", "g", "e", "g"] and tabs.tabs() == made
    before = [(t.handle, t.method(), t.body_text(), t.response.body_text()) for t in made]
    other = Profile("Other", settings_for(emulator, "elsewhere"), builtin=True)
    setup.profiles.add_builtin(other, "not-a-valid-key", select=True)
    qtbot.waitUntil(lambda: setup.window.sidebar.model.rowCount() == 0, timeout=5000)
    assert tabs.tabs() == made
    assert [(t.handle, t.method(), t.body_text(), t.response.body_text()) for t in made] == before
    assert "not the current profile" in made[0].panel.instance_label.text()
    # a tab of "Emulator" sends with its own profile's key even while "Other" is current
    mark = emulator.request_mark()
    _send(qtbot, setup, made[2], "echo", '{"n": 33}')
    assert json.loads(made[2].response.body_text()) == {"n": 33}
    sent = [r for r in emulator.requests_since(mark) if r.path.endswith("/echo")]
    assert sent and sent[-1].headers["Authorization"] == "Bearer demo-key"
    setup.profiles.select("Emulator")
    qtbot.waitUntil(lambda: setup.window.sidebar.model.rowCount() == 2, timeout=5000)
    assert tabs.tabs() == made
    assert [t.handle for t in made] == ["e", "g", "e", "g"]
    assert "not the current profile" not in made[0].panel.instance_label.text()


def test_every_tab_comes_back_after_a_restart(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None), ("greeter", "g", None)], docks=True)
    tabs, drafts = setup.window.tabs, setup.docks.drafts
    first = _ready(qtbot, setup, "e")
    first.panel.set_method("echo")
    first.panel.body_edit.setPlainText('{"a": 1}')
    assert setup.window.sidebar.select_handle("g")
    second = tabs.current()
    qtbot.waitUntil(lambda: second.panel.method_combo.count() > 0, timeout=5000)
    second.panel.set_method("greet")
    second.panel.body_edit.setPlainText('{"name": "Al"}')
    tabs.setCurrentWidget(first)
    tabs.new_tab().panel.set_method("echo")
    tabs.setCurrentWidget(second)
    tabs.new_tab()
    tabs.setCurrentIndex(1)
    expected = [(t.handle, t.method(), t.body_text(), t.profile) for t in tabs.tabs()]
    assert len(expected) == 4
    drafts.close()  # the app ends (a kill leaves the same files)
    while tabs.count() > 1:
        tabs.close_tab(0)
    tabs.close_tab(0)
    later = DraftStore(drafts._pool, drafts.folder)
    setup.window.docks._services.drafts = later  # as the next start builds it
    try:
        assert setup.window.docks.restore_drafts() == 4
        restored = [(t.handle, t.method(), t.body_text(), t.profile) for t in tabs.tabs()]
        assert restored == expected
        assert tabs.currentIndex() == 1
    finally:
        later.close()


def test_a_saved_request_tab_carries_its_name_and_a_modified_mark(
    qtbot, make_explorer, monkeypatch
):
    setup = make_explorer(instances=[("echo", "e", None)], docks=True)
    docks, tabs = setup.window.docks, setup.window.tabs
    monkeypatch.setattr(docks.saved_panel, "ask_save", lambda spec: ("Say it twice", ""))
    tab = _ready(qtbot, setup, "e")
    tab.panel.set_method("echo")
    tab.panel.body_edit.setPlainText('{"a": 1}')
    docks.save_action.trigger()
    assert _titles(tabs) == ["Say it twice"]
    store = setup.docks.saved
    qtbot.waitUntil(lambda: len(store.snapshot().entries) == 1, timeout=5000)
    tab.panel.body_edit.setPlainText('{"a": 2}')
    assert _titles(tabs) == ["Say it twice •"]
    monkeypatch.setattr(docks.saved_panel, "ask_save", lambda spec: None)  # never asked again
    docks.save_action.trigger()  # Ctrl+S writes the same file back
    assert _titles(tabs) == ["Say it twice"]
    qtbot.waitUntil(lambda: '"a": 2' in store.snapshot().entries[0].spec.body, timeout=5000)
    entry = store.snapshot().entries[0]
    assert json.loads(entry.spec.body) == {"a": 2}
    tabs.close_current()
    docks.open_saved(entry)
    assert _titles(tabs) == ["Say it twice"] and tabs.current().saved_rel == entry.rel
