"""The profile dialog: list, add, edit, duplicate, delete profiles; type, test and forget keys."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import ConnectionSettings
from shipexplorer.core.profiles import Profile
from shipexplorer.services.credentials import CredentialService
from shipexplorer.services.profile_service import ProfileService
from shipexplorer.ui.profiles.key_field import KeyField


def _seconds(name: str, value: float, maximum: float = 3600.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.1, maximum)
    box.setDecimals(1)
    box.setSuffix(" s")
    box.setValue(value)
    box.setAccessibleName(name)
    return box


class ProfileDialog(QDialog):
    """Edits the profiles of a :class:`ProfileService`; keys go through the credential service."""

    def __init__(
        self,
        profiles: ProfileService,
        credentials: CredentialService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connection profiles")
        self.setAccessibleName("Connection profiles")
        self.resize(760, 520)
        self._profiles = profiles
        self._credentials = credentials
        self._editing: str | None = None  # name of the profile in the form; None = a new one

        self.list = QListWidget(self)
        self.list.setAccessibleName("Profiles")
        self.add_button = QPushButton("&Add", self)
        self.duplicate_button = QPushButton("D&uplicate", self)
        self.delete_button = QPushButton("&Delete", self)
        self.import_button = QPushButton("&Import…", self)
        self.import_button.setToolTip("Import from ~/.steamship.json and STEAMSHIP_* variables")
        for button, name in (
            (self.add_button, "Add profile"),
            (self.duplicate_button, "Duplicate profile"),
            (self.delete_button, "Delete profile"),
            (self.import_button, "Import profiles"),
        ):
            button.setAccessibleName(name)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            row.addWidget(button)
        left.addLayout(row)
        left.addWidget(self.import_button)

        self.name_edit = QLineEdit(self)
        self.api_base_edit = QLineEdit(self)
        self.app_base_edit = QLineEdit(self)
        self.workspace_handle_edit = QLineEdit(self)
        self.workspace_id_edit = QLineEdit(self)
        self.connect_timeout = _seconds("Connect timeout", 10.0)
        self.read_timeout = _seconds("Read timeout", 60.0)
        self.deadline = _seconds("Deadline", 300.0, maximum=86400.0)
        self.ca_file_edit = QLineEdit(self)
        self.ca_browse = QPushButton("Browse…", self)
        self.ca_browse.setAccessibleName("Choose CA file")
        self.system_proxy_check = QCheckBox("Use system pro&xy settings", self)
        self.system_proxy_check.setAccessibleName("Use system proxy settings")
        self.system_proxy_check.setToolTip(
            "Go through the proxy named by HTTPS_PROXY, HTTP_PROXY or ALL_PROXY (except for hosts "
            "in NO_PROXY, and this machine, which is always reached directly), and also trust the "
            "CA certificates named by SSL_CERT_FILE and SSL_CERT_DIR. Certificates are checked "
            "against the system's trust store either way."
        )
        self.system_proxy_check.setChecked(True)
        self.key_field = KeyField(self)
        self.key_status = QLabel(self)
        self.key_status.setAccessibleName("Key status")
        self.key_status.setWordWrap(True)
        for edit, name in (
            (self.name_edit, "Profile name"),
            (self.api_base_edit, "API base URL"),
            (self.app_base_edit, "App base URL"),
            (self.workspace_handle_edit, "Workspace handle"),
            (self.workspace_id_edit, "Workspace ID"),
            (self.ca_file_edit, "CA file"),
        ):
            edit.setAccessibleName(name)
        self.workspace_handle_edit.setPlaceholderText("default")
        self.workspace_id_edit.setPlaceholderText("optional; wins over the handle")
        self.ca_file_edit.setPlaceholderText("optional: a PEM file of extra trusted CAs")
        ca_row = QWidget(self)
        ca_layout = QHBoxLayout(ca_row)
        ca_layout.setContentsMargins(0, 0, 0, 0)
        ca_layout.addWidget(self.ca_file_edit, 1)
        ca_layout.addWidget(self.ca_browse)
        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("API &base", self.api_base_edit)
        form.addRow("A&pp base", self.app_base_edit)
        form.addRow("&Workspace handle", self.workspace_handle_edit)
        form.addRow("Workspace &ID", self.workspace_id_edit)
        form.addRow("&Connect timeout", self.connect_timeout)
        form.addRow("&Read timeout", self.read_timeout)
        form.addRow("Dead&line", self.deadline)
        form.addRow("CA &file", ca_row)
        form.addRow("", self.system_proxy_check)
        form.addRow("API &key", self.key_field)
        form.addRow("", self.key_status)
        for row, buddy in ((ca_row, self.ca_file_edit), (self.key_field, self.key_field.edit)):
            label = form.labelForField(row)
            if isinstance(label, QLabel):
                label.setBuddy(buddy)

        self.test_button = QPushButton("&Test connection", self)
        self.forget_button = QPushButton("&Forget key", self)
        self.save_button = QPushButton("&Save", self)
        self.save_button.setDefault(True)
        for button, name in (
            (self.test_button, "Test connection"),
            (self.forget_button, "Forget key"),
            (self.save_button, "Save profile"),
        ):
            button.setAccessibleName(name)
        actions = QHBoxLayout()
        actions.addWidget(self.test_button)
        actions.addWidget(self.forget_button)
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        self.message = QLabel(self)
        self.message.setAccessibleName("Profile message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(actions)
        right.addWidget(self.message)
        right.addStretch(1)

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        close.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addWidget(close)

        self.list.currentItemChanged.connect(self._picked)
        self.add_button.clicked.connect(self.new_profile)
        self.duplicate_button.clicked.connect(self._duplicate)
        self.delete_button.clicked.connect(self._delete)
        self.import_button.clicked.connect(self._import)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test_connection)
        self.forget_button.clicked.connect(self._forget)
        self.ca_browse.clicked.connect(self._browse_ca)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_profile)
        profiles.profilesChanged.connect(self._refill)
        profiles.connectionTested.connect(self._tested)
        profiles.problem.connect(self._show_problem)
        credentials.keyLoaded.connect(self._key_changed)
        credentials.keySaved.connect(self._key_changed)
        credentials.keyForgotten.connect(self._key_changed)
        credentials.modeChanged.connect(lambda *_: self._update_key_status())
        credentials.problem.connect(self._credential_problem)
        self._refill()
        current = profiles.current()
        self.select(current.name if current else None)

    # -- the list ----------------------------------------------------------------------------

    @Slot()
    def _refill(self) -> None:
        keep = self._editing
        self.list.blockSignals(True)
        self.list.clear()
        for profile in self._profiles.profiles():
            text = f"{profile.name} (built-in)" if profile.builtin else profile.name
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, profile.name)
        self.list.blockSignals(False)
        self._highlight(keep)

    def _highlight(self, name: str | None) -> None:
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentRow(row)
                break
        else:
            self.list.clearSelection()
        self.list.blockSignals(False)

    def select(self, name: str | None) -> None:
        """Show a profile in the form (None: an empty form for a new profile)."""
        self._highlight(name)
        self._show(self._profiles.profile(name))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _picked(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self._show(self._profiles.profile(item.data(Qt.ItemDataRole.UserRole)))

    def _show(self, profile: Profile | None) -> None:
        settings = profile.settings if profile else ConnectionSettings()
        self._editing = profile.name if profile else None
        self.name_edit.setText(profile.name if profile else "")
        self.api_base_edit.setText(settings.api_base)
        self.app_base_edit.setText(settings.app_base)
        self.workspace_handle_edit.setText(settings.workspace_handle or "")
        self.workspace_id_edit.setText(settings.workspace_id or "")
        self.connect_timeout.setValue(settings.connect_timeout or 10.0)
        self.read_timeout.setValue(settings.read_timeout or 60.0)
        self.deadline.setValue(settings.deadline or 300.0)
        self.ca_file_edit.setText(settings.ca_file or "")
        self.system_proxy_check.setChecked(settings.use_system_proxy)
        self.key_field.clear()
        builtin = bool(profile and profile.builtin)
        for widget in (
            self.name_edit,
            self.api_base_edit,
            self.app_base_edit,
            self.workspace_handle_edit,
            self.workspace_id_edit,
            self.connect_timeout,
            self.read_timeout,
            self.deadline,
            self.ca_file_edit,
            self.ca_browse,
            self.system_proxy_check,
            self.key_field,
            self.save_button,
            self.forget_button,
            self.delete_button,
        ):
            widget.setEnabled(not builtin and not self._profiles.read_only)
        self.duplicate_button.setEnabled(profile is not None)
        self.message.clear()
        if (
            profile is not None
            and not profile.builtin
            and not self._credentials.has_key(profile.name)
        ):
            self._credentials.load_key(profile.name)
        self._update_key_status()

    def _update_key_status(self) -> None:
        name = self._editing
        profile = self._profiles.profile(name)
        secure = self._credentials.is_secure
        if profile is not None and profile.builtin:
            text = "The emulator's demo key, held in memory for this session."
        elif name is not None and self._credentials.has_key(name):
            where = "in the OS keyring" if secure else "in memory for this session only"
            text = f"A key is stored {where}. Type a new one to replace it."
        else:
            text = "No key stored yet."
        if secure is False:
            text += " No secure keyring is available, so keys are not remembered after you quit."
        self.key_status.setText(text)
        self.key_field.setPlaceholderText(
            "•••••• (stored)" if name and self._credentials.has_key(name) else "paste the API key"
        )

    # -- actions ------------------------------------------------------------------------------

    def _form_profile(self) -> Profile:
        settings = ConnectionSettings(
            api_base=self.api_base_edit.text().strip() or ConnectionSettings().api_base,
            app_base=self.app_base_edit.text().strip() or ConnectionSettings().app_base,
            workspace_handle=self.workspace_handle_edit.text().strip() or None,
            workspace_id=self.workspace_id_edit.text().strip() or None,
            connect_timeout=self.connect_timeout.value(),
            read_timeout=self.read_timeout.value(),
            write_timeout=self.read_timeout.value(),
            deadline=self.deadline.value(),
            ca_file=self.ca_file_edit.text().strip() or None,
            use_system_proxy=self.system_proxy_check.isChecked(),
        )
        return Profile(name=self.name_edit.text().strip(), settings=settings)

    @Slot()
    def new_profile(self) -> None:
        self.select(None)
        self.name_edit.setText(self._profiles.unique_name("New profile"))
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    @Slot()
    def save(self) -> None:
        profile = self._form_profile()
        problems = self._profiles.save_profile(self._editing, profile, self.key_field.text())
        if problems:
            self.message.setText("Not saved:\n" + "\n".join(f"• {p}" for p in problems))
            return
        self.key_field.clear()
        self.select(profile.name)
        self.message.setText(f"Saved “{profile.name}”.")

    @Slot()
    def test_connection(self) -> None:
        self.message.setText("Testing the connection…")
        self._profiles.test_connection(self._form_profile(), self.key_field.text() or None)

    @Slot(str, bool, str)
    def _tested(self, name: str, ok: bool, text: str) -> None:
        prefix = "Connection works. " if ok else "Connection failed: "
        self.message.setText(prefix + text)

    @Slot()
    def _duplicate(self) -> None:
        if self._editing is not None:
            copy = self._profiles.duplicate(self._editing)
            if copy:
                self.select(copy)

    @Slot()
    def _delete(self) -> None:
        if self._editing is not None:
            name = self._editing
            self._profiles.delete(name)
            current = self._profiles.current()
            self.select(current.name if current else None)
            self.message.setText(f"Deleted “{name}” and its key.")

    @Slot()
    def _forget(self) -> None:
        if self._editing is not None:
            self._profiles.forget_key(self._editing)

    @Slot()
    def _import(self) -> None:
        self.message.setText("Looking for ~/.steamship.json and STEAMSHIP_* variables…")
        self._profiles.scan_imports()

    @Slot()
    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "CA file", "", "Certificates (*.pem *.crt *.cer);;All files (*)"
        )
        if path:
            self.ca_file_edit.setText(path)

    @Slot(str)
    def _key_changed(self, name: str, *_: object) -> None:
        if name == self._editing:
            self._update_key_status()

    @Slot(str, str, bool)
    def _credential_problem(self, name: str, message: str, retryable: bool) -> None:
        if name in (self._editing, ""):
            self.message.setText(message + (" (Retry from the main window.)" if retryable else ""))

    @Slot(str)
    def _show_problem(self, message: str) -> None:
        self.message.setText(message)
