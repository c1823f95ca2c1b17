"""The "Connection profile" combo box for the main window's toolbar."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Slot
from PySide6.QtWidgets import QComboBox, QWidget

from shipexplorer.services.profile_service import ProfileService


class ProfileSwitcher(QComboBox):
    """Lists the profiles and selects one; follows the service when it changes elsewhere."""

    def __init__(self, profiles: ProfileService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._profiles = profiles
        self.setAccessibleName("Connection profile")
        self.setToolTip("The connection profile that requests use")
        self.setMinimumContentsLength(16)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        profiles.profilesChanged.connect(self._refill)
        profiles.currentChanged.connect(self._show_current)
        self.activated.connect(self._chosen)
        self._refill()

    @Slot()
    def _refill(self) -> None:
        with QSignalBlocker(self):
            self.clear()
            for profile in self._profiles.profiles():
                label = f"{profile.name} (built-in)" if profile.builtin else profile.name
                self.addItem(label, profile.name)
            if not self._profiles.profiles():
                self.addItem("No profile", None)
        self._show_current(self._profiles.current().name if self._profiles.current() else "")

    @Slot(str)
    def _show_current(self, name: str) -> None:
        index = self.findData(name) if name else -1
        with QSignalBlocker(self):
            self.setCurrentIndex(max(index, 0))

    @Slot(int)
    def _chosen(self, index: int) -> None:
        name = self.itemData(index)
        if name:
            self._profiles.select(name)
