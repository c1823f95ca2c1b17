"""File ▸ Preferences…: the theme (follow the system, light or dark: shown as soon as it is
picked, kept on OK, undone on Cancel), when answers go to disk, how big an answer may be (in
memory, and on disk), how much history keeps of big bodies, and whether an ended task raises a
desktop notification."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from shipexplorer.core.theme_choice import CHOICES, LABELS
from shipexplorer.services.preferences import Preferences
from shipexplorer.ui.style import theme

if TYPE_CHECKING:
    from shipexplorer.services.preferences import PreferenceService


class PreferencesDialog(QDialog):
    """Edits the :class:`Preferences` of a ``PreferenceService``; OK applies and saves them."""

    def __init__(self, service: PreferenceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        self.theme = QComboBox(self)
        for choice in CHOICES:
            self.theme.addItem(LABELS[choice], choice)
        self.theme.setAccessibleName("Theme")
        self.theme.setToolTip("Light or dark windows; by default as the desktop is set")
        self.theme.currentIndexChanged.connect(self._preview_theme)
        low, high = Preferences.LIMITS["spool_threshold_mb"]
        self.spool = QDoubleSpinBox(self)
        self.spool.setRange(low, high)
        self.spool.setDecimals(1)
        self.spool.setSuffix(" MB")
        self.spool.setAccessibleName("Keep answers on disk above")
        self.spool.setToolTip(
            "Answers bigger than this are written to a temporary file and read from there, "
            "never held in memory as a whole"
        )
        low, high = Preferences.LIMITS["memory_body_limit_mb"]
        self.memory_limit = QSpinBox(self)
        self.memory_limit.setRange(int(low), int(high))
        self.memory_limit.setSuffix(" MB")
        self.memory_limit.setAccessibleName("In-memory body limit")
        self.memory_limit.setToolTip(
            "The most of an answer held in memory. Above it, a request's answer goes to disk; "
            "listings, task polls, methods and the connection test stop with an error"
        )
        low, high = Preferences.LIMITS["spool_limit_mb"]
        self.spool_limit = QSpinBox(self)
        self.spool_limit.setRange(int(low), int(high))
        self.spool_limit.setSuffix(" MB")
        self.spool_limit.setAccessibleName("Spooled body limit")
        self.spool_limit.setToolTip(
            "The most of an answer written to disk; above it the request stops with an error and "
            "the part written is deleted. Compressed answers count at their inflated size"
        )
        low, high = Preferences.LIMITS["history_budget_mb"]
        self.budget = QSpinBox(self)
        self.budget.setRange(int(low), int(high))
        self.budget.setSuffix(" MB")
        self.budget.setAccessibleName("History budget for big bodies")
        self.budget.setToolTip(
            "History keeps bodies over 1 MB compressed beside its database up to this size; "
            "the oldest go first (0 keeps none)"
        )
        self.notify = QCheckBox(
            "&Notify me when a task ends (when the window is not focused)", self
        )
        self.notify.setAccessibleName("Desktop notifications for ended tasks")
        self.note = QLabel(self)
        self.note.setAccessibleName("Preferences note")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Theme:", self.theme)
        form.addRow("Keep answers on &disk above:", self.spool)
        form.addRow("In-memory body &limit:", self.memory_limit)
        form.addRow("S&pooled body limit:", self.spool_limit)
        form.addRow("&History budget for big bodies:", self.budget)
        form.addRow(self.notify)
        form.addRow(self.note)
        form.addRow(buttons)
        self.show_preferences(service.current)

    def show_preferences(self, preferences: Preferences) -> None:
        self.theme.setCurrentIndex(max(0, self.theme.findData(preferences.theme)))
        self.spool.setValue(preferences.spool_threshold_mb)
        self.budget.setValue(preferences.history_budget_mb)
        self.memory_limit.setValue(preferences.memory_body_limit_mb)
        self.spool_limit.setValue(preferences.spool_limit_mb)
        self.notify.setChecked(preferences.notify_tasks)
        self.note.setText(
            f"Saved in {self._service.path}."
            + (" Written by a newer shipexplorer: changes last this session only."
               if self._service.read_only else "")
        )  # fmt: skip

    def chosen(self) -> Preferences:
        return Preferences(
            spool_threshold_mb=self.spool.value(),
            history_budget_mb=self.budget.value(),
            notify_tasks=self.notify.isChecked(),
            memory_body_limit_mb=self.memory_limit.value(),
            spool_limit_mb=self.spool_limit.value(),
            theme=str(self.theme.currentData()),
        )

    def _preview_theme(self) -> None:
        installed = theme.current()
        if installed is not None:
            installed.set_choice(str(self.theme.currentData()))

    def accept(self) -> None:
        self._service.update(self.chosen())
        super().accept()

    def reject(self) -> None:
        installed = theme.current()
        if installed is not None:  # the picked theme was only a preview
            installed.set_choice(self._service.current.theme)
        super().reject()
