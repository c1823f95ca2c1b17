"""A frameless scroll area around content whose minimum height would otherwise be forced on the
window (a dock's body, a detail full of wrapped text): the content scrolls when there is too little
room instead of growing the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrollable(content: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """``content`` in a frameless, resizable scroll area; the area itself takes no focus (Tab
    goes straight to the content's controls)."""
    area = QScrollArea(parent)
    area.setObjectName(f"{content.objectName() or type(content).__name__}-scroll")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(content)
    return area
