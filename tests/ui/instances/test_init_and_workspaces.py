"""Instances that initialise, creates answered with a task, "All workspaces", and a config form
that follows the version: the explorer window and the create dialog against the emulator."""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt

from shipexplorer.api import SteamshipClient
from shipexplorer.emulator import operations as emulator_operations
from shipexplorer.ui.instances.create_instance_dialog import CreateInstanceDialog
from shipexplorer.ui.instances.instance_sidebar import ROLE
from shipexplorer.ui.instances.workspace_selector import ALL_TEXT, ALL_WORKSPACES
from tests.catalog_support import make_catalog
from tests.ui.conftest import settings_for


def _rows(setup) -> list[str]:
    model = setup.window.sidebar.model
    return [model.item(row).text() for row in range(model.rowCount())]


def _row_of(setup, handle: str) -> str:
    return next((text for text in _rows(setup) if text.startswith(handle + "\n")), "")


def _current_is(setup, handle: str) -> bool:
    current = setup.window.sidebar.current()
    return current is not None and current.handle == handle


def _create_from_dialog(qtbot, setup, package: str, handle: str, **config) -> CreateInstanceDialog:
    window = setup.window
    window.create_instance_action.trigger()
    dialog = window._create_dialog
    dialog.choose_package(package)
    qtbot.waitUntil(lambda: dialog.config_stack.currentWidget() is dialog.config_form, timeout=5000)
    if config:
        dialog.config_form.set_value({**dialog.config_form.value(), **config})
    dialog.instance_edit.setText(handle)
    dialog.create_button.click()
    return dialog


# -- initialisation ---------------------------------------------------------------------------
def test_a_new_initialising_instance_shows_its_methods_without_a_refresh(qtbot, make_explorer):
    setup = make_explorer(catalog=True)
    window = setup.window
    qtbot.waitUntil(
        lambda: "No package instances" in window.sidebar.state_label.text(), timeout=5000
    )
    _create_from_dialog(qtbot, setup, "slow-init", "si", seconds=2)
    qtbot.waitUntil(lambda: _current_is(setup, "si"), timeout=5000)
    tab = window.tabs.current()
    assert tab.handle == "si"
    # the wait shows, with the seconds, in the sidebar row and the tab's instance line
    qtbot.waitUntil(
        lambda: bool(re.search(r"initialising… \d+ s", _row_of(setup, "si"))), timeout=5000
    )
    assert "initialising…" in tab.panel.instance_label.text()
    assert tab.panel.method_combo.count() == 0
    # then its methods come by themselves (no Refresh), and the row says "ready"
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("ask") >= 0, timeout=10000)
    qtbot.waitUntil(lambda: _row_of(setup, "si").endswith("· ready"), timeout=5000)
    assert "initialising" not in tab.panel.instance_label.text()
    tab.panel.set_method("ask")
    tab.panel.body_edit.setPlainText('{"question": "ready?"}')
    tab.panel.send_button.click()
    qtbot.waitUntil(lambda: not tab.running and tab.response.answer is not None, timeout=5000)
    assert tab.response.body_text().startswith("Initialised and ready")


def test_an_init_that_fails_says_so_in_the_row_and_the_tab(qtbot, make_explorer):
    # made before the window lists the workspace (made after, the first listing may miss it)
    setup = make_explorer(instances=[("broken-init", "bi", {"seconds": 1})])
    window = setup.window
    qtbot.waitUntil(lambda: window.sidebar.select_handle("bi"), timeout=5000)
    tab = window.tabs.current()
    qtbot.waitUntil(lambda: _row_of(setup, "bi").endswith("· failed"), timeout=10000)
    qtbot.waitUntil(lambda: "failed to initialise" in tab.panel.instance_label.text(), timeout=5000)
    assert "failed to initialise" in tab.panel.doc_label.text()  # where the methods would be
    assert tab.panel.method_combo.count() == 0  # no __dir__ of a failed instance
    item = window.sidebar.model.item(0)
    assert "failed to initialise" in item.toolTip()


# -- a create answered with a task --------------------------------------------------------------
@pytest.fixture
def background_creates(monkeypatch):
    """``package/instance/create`` answers ``{"status": task}`` and no ``data``."""
    original = emulator_operations.OPERATIONS["package/instance/create"]

    def create(ctx, body):
        return emulator_operations._in_background(ctx, "package/instance/create", original, body)

    monkeypatch.setitem(emulator_operations.OPERATIONS, "package/instance/create", create)


def test_a_create_answered_with_a_task_is_tracked_and_the_instance_appears(
    qtbot, make_explorer, start_emulator, background_creates
):
    setup = make_explorer(catalog=True, docks=True, emu=start_emulator())
    window = setup.window
    qtbot.waitUntil(
        lambda: "No package instances" in window.sidebar.state_label.text(), timeout=5000
    )
    dialog = _create_from_dialog(qtbot, setup, "greeter", "queued-1", greeting="Later")
    qtbot.waitUntil(lambda: "is being created (task" in dialog.status.text(), timeout=5000)
    assert dialog.status.text().endswith("it appears in the list when ready.")
    task_id = re.search(r"\(task ([^)]+)\)", dialog.status.text()).group(1)
    qtbot.waitUntil(lambda: setup.docks.tracker.task(task_id) is not None, timeout=5000)
    qtbot.waitUntil(lambda: _current_is(setup, "queued-1"), timeout=10000)
    assert not dialog.isVisible()  # announced, then closed
    tab = window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("greet") >= 0, timeout=5000)


# -- all workspaces ---------------------------------------------------------------------------
def test_all_workspaces_lists_each_instance_with_its_workspace_and_calls_it_there(
    qtbot, make_explorer, start_emulator
):
    emu = start_emulator()
    setup = make_explorer(emu=emu)
    other = setup.workspace + "-other"
    setup.instance("greeter", "g", greeting="Home")
    with SteamshipClient(settings_for(emu, other, api_key="demo-key")) as client:
        client.workspace_create(other)
        client.instance_create("greeter", "g", config={"greeting": "Away"})
    window, selector = setup.window, setup.window.workspace_selector
    setup.explorer.refresh()
    qtbot.waitUntil(lambda: len(_rows(setup)) == 1, timeout=5000)
    qtbot.waitUntil(lambda: selector.findData(ALL_WORKSPACES) >= 0, timeout=5000)
    assert selector.itemText(selector.findData(ALL_WORKSPACES)) == ALL_TEXT
    index = selector.findData(ALL_WORKSPACES)
    selector.setCurrentIndex(index)
    selector.activated.emit(index)
    qtbot.waitUntil(lambda: len(_rows(setup)) == 2, timeout=5000)
    assert setup.explorer.across_workspaces() and selector.currentData() == ALL_WORKSPACES
    assert any(f"in {setup.workspace}" in text for text in _rows(setup)), _rows(setup)
    assert any(f"in {other}" in text for text in _rows(setup)), _rows(setup)
    proxy = window.sidebar.proxy
    away = next(
        proxy.index(row, 0)
        for row in range(proxy.rowCount())
        if proxy.index(row, 0).data(ROLE).workspace_handle == other
    )
    mark = emu.request_mark()
    window.sidebar.list.setCurrentIndex(away)
    tab = window.tabs.current()
    assert tab.workspace == other and tab.handle == "g"
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("greet") >= 0, timeout=5000)
    tab.panel.set_method("greet")
    tab.panel.body_edit.setPlainText('{"name": "Ada"}')
    tab.panel.send_button.click()
    qtbot.waitUntil(lambda: not tab.running and tab.response.answer is not None, timeout=5000)
    assert tab.response.body_text() == "Away, Ada!"
    called = [r.path for r in emu.requests_since(mark) if r.path.endswith("/g/greet")]
    assert called and all(f"/{other}/g/greet" in path for path in called)
    # a workspace picked again lists that one only; the tab keeps its own target
    index = selector.findData(setup.workspace)
    selector.setCurrentIndex(index)
    selector.activated.emit(index)
    qtbot.waitUntil(lambda: len(_rows(setup)) == 1, timeout=5000)
    assert not setup.explorer.across_workspaces() and tab.workspace == other


def test_listed_records_without_a_workspace_handle_still_call_their_workspace(
    qtbot, make_explorer, start_emulator, monkeypatch
):
    emu = start_emulator()
    setup = make_explorer(emu=emu)
    other = setup.workspace + "-other"
    with SteamshipClient(settings_for(emu, other, api_key="demo-key")) as client:
        client.workspace_create(other)
        client.instance_create("greeter", "far", config={"greeting": "Far"})
    original = emulator_operations.OPERATIONS["package/instance/list"]

    def without_handles(ctx, body):
        answer = original(ctx, body)
        for record in answer.get("packageInstances", []):
            record.pop("workspaceHandle", None)
        return answer

    monkeypatch.setitem(emulator_operations.OPERATIONS, "package/instance/list", without_handles)
    setup.explorer.show_all_workspaces(True)
    qtbot.waitUntil(lambda: len(_rows(setup)) == 1, timeout=5000)
    assert f"in {other}" in _rows(setup)[0]
    qtbot.waitUntil(lambda: setup.window.sidebar.select_handle("far"), timeout=5000)
    tab = setup.window.tabs.current()
    assert tab.workspace == other
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("greet") >= 0, timeout=5000)


# -- the config form follows the version ----------------------------------------------------------
@pytest.fixture
def harness(start_emulator, worker_pool, qtbot, tmp_path):
    made = make_catalog(start_emulator(), worker_pool, tmp_path)
    yield made
    made.close(qtbot)


@pytest.fixture
def greeter_versions(monkeypatch):
    """``package/version/list``: greeter's 1.0.0 (today's template) and an older 0.9.0 that only
    took a greeting."""
    asked: list[dict] = []

    def versions(ctx, body):
        asked.append(body)
        from shipexplorer.emulator.packages import CATALOGUE

        return {
            "packageVersions": [
                {
                    "id": "v1",
                    "handle": "1.0.0",
                    "configTemplate": CATALOGUE["greeter"].config_template,
                },
                {
                    "id": "v09",
                    "handle": "0.9.0",
                    "configTemplate": json.dumps({"greeting": {"type": "string", "default": "Yo"}}),
                },
            ]
        }

    monkeypatch.setitem(emulator_operations.OPERATIONS, "package/version/list", versions)
    return asked


def _dialog(qtbot, harness) -> CreateInstanceDialog:
    with qtbot.waitSignal(harness.catalog.packagesLoaded, timeout=5000):
        dialog = CreateInstanceDialog(harness.catalog)
        qtbot.addWidget(dialog)
        dialog.show()
    with qtbot.waitSignal(harness.catalog.packageLoaded, timeout=5000):
        dialog.choose_package("greeter")
    return dialog


def _names(dialog) -> list[str]:
    return [spec.name for spec in dialog.config_form.fields()]


def test_the_config_form_follows_the_version_typed(qtbot, harness, greeter_versions):
    dialog = _dialog(qtbot, harness)
    assert _names(dialog) == ["greeting", "punctuation", "shout"]
    dialog.config_form.field("greeting").editor.setText("Hiya")
    with qtbot.waitSignal(harness.catalog.versionLoaded, timeout=5000) as blocker:
        qtbot.keyClicks(dialog.version_edit, "0.9.0")
    assert blocker.args[:2] == ["greeter", "0.9.0"]
    assert greeter_versions and greeter_versions[0]["packageId"]
    assert _names(dialog) == ["greeting"]
    assert dialog.config_form.field("greeting").editor.text() == "Hiya"  # what was typed stays
    assert "0.9.0" in dialog.version_note.text()
    # the check before sending is that version's: 0.9.0 takes no "shout"
    dialog.config_form.set_raw_mode(True)
    dialog.config_form.raw_edit.setPlainText('{"greeting": "Hi", "shout": true}')
    dialog.submit()
    assert "Unknown config key 'shout'" in dialog.top_error.text()
    assert harness.creates() == 0
    dialog.config_form.set_raw_mode(False)
    # back to the latest version: its whole form again
    dialog.version_edit.clear()
    qtbot.waitUntil(lambda: _names(dialog) == ["greeting", "punctuation", "shout"], timeout=5000)
    assert not dialog.version_note.isVisible()


def test_create_waits_for_the_version_config_then_sends(qtbot, harness, greeter_versions):
    dialog = _dialog(qtbot, harness)
    dialog.version_edit.setText("0.9.0")
    dialog.instance_edit.setText("old-greeter")
    with qtbot.waitSignal(harness.catalog.createFailed, timeout=5000) as blocker:
        qtbot.keyClick(dialog.instance_edit, Qt.Key.Key_Return)  # Create, before it loaded
    assert _names(dialog) == ["greeting"]
    sent = [
        json.loads(r.body)
        for r in harness.emulator.requests
        if r.path.endswith("package/instance/create")
    ]
    assert sent and sent[-1]["packageVersionHandle"] == "0.9.0"
    assert sent[-1]["config"] == {"greeting": "Yo"}
    assert "has no version '0.9.0'" in str(blocker.args[0])  # the emulator has 1.0.0 only


def test_a_version_the_server_cannot_describe_leaves_the_check_to_it(qtbot, harness):
    dialog = _dialog(qtbot, harness)  # the emulator has no package/version/list
    with qtbot.waitSignal(harness.catalog.versionLoaded, timeout=5000) as blocker:
        qtbot.keyClicks(dialog.version_edit, "2.0.0")
    assert blocker.args[2] is None
    assert _names(dialog) == ["greeting", "punctuation", "shout"]
    assert "does not list package versions" in dialog.version_note.text()
    dialog.config_form.set_raw_mode(True)
    dialog.config_form.raw_edit.setPlainText('{"newer": 1}')
    with qtbot.waitSignal(harness.catalog.createFailed, timeout=5000):
        dialog.submit()  # sent: the latest template may not be 2.0.0's
    assert harness.creates() == 1
