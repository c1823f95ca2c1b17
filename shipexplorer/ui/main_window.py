"""The main window's frame: toolbar with the profile switcher, notices, status bar.

The explorer itself (instances, methods, responses) fills the central area in a later step; until
then it says which profile is selected and where the local emulator listens.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar, QVBoxLayout, QWidget

from shipexplorer import __version__
from shipexplorer.services.credentials import CredentialService
from shipexplorer.services.profile_service import ProfileService
from shipexplorer.services.steamship_import import ImportScan
from shipexplorer.ui.import_dialog import ImportDialog
from shipexplorer.ui.notice_bar import NoticeBar
from shipexplorer.ui.profile_dialog import ProfileDialog
from shipexplorer.ui.profile_switcher import ProfileSwitcher


class MainWindow(QMainWindow):
    """Composes the window's widgets; talks to services only through their methods and signals."""

    def __init__(
        self,
        profiles: ProfileService,
        credentials: CredentialService,
        *,
        emulator_base: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._profiles = profiles
        self._credentials = credentials
        self._emulator_base = emulator_base
        self._dialog: ProfileDialog | None = None
        self._import_dialog: ImportDialog | None = None
        self.setWindowTitle("shipexplorer")
        self.resize(960, 640)

        toolbar = QToolBar("Connection", self)
        toolbar.setObjectName("connection-toolbar")
        toolbar.setAccessibleName("Connection toolbar")
        self.switcher = ProfileSwitcher(profiles, toolbar)
        toolbar.addWidget(self.switcher)
        self.profiles_action = QAction("&Profiles…", self)
        self.profiles_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.profiles_action.setToolTip("Add, edit and test connection profiles (Ctrl+Shift+P)")
        self.profiles_action.triggered.connect(self.open_profiles)
        toolbar.addAction(self.profiles_action)
        self.addToolBar(toolbar)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.profiles_action)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        self.key_notice = NoticeBar("Key storage notice", closable=False)
        self.messages = NoticeBar("Messages")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName("Connection summary")
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.key_notice)
        layout.addWidget(self.messages)
        layout.addWidget(self.summary, 1)
        self.setCentralWidget(central)
        self.status_profile = QLabel(self)
        self.status_profile.setAccessibleName("Status: profile")
        self.statusBar().addPermanentWidget(self.status_profile)

        profiles.currentChanged.connect(self._current_changed)
        profiles.problem.connect(self._problem)
        profiles.importsFound.connect(self._offer_import)
        credentials.modeChanged.connect(self._mode_changed)
        credentials.problem.connect(self._credential_problem)
        self._current_changed("")

    # -- slots -----------------------------------------------------------------------------------

    @Slot(str)
    def _current_changed(self, _name: str) -> None:
        profile = self._profiles.current()
        name = profile.name if profile else None
        self.setWindowTitle(f"shipexplorer — {name}" if name else "shipexplorer")
        self.status_profile.setText(f"Profile: {name}" if name else "No profile")
        lines = [f"<h2>shipexplorer {__version__}</h2>"]
        if profile is None:
            lines.append("No connection profile yet: add one with Profiles… (Ctrl+Shift+P).")
        else:
            settings = profile.settings
            workspace = settings.workspace_handle or settings.workspace_id or "default"
            lines.append(f"Profile <b>{name}</b>: {settings.api_base}, workspace {workspace}.")
        if self._emulator_base:
            lines.append(
                f"The local emulator serves at {self._emulator_base} with its demo packages "
                "(echo, greeter, slow-job, faults, media); its demo key is held in memory only."
            )
        self.summary.setText("<p>" + "</p><p>".join(lines) + "</p>")

    @Slot(bool, str)
    def _mode_changed(self, secure: bool, explanation: str) -> None:
        if secure:
            self.key_notice.hide()
        else:
            self.key_notice.show_message(f"No secure keyring. {explanation}")

    @Slot(str, str, bool)
    def _credential_problem(self, _profile: str, message: str, retryable: bool) -> None:
        if retryable:
            self.messages.show_message(message, "Retry", self._credentials.retry)
        else:
            self.messages.show_message(message)

    @Slot(str)
    def _problem(self, message: str) -> None:
        self.messages.show_message(message)

    @Slot(object)
    def _offer_import(self, scan: ImportScan) -> None:
        if self._import_dialog is not None:
            self._import_dialog.close()
        self._import_dialog = ImportDialog(scan, self._profiles, self)
        self._import_dialog.show()

    @Slot()
    def open_profiles(self) -> None:
        if self._dialog is None:
            self._dialog = ProfileDialog(self._profiles, self._credentials, self)
        self._dialog.show()
        self._dialog.raise_()
        self._dialog.activateWindow()
