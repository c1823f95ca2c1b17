"""``shipexplorer run`` against the emulator: exit statuses, JUnit, --var, captures chaining,
the key kept out of its output, and no Qt loaded."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from shipexplorer.api.client import SteamshipClient
from shipexplorer.api.settings import ConnectionSettings
from shipexplorer.core.checks import Capture, Check
from shipexplorer.core.saved_files import RequestSpec, to_bytes
from shipexplorer.runner.cli import run
from tests.canary import assert_not_in_files, assert_not_in_text

ROOT = Path(__file__).resolve().parents[2]
CANARY = "sk-canary-7f3a9c1e5b2d4680"


def save(folder: Path, file: str, spec: RequestSpec) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file).write_bytes(to_bytes(spec))


def connect_env(monkeypatch, emu, key: str) -> None:
    monkeypatch.setenv("STEAMSHIP_API_KEY", key)
    monkeypatch.setenv("STEAMSHIP_API_BASE", emu.api_base)
    monkeypatch.setenv("STEAMSHIP_APP_BASE", emu.app_base)


def make_instance(emu, key: str, package: str, handle: str) -> None:
    settings = ConnectionSettings(api_base=emu.api_base, app_base=emu.app_base, api_key=key)
    with SteamshipClient(settings) as client:
        client.instance_create(package, handle)


def run_captured(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def task_request(name: str, fail: bool) -> RequestSpec:
    return RequestSpec(
        name=name,
        instance="slow-job-1",
        workspace="default",
        method="start",
        body=json.dumps({"seconds": 0.3, "steps": 1, "fail": fail}),
        checks=(Check("status is", 200), Check("task ends", "succeeded", within=20)),
    )


def test_a_folder_with_a_task_that_succeeds_and_one_that_fails(
    tmp_path, monkeypatch, start_emulator
) -> None:
    emu = start_emulator()
    make_instance(emu, "demo-key", "slow-job", "slow-job-1")
    connect_env(monkeypatch, emu, "demo-key")
    folder = tmp_path / "saved"
    save(folder, "a.json", task_request("job succeeds", fail=False))
    save(folder, "b.json", task_request("job fails", fail=True))
    junit = tmp_path / "out.xml"
    code, out, _err = run_captured(str(folder), "--junit", str(junit))
    assert code == 1, out
    lines = out.splitlines()
    assert any(line.startswith("PASS  job succeeds") for line in lines)
    assert any(line.startswith("FAIL  job fails") for line in lines)
    assert "check “task ends succeeded within 20 s” failed: the task ended failed" in out
    cases = ET.parse(junit).getroot().findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == ["job succeeds", "job fails"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None and "ended failed" in failure.get("message")


def test_captures_chain_create_then_invoke_and_var_overrides(
    tmp_path, monkeypatch, start_emulator
) -> None:
    emu = start_emulator()
    connect_env(monkeypatch, emu, "demo-key")
    folder = tmp_path / "chain"
    save(
        folder,
        "1 create.json",
        RequestSpec(
            name="create greeter",
            method="package/instance/create",
            body='{"packageHandle": "greeter", "handle": "{{handle}}", "fetchIfExists": true}',
            captures=(Capture("greeter", "$.data.packageInstance.handle"),),
            checks=(Check("status is", 200),),
        ),
    )
    save(
        folder,
        "2 greet.json",
        RequestSpec(
            name="greet",
            instance="{{greeter}}",
            method="greet",
            body='{"name": "{{who}}"}',
            checks=(Check("equals", "Hello, Ada!", "$"),),
        ),
    )
    (folder / "variables.json").write_text(
        json.dumps(
            {
                "kind": "saved-request-variables",
                "schemaVersion": 1,
                "variables": {"handle": "chained-greeter", "who": "Ada"},
            }
        )
    )
    code, out, _ = run_captured(str(folder))
    assert code == 0, out
    assert out.count("PASS  ") == 2
    # the captured handle was used: the instance it names exists now
    settings = ConnectionSettings(api_base=emu.api_base, app_base=emu.app_base, api_key="demo-key")
    with SteamshipClient(settings) as client:
        assert client.instance_get(handle="chained-greeter").value is not None
    # --var wins over the folder's file: the greeting changes, so the equals check fails
    code, out, _ = run_captured(str(folder), "--var", "who=Grace")
    assert code == 1
    assert 'check “$ equals "Hello, Ada!"” failed: found "Hello, Grace!"' in out


def test_an_unknown_variable_is_refused_before_sending(tmp_path, monkeypatch, start_emulator):
    emu = start_emulator()
    connect_env(monkeypatch, emu, "demo-key")
    save(
        tmp_path,
        "x.json",
        RequestSpec(name="x", instance="echo-1", method="echo", body='{"a": "{{nobody}}"}'),
    )
    before = len(emu.requests) if hasattr(emu, "requests") else None
    code, out, _ = run_captured(str(tmp_path / "x.json"))
    assert code == 1
    assert "not sent: the variable {{nobody}} has no value" in out
    if before is not None:
        assert len(emu.requests) == before


def test_the_key_never_appears_in_the_output_or_the_junit_file(
    tmp_path, monkeypatch, start_emulator
) -> None:
    emu = start_emulator(api_keys=(CANARY,))
    make_instance(emu, CANARY, "echo", "echo-1")
    connect_env(monkeypatch, emu, CANARY)
    folder = tmp_path / "saved"
    save(
        folder,
        "echo.json",
        RequestSpec(
            name="echo the key",
            instance="echo-1",
            workspace="default",
            method="echo",
            body='{"secret": "{{STEAMSHIP_API_KEY}}"}',
            # fails, and its verdict shows what it found: the key, which must be masked
            checks=(Check("equals", "something else", "$..secret"),),
        ),
    )
    junit = tmp_path / "report" / "out.xml"
    code, out, err = run_captured(str(folder), "--junit", str(junit))
    assert code == 1
    assert "failed: found" in out
    assert_not_in_text(CANARY, out + err, "the run's output")
    assert_not_in_files(CANARY, [junit.parent, folder])


def test_usage_errors_exit_2(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("STEAMSHIP_API_KEY", raising=False)
    save(tmp_path, "x.json", RequestSpec(name="x", method="greet"))
    assert run_captured(str(tmp_path / "missing"), "--local")[0] == 2
    code, _, err = run_captured(str(tmp_path))
    assert code == 2 and "STEAMSHIP_API_KEY" in err
    assert run_captured(str(tmp_path), "--var", "no-equals", "--local")[0] == 2
    assert run_captured(str(tmp_path), "--profile", "nobody")[0] == 2
    assert run_captured("--local")[0] == 2


def test_the_examples_pass_on_local_in_a_fresh_interpreter_without_qt(tmp_path) -> None:
    """The README's line, through ``shipexplorer.app.main``; no PySide6 module gets loaded, and
    the emulator's state goes to the file the app's --local uses."""
    junit = tmp_path / "out.xml"
    probe = (
        "import sys\n"
        "from shipexplorer.app import main\n"
        f"code = main(['run', 'examples/saved', '--local', '--junit', {str(junit)!r}])\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print('QT:', qt)\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "SHIPEXPLORER_HOME": str(tmp_path / "home")}
    env.pop("STEAMSHIP_API_KEY", None)
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split("  ")[1] for line in lines if line.startswith("PASS")] == [
        "create greeter",
        "greet",
        "slow job ends succeeded",
    ]
    assert "QT: []" in lines
    assert ET.parse(junit).getroot().get("failures") == "0"
    assert (tmp_path / "home" / "data" / "local-emulator.sqlite3").is_file()


def test_the_runners_folders_are_the_apps(tmp_path) -> None:
    """Where the runner looks (without Qt) is where the window writes (QStandardPaths)."""
    from shipexplorer.runner import locations
    from shipexplorer.services import paths

    assert locations.emulator_state_file() == paths.emulator_state_file()
    assert locations.profiles_file() == paths.profiles_file()
    probe = (
        "from shipexplorer.runner import locations\n"
        "from shipexplorer.services import paths\n"
        "print(locations.data_folder() == paths.app_paths().data,"
        " locations.config_folder() == paths.app_paths().config)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHIPEXPLORER_", "XDG_"))}
    env["HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["True", "True"], done.stderr


@pytest.mark.parametrize("tty", [False, True])
def test_a_terminal_gets_a_progress_line_and_a_pipe_plain_lines(tty, tmp_path) -> None:
    from shipexplorer.runner.execute import Outcome
    from shipexplorer.runner.report import Console

    class Out(io.StringIO):
        def isatty(self) -> bool:
            return tty

    out = Out()
    console = Console(out)
    console.progress(1, 2, "greet")
    console.result(Outcome("greet", 200, 0.1))
    assert ("\r\x1b[K" in out.getvalue()) is tty
    assert out.getvalue().endswith("PASS  greet  200  0.10 s  no checks\n")


def test_a_profile_gives_its_key_from_the_keyring_and_its_variables(
    tmp_path, monkeypatch, start_emulator, memory_keyring
) -> None:
    from shipexplorer.core.keyvault import KEYRING_SERVICE
    from shipexplorer.core.profiles import Profile, ProfilesFile, ProfileStore
    from shipexplorer.runner import locations

    emu = start_emulator()
    make_instance(emu, "demo-key", "greeter", "g")
    monkeypatch.delenv("STEAMSHIP_API_KEY", raising=False)
    settings = ConnectionSettings(api_base=emu.api_base, app_base=emu.app_base)
    profile = Profile("ci", settings, variables={"who": "Profile"})
    ProfileStore(locations.profiles_file()).save(ProfilesFile([profile]))
    memory_keyring.set_password(KEYRING_SERVICE, "ci", "demo-key")
    save(
        tmp_path,
        "greet.json",
        RequestSpec(
            name="greet",
            instance="g",
            method="greet",
            body='{"name": "{{who}}"}',
            checks=(Check("equals", "Hello, Profile!", "$"),),
        ),
    )
    code, out, _ = run_captured(str(tmp_path), "--profile", "ci")
    assert code == 0, out
    assert "profile “ci”" in out
    memory_keyring.delete_password(KEYRING_SERVICE, "ci")
    code, _, err = run_captured(str(tmp_path), "--profile", "ci")
    assert code == 2 and "no key in the keyring" in err
