"""File > Serve a package folder…: the package folder, its Python and the workspace.

Empty Python means the folder's own ``.venv``; an empty workspace means one of the package's
own (``<handle>-dev``). The last choice comes back the next time.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.package_serve import ServeSettings
from shipexplorer.ui.style.metrics import space


class ServeDialog(QDialog):
    """Asks what to serve. Signals: ``chosen(ServeSettings)`` when the user clicks Serve."""

    chosen = Signal(object)

    def __init__(self, remembered: ServeSettings | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Serve a package folder")
        self.setAccessibleName("Serve a package folder")
        layout = QVBoxLayout(self)
        layout.setSpacing(space(2))
        intro = QLabel(
            "Runs the official Steamship CLI's local server (ship run local) in the folder, "
            "against the local emulator, and registers an instance for it.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setAccessibleName("Package folder")
        self.folder_edit.setPlaceholderText("the folder with steamship.json and api.py")
        form.addRow("Package &folder:", self._with_browse(self.folder_edit, self._pick_folder))
        self.python_edit = QLineEdit(self)
        self.python_edit.setAccessibleName("Python of the package")
        self.python_edit.setPlaceholderText("default: the folder's .venv/bin/python")
        form.addRow("&Python:", self._with_browse(self.python_edit, self._pick_python))
        self.workspace_edit = QLineEdit(self)
        self.workspace_edit.setAccessibleName("Workspace")
        self.workspace_edit.setPlaceholderText("default: <package handle>-dev")
        form.addRow("&Workspace:", self.workspace_edit)
        self.watch_box = QCheckBox("&Restart when a .py file changes", self)
        form.addRow("", self.watch_box)
        layout.addLayout(form)
        self.problem_label = QLabel("", self)
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        layout.addWidget(self.problem_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.serve_button = buttons.addButton("&Serve", QDialogButtonBox.ButtonRole.AcceptRole)
        self.serve_button.setDefault(True)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if remembered is not None:
            self.folder_edit.setText(remembered.folder)
            self.python_edit.setText(remembered.python)
            self.workspace_edit.setText(remembered.workspace)
            self.watch_box.setChecked(remembered.restart_on_change)
        self.resize(space(150), self.sizeHint().height())

    def _with_browse(self, edit: QLineEdit, pick) -> QWidget:
        row = QWidget(self)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit, 1)
        button = QPushButton("Browse…", row)
        button.setAccessibleName(f"Browse for the {edit.accessibleName().lower()}")
        button.clicked.connect(pick)
        box.addWidget(button)
        return row

    @Slot()
    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Package folder", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    @Slot()
    def _pick_python(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Python of the package", self.python_edit.text()
        )
        if path:
            self.python_edit.setText(path)

    def settings(self) -> ServeSettings:
        return ServeSettings(
            self.folder_edit.text().strip(),
            self.python_edit.text().strip(),
            self.workspace_edit.text().strip(),
            self.watch_box.isChecked(),
        )

    @Slot()
    def _accept(self) -> None:
        chosen = self.settings()
        if not chosen.folder:
            self.problem_label.setText("Choose the package's folder.")
            self.problem_label.show()
            self.folder_edit.setFocus()
            return
        self.chosen.emit(chosen)
        self.accept()
