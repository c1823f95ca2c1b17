"""What leaves the app as text: exports of a call (curl, Python, HTTPie), curl import, and masking
of keys in text shown or copied. Widgets ask here; the logic stays in ``api/``."""

from __future__ import annotations

from collections.abc import Iterable

from shipexplorer.api.redact import redact


def mask_secrets(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with each of ``secrets`` (in any of its spellings) replaced by a mask."""
    return redact(text, tuple(secrets))
