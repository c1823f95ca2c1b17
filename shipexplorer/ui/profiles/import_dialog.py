"""Offers the profiles found in ~/.steamship.json and STEAMSHIP_* variables for import."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.steamship_import import ImportScan
from shipexplorer.services.profile_service import ProfileService


class ImportDialog(QDialog):
    """Lists candidates with checkboxes; keys are never shown, only whether one comes along."""

    def __init__(
        self, scan: ImportScan, profiles: ProfileService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import connection profiles")
        self.setAccessibleName("Import connection profiles")
        self._scan = scan
        self._profiles = profiles
        intro = QLabel(self)
        intro.setWordWrap(True)
        if scan.candidates:
            intro.setText(
                "shipexplorer found these Steamship settings. Imported keys go to the OS keyring; "
                "~/.steamship.json is only read, never changed."
            )
        else:
            intro.setText("No Steamship settings were found to import.")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Profiles to import")
        for index, candidate in enumerate(scan.candidates):
            key = "with its API key" if candidate.api_key else "without a key"
            problems = candidate.profile.problems()
            text = f"{candidate.profile.name}: {candidate.source}, {key}"
            if problems:
                text += " (" + "; ".join(problems) + ")"
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if problems else Qt.CheckState.Checked)
        self.problems = QLabel("\n".join(scan.problems), self)
        self.problems.setAccessibleName("Import problems")
        self.problems.setWordWrap(True)
        self.problems.setVisible(bool(scan.problems))
        self.result_label = QLabel(self)
        self.result_label.setAccessibleName("Import result")
        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setAccessibleName("Import selected profiles")
        self.import_button.setEnabled(bool(scan.candidates))
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.import_checked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    @Slot()
    def import_checked(self) -> None:
        chosen = [
            self._scan.candidates[self.list.item(row).data(Qt.ItemDataRole.UserRole)]
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]
        added = self._profiles.import_candidates(chosen)
        if added:
            self.result_label.setText("Imported: " + ", ".join(added))
            self.accept()
        else:
            self.result_label.setText("Nothing was imported.")
