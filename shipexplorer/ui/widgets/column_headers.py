"""The horizontal header text every table and tree model here gives: its column's label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt


def column_header(
    labels: Sequence[str], section: int, orientation: Qt.Orientation, role: int
) -> Any:
    """``labels[section]`` for a horizontal header's display text, else None."""
    if (
        orientation == Qt.Orientation.Horizontal
        and role == Qt.ItemDataRole.DisplayRole
        and 0 <= section < len(labels)
    ):
        return labels[section]
    return None
