"""The one dialog of "Use as demo…": a title and a one-line description, both prefilled.

A saved request becomes a demo in one step (the title defaults to its name, the description to
what it had); a request that is a demo already also offers "Stop using as demo". The dialog only
asks; the saved-requests panel writes the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.ui.style.metrics import space


@dataclass(frozen=True)
class DemoChoice:
    """What the user chose: a title and description, or ``remove`` (no longer a demo)."""

    title: str = ""
    description: str = ""
    remove: bool = False


class DemoDialog(QDialog):
    """Title and description of a demo, prefilled."""

    def __init__(
        self, title: str, description: str, *, is_demo: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Use as demo")
        self._remove = False
        intro = QLabel("Shown in demo mode (F11) with a title and one line saying what it does.")
        intro.setWordWrap(True)
        self.title_edit = QLineEdit(title, self)
        self.title_edit.setAccessibleName("Demo title")
        self.description_edit = QLineEdit(description, self)
        self.description_edit.setAccessibleName("Demo description")
        self.description_edit.setPlaceholderText("For example: Type a name and it says hello.")
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Description:", self.description_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Use as demo")
        self.remove_button: QPushButton | None = None
        if is_demo:
            self.remove_button = buttons.addButton(
                "&Stop using as demo", QDialogButtonBox.ButtonRole.DestructiveRole
            )
            self.remove_button.clicked.connect(self._stop)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.title_edit.textChanged.connect(
            lambda text: buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
                bool(text.strip())
            )
        )
        layout = QVBoxLayout(self)
        layout.setSpacing(space(3))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.title_edit.selectAll()
        self.title_edit.setFocus()

    def _stop(self) -> None:
        self._remove = True
        self.accept()

    def choice(self) -> DemoChoice:
        if self._remove:
            return DemoChoice(remove=True)
        return DemoChoice(self.title_edit.text().strip(), self.description_edit.text().strip())
