"""A non-modal message bar above the window's content, with an optional action button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from shipexplorer.ui.style import icons
from shipexplorer.ui.style.metrics import space


class NoticeBar(QFrame):
    """Shows one message until replaced or hidden; ``closable`` adds a dismiss button."""

    def __init__(self, name: str, *, closable: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(space(2), space(1), space(2), space(1))
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName(f"{name} text")
        self.action_button = QPushButton(self)
        self.action_button.setAccessibleName(f"{name} action")  # renamed by each message's action
        self.action_button.hide()
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        self._action: Callable[[], None] | None = None
        self.action_button.clicked.connect(self._run_action)
        if closable:
            close = QToolButton(self)
            close.setText("✕")  # the icon replaces it once icons are loaded
            close.setAutoRaise(True)
            icons.bind(close, "close tab")
            close.setAccessibleName(f"Dismiss {name.lower()}")
            close.setToolTip("Dismiss")
            close.clicked.connect(self.hide)
            layout.addWidget(close)
        self.hide()

    def show_message(
        self, text: str, action: str | None = None, on_action: Callable[[], None] | None = None
    ) -> None:
        self.label.setText(text)
        self._action = on_action
        self.action_button.setVisible(bool(action and on_action))
        if action:
            self.action_button.setText(action)
            self.action_button.setAccessibleName(action)
        self.show()

    def _run_action(self) -> None:
        if self._action is not None:
            self.hide()
            self._action()
