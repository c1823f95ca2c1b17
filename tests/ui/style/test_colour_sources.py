"""Every colour the UI paints comes from the design system (shipexplorer/ui/style): a scan of the
sources for colour literals (``"#b00020"``, ``QColor("red")``, ``QColor(255, 0, 0)``,
``Qt.GlobalColor.red``, ``rgb(...)`` in a style sheet) and for style sheets set outside it. The
emulator's demo media may keep its own bytes."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import shipexplorer

ROOT = Path(shipexplorer.__file__).resolve().parent
ALLOWED = (ROOT / "ui" / "style", ROOT / "emulator")

HEX = re.compile(r"#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
RGB = re.compile(r"\brgba?\s*\(", re.IGNORECASE)
QCOLOR = re.compile(r"\bQColor\s*\(\s*(?:[\"']|\d|Qt\.)")
GLOBAL = re.compile(
    r"\bQt\.GlobalColor\.(?!transparent\b)\w+|\bQt\.(?:red|green|blue|black|white)\b"
)
SHEET = re.compile(r"\.setStyleSheet\s*\(")


def literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every colour literal in ``source`` (strings and code)."""
    found: list[tuple[int, str]] = []
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for token in tokens:
        if token.type == tokenize.STRING:
            found += [(token.start[0], m.group()) for m in HEX.finditer(token.string)]
            found += [(token.start[0], m.group()) for m in RGB.finditer(token.string)]
    for number, line in enumerate(source.splitlines(), 1):
        code = line.split("#", 1)[0] if '"' not in line and "'" not in line else line
        for pattern in (QCOLOR, GLOBAL, SHEET):
            found += [(number, m.group()) for m in pattern.finditer(code)]
    return found


def scanned_files() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not any(path.is_relative_to(allowed) for allowed in ALLOWED)
    ]


def test_the_scan_finds_each_kind_of_literal():
    sample = (
        'a = "color: #b00020;"\nb = QColor("red")\nc = QColor(255, 0, 0)\n'
        "d = Qt.GlobalColor.red\ne = 'background: rgb(1, 2, 3)'\nw.setStyleSheet(x)\n"
        "f = '#abc'\n"
    )
    texts = [text for _line, text in literals(sample)]
    assert len(texts) == 7, texts
    assert literals("pixmap.fill(Qt.GlobalColor.transparent)\n# see issue #123\n") == []


def test_no_colour_literal_outside_the_design_system():
    files = scanned_files()
    assert len(files) > 100  # the scan sees the package
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in files
        for line, text in literals(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
