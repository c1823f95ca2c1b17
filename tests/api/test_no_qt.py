"""The API layer never imports Qt (checked in a fresh interpreter, and in the source)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import shipexplorer.api

SCRIPT = """
import importlib, pkgutil, sys
import shipexplorer.api as api
names = [m.name for m in pkgutil.walk_packages(api.__path__, "shipexplorer.api.")]
for name in names:
    importlib.import_module(name)
bindings = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "qtpy")
qt = sorted(m for m in sys.modules if m.split(".")[0] in bindings)
print(len(names), ",".join(qt))
"""


def test_api_imports_no_qt():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    count, qt = out.stdout.strip().split(" ", 1) if " " in out.stdout.strip() else (out.stdout, "")
    assert int(count) >= 10
    assert qt.strip() == "", f"Qt modules loaded by shipexplorer.api: {qt}"


def test_api_source_mentions_no_qt_binding():
    folder = pathlib.Path(shipexplorer.api.__file__).parent
    for path in folder.rglob("*.py"):
        text = path.read_text()
        for word in ("PySide", "PyQt", "shiboken", "qtpy"):
            assert word not in text, f"{path.name} mentions {word}"
        assert "verify=False" not in text, f"{path.name} turns TLS verification off"
