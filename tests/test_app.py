"""The command line: --version, --diagnose, the no-display message, and --local's emulator."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from shipexplorer import __version__
from shipexplorer.app import build_context, parse_args


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shipexplorer", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_version_prints_the_package_version():
    out = _run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"shipexplorer {__version__}"


def test_diagnose_without_a_display_or_keyring(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env["SHIPEXPLORER_HOME"] = str(tmp_path)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    out = _run("--diagnose", env=env)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for label in ("Python", "Qt ", "httpx", "keyring", "Qt platform"):
        assert label in text
    assert "keyring.backends.null.Keyring" in text
    assert "NOT secure" in text
    assert f"Config folder {tmp_path / 'config'}" in text
    assert f"Cache folder  {tmp_path / 'cache'}" in text


def test_gui_without_display_explains_instead_of_aborting(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["SHIPEXPLORER_HOME"] = str(tmp_path)
    out = _run(env=env)
    if not sys.platform.startswith("linux"):
        return
    assert out.returncode == 2
    assert "no display found" in out.stderr
    assert "QT_QPA_PLATFORM=offscreen" in out.stderr


def test_local_starts_an_emulator_on_loopback_and_stops_it():
    context = build_context(parse_args(["--local"]))
    try:
        base = context.emulator_base
        assert base is not None and base.startswith("http://127.0.0.1:")
        answer = httpx.get(
            f"{base}api/v1/account/current", headers={"Authorization": "Bearer demo-key"}
        )
        assert answer.status_code == 200
        assert "user" in answer.json()["data"]
    finally:
        context.shutdown()
    try:
        httpx.get(f"{base}api/v1/account/current", timeout=2)
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("the emulator still answers after shutdown")


def test_without_local_no_emulator_runs():
    context = build_context(parse_args([]))
    assert context.emulator is None and context.emulator_base is None
    context.shutdown()


def test_local_window_selects_the_builtin_profile(qtbot, memory_keyring, app_home):
    from shipexplorer.app import build_services
    from shipexplorer.ui.main_window import MainWindow

    context = build_context(parse_args(["--local"]))
    services = build_services(context)
    try:
        window = MainWindow(
            services.profiles, services.credentials, emulator_base=context.emulator_base
        )
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(services.credentials.modeChanged, timeout=5000):
            services.start()
        assert window.windowTitle() == "shipexplorer — Local emulator"
        assert context.emulator_base in window.summary.text()
        assert window.switcher.currentData() == "Local emulator"
        assert window.switcher.accessibleName() == "Connection profile"
        assert services.credentials.key_for("Local emulator") == "demo-key"
        # The demo key is session-only: nothing of it reaches the keyring or the profile file.
        qtbot.waitUntil(lambda: services.pool.active_jobs() == 0, timeout=5000)
        assert memory_keyring.passwords == {}
        for path in app_home.rglob("*"):
            if path.is_file():
                assert b"demo-key" not in path.read_bytes(), path
    finally:
        services.shutdown()
        context.shutdown()


def test_launch_paints_first_then_starts_the_emulator_and_services(qtbot, memory_keyring):
    from shipexplorer.app import launch

    context, services, window = launch(parse_args(["--local"]))
    qtbot.addWidget(window)
    try:
        assert context.emulator is None  # not before the first paint
        qtbot.waitUntil(lambda: context.emulator is not None, timeout=10000)
        qtbot.waitUntil(
            lambda: window.windowTitle() == "shipexplorer — Local emulator", timeout=10000
        )
        assert context.emulator_base in window.summary.text()
        qtbot.waitUntil(lambda: services.clients.has_key(), timeout=10000)
        qtbot.waitUntil(lambda: services.pool.active_jobs() == 0, timeout=10000)
        assert memory_keyring.passwords == {}
    finally:
        services.shutdown()
        context.shutdown()
