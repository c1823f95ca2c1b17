"""Looking for a key where it must never be: files, logs, captured output, widget texts."""

from __future__ import annotations

import base64
import logging
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

import pytest


def key_forms(key: str) -> list[str]:
    """The spellings a leak may take: raw, base64 (both alphabets) and URL-encoded."""
    raw = key.encode()
    return [
        key,
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
        urllib.parse.quote(key, safe=""),
    ]


def assert_not_in_text(key: str, text: str, where: str) -> None:
    for form in key_forms(key):
        assert form not in text, f"the key appears in {where}"


def assert_not_in_files(key: str, folders: Iterable[Path]) -> int:
    """Fails when any file below ``folders`` holds the key; returns how many files were read."""
    forms = [form.encode() for form in key_forms(key)]
    read = 0
    for folder in folders:
        for path in Path(folder).rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                read += 1
                assert not any(form in data for form in forms), f"the key is in {path}"
    return read


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every record of the test's setup and call phases (``caplog.text`` holds only the current
    phase once teardown runs)."""
    records = [r for when in ("setup", "call") for r in caplog.get_records(when)]
    return "\n".join(logging.Formatter().format(record) for record in records)


_WIDGET_TEXTS = (
    "windowTitle",
    "toolTip",
    "statusTip",
    "whatsThis",
    "accessibleName",
    "accessibleDescription",
    "text",
    "toPlainText",
    "placeholderText",
    "currentText",
)


def widget_texts(root) -> str:
    """Every text a widget tree shows or announces, joined by newlines."""
    from PySide6.QtWidgets import QWidget

    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        for name in _WIDGET_TEXTS:
            getter = getattr(widget, name, None)
            if callable(getter):
                try:
                    value = getter()
                except TypeError:
                    continue
                if isinstance(value, str):
                    texts.append(value)
    return "\n".join(texts)
