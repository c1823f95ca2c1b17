"""Serving a package from its folder with the official CLI, without Qt: the command line, its
environment, the folder's checks, the package's log, and the reasons a start failed, in words.

The official client's CLI runs a package locally with ``ship run local --no-ngrok --no-repl
--port N --workspace W`` in the package's folder: it creates (or fetches) the package through
``package/create`` on the engine named by ``STEAMSHIP_API_BASE`` / ``STEAMSHIP_API_KEY``, then
serves the package's methods on ``http://localhost:N/`` and prints ``Local API: <url>`` once it
does. With ``--no-ngrok`` it registers no instance: the explorer registers one (with a
``localDevelopmentURL``) under the handle the CLI's server believes it has,
:data:`LOCAL_INSTANCE_HANDLE`, so that the package's own ``invoke_later`` reaches it.

``steamship.cli.cli`` has no ``__main__`` guard, so the CLI is started as
``python -c "from steamship.cli.cli import cli; cli(prog_name='ship')" run local ...`` with the
chosen Python (the ``ship`` script is that same call).
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shipexplorer.core import storage

#: the instance handle the CLI's local server uses when it registered none (``--no-ngrok``)
LOCAL_INSTANCE_HANDLE = "local-dev-instance-not-connected-to-engine"
LAUNCH = "from steamship.cli.cli import cli; cli(prog_name='ship')"
READY = re.compile(r"Local API:\s*(http://\S+)")
MAX_LOG_LINES = 5000
MAX_LINE_CHARS = 2000
SETTINGS_KIND = "package-serve"
SETTINGS_VERSION = 1
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_ENV_DROPPED = (
    "STEAMSHIP_PROFILE",
    "STEAMSHIP_WORKSPACE_ID",
    "STEAMSHIP_WORKSPACE_HANDLE",
    "STEAMSHIP_WEB_BASE",
)


@dataclass(frozen=True)
class ServeSettings:
    """What the user chose: the package folder, its Python, the workspace (empty: defaults)."""

    folder: str
    python: str = ""
    workspace: str = ""
    restart_on_change: bool = False


def default_python(folder: str | Path) -> Path:
    """The folder's own virtual environment's Python."""
    scripts = "Scripts/python.exe" if sys.platform == "win32" else "bin/python"
    return Path(folder) / ".venv" / scripts


def python_for(settings: ServeSettings) -> Path:
    return Path(settings.python) if settings.python else default_python(settings.folder)


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The folder's ``steamship.json`` as a dict; raises ``ValueError`` with the reason."""
    path = Path(folder) / "steamship.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{folder} has no steamship.json: it is not a package folder.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} could not be read ({exc}).") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not describe a package.")
    return data


def check_folder(settings: ServeSettings) -> tuple[str, str | None]:
    """The package's handle and ``None``, or ``("", reason)`` when it cannot be served."""
    folder = Path(settings.folder)
    if not folder.is_dir():
        return "", f"The folder {folder} does not exist."
    try:
        manifest = read_manifest(folder)
    except ValueError as exc:
        return "", str(exc)
    if manifest.get("type", "package") != "package":
        return "", f"steamship.json describes a {manifest.get('type')}, not a package."
    handle = manifest.get("handle")
    if not isinstance(handle, str) or not handle:
        return "", "steamship.json has no package handle."
    if not (folder / "api.py").is_file():
        return "", f"{folder} has no api.py (the package's code)."
    if not (folder / "requirements.txt").is_file():
        return "", (
            f"{folder} has no requirements.txt; the official CLI would ask for one interactively. "
            "Add one (for example with the line steamship==2.17.34)."
        )
    python = python_for(settings)
    if not python.is_file():
        return "", (
            f"No Python at {python}. Make one with: python3 -m venv {folder / '.venv'} and "
            f"{folder / '.venv' / 'bin' / 'pip'} install steamship==2.17.34; or choose another."
        )
    return handle, None


def default_workspace(handle: str) -> str:
    """The workspace a package is served into when none is chosen: one of its own."""
    return f"{handle}-dev"


def command(python: str | Path, port: int, workspace: str) -> list[str]:
    """The program and arguments that run the official CLI's local server."""
    return [
        str(python),
        "-u",
        "-c",
        LAUNCH,
        "run",
        "local",
        "--no-ngrok",
        "--no-repl",
        "--port",
        str(port),
        "--workspace",
        workspace,
    ]


def environment(base: dict[str, str], api_base: str, app_base: str, api_key: str) -> dict[str, str]:
    """``base`` with the engine pointed at the emulator (the key travels in memory only)."""
    env = {k: v for k, v in base.items() if k not in _ENV_DROPPED}
    env.update(
        {
            "STEAMSHIP_API_BASE": api_base,
            "STEAMSHIP_APP_BASE": app_base,
            "STEAMSHIP_API_KEY": api_key,
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    return env


def free_port(preferred: int = 0) -> int:
    """``preferred`` when it is free on loopback, else a free port the system picks."""
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free port")


def local_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/"


def ready_url(line: str) -> str | None:
    """The URL of a ``Local API: <url>`` line (the server serves), else None."""
    match = READY.search(line)
    return match.group(1) if match else None


def clean_line(line: str) -> str:
    line = _ANSI.sub("", line.rstrip("\r\n"))
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…"


class PackageLog:
    """The package's output: the last :data:`MAX_LOG_LINES` lines, colour codes taken out."""

    def __init__(self, max_lines: int = MAX_LOG_LINES) -> None:
        self._lines: deque[str] = deque(maxlen=max_lines)
        self._partial = ""

    def feed(self, text: str) -> list[str]:
        """Add output; returns the complete lines it made."""
        text = self._partial + text
        *complete, self._partial = text.split("\n")
        lines = [clean_line(line) for line in complete]
        self._lines.extend(lines)
        return lines

    def flush(self) -> list[str]:
        """The last unfinished line as a line (at the process's end)."""
        if not self._partial:
            return []
        return self.feed("\n")

    def note(self, line: str) -> None:
        self._lines.append(clean_line(line))

    def lines(self) -> list[str]:
        return list(self._lines)

    def text(self) -> str:
        return "\n".join(self._lines)


_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"No module named '?steamship'?"),
        "the chosen Python has no steamship package (pip install steamship==2.17.34 into it)",
    ),
    (re.compile(r"Address already in use"), "its port is already in use"),
    (re.compile(r"Unable to create / fetch package\. Server returned message: (.*)"), "{0}"),
    (re.compile(r"Unable to find Steamship service"), "api.py has no PackageService class"),
    (re.compile(r"Must run `ship serve local` in a folder with a Steamship Package"), ""),
    (re.compile(r"Local API: (.+)"), "{0}"),
)


def failure_reason(lines: list[str], exit_code: int | None) -> str:
    """Why the package stopped before (or while) serving, in one sentence from its log."""
    for pattern, words in _REASONS:
        for line in reversed(lines):
            match = pattern.search(line)
            if match:
                if not words:
                    return "steamship.json does not describe a package"
                return words.format(*match.groups()).strip().rstrip(".")
    error = _last_error(lines)
    if error:
        return f"api.py could not be loaded ({error})" if "api.py" in "\n".join(lines) else error
    if exit_code is None:
        return "it stopped before serving"
    return f"it stopped with exit code {exit_code} before serving"


def _last_error(lines: list[str]) -> str | None:
    """The last ``SomethingError: message`` line of a traceback, in a readable form."""
    for line in reversed(lines):
        match = re.match(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception)):\s*(.*)$", line)
        if match:
            kind, message = match.groups()
            words = re.sub(r"(?<!^)(?=[A-Z])", " ", kind.rsplit(".", 1)[-1]).lower()
            return f"{words}: {message}" if message else words
    return None


# -- what the dialog remembers -----------------------------------------------------------------
def load_settings(path: Path) -> ServeSettings | None:
    """The last settings chosen (None when there are none or they are unreadable)."""
    read = storage.read_versioned_json(path, kind=SETTINGS_KIND, current_version=SETTINGS_VERSION)
    data = read.data if read.ok and isinstance(read.data, dict) else None
    if not data or not isinstance(data.get("folder"), str):
        return None
    return ServeSettings(
        folder=data["folder"],
        python=str(data.get("python") or ""),
        workspace=str(data.get("workspace") or ""),
        restart_on_change=bool(data.get("restartOnChange", False)),
    )


def save_settings(path: Path, settings: ServeSettings) -> None:
    """Remember the settings (raises ``OSError``)."""
    storage.make_private_dirs(path.parent)
    storage.atomic_write_json(
        path,
        {
            "kind": SETTINGS_KIND,
            "schemaVersion": SETTINGS_VERSION,
            "folder": settings.folder,
            "python": settings.python,
            "workspace": settings.workspace,
            "restartOnChange": settings.restart_on_change,
        },
    )


def watched_files(folder: str | Path, limit: int = 500) -> list[str]:
    """The ``.py`` files of a package folder (its virtual environment and logs left out)."""
    skip = {".venv", "venv", "logs", "build", "__pycache__", ".git", "node_modules"}
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
        found.extend(os.path.join(root, f) for f in files if f.endswith(".py"))
        if len(found) >= limit:
            break
    return sorted(found)[:limit]


def register_instance(
    api_base: str, app_base: str, api_key: str, workspace: str, package: str, port: int
) -> str:
    """Register (or point again) the instance of a served package at its local server on
    ``port``; returns its handle. Raises the API's errors (on a worker)."""
    from shipexplorer.api import ConnectionSettings
    from shipexplorer.api.client import SteamshipClient

    settings = ConnectionSettings(
        api_base=api_base,
        app_base=app_base,
        api_key=api_key,
        workspace_handle=workspace,
        use_system_proxy=False,
        max_retries=0,
        deadline=30.0,
    )
    body = {
        "id": None,
        "packageId": None,
        "packageHandle": package,
        "packageVersionId": None,
        "packageVersionHandle": "local-development!",
        "handle": LOCAL_INSTANCE_HANDLE,
        "fetchIfExists": True,
        "config": {},
        "workspaceId": None,
        "localDevelopmentURL": local_url(port),
    }
    with SteamshipClient(settings) as client:
        client.call("package/instance/create", body)
    return LOCAL_INSTANCE_HANDLE
