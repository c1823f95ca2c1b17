"""The saved-requests side panel: a tree of folders and requests, and what can be done to them.

Enter or a double-click opens a request (``openRequested``); F2 renames, Delete deletes (after a
confirmation), "Move to…" (or dragging onto a folder) moves, "Duplicate" copies. A broken file
says so in its text ("broken: <why>"), a file of a newer version says "read-only"; neither is ever
written. The dialogs are methods (``ask_text``, ``ask_save``, ``ask_item``, ``confirm``,
``ask_folder``, ``ask_key_reference``) so tests can answer them.

An API key is never written to a saved request (the folder is meant for git): with a key guard
(:class:`~shipexplorer.services.key_guard.KeyGuard`), a request holding a key the app knows is
saved only after the user agrees to put ``{{STEAMSHIP_API_KEY}}`` in its place (the dialog says
where the key is: line and column), and a name, folder or presentation title holding one is
refused.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.saved_files import (
    NameTakenError,
    RequestSpec,
    SavedEntry,
    SavedRequestError,
)
from shipexplorer.services.key_guard import KEY_REFERENCE, KeyFinding, KeyGuard
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.ui.library.saved_tree_model import (
    FOLDER,
    KIND_ROLE,
    REL_ROLE,
    REQUEST,
    SavedTreeModel,
)
from shipexplorer.ui.presentation.demo_dialog import DemoChoice, DemoDialog
from shipexplorer.ui.widgets.empty_state import EmptyState

TOP = "(top folder)"
#: how many places of a key the dialog lists
_SHOWN_PLACES = 5


class _SaveDialog(QDialog):
    def __init__(self, name: str, folders: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save request")
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setAccessibleName("Saved request name")
        self.folder_combo = QComboBox(self)
        self.folder_combo.setEditable(True)
        self.folder_combo.setAccessibleName("Saved request folder")
        self.folder_combo.setToolTip("A folder of the saved requests; type a new one to make it")
        self.folder_combo.addItems([TOP, *[f for f in folders if f]])
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Folder:", self.folder_combo)
        form.addRow(buttons)


class SavedRequestsPanel(QDockWidget):
    """The "Saved requests" dock.

    Signals:
        openRequested(object): a request was opened (Enter, double-click, "Open"); a RequestSpec.
        entryOpened(object): the same, as its ``SavedEntry`` (the file it came from).
    """

    openRequested = Signal(object)
    entryOpened = Signal(object)

    def __init__(
        self,
        store: SavedRequests,
        parent: QWidget | None = None,
        *,
        key_guard: KeyGuard | None = None,
    ) -> None:
        super().__init__("Saved requests", parent)
        self.setObjectName("saved-dock")
        self.setAccessibleName("Saved requests")
        self.store = store
        self.key_guard = key_guard  # which keys a saved request must not hold (None: none)
        self.last_saved: RequestSpec | None = None  # what save_request wrote last
        self.model = SavedTreeModel(self._dropped, self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.empty_state = EmptyState(
            self.tree, "No saved requests yet: save the current tab with Ctrl+S."
        )
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Saved requests tree")
        self.tree.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        self.tree.setDragDropMode(QTreeView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.activated.connect(self._activated)
        self.folder_label = QLabel(self)
        self.folder_label.setAccessibleName("Saved requests folder")
        self.folder_label.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setAccessibleName("Saved requests message")
        self.message.setWordWrap(True)
        self.message.hide()
        self._select_after: str | None = None
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        self.actions: dict[str, QAction] = {}
        for key, text, name, tip, shortcut, slot in (
            ("open", "Open", "Open saved request", "Open in a new tab (Enter)", None,
             self.open_current),
            ("rename", "Rename…", "Rename saved request", "Rename (F2)",
             QKeySequence(Qt.Key.Key_F2), self.rename_current),
            ("duplicate", "Duplicate", "Duplicate saved request", "Make a copy", None,
             self.duplicate_current),
            ("move", "Move to…", "Move saved request", "Move to another folder", None,
             self.move_current),
            ("delete", "Delete…", "Delete saved request", "Delete (Delete)",
             QKeySequence(QKeySequence.StandardKey.Delete), self.delete_current),
            ("present", "Use as demo…", "Use saved request as demo",
             "Show it in demo mode, with a title and a one-line description", None,
             self.mark_current),
            ("folder", "New folder…", "New saved-requests folder", "Make a folder", None,
             self.new_folder),
            ("choose", "Choose folder…", "Choose saved-requests folder",
             "Keep saved requests in another folder (a git checkout, say)", None,
             self.choose_folder),
        ):  # fmt: skip
            action = QAction(text, self)
            action.setToolTip(tip)
            if shortcut is not None:
                action.setShortcut(shortcut)
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.tree.addAction(action)
            action.triggered.connect(slot)
            self.actions[key] = action
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setAccessibleName(name)
            buttons.addWidget(button)
        buttons.addStretch(1)
        # "Use as demo…" in the tree's context menu too (with the actions that have keys)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.tree.addAction(self.actions["present"])
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.message)
        self.setWidget(body)
        store.changed.connect(self._refresh)
        store.problem.connect(self.show_message)
        self._refresh()

    # -- dialogs (tests replace these) ----------------------------------------------------------

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None

    def ask_item(self, title: str, label: str, items: list[str]) -> str | None:
        value, ok = QInputDialog.getItem(self, title, label, items, 0, False)
        return value if ok else None

    def confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Saved requests", text)
        return answer == QMessageBox.StandardButton.Yes

    def ask_folder(self) -> str | None:
        path = QFileDialog.getExistingDirectory(self, "Saved requests folder", str(self.store.root))
        return path or None

    def ask_save(self, spec: RequestSpec) -> tuple[str, str] | None:
        """(name, folder) for a new saved request, or None when cancelled."""
        dialog = _SaveDialog(spec.name or spec.method, list(self.store.snapshot().folders), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        folder = dialog.folder_combo.currentText().strip()
        return dialog.name_edit.text().strip(), "" if folder == TOP else folder

    def key_reference_box(self, findings: list[KeyFinding]) -> QMessageBox:
        """The dialog :meth:`ask_key_reference` shows: where the key is, and "Replace with
        {{STEAMSHIP_API_KEY}}" or Cancel (only Cancel when the key is encoded, which the
        reference cannot stand for). The reply is ``box.property("replace")``."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("API key in the request")
        box.setAccessibleName("API key in the request")
        places = [f"• {f.where()}" for f in findings[:_SHOWN_PLACES]]
        if len(findings) > _SHOWN_PLACES:
            places.append(f"• and {len(findings) - _SHOWN_PLACES} more")
        box.setText("An API key is in the request, at:\n" + "\n".join(places))
        replaceable = all(f.replaceable for f in findings)
        if replaceable:
            box.setInformativeText(
                "Saved requests are files meant to be shared (in git, say), so a key is never "
                f"written to them. Put {KEY_REFERENCE} in its place: the request is then sent "
                "with the profile's key, and exports read $STEAMSHIP_API_KEY."
            )
            replace = box.addButton(
                f"Replace with {KEY_REFERENCE}", QMessageBox.ButtonRole.AcceptRole
            )
            replace.setAccessibleName(f"Replace the key with {KEY_REFERENCE}")
            box.setDefaultButton(replace)
        else:
            box.setInformativeText(
                "The key is encoded there, and the reference cannot stand for an encoded key: "
                "remove it, then save again. Nothing was saved."
            )
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel: save nothing")
        box.setEscapeButton(cancel)
        box.setProperty("replace", False)
        if replaceable:
            replace.clicked.connect(lambda: box.setProperty("replace", True))
        return box

    def ask_key_reference(self, findings: list[KeyFinding]) -> bool:
        """True when the user chose to replace the key with the reference (False: Cancel)."""
        box = self.key_reference_box(findings)
        box.exec()
        return bool(box.property("replace"))

    def without_keys(self, spec: RequestSpec) -> RequestSpec | None:
        """``spec`` as it may be written: itself when it holds no known key; with the reference
        in the key's place when the user agrees; None (nothing to write) otherwise."""
        guard = self.key_guard
        findings = guard.findings(spec) if guard is not None else []
        if not findings:
            return spec
        agreed = self.ask_key_reference(findings)
        fixed = guard.with_reference(spec) if agreed else None
        if fixed is None or guard.findings(fixed):
            self.show_message("Not saved: the request holds an API key.")
            return None
        return fixed

    def _holds_key(self, *texts: str) -> bool:
        guard = self.key_guard
        return guard is not None and any(guard.holds_key(text) for text in texts)

    # -- state ----------------------------------------------------------------------------------

    def current(self) -> tuple[str, str] | None:
        """(kind, rel) of the selected item, or None."""
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        return index.data(KIND_ROLE), index.data(REL_ROLE)

    def _current_request(self) -> SavedEntry | None:
        current = self.current()
        if current is None or current[0] != REQUEST:
            self.show_message("Select a saved request first.")
            return None
        return self.store.entry(current[1])

    def select(self, rel: str, kind: str = REQUEST) -> bool:
        index = self.model.find(rel, kind)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        return index.isValid()

    @Slot(str)
    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    @Slot()
    def _refresh(self) -> None:
        expanded = self._expanded()
        current = self.current()
        self.model.rebuild(self.store.snapshot())
        for rel in expanded:
            index = self.model.find(rel, FOLDER)
            if index.isValid():
                self.tree.expand(index)
        wanted, self._select_after = self._select_after, None
        if not (wanted and self.select(wanted)) and current is not None:
            self.select(current[1], current[0])
        self.folder_label.setText(f"Folder: {self.store.root}")

    def _expanded(self) -> list[str]:
        found: list[str] = []
        stack = [QModelIndex()]
        while stack:
            parent = stack.pop()
            for row in range(self.model.rowCount(parent)):
                index = self.model.index(row, 0, parent)
                if index.data(KIND_ROLE) == FOLDER and self.tree.isExpanded(index):
                    found.append(index.data(REL_ROLE))
                    stack.append(index)
        return found

    def _run(self, action, *args) -> str | None:
        try:
            result = action(*args)
        except SavedRequestError as exc:
            self.show_message(str(exc))
            return None
        self.show_message("")
        return result

    # -- actions --------------------------------------------------------------------------------

    def save_request(self, spec: RequestSpec) -> str | None:
        """Ask a name and folder, then save ``spec``; an existing one is replaced only after a
        confirmation. A request holding a key is saved with the reference in its place, or not
        at all (see :meth:`without_keys`). Returns the saved file's ``rel``, or None."""
        checked = self.without_keys(spec)
        if checked is None:
            return None
        spec = checked
        answer = self.ask_save(spec)
        if answer is None:
            return None
        name, folder = answer
        if self._holds_key(name, folder):
            self.show_message("Not saved: a name or folder must not hold an API key.")
            return None
        spec = RequestSpec(**{**spec.to_dict(), "name": name})
        self.last_saved = spec
        try:
            rel = self.store.save(spec, folder)
        except NameTakenError as exc:
            if not self.confirm(f"{exc} Replace it?"):
                self.show_message(str(exc))
                return None
            rel = self._run(self.store.overwrite, exc.rel, spec)
        except SavedRequestError as exc:
            self.show_message(str(exc))
            return None
        self.show_message(f"Saved “{name}”." if rel else self.message.text())
        return rel

    @Slot(QModelIndex)
    def _activated(self, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) == REQUEST:
            self.open_current()

    @Slot()
    def open_current(self) -> None:
        entry = self._current_request()
        if entry is None:
            return
        if entry.spec is None:
            self.show_message(f"“{entry.rel}” is broken and cannot be opened: {entry.error}.")
            return
        self.openRequested.emit(entry.spec)
        self.entryOpened.emit(entry)

    @Slot()
    def rename_current(self) -> None:
        entry = self._current_request()
        if entry is None:
            return
        name = self.ask_text("Rename saved request", "New name:", entry.display_name)
        if name:
            self._select_after = self._run(self.store.rename, entry.rel, name)

    def ask_demo(self, title: str, description: str, is_demo: bool) -> DemoChoice | None:
        """The one "Use as demo" dialog (prefilled); None when cancelled."""
        dialog = DemoDialog(title, description, is_demo=is_demo, parent=self)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None

    @Slot()
    def mark_current(self) -> None:
        """Use the selected request as a demo (one dialog: title and description, prefilled),
        or stop using it as one."""
        entry = self._current_request()
        if entry is None or entry.spec is None:
            return
        shown = entry.spec.presentation or {}
        choice = self.ask_demo(
            shown.get("title") or entry.display_name,
            shown.get("description", ""),
            entry.spec.presentation is not None,
        )
        if choice is None:
            return
        spec = self.without_keys(entry.spec)  # a file written elsewhere may hold one
        if spec is None:
            return
        if choice.remove or not choice.title:
            self._select_after = self._run(self.store.unmark_recipe, entry.rel, spec)
            return
        title, description = choice.title, choice.description
        if self._holds_key(title, description):
            self.show_message("Not marked: a title or description must not hold an API key.")
            return
        self._select_after = self._run(
            lambda: self.store.mark_recipe(spec, title.strip(), description.strip(), rel=entry.rel)
        )

    @Slot()
    def duplicate_current(self) -> None:
        entry = self._current_request()
        if entry is not None:
            self._select_after = self._run(self.store.duplicate, entry.rel)

    @Slot()
    def move_current(self) -> None:
        entry = self._current_request()
        if entry is None:
            return
        others = [f for f in self.store.snapshot().folders if f and f != entry.folder]
        folders = [TOP, *others] if entry.folder else others
        if not folders:
            self.show_message("There is no other folder: make one with “New folder…” first.")
            return
        choice = self.ask_item("Move saved request", f"Move “{entry.display_name}” to:", folders)
        if choice is not None:
            moved = self._run(self.store.move, entry.rel, "" if choice == TOP else choice)
            self._select_after = moved

    def _dropped(self, rel: str, folder: str) -> None:
        self._select_after = self._run(self.store.move, rel, folder)

    @Slot()
    def delete_current(self) -> None:
        entry = self._current_request()
        if entry is not None and self.confirm(
            f"Delete the saved request “{entry.display_name}”? Its file is removed."
        ):
            self._run(self.store.delete, entry.rel)

    @Slot()
    def new_folder(self) -> None:
        current = self.current()
        base = ""
        if current is not None:
            base = current[1] if current[0] == FOLDER else current[1].rpartition("/")[0]
        name = self.ask_text("New folder", "Folder name (use / to nest):", "")
        if name:
            self._run(self.store.make_folder, f"{base}/{name}".lstrip("/"))

    @Slot()
    def choose_folder(self) -> None:
        path = self.ask_folder()
        if path:
            self.store.set_folder(Path(path))
