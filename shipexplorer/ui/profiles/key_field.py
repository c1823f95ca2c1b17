"""The API key entry: masked, with an explicit reveal that masks again when focus leaves."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget


class KeyField(QWidget):
    """A password-echo line edit and a "Show" toggle. Never pre-filled with a stored key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName("API key")
        self.edit.setAccessibleDescription("Stored in the OS keyring, never in a file")
        self.edit.setClearButtonEnabled(True)
        self.reveal = QToolButton(self)
        self.reveal.setText("Show")
        self.reveal.setCheckable(True)
        self.reveal.setAccessibleName("Show API key")
        self.reveal.setToolTip("Show the key until this field loses focus")
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.reveal)
        self.reveal.toggled.connect(self._set_revealed)
        self.edit.installEventFilter(self)

    def text(self) -> str:
        return self.edit.text()

    def clear(self) -> None:
        self.edit.clear()
        self.reveal.setChecked(False)

    def setPlaceholderText(self, text: str) -> None:
        self.edit.setPlaceholderText(text)

    @property
    def revealed(self) -> bool:
        return self.edit.echoMode() == QLineEdit.EchoMode.Normal

    @Slot(bool)
    def _set_revealed(self, on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        self.edit.setEchoMode(mode)
        self.reveal.setText("Hide" if on else "Show")
        if on:
            self.edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.FocusOut:
            # Leaving the field (another widget, another window) masks the key again.
            self.reveal.setChecked(False)
        return super().eventFilter(watched, event)
