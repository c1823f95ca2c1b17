"""What the stores find wrong at start reaches the window: a damaged preferences.json (read while
the services are built, before the window exists) is shown once; a damaged saved-requests.json
(the folder choice) is moved aside and the window says the default folder is used."""

from __future__ import annotations

import os

import pytest

from shipexplorer.app import launch, parse_args
from shipexplorer.services import paths
from shipexplorer.ui.widgets.notice_bar import NoticeBar


@pytest.fixture
def shown(monkeypatch, app_home):
    """Every message a notice bar shows; the user's home and STEAMSHIP_* are the test's."""
    monkeypatch.setenv("HOME", str(app_home))
    for name in [n for n in os.environ if n.startswith("STEAMSHIP_")]:
        monkeypatch.delenv(name)
    texts: list[str] = []
    original = NoticeBar.show_message

    def show_message(self, text, *args, **kwargs):
        texts.append(text)
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(NoticeBar, "show_message", show_message)
    return texts


def _run(qtbot):
    context, services, window = launch(parse_args([]))
    qtbot.addWidget(window)
    return context, services, window


def _settle(qtbot, services) -> None:
    qtbot.waitUntil(lambda: services.saved.snapshot().root.exists(), timeout=10000)
    qtbot.waitUntil(lambda: services.pool.active_jobs() == 0, timeout=10000)


def test_a_damaged_preferences_file_is_shown_once(qtbot, shown):
    prefs = paths.preferences_file()
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text("{broken", "utf-8")
    context, services, window = _run(qtbot)
    try:
        assert "preferences.json" in window.messages.label.text()  # before the services start
        _settle(qtbot, services)
        about = [text for text in shown if "preferences.json" in text]
        assert len(about) == 1 and "moved aside" in about[0]
        assert list(prefs.parent.glob("preferences.json.corrupt-*"))
        assert services.problems.pending() == []
    finally:
        services.shutdown()
        context.shutdown()


def test_a_damaged_saved_requests_choice_is_said_in_the_window(qtbot, shown):
    settings = paths.saved_requests_settings_file()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('{"kind": "saved-requests-settings", "folder": 3', "utf-8")
    context, services, window = _run(qtbot)
    try:
        _settle(qtbot, services)
        kept = list(settings.parent.glob("saved-requests.json.corrupt-*"))
        assert len(kept) == 1
        qtbot.waitUntil(lambda: str(kept[0]) in window.messages.label.text(), timeout=5000)
        assert window.messages.isVisible()
        assert "default folder" in window.messages.label.text()
        assert services.saved.root == paths.saved_requests_folder()
        assert len([text for text in shown if "saved-requests.json" in text]) == 1
    finally:
        services.shutdown()
        context.shutdown()
