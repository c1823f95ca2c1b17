"""A first window that says what is running, until the explorer window exists."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from shipexplorer import __version__


class PlaceholderWindow(QMainWindow):
    """Shows the app's version and, with ``--local``, where the emulator listens."""

    def __init__(self, emulator_base: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("shipexplorer")
        self.resize(640, 360)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        title = QLabel(f"<h2>shipexplorer {__version__}</h2>", central)
        if emulator_base:
            text = (
                f"The local emulator is serving at {emulator_base} with its demo packages "
                "(echo, greeter, slow-job, faults, media). Its demo key is held in memory only."
            )
        else:
            text = "No connection yet. Start with --local to try the built-in emulator."
        self.status_label = QLabel(text, central)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setAccessibleName("Connection status")
        layout.addWidget(title)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        self.setCentralWidget(central)
        QShortcut(QKeySequence.StandardKey.Quit, self, activated=self.close)
