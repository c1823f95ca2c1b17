"""A scripted session with a canary key leaves no trace of it anywhere but the keyring.

Create a profile with key ``ss-CANARY-<uuid>``, test the connection against the emulator, switch
profiles, import from ~/.steamship.json, restart the services; then look for the key (raw, base64,
URL-encoded) in every file under the config, data and cache folders, in every log record, in what
the process printed, and in every text the widgets show or announce.
"""

from __future__ import annotations

import json
import logging
import uuid

from shipexplorer.app import AppContext, build_services
from shipexplorer.services.credentials import KEYRING_SERVICE
from shipexplorer.services.paths import app_paths
from shipexplorer.ui.main_window import MainWindow
from tests.canary import assert_not_in_files, assert_not_in_text, logged_text, widget_texts


def test_a_canary_key_leaves_no_trace(
    qtbot, start_emulator, memory_keyring, app_home, tmp_path, caplog, capfd
):
    caplog.set_level(logging.DEBUG)
    canary = f"ss-CANARY-{uuid.uuid4()}"
    imported = f"ss-CANARY-{uuid.uuid4()}"
    emu = start_emulator(api_keys=("demo-key", canary, imported))
    home = tmp_path / "home"
    home.mkdir()
    steamship_json = home / ".steamship.json"
    steamship_json.write_text(
        json.dumps({"profiles": {"team": {"apiKey": imported, "apiBase": emu.api_base}}}), "utf-8"
    )

    services = build_services(AppContext(), home=home, environ={})
    window = MainWindow(services.profiles, services.credentials)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(services.profiles.importsFound, timeout=5000) as offered:
        services.start()
    (candidate,) = offered.args[0].candidates
    assert services.profiles.import_candidates([candidate]) == ["team"]

    window.open_profiles()
    dialog = window._dialog
    dialog.new_profile()
    dialog.name_edit.setText("canary")
    dialog.api_base_edit.setText(emu.api_base)
    dialog.app_base_edit.setText(emu.app_base)
    qtbot.keyClicks(dialog.key_field.edit, canary)
    dialog.test_connection()
    qtbot.waitUntil(lambda: "Connection works" in dialog.message.text(), timeout=5000)
    dialog.save()
    assert dialog.message.text() == "Saved “canary”."
    for name in ("canary", "team", "canary"):
        window.switcher.setCurrentIndex(window.switcher.findData(name))
        window.switcher.activated.emit(window.switcher.currentIndex())
        assert window.windowTitle() == f"shipexplorer — {name}"
    qtbot.waitUntil(lambda: services.pool.active_jobs() == 0, timeout=5000)
    assert memory_keyring.passwords[(KEYRING_SERVICE, "canary")] == canary
    assert memory_keyring.passwords[(KEYRING_SERVICE, "team")] == imported
    texts = widget_texts(window) + widget_texts(dialog)
    dialog.close()
    services.shutdown()

    # A restart: new services over the same files and keyring find the key again.
    again = build_services(AppContext(), home=home, environ={})
    with qtbot.waitSignal(again.credentials.keyLoaded, timeout=5000):
        again.start()
    assert again.profiles.current().name == "canary"
    qtbot.waitUntil(lambda: again.credentials.key_for("canary") == canary, timeout=5000)
    with qtbot.waitSignal(again.profiles.connectionTested, timeout=5000) as tested:
        again.profiles.test_connection(again.profiles.current())
    assert tested.args[1] is True, tested.args
    qtbot.waitUntil(lambda: again.pool.active_jobs() == 0, timeout=5000)
    again.shutdown()

    paths = app_paths()
    assert paths.config.is_relative_to(app_home)
    files_read = assert_not_in_files(canary, [paths.config, paths.data, paths.cache])
    assert files_read >= 1  # at least the profile file was written and read back
    assert_not_in_files(imported, [paths.config, paths.data, paths.cache])
    assert json.loads(steamship_json.read_text("utf-8"))["profiles"]["team"]["apiKey"] == imported
    logged = logged_text(caplog)
    assert logged, "nothing was logged: the check would prove nothing"
    printed = "".join(capfd.readouterr())
    for key in (canary, imported):
        assert_not_in_text(key, logged, "the log")
        assert_not_in_text(key, printed, "the output")
        assert_not_in_text(key, texts, "a widget's text")
