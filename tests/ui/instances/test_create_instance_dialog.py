"""The create-instance dialog, driven as a user would, against the in-process emulator."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)

from shipexplorer.api import PackageInstance
from shipexplorer.ui.instances import config_form
from shipexplorer.ui.instances.create_instance_dialog import CreateInstanceDialog
from tests.catalog_support import make_catalog


@pytest.fixture
def harness(start_emulator, worker_pool, qtbot, tmp_path):
    made = make_catalog(start_emulator(), worker_pool, tmp_path)
    yield made
    made.close(qtbot)


def _open(qtbot, harness) -> CreateInstanceDialog:
    with qtbot.waitSignal(harness.catalog.packagesLoaded, timeout=5000):
        dialog = CreateInstanceDialog(harness.catalog)
        qtbot.addWidget(dialog)
        dialog.show()
    return dialog


def _choose(qtbot, harness, dialog: CreateInstanceDialog, handle: str, *, type_it=False) -> None:
    with qtbot.waitSignal(harness.catalog.packageLoaded, timeout=5000):
        if type_it:
            dialog.package_combo.lineEdit().clear()
            qtbot.keyClicks(dialog.package_combo.lineEdit(), handle)
        else:
            dialog.package_combo.setCurrentIndex(dialog.package_combo.findText(handle))
            dialog.package_combo.activated.emit(dialog.package_combo.currentIndex())
    qtbot.waitUntil(lambda: dialog.config_stack.currentWidget() is dialog.config_form)


def _raw(dialog: CreateInstanceDialog, text: str) -> None:
    dialog.config_form.set_raw_mode(True)
    dialog.config_form.raw_edit.setPlainText(text)


def test_packages_are_listed_and_greeter_builds_its_form(qtbot, harness):
    dialog = _open(qtbot, harness)
    combo = dialog.package_combo
    assert {combo.itemText(i) for i in range(combo.count())} >= {"greeter", "echo", "faults"}
    assert "packages listed" in dialog.package_note.text()
    _choose(qtbot, harness, dialog, "greeter", type_it=True)
    assert dialog.instance_edit.text() == "greeter-1"
    form = dialog.config_form
    greeting, punctuation, shout = (form.field(n) for n in ("greeting", "punctuation", "shout"))
    assert isinstance(greeting.editor, QLineEdit) and greeting.editor.text() == "Hello"
    assert isinstance(punctuation.editor, QComboBox)
    items = [punctuation.editor.itemText(i) for i in range(punctuation.editor.count())]
    assert items == ["!", ".", "?"] and punctuation.editor.currentText() == "!"
    assert isinstance(shout.editor, QCheckBox) and not shout.editor.isChecked()
    assert (
        greeting.help.isVisible() and greeting.help.text() == "The word the greeting starts with."
    )
    assert greeting.editor.toolTip() == "The word the greeting starts with."
    assert json.loads(form.raw_edit.toPlainText()) == {
        "greeting": "Hello",
        "punctuation": "!",
        "shout": False,
    }


def test_the_suggestion_follows_the_package_until_the_user_types_a_handle(qtbot, harness):
    dialog = _open(qtbot, harness)
    with qtbot.waitSignal(harness.catalog.created, timeout=5000):
        harness.catalog.create_instance("echo", "echo-1")
    with qtbot.waitSignal(harness.catalog.instanceHandlesLoaded, timeout=5000):
        harness.catalog.load_instance_handles()
    _choose(qtbot, harness, dialog, "echo")
    assert dialog.instance_edit.text() == "echo-2"  # echo-1 exists
    qtbot.keyClicks(dialog.instance_edit, "x")
    _choose(qtbot, harness, dialog, "greeter")
    assert dialog.instance_edit.text() == "echo-2x"
    dialog.instance_edit.clear()
    dialog.instance_edit.textEdited.emit("")
    assert dialog.instance_edit.text() == "greeter-1"


def test_form_and_raw_json_stay_in_sync(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    form = dialog.config_form
    form.field("greeting").editor.clear()
    qtbot.keyClicks(form.field("greeting").editor, "Hi")
    qtbot.mouseClick(form.field("shout").editor, Qt.MouseButton.LeftButton)
    assert json.loads(form.raw_edit.toPlainText()) == {
        "greeting": "Hi",
        "punctuation": "!",
        "shout": True,
    }
    _raw(dialog, '{"greeting": "Yo", "punctuation": "?"}')
    assert form.stack.currentWidget() is form.raw_edit.parentWidget()
    assert form.field("greeting").editor.text() == "Yo"
    assert form.field("punctuation").editor.currentText() == "?"
    assert not form.field("shout").editor.isChecked()  # absent: back to its default
    form.raw_edit.setPlainText('{"greeting": }')
    assert form.raw_error.isVisible()
    assert form.raw_error.text() == "Error: line 1, column 14: Expecting value"
    assert form.field("greeting").editor.text() == "Yo"  # the form keeps the last good config
    form.set_raw_mode(False)
    assert form.value() == {"greeting": "Yo", "punctuation": "?", "shout": False}


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ('{"punctuation": "x"}', "punctuation", 'must be one of "!", ".", "?"'),
        ('{"shout": "yes"}', "shout", "must be true or false"),
        ('{"greeting": 5}', "greeting", "must be text"),
    ],
)
def test_an_invalid_config_is_refused_before_sending(qtbot, harness, raw, field, words):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    _raw(dialog, raw)
    dialog.submit()
    error = dialog.config_form.field(field).error
    assert error.isVisible() and words in error.text() and f"'{field}'" in error.text()
    assert not dialog.config_form.raw_mode  # the form is shown, the message beside the field
    assert dialog.top_error.isVisible()
    assert harness.creates() == 0
    assert dialog.isVisible()


def test_a_bad_raw_json_is_refused_with_its_position(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    _raw(dialog, '{\n  "greeting": "Hi",\n}')
    dialog.submit()
    assert "line 3, column 1: " in dialog.config_form.raw_error.text()
    assert harness.creates() == 0


def test_the_servers_refusal_is_shown_beside_the_field_it_names(qtbot, harness, monkeypatch):
    monkeypatch.setattr(config_form, "validate_config", lambda fields, config: {})
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    _raw(dialog, '{"punctuation": "x"}')
    with qtbot.waitSignal(harness.catalog.createFailed, timeout=5000):
        dialog.submit()
    assert harness.creates() == 1
    error = dialog.config_form.field("punctuation").error
    assert error.isVisible()
    assert "Config key 'punctuation' must be one of" in error.text()
    assert error.text().count("Suggestion: Match the package's configTemplate") == 1
    assert "see 'punctuation'" in dialog.top_error.text()
    assert dialog.isVisible() and dialog.create_button.isEnabled()


def test_creating_greeter_with_a_greeting_then_greeting_ada(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    greeting = dialog.config_form.field("greeting").editor
    greeting.clear()
    qtbot.keyClicks(greeting, "Hi")
    with qtbot.waitSignal(dialog.created, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    instance = blocker.args[0]
    assert isinstance(instance, PackageInstance)
    assert instance.handle == "greeter-1" and instance.package_handle == "greeter"
    assert instance.config == {"greeting": "Hi", "punctuation": "!", "shout": False}
    assert dialog.result() == QDialog.DialogCode.Accepted
    with harness.client() as client:
        assert client.invoke(instance, "greet", {"name": "Ada"}).value.value == "Hi, Ada!"


def test_fetch_if_exists_off_on_an_existing_handle_shows_the_servers_error(qtbot, harness):
    with qtbot.waitSignal(harness.catalog.created, timeout=5000):
        harness.catalog.create_instance("greeter", "taken")
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    dialog.instance_edit.setText("taken")
    dialog.instance_edit.textEdited.emit("taken")
    assert dialog.fetch_check.isChecked()
    dialog.fetch_check.setChecked(False)
    with qtbot.waitSignal(harness.catalog.createFailed, timeout=5000):
        dialog.submit()
    assert dialog.instance_error.isVisible()
    assert "'taken' already exists" in dialog.instance_error.text()
    assert "[ObjectExists]" in dialog.instance_error.text()
    assert dialog.instance_error.text().count("ObjectExists") == 1
    assert dialog.isVisible()


def test_a_package_without_template_gets_a_key_value_table(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "echo")
    form = dialog.config_form
    assert not form.has_template and form.stack.currentWidget() is form.table
    table = form.table
    for key, value in (("size", "3"), ("name", "plain text"), ("flags", '{"a": true}')):
        qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
        row = table.table.rowCount() - 1
        table.table.item(row, 0).setText(key)
        table.table.item(row, 1).setText(value)
    expected = {"size": 3, "name": "plain text", "flags": {"a": True}}
    assert form.value() == expected
    assert json.loads(form.raw_edit.toPlainText()) == expected
    _raw(dialog, '{"size": "3", "n": null}')
    assert table.rows() == [("size", '"3"'), ("n", "null")]
    form.set_raw_mode(False)
    table.table.setCurrentCell(1, 0)
    qtbot.mouseClick(table.remove_button, Qt.MouseButton.LeftButton)
    assert json.loads(form.raw_edit.toPlainText()) == {"size": "3"}
    # echo takes no config at all: the server refuses, naming no field, so at the top
    with qtbot.waitSignal(harness.catalog.createFailed, timeout=5000):
        dialog.submit()
    assert dialog.top_error.isVisible()
    assert "Unknown config key 'size'" in dialog.top_error.text()
    qtbot.mouseClick(table.remove_button, Qt.MouseButton.LeftButton)
    assert table.rows() == [] and form.value() == {}
    with qtbot.waitSignal(dialog.created, timeout=5000) as blocker:
        dialog.submit()
    assert blocker.args[0].package_handle == "echo" and blocker.args[0].config == {}


def test_an_unknown_package_is_said_beside_its_handle(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "no-such-package", type_it=True)
    assert dialog.package_error.isVisible()
    assert "no-such-package" in dialog.package_error.text()
    assert not dialog.config_form.has_template


def test_empty_and_malformed_handles_are_refused(qtbot, harness):
    dialog = _open(qtbot, harness)
    dialog.submit()
    assert dialog.package_error.isVisible() and dialog.instance_error.isVisible()
    _choose(qtbot, harness, dialog, "greeter")
    dialog.instance_edit.setText("Not A Handle")
    dialog.instance_edit.textEdited.emit("Not A Handle")
    dialog.submit()
    assert not dialog.package_error.isVisible()
    assert "lowercase letters, digits and single dashes" in dialog.instance_error.text()
    assert "lowercase letters" in dialog.instance_edit.accessibleDescription()
    assert harness.creates() == 0


def test_a_server_without_package_list_allows_free_entry(qtbot, harness, monkeypatch):
    from shipexplorer.emulator import operations

    monkeypatch.delitem(operations.OPERATIONS, "package/list")
    dialog = _open(qtbot, harness)
    assert dialog.package_combo.count() == 0
    assert "type a package handle" in dialog.package_note.text()
    _choose(qtbot, harness, dialog, "greeter", type_it=True)
    assert dialog.config_form.has_template


NAMES = [
    "Create package instance",
    "Package handle",
    "Instance handle",
    "Package version",
    "Fetch if exists",
    "Instance config",
    "Create instance",
    "Cancel",
    "Edit config as raw JSON",
    "Raw config JSON",
]


def _internal(widget: QWidget) -> bool:
    """Parts Qt makes inside a control (a combo box's line edit, a table's corner button)."""
    return widget.objectName().startswith("qt_") or isinstance(widget.parentWidget(), QComboBox)


def test_accessible_names(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    found = {w.accessibleName() for w in dialog.findChildren(QWidget)} | {dialog.accessibleName()}
    assert set(NAMES) <= found
    assert dialog.accessibleName() == "Create package instance"
    named = [w for w in dialog.findChildren(QWidget) if w.accessibleName() == "Instance config"]
    assert named == [dialog.config_form]
    controls = (QAbstractButton, QLineEdit, QComboBox, QPlainTextEdit, QTableWidget)
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, controls) and not _internal(widget):
            assert widget.accessibleName(), widget
    _choose(qtbot, harness, dialog, "echo")
    for name in ("Config keys and values", "Add config row", "Remove config row"):
        assert name in {w.accessibleName() for w in dialog.findChildren(QWidget)}


def _focus_dialog(qtbot, dialog):
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def test_keyboard_tab_reaches_everything_and_enter_creates(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    _focus_dialog(qtbot, dialog)
    dialog.package_combo.setFocus()
    seen = []
    for _ in range(20):
        widget = QApplication.focusWidget()
        seen.append(widget.accessibleName() or widget.parentWidget().accessibleName())
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    for name in (
        "Package handle",
        "Instance handle",
        "Package version",
        "Fetch if exists",
        "greeting",
        "punctuation",
        "shout",
        "Edit config as raw JSON",
        "Create instance",
        "Cancel",
    ):
        assert name in seen, (name, seen)
    dialog.instance_edit.setFocus()
    with qtbot.waitSignal(dialog.created, timeout=5000):
        qtbot.keyClick(dialog.instance_edit, Qt.Key.Key_Return)


def test_escape_cancels(qtbot, harness):
    dialog = _open(qtbot, harness)
    _focus_dialog(qtbot, dialog)
    qtbot.keyClick(dialog.package_combo, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()


def test_the_dialog_starts_afresh_each_time_it_is_shown(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    greeting = dialog.config_form.field("greeting").editor
    greeting.setText("Hi")
    with qtbot.waitSignal(dialog.created, timeout=5000):
        dialog.submit()
    assert not dialog.isVisible()
    with qtbot.waitSignals(
        [harness.catalog.instanceHandlesLoaded, harness.catalog.packageLoaded], timeout=5000
    ):
        dialog.show()
    assert dialog.package_handle() == "greeter"
    assert dialog.instance_edit.text() == "greeter-2"  # greeter-1 exists now
    assert dialog.config_form.field("greeting").editor.text() == "Hello"
    assert dialog.create_button.isEnabled() and not dialog.status.text()
    with qtbot.waitSignal(dialog.created, timeout=5000) as blocker:
        qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args[0].handle == "greeter-2"


def test_create_waits_for_the_config_of_a_package_typed_just_now(qtbot, harness):
    dialog = _open(qtbot, harness)
    dialog.package_combo.setEditText("greeter")  # typing, the pause not yet over
    with qtbot.waitSignal(harness.catalog.packageLoaded, timeout=5000):
        dialog.submit()
    assert "is loading" in dialog.top_error.text()
    assert harness.creates() == 0
    with qtbot.waitSignal(dialog.created, timeout=5000):
        dialog.submit()


def test_a_version_the_server_does_not_have_is_shown_beside_the_version(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    dialog.version_edit.setText("9.9.9")
    with qtbot.waitSignal(harness.catalog.createFailed, timeout=5000):
        dialog.submit()
    assert dialog.version_error.isVisible()
    assert "has no version '9.9.9'" in dialog.version_error.text()
    assert "Suggestion: Omit the version" in dialog.version_error.text()
    dialog.version_edit.setText("1.0.0")
    with qtbot.waitSignal(dialog.created, timeout=5000) as blocker:
        dialog.submit()
    assert blocker.args[0].handle == "greeter-1"


def test_another_workspace_reloads_what_the_dialog_knows(qtbot, harness):
    with qtbot.waitSignal(harness.catalog.created, timeout=5000):
        harness.catalog.create_instance("greeter", "greeter-1")
    with harness.client() as client:
        client.workspace_create("other-ws")
    with qtbot.waitSignal(harness.catalog.instanceHandlesLoaded, timeout=5000):
        dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    assert dialog.instance_edit.text() == "greeter-2"
    with qtbot.waitSignal(harness.catalog.instanceHandlesLoaded, timeout=5000) as blocker:
        harness.clients.set_workspace("other-ws")
    assert blocker.args[0] == set()
    assert dialog.instance_edit.text() == "greeter-1"


def test_the_config_area_says_it_is_loading_until_package_get_answers(qtbot, harness):
    dialog = _open(qtbot, harness)
    assert dialog.config_note.text() == "Choose a package to see its configuration."
    with qtbot.waitSignal(harness.catalog.packageLoaded, timeout=5000):
        dialog.choose_package("greeter")
        assert dialog.config_stack.currentWidget() is dialog.config_note
        assert dialog.config_note.text() == "Loading the configuration of 'greeter'…"
    assert dialog.config_stack.currentWidget() is dialog.config_form
    assert dialog.package_note.text().startswith("Greets people by name")


def test_the_package_kept_from_last_time_is_selected_so_typing_replaces_it(qtbot, harness):
    dialog = _open(qtbot, harness)
    _choose(qtbot, harness, dialog, "greeter")
    dialog.reject()
    with qtbot.waitSignals(
        [harness.catalog.packagesLoaded, harness.catalog.packageLoaded], timeout=5000
    ):
        dialog.show()  # the list comes back after the text was selected: still selected
    line = dialog.package_combo.lineEdit()
    assert line.text() == "greeter" and line.selectedText() == "greeter"
    with qtbot.waitSignal(harness.catalog.packageLoaded, timeout=5000) as loaded:
        qtbot.keyClicks(line, "echo")
    assert dialog.package_handle() == "echo" and loaded.args[0] == "echo"
    assert dialog.instance_edit.text() == "echo-1"
    assert dialog.package_note.text() == "Echoes its arguments back as JSON."


def test_changing_the_package_drops_the_old_description_form_and_errors(qtbot, harness):
    dialog = _open(qtbot, harness)
    listed = dialog.package_note.text()
    assert "packages listed" in listed
    _choose(qtbot, harness, dialog, "greeter")
    assert dialog.package_note.text().startswith("Greets people by name")
    _raw(dialog, '{"shout": "yes"}')
    dialog.submit()
    assert dialog.top_error.isVisible()
    line = dialog.package_combo.lineEdit()
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_E)  # the first key of another package
    assert dialog.package_note.text() == listed  # greeter's description is gone
    assert not dialog.top_error.isVisible()
    assert dialog.config_form.field("greeting") is None and not dialog.config_form.has_template
    assert dialog.config_stack.currentWidget() is dialog.config_note
    assert "greeter" not in dialog.config_note.text()
    with qtbot.waitSignal(harness.catalog.packageLoaded, timeout=5000):
        qtbot.keyClicks(line, "cho")
    assert dialog.package_note.text() == "Echoes its arguments back as JSON."
    # the error of a package that could not be read goes with it
    _choose(qtbot, harness, dialog, "no-such-package", type_it=True)
    assert dialog.package_error.isVisible()
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_G)
    assert not dialog.package_error.isVisible() and dialog.package_note.text() == listed
