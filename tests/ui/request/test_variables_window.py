"""Variables, checks and captures in the window: a user saves two chained requests and runs
them with ``shipexplorer run``; unknown names are refused before sending; the key stays masked
in hovers and verdicts; the editor colours, completes and checks with values filled in."""

from __future__ import annotations

import io
import json

from PySide6.QtCore import Qt

from shipexplorer.core.checks import Capture, Check
from shipexplorer.core.variables import SECRET_MASK
from shipexplorer.runner.cli import run
from shipexplorer.services.variables_service import VariablesService
from shipexplorer.ui.style import colors
from tests.canary import assert_not_in_text
from tests.ui.test_explorer_window import _send


def _with_variables(setup, worker_pool) -> VariablesService:
    service = VariablesService(
        worker_pool, setup.clients, setup.docks.saved if setup.docks else None
    )
    setup.runner.variables = service
    return service


def _save(qtbot, setup, monkeypatch, name: str) -> dict:
    saved_panel = setup.window.docks.saved_panel
    monkeypatch.setattr(saved_panel, "ask_save", lambda spec: (name, ""))
    setup.window.docks.save_action.trigger()
    store = setup.docks.saved
    qtbot.waitUntil(
        lambda: any(e.spec and e.spec.name == name for e in store.snapshot().entries),
        timeout=5_000,
    )
    entry = next(e for e in store.snapshot().entries if e.spec and e.spec.name == name)
    return json.loads((store.root / entry.rel).read_text())


def test_a_user_saves_two_chained_requests_and_runs_them(
    qtbot, make_explorer, worker_pool, monkeypatch, emulator
):
    setup = make_explorer(docks=True)
    service = _with_variables(setup, worker_pool)
    qtbot.waitUntil(lambda: setup.clients.settings_for(None) is not None, timeout=5_000)
    window = setup.window
    # 1. "create greeter": an engine operation, no instance; its own variable, a check, a capture
    create = window.tabs.current() or window.tabs.new_tab()
    create.panel.set_method("package/instance/create")
    create.panel.body_edit.setPlainText(
        '{"packageHandle": "greeter", "handle": "{{handle}}", "fetchIfExists": true}'
    )
    create.variables.set_own({"handle": "chained-g"})
    create.panel.checks.add_check(Check("status is", 200))
    create.panel.checks.add_capture(Capture("greeter", "$.data.packageInstance.handle"))
    _send(qtbot, setup)
    assert service.captured_values() == {"greeter": "chained-g"}
    results = create.panel.checks.results
    assert results.item(0).text().startswith("Held: status is 200")
    assert results.item(0).foreground().color() == colors.semantic(colors.SUCCESS)
    on_disk = _save(qtbot, setup, monkeypatch, "create greeter")
    assert on_disk["captures"] == [{"variable": "greeter", "path": "$.data.packageInstance.handle"}]
    assert on_disk["variables"] == {"handle": "chained-g"} and on_disk["instance"] is None
    # 2. "greet": through the captured variable; {{who}} has no value yet, so it is refused
    greet = window.tabs.new_tab()
    greet.panel.instance_label.linkActivated.emit("type-instance")  # "Type an instance…"
    greet.variables.instance_dialog.textValueSelected.emit("{{greeter}}")
    greet.variables.instance_dialog.close()
    assert greet.handle == "{{greeter}}" and greet.workspace == setup.workspace
    greet.panel.set_method("greet")
    greet.panel.body_edit.setPlainText('{"name": "{{who}}"}')
    greet.panel.checks.add_check(Check("matches", "^Hello, Ada", "$"))
    assert "= chained-g (from a capture)" in greet.panel.instance_label.toolTip()
    qtbot.waitUntil(lambda: greet.panel.variables_status.isVisible(), timeout=2_000)
    assert "{{who}}" in greet.panel.variables_status.text()
    assert window.tabs.send() is None
    assert greet.request_id is None  # nothing left
    assert "{{who}}" in greet.response.body_view.toPlainText()
    greet.variables.set_own({"who": "Ada"})
    assert not greet.panel.variables_status.isVisible()
    _send(qtbot, setup)
    assert greet.panel.checks.results.item(0).text().startswith("Held:")
    _save(qtbot, setup, monkeypatch, "greet")
    # 3. both run from a terminal, in name order, against the same server
    monkeypatch.setenv("STEAMSHIP_API_KEY", "demo-key")
    monkeypatch.setenv("STEAMSHIP_API_BASE", emulator.api_base)
    monkeypatch.setenv("STEAMSHIP_APP_BASE", emulator.app_base)
    monkeypatch.setenv("STEAMSHIP_WORKSPACE_HANDLE", setup.workspace)
    out = io.StringIO()
    code = run([str(setup.docks.saved.root), "--var", "handle=run-g"], out=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith(("PASS", "FAIL"))]
    assert code == 0, out.getvalue()
    assert [line.split("  ")[1] for line in lines] == ["create greeter", "greet"]


def test_the_key_is_masked_in_hovers_and_verdicts(qtbot, make_explorer, worker_pool):
    key = "sk-canary-window-4d2e9f"
    from shipexplorer.emulator import Emulator

    emu = Emulator(port=0, api_keys=(key,)).start()
    try:
        setup = make_explorer(emu=emu, key=key, instances=[("echo", "e", None)], docks=True)
        _with_variables(setup, worker_pool)
        qtbot.waitUntil(lambda: setup.window.sidebar.select_handle("e"), timeout=5_000)
        tab = setup.window.tabs.current()
        body = '{"secret": "{{STEAMSHIP_API_KEY}}"}'
        tab.panel.set_method("echo")
        tab.panel.body_edit.setPlainText(body)
        tab.panel.checks.add_check(Check("equals", "x", "$..secret"))
        qtbot.waitUntil(lambda: setup.clients.settings_for(None).api_key == key, timeout=5_000)
        hover = tab.variables.hints.tooltip_at(body.index("STEAMSHIP"))
        assert SECRET_MASK in hover
        _send(qtbot, setup)
        verdict = tab.panel.checks.results.item(0).text()
        assert verdict.startswith("Failed:") and SECRET_MASK in verdict
        texts = [hover, verdict, tab.panel.method_combo.lineEdit().toolTip()]
        texts += [tab.panel.variables_status.text()]
        for text in texts:
            assert_not_in_text(key, text, "a hover or a verdict")
        # a key typed as a variable's value is refused, in every layer
        tab.variables.edit()
        dialog = tab.variables.dialog
        dialog.table(0).add("token", key)
        dialog.table(1).add("token", f"Bearer {key}")
        assert not dialog.save()
        assert dialog.message.text().count("holds an API key") == 2
        assert "token" not in tab.variables.own
        assert not (setup.docks.saved.root / "variables.json").exists()
        dialog.reject()
    finally:
        emu.stop()


def test_the_editor_colours_completes_and_checks_with_values(qtbot, make_explorer, worker_pool):
    setup = make_explorer(instances=[("echo", "e", None)])
    service = _with_variables(setup, worker_pool)
    service.capture({"count": "3", "who": "Ada"})
    qtbot.waitUntil(lambda: setup.window.sidebar.select_handle("e"), timeout=5_000)
    tab = setup.window.tabs.current()
    editor = tab.panel.body_edit
    editor.setPlainText('{"n": {{count}}, "name": "{{who}}"}')
    assert editor.check_now() == ""  # {{count}} outside a string is a number once filled in
    assert editor.value() == {"n": 3, "name": "Ada"}
    formats = editor.document().firstBlock().layout().formats()
    coloured = [f for f in formats if f.format.foreground().color() == colors.syntax("variable")]
    assert len(coloured) == 2
    assert "= Ada (from a capture)" in tab.variables.hints.tooltip_at(
        editor.toPlainText().index("who")
    )
    editor.setFocus()
    editor.setPlainText("")
    qtbot.keyClicks(editor, '{"a": "{{')
    qtbot.waitUntil(lambda: tab.variables.hints.completer.popup().isVisible(), timeout=2_000)
    assert tab.variables.hints.completer.completionCount() >= 3  # count, who, the key
    qtbot.keyClicks(editor, "wh")
    tab.variables.hints.insert_name("who")
    assert editor.toPlainText() == '{"a": "{{who}}'
    qtbot.keyClick(editor, Qt.Key.Key_Escape)


def test_a_task_check_is_judged_when_the_task_ends(qtbot, make_explorer, worker_pool):
    setup = make_explorer(instances=[("slow-job", "s", None)], docks=True)
    service = _with_variables(setup, worker_pool)
    service.watch_tasks(setup.docks.tracker)
    qtbot.waitUntil(lambda: setup.window.sidebar.select_handle("s"), timeout=5_000)
    tab = setup.window.tabs.current()
    tab.panel.set_method("start")
    tab.panel.body_edit.setPlainText('{"seconds": 0.5, "steps": 1}')
    tab.panel.checks.add_check(Check("task ends", "succeeded", within=20))
    _send(qtbot, setup)
    results = tab.panel.checks.results
    assert "had not ended when the answer came" in results.item(0).text()
    qtbot.waitUntil(lambda: results.item(0).text().startswith("Held:"), timeout=15_000)
    assert "the task ended succeeded after" in results.item(0).text()
    assert results.item(0).foreground().color() == colors.semantic(colors.SUCCESS)


def test_the_variables_dialog_edits_the_request_folder_and_profile(
    qtbot, make_explorer, worker_pool
):
    setup = make_explorer(instances=[("echo", "e", None)], docks=True)
    service = _with_variables(setup, worker_pool)
    qtbot.waitUntil(lambda: setup.window.sidebar.select_handle("e"), timeout=5_000)
    tab = setup.window.tabs.current()
    tab.variables.edit()
    dialog = tab.variables.dialog
    assert dialog.isVisible() and dialog.width() <= 1280 and dialog.height() <= 720
    dialog.table(0).add("who", "Tab")
    dialog.table(1).add("who", "Folder")
    dialog.table(1).add("bad name", "x")
    assert not dialog.save()  # a bad name keeps it open, saying why
    assert "is not a variable name" in dialog.message.text()
    dialog.table(1).table.removeRow(1)
    dialog.table(2).add("who", "Profile")  # the emulator's profile is built in
    assert not dialog.save()
    assert "built-in profile" in dialog.message.text()
    dialog.table(2).table.removeRow(0)
    assert dialog.save()
    assert tab.variables.own == {"who": "Tab"} and tab.to_spec().variables == {"who": "Tab"}
    file = setup.docks.saved.root / "variables.json"
    qtbot.waitUntil(file.exists, timeout=5_000)
    assert json.loads(file.read_text())["variables"] == {"who": "Folder"}
    assert service.scope(None, {}).resolve("who").value == "Folder"
    assert service.scope(None, tab.variables.own).resolve("who").value == "Tab"
