"""The create-instance dialog: package, instance handle, version, fetch-if-exists and config.

The config editor is generated from the package's ``configTemplate`` once ``package/get``
answers (a loading note meanwhile), and from the template of the version typed when one is
(``package/version/list``; where a server cannot tell, the latest version's form is shown and
the server alone checks the config). A server that creates the instance in the background
(a task, no instance) is waited for: the dialog says so, and the instance is announced when the
task ends. Handles and config are checked before anything is sent; a
refusal of the server is shown beside the field it names, else at the top. Each time the dialog
is shown it starts afresh (lists reloaded, handle suggested again), so one dialog can be reused;
the package it had is kept, selected, so typing replaces it. Changing the package drops what
belonged to the old one at once: its description, its config form and its error.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import Package, PackageInstance
from shipexplorer.api.errors import RemoteError
from shipexplorer.api.models import PackageVersion
from shipexplorer.services.catalog import (
    PackageCatalog,
    field_named_in,
    is_valid_handle,
    suggest_instance_handle,
)
from shipexplorer.ui.instances.config_form import ConfigForm
from shipexplorer.ui.instances.package_field import DEBOUNCE_MS, PackageField
from shipexplorer.ui.widgets.error_label import error_label, error_text, show_error


def _line(name: str, placeholder: str, parent: QWidget) -> tuple[QLineEdit, QLabel]:
    """A line edit and the error label shown under it."""
    edit = QLineEdit(parent)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit, error_label(f"{name} error", parent)


class CreateInstanceDialog(QDialog):
    """Creates a package instance through a :class:`PackageCatalog`.

    Signals:
        created(object): the new (or fetched) ``PackageInstance``; the dialog then accepts.
            A create the server runs as a task is announced when the task ends (the dialog
            may be closed by then).
    """

    created = Signal(object)

    def __init__(self, catalog: PackageCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create package instance")
        self.setAccessibleName("Create package instance")
        self.resize(560, 580)
        self._catalog = catalog
        self._known_handles: set[str] = set()
        self._instance_edited = False
        self._loading: str | None = None  # the handle whose package/get runs
        self._loaded: str | None = None  # the handle whose config the form shows
        self._creating = False
        self._package_touched = False  # the package text changed since the dialog was shown
        self._list_note = ""  # the note about the package list, while a description shows
        self._package: Package | None = None  # the loaded package (its latest version)
        self._version_loading: str | None = None  # the version whose template is asked for
        self._version_shown = ""  # the version whose template the form shows ("" = latest)
        self._version_checked = True  # False: the form's template may not be that version's
        self._queued: dict[str, str] = {}  # task id -> instance handle, created in background
        self._submit_pending = False  # Create waits for the version's config

        self.top_error = error_label("Create instance error", self)
        self.package = PackageField(catalog, self)
        self.package_combo = self.package.combo
        self.package_note, self.package_error = self.package.note, self.package.error
        self.instance_edit, self.instance_error = _line(
            "Instance handle", "lowercase letters, digits and dashes", self
        )
        self.version_edit, self.version_error = _line(
            "Package version", "optional; empty for the latest", self
        )
        self.version_note = QLabel(self)
        self.version_note.setWordWrap(True)
        self.version_note.setAccessibleName("Package version information")
        self.version_note.hide()
        self.fetch_check = QCheckBox("&Use the existing instance if the handle is taken", self)
        self.fetch_check.setAccessibleName("Fetch if exists")
        self.fetch_check.setChecked(True)
        form = QFormLayout()  # notes and errors are rows of their own: wrapped, fully shown
        for text, editor, notes in (
            ("&Package:", self.package_combo, (self.package_note, self.package_error)),
            ("&Instance handle:", self.instance_edit, (self.instance_error,)),
            ("&Version:", self.version_edit, (self.version_note, self.version_error)),
        ):
            label = QLabel(text, self)
            label.setBuddy(editor)
            form.addRow(label, editor)
            for note in notes:
                form.addRow("", note)
        form.addRow("", self.fetch_check)

        self.config_note = QLabel(self)
        self.config_note.setWordWrap(True)
        self.config_note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.config_note.setAccessibleName("Config status")
        self.config_form = ConfigForm(self)
        self.config_stack = QStackedWidget(self)
        self.config_stack.addWidget(self.config_note)
        self.config_stack.addWidget(self.config_form)
        config_box = QGroupBox("Config", self)
        config_box.setAccessibleName("Config section")
        QVBoxLayout(config_box).addWidget(self.config_stack)

        self.status = QLabel(self)
        self.status.setAccessibleName("Create status")
        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton(
            "&Create", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setAccessibleName("Create instance")
        self.create_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)

        layout = QVBoxLayout(self)
        layout.addWidget(self.top_error)
        layout.addLayout(form)
        layout.addWidget(config_box, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.package.edited.connect(self._package_edited)
        self.package.chosen.connect(self._load_package)
        self.instance_edit.textEdited.connect(self._instance_typed)
        self._version_timer = QTimer(self)
        self._version_timer.setSingleShot(True)
        self._version_timer.setInterval(DEBOUNCE_MS)
        self._version_timer.timeout.connect(self._load_version)
        self.version_edit.textChanged.connect(self._version_typed)
        catalog.versionLoaded.connect(self._version_loaded)
        catalog.createQueued.connect(self._create_queued)
        catalog.queuedCreated.connect(self._queued_created)
        catalog.queuedFailed.connect(self._queued_failed)
        catalog.packagesLoaded.connect(self._packages_listed)  # after the field refilled its list
        catalog.packageLoaded.connect(self._package_loaded)
        catalog.packageFailed.connect(self._package_failed)
        catalog.instanceHandlesLoaded.connect(self._handles_loaded)
        catalog.created.connect(self._created)
        catalog.createFailed.connect(self._create_failed)
        catalog.connectionChanged.connect(self._connection_changed)
        self._show_config_note("Choose a package to see its configuration.")

    # -- public ---------------------------------------------------------------------------------
    def package_handle(self) -> str:
        return self.package.handle()

    def choose_package(self, handle: str) -> None:
        """Put ``handle`` in the package field and load its config now."""
        self.package.set_handle(handle)

    @Slot()
    def submit(self) -> None:
        """Check the entries and send ``package/instance/create`` (Enter, Ctrl+Enter, Create)."""
        if self._creating:
            return
        self._clear_errors()
        package, instance = self.package_handle(), self.instance_edit.text().strip()
        bad: list[QWidget] = []
        if not package:
            show_error(self.package_error, "Type or choose a package handle.", self.package_combo)
            bad.append(self.package_combo)
        if not instance:
            show_error(self.instance_error, "Type an instance handle.", self.instance_edit)
            bad.append(self.instance_edit)
        elif not is_valid_handle(instance):
            show_error(
                self.instance_error,
                "Use lowercase letters, digits and single dashes, such as greeter-1.",
                self.instance_edit,
            )
            bad.append(self.instance_edit)
        version = self.version_edit.text().strip()
        if package and package != self._loaded:
            self.package.choose_now()
            show_error(self.top_error, f"The config of '{package}' is loading; create it then.")
            bad.append(self.config_form)
        elif package and version != self._version_shown:
            if not bad:  # the form must be that version's before it is checked: create then
                self._set_creating(False, f"Loading the config of version '{version}'…")
                self._submit_pending = True
                self._load_version()
                return
        elif problems := self.config_form.problems(against_template=self._version_checked):
            self.config_form.show_problems(problems)
            show_error(self.top_error, "Fix the config: " + " ".join(problems.values()))
            bad.append(self.config_form)
        if bad:
            bad[0].setFocus()
            return
        self._set_creating(True, f"Creating '{instance}'…")
        self._catalog.create_instance(
            package,
            instance,
            version or None,
            self.fetch_check.isChecked(),
            self.config_form.value(),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self._restart()

    def done(self, result: int) -> None:
        self._creating = False
        self.package.stop()
        self._version_timer.stop()
        self._catalog.cancel_loads()
        super().done(result)

    def _restart(self) -> None:
        """Start afresh: lists reloaded, errors cleared, the package's config loaded again."""
        self._set_creating(False, "")
        self._clear_errors()
        self._instance_edited = False
        self._package_touched = False
        self._loading = self._loaded = None
        self._catalog.load_packages()
        self._catalog.load_instance_handles()
        self._suggest()
        self._load_package(self.package_handle())
        self.package_combo.setFocus()
        self._select_package_text()

    def _select_package_text(self) -> None:
        """Select the package kept from last time, so that typing replaces it."""
        if not self._package_touched:
            self.package_combo.lineEdit().selectAll()

    @Slot(object)
    def _packages_listed(self, _packages: object) -> None:
        # refilling the list set the text again (unselected): select it again
        if self.isVisible():
            self._select_package_text()

    @Slot()
    def _connection_changed(self) -> None:
        """Another profile or workspace: its lists and the package's config are loaded anew."""
        if self.isVisible() and not self._creating:
            self._restart()

    # -- package and config ---------------------------------------------------------------------
    @Slot(str)
    def _load_package(self, handle: str) -> None:
        if handle in (self._loading, self._loaded):
            return
        show_error(self.package_error, None, self.package_combo)
        self._loaded, self._loading = None, handle or None
        if not handle:
            self._show_config_note("Choose a package to see its configuration.")
            return
        self._show_config_note(f"Loading the configuration of '{handle}'…")
        self._catalog.load_package(handle)

    def _show_config_note(self, text: str) -> None:
        self.config_note.setText(text)
        self.config_stack.setCurrentWidget(self.config_note)

    @Slot(str, object)
    def _package_loaded(self, handle: str, package: Package | None) -> None:
        if handle != self._loading:
            return
        self._loading, self._loaded = None, handle
        self._package = package
        self._show_version(None, reset=True)
        self.config_stack.setCurrentWidget(self.config_form)
        if self.version_edit.text().strip():
            self._load_version()
        if package is not None and package.description:
            if not self._list_note:
                self._list_note = self.package_note.text()
            self.package_note.setText(package.description)

    def _forget_package(self) -> None:
        """The package changed: what belonged to the old one goes now (its description, config
        form, errors), not once the new one has loaded."""
        self._loading = self._loaded = None
        self._package = None
        self._version_loading = None
        self._submit_pending = False
        self._show_version(None, reset=True)
        if self._list_note:
            self.package_note.setText(self._list_note)
            self._list_note = ""
        show_error(self.package_error, None, self.package_combo)
        show_error(self.top_error, None)
        self.config_form.set_fields([])
        handle = self.package_handle()
        self._show_config_note(
            f"The configuration of '{handle}' loads when you stop typing."
            if handle
            else "Choose a package to see its configuration."
        )

    @Slot(str, object)
    def _package_failed(self, handle: str, error: Any) -> None:
        if handle == self._loading:
            show_error(
                self.package_error,
                f"Package '{handle}' could not be read: {error_text(error)}\n"
                "Its config can still be given as keys and values.",
                self.package_combo,
            )

    # -- version --------------------------------------------------------------------------------
    @Slot(str)
    def _version_typed(self, _text: str) -> None:
        self._version_timer.start()

    @Slot()
    def _load_version(self) -> None:
        """Show the config of the version typed: the latest's when empty, else that version's
        (asked of the catalog once the package is loaded)."""
        self._version_timer.stop()
        version = self.version_edit.text().strip()
        if self._loaded is None:
            return  # the package loads first; its end comes back here
        if not version:
            self._version_loading = None
            self._show_version(None)
            return
        if version in (self._version_loading, self._version_shown):
            return
        if self._package is None:  # the package could not be read: nor can its versions
            self._version_chosen(version, None, "The server checks the config of this version.")
            return
        self._version_loading = version
        self._show_version_note(f"Loading the config of version '{version}'…")
        self._catalog.load_version(self._package, version)

    @Slot(str, str, object)
    def _version_loaded(self, package: str, version: str, found: PackageVersion | None) -> None:
        if package != self._loaded or version != self._version_loading:
            return
        self._version_loading = None
        self._version_chosen(version, found, self._catalog.version_note)

    def _version_chosen(self, version: str, found: PackageVersion | None, note: str) -> None:
        self._show_version(version, found, note)
        if self._submit_pending:
            self._submit_pending = False
            self.submit()

    def _show_version(
        self,
        version: str | None,
        found: PackageVersion | None = None,
        note: str = "",
        *,
        reset: bool = False,
    ) -> None:
        """The form for ``version`` (None: the latest): its own template when ``found``, else
        the latest's, whose checks then give way to the server's. What the user typed stays
        where the new template has the same key (all of it goes with ``reset``)."""
        latest = self._package.config_template if self._package is not None else []
        fields = found.config_template if found is not None else latest
        self._version_shown = version or ""
        self._version_checked = version is None or found is not None
        if reset:
            self.config_form.set_fields(fields)
        elif fields != self.config_form.fields():
            kept = self._typed_config()
            self.config_form.set_fields(fields)
            names = {spec.name for spec in fields}
            if kept := {k: v for k, v in kept.items() if k in names}:
                self.config_form.set_value({**self.config_form.value(), **kept})
        if found is not None:
            note = f"The config form is version {version}'s."
        self._show_version_note(note if version else "")

    def _typed_config(self) -> dict[str, Any]:
        """What the user changed in the form (values other than the template's defaults)."""
        if self.config_form.problems(against_template=False):
            return {}
        defaults = {spec.name: spec.default for spec in self.config_form.fields()}
        return {
            key: value
            for key, value in self.config_form.value().items()
            if key not in defaults or defaults[key] != value
        }

    def _show_version_note(self, text: str) -> None:
        self.version_note.setText(text)
        self.version_note.setVisible(bool(text))

    # -- instance handle ------------------------------------------------------------------------
    @Slot(str)
    def _instance_typed(self, text: str) -> None:
        self._instance_edited = bool(text.strip())
        self._suggest()

    @Slot(object)
    def _handles_loaded(self, handles: set[str]) -> None:
        self._known_handles = set(handles)
        self._suggest()

    @Slot(str)
    def _package_edited(self, handle: str) -> None:
        self._package_touched = True
        if handle not in (self._loading, self._loaded):
            self._forget_package()
        self._suggest()

    def _suggest(self) -> None:
        if self._instance_edited:
            return
        package = self.package_handle()
        suggestion = suggest_instance_handle(package, self._known_handles) if package else ""
        if self.instance_edit.text() != suggestion:
            self.instance_edit.setText(suggestion)

    # -- creating -------------------------------------------------------------------------------
    @Slot(object)
    def _created(self, instance: PackageInstance) -> None:
        if not self._creating:
            return
        self._set_creating(False, f"Created '{instance.handle}'.")
        self.created.emit(instance)
        self.accept()

    @Slot(object)
    def _create_queued(self, task: Any) -> None:
        """The server creates it in the background: say so; it is announced when it ends."""
        if not self._creating:
            return
        task_id = str(task.task_id)
        handle = self.instance_edit.text().strip()
        self._queued[task_id] = handle
        self._set_creating(
            False,
            f"The instance is being created (task {task_id}); it appears in the list when ready.",
        )
        self.status.setToolTip(f"Instance '{handle}', task {task_id}")

    @Slot(str, object)
    def _queued_created(self, task_id: str, instance: PackageInstance) -> None:
        if self._queued.pop(task_id, None) is None:
            return
        if self.isVisible() and not self._creating and task_id in self.status.text():
            self._set_creating(False, f"Created '{instance.handle}'.")
            self.accept()
        self.created.emit(instance)

    @Slot(str, object)
    def _queued_failed(self, task_id: str, error: Any) -> None:
        handle = self._queued.pop(task_id, None)
        if handle is None or not self.isVisible():
            return  # the Tasks dock shows the task's failure
        if task_id in self.status.text():
            self.status.setText("")
        show_error(self.top_error, f"Creating '{handle}' failed: {error_text(error)}")

    @Slot(object)
    def _create_failed(self, error: Any) -> None:
        if not self._creating:
            return
        self._set_creating(False, "")
        text = error_text(error)
        if isinstance(error, RemoteError) and self._beside_field(error, text):
            return
        show_error(self.top_error, text)

    def _beside_field(self, error: RemoteError, text: str) -> bool:
        """Show a refusal beside the config field, instance handle or version it names."""
        message = error.steamship_message or error.message
        name = field_named_in(message, [spec.name for spec in self.config_form.fields()])
        if error.status == 400 and name and self.config_form.set_field_error(name, text):
            show_error(self.top_error, f"The server refused the config; see '{name}' below.")
            field = self.config_form.field(name)
            if field is not None:
                field.editor.setFocus()
            return True
        for edit, label in (
            (self.instance_edit, self.instance_error),
            (self.version_edit, self.version_error),
        ):
            value = edit.text().strip()
            if value and field_named_in(message, [value]):
                show_error(label, text, edit)
                show_error(self.top_error, "The server refused the instance; see below.")
                edit.setFocus()
                return True
        return False

    def _set_creating(self, on: bool, status: str) -> None:
        self._creating = on
        self.create_button.setEnabled(not on)
        self.status.setText(status)

    def _clear_errors(self) -> None:
        show_error(self.top_error, None)
        for label, about in (
            (self.package_error, self.package_combo),
            (self.instance_error, self.instance_edit),
            (self.version_error, self.version_edit),
        ):
            show_error(label, None, about)
        self.config_form.clear_errors()
