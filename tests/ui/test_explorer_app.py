"""The window as ``shipexplorer --local`` builds it: the explorer fills in after start-up."""

from __future__ import annotations

import json

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.app import build_context, build_services, build_window, parse_args


def test_local_window_browses_and_sends(qtbot):
    context = build_context(parse_args(["--local"]))
    emu = context.emulator
    settings = ConnectionSettings(api_base=emu.api_base, app_base=emu.app_base, api_key="demo-key")
    with SteamshipClient(settings) as api:
        api.instance_create("echo", "e")
    services = build_services(context)
    try:
        assert services.explorer is not None and services.runner is not None
        window = build_window(context, services)
        qtbot.addWidget(window)
        window.show()
        # Painted before anything answered: the loading states show.
        assert window.sidebar.state_label.text() == "Loading instances…"
        services.start()
        qtbot.waitUntil(lambda: window.sidebar.model.rowCount() == 1, timeout=5000)
        qtbot.waitUntil(lambda: window.workspace_selector.currentData() == "default")
        tab = window.tabs.current()
        qtbot.waitUntil(lambda: tab.panel.method_combo.findText("echo") >= 0, timeout=5000)
        tab.panel.set_method("echo")
        tab.panel.body_edit.setPlainText('{"local": true}')
        with qtbot.waitSignal(services.runner.finished, timeout=5000):
            window.send_request()
        assert json.loads(tab.response.body_text()) == {"local": True}
        assert window.status_profile.text() == "Profile: Local emulator"
        assert window.status_workspace.text() == "Workspace: default"
        window.close()
        qtbot.waitUntil(lambda: services.pool.active_jobs() == 0, timeout=5000)
    finally:
        services.shutdown()
        context.shutdown()


def test_the_emulator_summary_moves_to_the_status_bar(qtbot):
    context = build_context(parse_args(["--local"]))
    services = build_services(context)
    try:
        window = build_window(context, services)
        qtbot.addWidget(window)
        assert not window.summary.isVisibleTo(window)
        assert context.emulator_base in window.status_profile.toolTip()
    finally:
        services.shutdown()
        context.shutdown()
