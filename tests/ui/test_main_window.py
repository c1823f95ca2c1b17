"""The main window's frame: switcher, key-storage notice, messages with Retry, import offer."""

from __future__ import annotations

import json
import threading

import keyring
import keyring.backends.fail
import pytest
from keyring.errors import InitError
from PySide6.QtCore import QTimer

from shipexplorer.api import ConnectionSettings
from shipexplorer.core.profiles import Profile
from shipexplorer.ui.main_window import MainWindow
from shipexplorer.ui.profiles.import_dialog import ImportDialog
from tests.memory_keyring import MemoryKeyring
from tests.service_support import profile_services


@pytest.fixture
def window_for(qtbot, worker_pool, tmp_path):
    def make(*, timeout: float = 5.0, environ: dict | None = None):
        credentials, profiles = profile_services(
            worker_pool, tmp_path, environ=environ, timeout=timeout
        )
        window = MainWindow(profiles, credentials)
        qtbot.addWidget(window)
        window.show()
        return window, profiles, credentials

    yield make
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)


def test_without_a_secure_keyring_a_persistent_notice_explains(qtbot, window_for):
    keyring.set_keyring(keyring.backends.fail.Keyring())
    window, profiles, credentials = window_for()
    with qtbot.waitSignal(credentials.modeChanged, timeout=5000):
        credentials.start()
    assert window.key_notice.isVisible()
    text = window.key_notice.label.text()
    assert "memory for this session only" in text and "Secret Service" in text
    assert window.key_notice.accessibleName() == "Key storage notice"
    profiles.load()
    assert profiles.save_profile(None, Profile("p", ConnectionSettings()), "ss-key-8") == []
    assert credentials.key_for("p") == "ss-key-8"  # usable for the session


def test_with_a_secure_keyring_there_is_no_notice(qtbot, window_for):
    window, _, credentials = window_for()
    with qtbot.waitSignal(credentials.modeChanged, timeout=5000):
        credentials.start()
    assert not window.key_notice.isVisible()


class _LockedOnce(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.locked = True

    def get_password(self, service: str, username: str) -> str | None:
        if self.locked:
            raise InitError("Failed to unlock the collection")
        return super().get_password(service, username)


def test_a_locked_keyring_shows_a_message_with_retry(qtbot, window_for):
    backend = _LockedOnce()
    backend.passwords[("shipexplorer", "p")] = "ss-key-9"
    keyring.set_keyring(backend)
    window, _profiles, credentials = window_for()
    with qtbot.waitSignal(credentials.modeChanged, timeout=5000):
        credentials.start()
    with qtbot.waitSignal(credentials.problem, timeout=5000):
        credentials.load_key("p")
    assert window.messages.isVisible()
    assert "locked" in window.messages.label.text()
    assert window.messages.action_button.text() == "Retry"
    backend.locked = False
    with qtbot.waitSignal(credentials.keyLoaded, timeout=5000):
        window.messages.action_button.click()
    assert credentials.key_for("p") == "ss-key-9"
    assert not window.messages.isVisible()


def test_a_stuck_keyring_never_freezes_the_window(qtbot, window_for):
    release = threading.Event()

    class Stuck(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            release.wait(30)
            return None

    keyring.set_keyring(Stuck())
    window, _, credentials = window_for(timeout=0.3)
    beats = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: beats.append(1))
    heartbeat.start(10)
    try:
        with qtbot.waitSignal(credentials.modeChanged, timeout=5000):
            credentials.start()
        with qtbot.waitSignal(credentials.problem, timeout=5000):
            credentials.load_key("p")
        assert len(beats) >= 5
        assert "did not answer within 0.3 s" in window.messages.label.text()
    finally:
        heartbeat.stop()
        release.set()


def test_first_start_offers_the_import(qtbot, window_for, tmp_path):
    (tmp_path / ".steamship.json").write_text(json.dumps({"apiKey": "ss-key-10"}), "utf-8")
    window, profiles, _ = window_for()
    with qtbot.waitSignal(profiles.importsFound, timeout=5000):
        profiles.load()
    dialog = window.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.list.count() == 1
    assert "ss-key-10" not in dialog.list.item(0).text()
    assert "with its API key" in dialog.list.item(0).text()
    dialog.import_checked()
    assert profiles.names() == ["default"]
    assert window.switcher.findData("default") >= 0


def test_the_title_and_status_name_the_profile(qtbot, window_for):
    window, profiles, _ = window_for()
    profiles.load()
    profiles.save_profile(None, Profile("work", ConnectionSettings()), None)
    profiles.select("work")
    assert window.windowTitle() == "shipexplorer — work"
    assert window.status_profile.text() == "Profile: work"
    assert window.switcher.currentText() == "work"


def test_the_answer_view_keys_name_the_response_views():
    from shipexplorer.ui.main_window import ANSWER_VIEWS
    from shipexplorer.ui.response.response_view import PRETTY_TAB, RAW_TAB, RENDERED_TAB, TREE_TAB

    assert [index for _text, index, _keys in ANSWER_VIEWS] == [
        TREE_TAB,
        RAW_TAB,
        PRETTY_TAB,
        RENDERED_TAB,
    ]
