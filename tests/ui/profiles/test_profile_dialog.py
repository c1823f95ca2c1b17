"""The profile dialog and the key field, driven as a user would, over real services."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.services.credentials import KEYRING_SERVICE
from shipexplorer.ui.profiles.key_field import KeyField
from shipexplorer.ui.profiles.profile_dialog import ProfileDialog
from tests.service_support import profile_services


def _dialog(qtbot, worker_pool, tmp_path):
    credentials, profiles = profile_services(worker_pool, tmp_path)
    with qtbot.waitSignal(credentials.modeChanged, timeout=5000):
        credentials.start()
    profiles.load()
    dialog = ProfileDialog(profiles, credentials)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, profiles, credentials


def _fill(qtbot, dialog: ProfileDialog, name: str, emu, key: str) -> None:
    dialog.new_profile()
    dialog.name_edit.setText(name)
    dialog.api_base_edit.setText(emu.api_base)
    dialog.app_base_edit.setText(emu.app_base)
    qtbot.keyClicks(dialog.key_field.edit, key)


def test_the_key_field_is_masked_until_revealed_and_masks_again_on_focus_loss(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    field = KeyField(window)
    other = QLineEdit(window)
    layout.addWidget(field)
    layout.addWidget(other)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert field.edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.mouseClick(field.reveal, Qt.MouseButton.LeftButton)
    assert field.revealed and field.reveal.text() == "Hide"
    qtbot.waitUntil(field.edit.hasFocus)  # revealing puts the cursor in the field
    other.setFocus()
    qtbot.waitUntil(lambda: not field.revealed)
    assert field.edit.echoMode() == QLineEdit.EchoMode.Password
    assert not field.reveal.isChecked() and field.reveal.text() == "Show"


def test_add_test_and_save_a_profile(qtbot, worker_pool, tmp_path, emulator, memory_keyring):
    dialog, profiles, _credentials = _dialog(qtbot, worker_pool, tmp_path)
    _fill(qtbot, dialog, "emulator", emulator, "demo-key")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Connection works" in dialog.message.text(), timeout=5000)
    assert "demo-user" in dialog.message.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Saved “emulator”."
    assert dialog.key_field.text() == ""  # the typed key does not linger in the widget
    qtbot.waitUntil(lambda: (KEYRING_SERVICE, "emulator") in memory_keyring.passwords)
    assert memory_keyring.passwords[(KEYRING_SERVICE, "emulator")] == "demo-key"
    assert "A key is stored in the OS keyring" in dialog.key_status.text()
    assert profiles.names() == ["emulator"]
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0)


def test_a_wrong_key_and_an_invalid_profile_are_explained(qtbot, worker_pool, tmp_path, emulator):
    dialog, profiles, _ = _dialog(qtbot, worker_pool, tmp_path)
    _fill(qtbot, dialog, "emulator", emulator, "not-the-key")
    dialog.test_connection()
    qtbot.waitUntil(lambda: "Connection failed" in dialog.message.text(), timeout=5000)
    assert "not-the-key" not in dialog.message.text()
    dialog.name_edit.setText("")
    dialog.save()
    assert dialog.message.text().startswith("Not saved:")
    assert "Give the profile a name." in dialog.message.text()
    assert profiles.names() == []
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0)


def test_rename_duplicate_forget_and_delete(qtbot, worker_pool, tmp_path, emulator, memory_keyring):
    dialog, profiles, _credentials = _dialog(qtbot, worker_pool, tmp_path)
    _fill(qtbot, dialog, "first", emulator, "ss-key-7")
    dialog.save()
    dialog.name_edit.setText("renamed")
    dialog.save()
    qtbot.waitUntil(lambda: (KEYRING_SERVICE, "renamed") in memory_keyring.passwords)
    assert (KEYRING_SERVICE, "first") not in memory_keyring.passwords
    qtbot.mouseClick(dialog.duplicate_button, Qt.MouseButton.LeftButton)
    assert profiles.names() == ["renamed", "renamed (copy)"]
    assert dialog.name_edit.text() == "renamed (copy)"
    qtbot.mouseClick(dialog.forget_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (KEYRING_SERVICE, "renamed (copy)") not in memory_keyring.passwords)
    qtbot.waitUntil(lambda: "No key stored yet." in dialog.key_status.text())
    dialog.select("renamed")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert profiles.names() == ["renamed (copy)"]
    qtbot.waitUntil(lambda: memory_keyring.passwords == {})
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0)


def test_every_control_has_an_accessible_name(qtbot, worker_pool, tmp_path):
    dialog, _, _ = _dialog(qtbot, worker_pool, tmp_path)
    controls = [
        w
        for kind in (QAbstractButton, QLineEdit, QAbstractSpinBox, QListWidget)
        for w in dialog.findChildren(kind)
        if w.isVisibleTo(dialog) and not isinstance(w.parent(), QAbstractSpinBox)
    ]
    assert len(controls) > 15
    unnamed = [f"{type(w).__name__} {getattr(w, 'text', str)()!r}" for w in controls]
    unnamed = [u for u, w in zip(unnamed, controls, strict=True) if not w.accessibleName()]
    assert unnamed == []
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0)


def test_use_system_proxy_settings_is_on_by_default_saved_and_explained(
    qtbot, worker_pool, tmp_path, emulator, memory_keyring
):
    dialog, profiles, _ = _dialog(qtbot, worker_pool, tmp_path)
    box = dialog.system_proxy_check
    assert box.accessibleName() == "Use system proxy settings"
    assert "&x" in box.text()  # Alt+X
    for word in ("HTTPS_PROXY", "NO_PROXY", "SSL_CERT_FILE", "directly"):
        assert word in box.toolTip()
    _fill(qtbot, dialog, "direct", emulator, "demo-key")
    assert box.isChecked() and box.isEnabled()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert not box.isChecked()
    dialog.save()
    assert dialog.message.text() == "Saved “direct”."
    assert profiles.profile("direct").settings.use_system_proxy is False
    dialog.new_profile()
    assert box.isChecked()
    dialog.select("direct")
    assert not box.isChecked()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0)
