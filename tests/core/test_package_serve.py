"""core.package_serve: the command line, its environment, the log and the reasons in words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shipexplorer.core import package_serve as ps


def test_command_runs_the_official_cli() -> None:
    argv = ps.command("/p/python", 8123, "ws")
    assert argv[:4] == ["/p/python", "-u", "-c", ps.LAUNCH]
    assert argv[4:] == [
        "run",
        "local",
        "--no-ngrok",
        "--no-repl",
        "--port",
        "8123",
        "--workspace",
        "ws",
    ]


def test_environment_points_at_the_emulator() -> None:
    base = {"PATH": "/bin", "STEAMSHIP_PROFILE": "prod", "STEAMSHIP_API_KEY": "real-key"}
    env = ps.environment(base, "http://127.0.0.1:1/api/v1/", "http://127.0.0.1:1/_apps/", "k")
    assert env["STEAMSHIP_API_KEY"] == "k" and env["PATH"] == "/bin"
    assert env["STEAMSHIP_API_BASE"].endswith("/api/v1/") and "STEAMSHIP_PROFILE" not in env


def test_ready_line() -> None:
    assert ps.ready_url("🌎 Local API:  http://localhost:8443/") == "http://localhost:8443/"
    assert ps.ready_url("⚠️ Local API:  Unable to start local server.") is None


def test_log_is_bounded_and_clean() -> None:
    log = ps.PackageLog(max_lines=3)
    assert log.feed("a\nb") == ["a"]
    assert log.feed("\n\x1b[31mred\x1b[0m\nc\nd\n") == ["b", "red", "c", "d"]
    assert log.lines() == ["red", "c", "d"]
    log.feed("tail")
    assert log.flush() == ["tail"]


@given(st.lists(st.text(max_size=40), max_size=30), st.integers(-5, 300))
def test_a_reason_is_always_one_plain_sentence(lines: list[str], code: int) -> None:
    reason = ps.failure_reason(lines, code)
    assert reason and "Traceback" not in reason


def test_reasons_in_words() -> None:
    no_module = [
        "Traceback (most recent call last):",
        "ModuleNotFoundError: No module named 'steamship'",
    ]
    assert "no steamship package" in ps.failure_reason(no_module, 1)
    syntax = ['  File "/x/api.py", line 3', "SyntaxError: invalid syntax"]
    assert (
        ps.failure_reason(syntax, 1) == "api.py could not be loaded (syntax error: invalid syntax)"
    )
    fetch = ["Unable to create / fetch package. Server returned message: Taken.", "Aborted!"]
    assert ps.failure_reason(fetch, 1) == "Taken"
    assert ps.failure_reason([], 3) == "it stopped with exit code 3 before serving"


def test_folder_checks(tmp_path) -> None:
    settings = ps.ServeSettings(str(tmp_path))
    assert "no steamship.json" in ps.check_folder(settings)[1]
    (tmp_path / "steamship.json").write_text('{"type": "plugin", "handle": "x"}')
    assert "not a package" in ps.check_folder(settings)[1]
    (tmp_path / "steamship.json").write_text('{"type": "package", "handle": "x"}')
    assert "no api.py" in ps.check_folder(settings)[1]
    (tmp_path / "api.py").write_text("")
    (tmp_path / "requirements.txt").write_text("steamship==2.17.34\n")
    assert "No Python at" in ps.check_folder(settings)[1]
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    assert ps.check_folder(settings) == ("x", None)


def test_settings_round_trip(tmp_path) -> None:
    path = tmp_path / "c" / "serve.json"
    assert ps.load_settings(path) is None
    chosen = ps.ServeSettings("/f", "/py", "ws", restart_on_change=True)
    ps.save_settings(path, chosen)
    assert ps.load_settings(path) == chosen
