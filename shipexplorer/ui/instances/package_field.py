"""The package-handle field of the create-instance dialog: an editable list of the server's
packages (free entry when the server has no list), a note under it and an error label."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from shipexplorer.api import Package
from shipexplorer.services.catalog import PackageCatalog
from shipexplorer.ui.widgets.error_label import error_label, error_text

#: how long typing in the package handle pauses before it counts as chosen
DEBOUNCE_MS = 350


class PackageField(QObject):
    """The package handle: filled from ``package/list``, typed freely otherwise.

    Its widgets (``combo``, ``note``, ``error``) are children of ``parent`` for the dialog to
    lay out (as rows of its form, where wrapped labels get the height they need).

    Signals:
        edited(str): the handle text changed (each keystroke).
        chosen(str): the handle to load: picked from the list, or typing paused.
    """

    edited = Signal(str)
    chosen = Signal(str)

    def __init__(self, catalog: PackageCatalog, parent: QWidget) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.combo = QComboBox(parent)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setAccessibleName("Package handle")
        self.combo.lineEdit().setPlaceholderText("for example greeter")
        self.note = QLabel(parent)
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Package information")
        self.error = error_label("Package handle error", parent)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.choose_now)
        self.combo.editTextChanged.connect(self._typed)
        self.combo.activated.connect(self._picked)
        catalog.packagesLoading.connect(self._loading)
        catalog.packagesLoaded.connect(self._loaded)
        catalog.packagesFailed.connect(self._failed)

    def handle(self) -> str:
        return self.combo.currentText().strip()

    def set_handle(self, handle: str) -> None:
        """Put ``handle`` in the field and choose it at once."""
        self.combo.setEditText(handle)
        self.choose_now()

    @Slot()
    def choose_now(self) -> None:
        self._timer.stop()
        self.chosen.emit(self.handle())

    def stop(self) -> None:
        self._timer.stop()

    @Slot(str)
    def _typed(self, text: str) -> None:
        self.edited.emit(text.strip())
        self._timer.start()

    @Slot(int)
    def _picked(self, _index: int) -> None:
        self.choose_now()

    @Slot()
    def _loading(self) -> None:
        self.note.setText("Loading the package list…")

    @Slot(object)
    def _loaded(self, packages: list[Package]) -> None:
        text = self.combo.currentText()
        self.combo.blockSignals(True)
        try:
            self.combo.clear()
            for package in packages:
                self.combo.addItem(package.handle or "", package.handle)
                if package.description:
                    self.combo.setItemData(
                        self.combo.count() - 1, package.description, Qt.ItemDataRole.ToolTipRole
                    )
            self.combo.setEditText(text)
        finally:
            self.combo.blockSignals(False)
        if not self._catalog.list_available:
            note = "This server does not list its packages: type a package handle."
        elif not packages:
            note = "No packages are listed: type a package handle."
        else:
            note = f"{len(packages)} packages listed; choose one or type a handle."
        self.note.setText(note)

    @Slot(object)
    def _failed(self, error: Any) -> None:
        self.note.setText(
            f"The package list could not be loaded ({error_text(error)}). Type a package handle."
        )
