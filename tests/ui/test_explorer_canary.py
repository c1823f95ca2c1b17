"""A canary key used through the explorer shows nowhere: not in headers, bodies, errors, titles,
the window-state file or the log."""

from __future__ import annotations

import json
import logging
import uuid

from tests.canary import assert_not_in_files, assert_not_in_text, logged_text, widget_texts


def test_the_key_shows_nowhere(qtbot, make_explorer, start_emulator, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    canary = f"ss-CANARY-{uuid.uuid4()}"
    emu = start_emulator(api_keys=(canary,))
    setup = make_explorer(
        emu=emu,
        key=canary,
        instances=[("echo", "e", None), ("faults", "f", None)],
        state_path=tmp_path / "state" / "window-state.json",
    )
    window = setup.window
    qtbot.waitUntil(lambda: window.sidebar.select_handle("e"), timeout=5000)
    tab = window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.count() > 0, timeout=5000)
    tab.panel.set_method("echo")
    tab.panel.body_edit.setPlainText('{"x": 1}')
    with qtbot.waitSignal(setup.runner.finished, timeout=5000):
        window.send_request()
    tab.response.headers_button.setChecked(True)
    headers = tab.response.headers_view.toPlainText()
    assert "> Authorization: Bearer ***" in headers
    texts = [widget_texts(window)]
    window.sidebar.select_handle("f")  # the sent echo tab keeps its target: f gets its own
    tab = window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.findText("fail") >= 0, timeout=5000)
    for method in ("fail", "redirect", "bad_json"):
        tab.panel.set_method(method)
        tab.panel.body_edit.setPlainText(
            json.dumps({"message": f"has {canary}"}) if method == "fail" else ""
        )
        with qtbot.waitSignal(setup.runner.failed, timeout=5000):
            window.send_request()
        tab.panel.body_edit.clear()  # what the user typed is theirs to see
        texts.append(widget_texts(window))
        if method == "fail":
            assert "has ***" in tab.response.body_text()  # the server's echo of it is masked
    window.close()
    for text in texts:
        assert_not_in_text(canary, text, "a widget's text")
    assert_not_in_text(canary, logged_text(caplog), "the log")
    assert assert_not_in_files(canary, [tmp_path / "state"]) == 1
