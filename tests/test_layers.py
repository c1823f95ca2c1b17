"""The layering rules of design.md, enforced: api/, core/ and emulator/ never load Qt; ui/ holds no
HTTP, keyring or thread code of its own. (import-linter checks the arrows between the layers, see
``[tool.importlinter]`` in pyproject.toml; this probe checks what really loads.)"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "shipexplorer"

_PROBE = """
import importlib, json, pkgutil, sys
names = []
for package in sys.argv[1:]:
    mod = importlib.import_module(package)
    names.append(package)
    for info in pkgutil.walk_packages(mod.__path__, package + "."):
        importlib.import_module(info.name)
        names.append(info.name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"))
print(json.dumps({"imported": names, "qt": qt}))
"""


def _import_in_fresh_interpreter(*packages: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *packages],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)


def test_api_core_and_emulator_never_load_qt():
    result = _import_in_fresh_interpreter(
        "shipexplorer.api", "shipexplorer.core", "shipexplorer.emulator"
    )
    for package in ("shipexplorer.api", "shipexplorer.core", "shipexplorer.emulator"):
        assert package in result["imported"]
    assert "shipexplorer.core.documents.answer" in result["imported"]
    assert len(result["imported"]) > 40, result["imported"]
    assert result["qt"] == []


def test_the_probe_does_see_qt_when_it_is_loaded():
    # The same probe on a Qt-using layer must report Qt, or the test above proves nothing.
    result = _import_in_fresh_interpreter("shipexplorer.services")
    assert any(name.startswith("PySide6") for name in result["qt"])


_UI_FORBIDDEN = {"httpx", "httpcore", "keyring", "threading", "concurrent", "socket", "requests"}


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
            if node.module.startswith("PySide6") and any(
                alias.name == "QThread" for alias in node.names
            ):
                found.add("QThread")
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.joinpath("ui").rglob("*.py")), ids=str)
def test_ui_modules_hold_no_http_keyring_or_thread_code(path: Path):
    bad = _top_level_imports(path) & (_UI_FORBIDDEN | {"QThread"})
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_ui_rule_catches_a_forbidden_import(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("import httpx\nfrom PySide6.QtCore import QThread\n", encoding="utf-8")
    assert {"httpx", "QThread"} <= _top_level_imports(sample)


def test_the_window_paints_before_the_network_stack_and_keyring_load():
    # httpx and keyring cost tens of milliseconds to import; the window's modules must not need
    # them, so the first paint does not wait (they load on workers, on first use).
    probe = """
import json, sys
import shipexplorer.app, shipexplorer.ui.main_window
from shipexplorer.app import build_services, build_window  # noqa: F401
import shipexplorer.services.catalog, shipexplorer.services.request_runner
print(json.dumps(sorted(m for m in ("httpx", "httpcore", "keyring") if m in sys.modules)))
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout) == []


def test_import_linter_contracts_are_kept():
    # The contracts of [tool.importlinter] (layers, no Qt below services, widgets ask services
    # for exports and redaction, the emulator apart), checked on the installed package.
    linter = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run(
        [str(linter), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PACKAGE.parent,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "4 kept, 0 broken" in out.stdout, out.stdout[-2000:]
