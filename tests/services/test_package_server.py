"""PackageServer: the example package served from a copy of its folder by the official CLI
(the official client's venv as its Python), against a real emulator over loopback."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from shipexplorer.core.package_serve import LOCAL_INSTANCE_HANDLE, ServeSettings
from shipexplorer.emulator import DEMO_API_KEY
from shipexplorer.services.package_server import FAILED, SERVING, STOPPED, PackageServer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "packages" / "notebook"
WAIT_MS = 60_000


def copy_example(tmp_path: Path, name: str = "notebook") -> Path:
    folder = tmp_path / name
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".venv", "logs", "build"))
    return folder


@pytest.fixture
def server(worker_pool, tmp_path, qtbot):
    srv = PackageServer(worker_pool, tmp_path / "serve.json")
    yield srv
    srv.shutdown()


def test_serve_call_restart_stop(server, start_emulator, steamship_python, tmp_path, qtbot):
    emu = start_emulator()
    server.set_engine(emu.api_base, emu.app_base, DEMO_API_KEY)
    folder = copy_example(tmp_path)
    settings = ServeSettings(str(folder), python=steamship_python, workspace="nb-dev")
    with qtbot.waitSignal(server.instanceReady, timeout=WAIT_MS) as ready:
        assert server.serve(settings)
    assert ready.args == ["nb-dev", LOCAL_INSTANCE_HANDLE]
    assert server.state == SERVING and f"port {server.port}" in server.sentence
    url = f"{emu.app_base}nb-dev/{LOCAL_INSTANCE_HANDLE}/"
    auth = {"Authorization": f"Bearer {DEMO_API_KEY}"}
    answer = httpx.post(url + "greet", json={"name": "Ann"}, headers=auth, timeout=30)
    assert answer.text == "Hello, Ann!"
    spec = httpx.get(url + "__dir__", headers=auth, timeout=30).json()
    assert {"/greet", "/count_to", "/remember"} <= {m["path"] for m in spec["methods"]}
    assert any("Local API" in line for line in server.log.lines())
    assert server.remembered() == ServeSettings(str(folder.resolve()), steamship_python, "nb-dev")

    before = _instance(emu, auth)
    with qtbot.waitSignal(server.instanceReady, timeout=WAIT_MS):
        server.restart()
    after = _instance(emu, auth)  # the same instance, pointed at the server again
    assert after["id"] == before["id"]
    assert after["localDevelopmentURL"] == f"http://127.0.0.1:{server.port}/"
    answer = httpx.post(url + "greet", json={"name": "Bo"}, headers=auth, timeout=30)
    assert answer.text == "Hello, Bo!"

    with qtbot.waitSignal(server.stateChanged, timeout=10_000) as stopped:
        server.stop()
    assert stopped.args[0] == STOPPED
    down = httpx.post(url + "greet", json={"name": "Cy"}, headers=auth, timeout=30)
    assert down.status_code == 502 and "is not running" in down.json()["status"]["statusMessage"]


def test_a_broken_package_says_why(server, start_emulator, steamship_python, tmp_path, qtbot):
    emu = start_emulator()
    server.set_engine(emu.api_base, emu.app_base, DEMO_API_KEY)
    folder = copy_example(tmp_path, "broken")
    api = folder / "api.py"
    api.write_text(api.read_text() + "\ndef broken(:\n")
    with qtbot.waitSignal(server.stateChanged, timeout=WAIT_MS, check_params_cb=_failed):
        server.serve(ServeSettings(str(folder), python=steamship_python))
    assert server.state == FAILED
    assert server.sentence.startswith("failed: ")
    assert "syntax" in server.sentence.lower()
    assert "Traceback" not in server.sentence
    assert "SyntaxError" in server.log.text()  # the log keeps the traceback


def test_missing_python_and_folder_problems(server, start_emulator, tmp_path, qtbot) -> None:
    emu = start_emulator()
    server.set_engine(emu.api_base, emu.app_base, DEMO_API_KEY)
    folder = copy_example(tmp_path)
    assert not server.serve(ServeSettings(str(folder)))  # no .venv in the copy
    assert server.state == FAILED and "No Python at" in server.sentence
    assert not server.serve(ServeSettings(str(tmp_path / "nowhere")))
    assert "does not exist" in server.sentence
    (folder / "requirements.txt").unlink()
    assert not server.serve(ServeSettings(str(folder), python="/bin/true"))
    assert "requirements.txt" in server.sentence


def _instance(emu, auth: dict[str, str]) -> dict:
    answer = httpx.post(
        f"{emu.api_base}package/instance/get",
        json={"handle": LOCAL_INSTANCE_HANDLE},
        headers={**auth, "X-Workspace-Handle": "nb-dev"},
    )
    return answer.json()["data"]["packageInstance"]


def _failed(state: str, _sentence: str) -> bool:
    return state == FAILED


def test_a_changed_py_file_restarts_it(server, start_emulator, steamship_python, tmp_path, qtbot):
    emu = start_emulator()
    server.set_engine(emu.api_base, emu.app_base, DEMO_API_KEY)
    folder = copy_example(tmp_path)
    settings = ServeSettings(str(folder), steamship_python, "w", restart_on_change=True)
    with qtbot.waitSignal(server.instanceReady, timeout=WAIT_MS):
        server.serve(settings)
    with qtbot.waitSignal(server.instanceReady, timeout=WAIT_MS):
        api = folder / "api.py"
        api.write_text(api.read_text().replace("Hello,", "Hey,"))
    assert any("A .py file changed" in line for line in server.log.lines())
    auth = {"Authorization": f"Bearer {DEMO_API_KEY}"}
    url = f"{emu.app_base}w/{LOCAL_INSTANCE_HANDLE}/greet"
    assert httpx.post(url, json={"name": "Di"}, headers=auth, timeout=30).text == "Hey, Di!"
