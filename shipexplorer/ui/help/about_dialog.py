"""Help > About shipexplorer: the version, then what ``shipexplorer --diagnose`` prints (Python,
Qt, PySide6, httpx and keyring versions, the Qt platform, the key storage verdict and the config,
data and cache folders), gathered by the same function, with a button to copy it for a bug report.

The :class:`~shipexplorer.services.diagnosis.Diagnosis` service gathers the facts off the GUI
thread (judging the keyring may talk to D-Bus); the dialog shows them when they arrive.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shipexplorer import __version__
from shipexplorer.services.diagnosis import Diagnosis, diagnosis_text
from shipexplorer.ui.style.metrics import code_font

GATHERING = "Gathering versions, key storage and folders…"


class AboutDialog(QDialog):
    """The version and the diagnosis; ``gather`` (tests pass their own) makes the text."""

    def __init__(
        self, parent: QWidget | None = None, gather: Callable[[], str] = diagnosis_text
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("About shipexplorer")
        self.setAccessibleName("About shipexplorer")
        self.title_label = QLabel(f"<h2>shipexplorer {__version__}</h2>", self)
        self.title_label.setAccessibleName("Version")
        self.blurb = QLabel("A desktop explorer for the Steamship API.", self)
        self.blurb.setAccessibleName("What shipexplorer is")
        self.facts = QPlainTextEdit(self)
        self.facts.setReadOnly(True)
        self.facts.setAccessibleName("Versions, key storage and folders")
        self.facts.setFont(code_font())
        self.facts.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.facts.setPlainText(GATHERING)
        self.copy_button = QPushButton("&Copy to clipboard", self)
        self.copy_button.setAccessibleName("Copy the versions and folders")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.blurb)
        layout.addWidget(self.facts, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)
        self.diagnosis = Diagnosis(gather, self)
        self.diagnosis.ready.connect(self._show_facts)
        self.diagnosis.request()

    @Slot(str)
    def _show_facts(self, text: str) -> None:
        self.facts.setPlainText(text)
        self.copy_button.setEnabled(True)

    def text(self) -> str:
        return self.facts.toPlainText()

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
