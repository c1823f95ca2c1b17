"""The saved-requests side panel: a tree of folders and requests, and what can be done to them.

Enter or a double-click opens a request (``openRequested``); F2 renames, Delete deletes (after a
confirmation), "Move to…" (or dragging onto a folder) moves, "Duplicate" copies. A broken file
says so in its text ("broken: <why>"), a file of a newer version says "read-only"; neither is ever
written. The dialogs are methods (``ask_text``, ``ask_save``, ``ask_item``, ``confirm``,
``ask_folder``) so tests can answer them.
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
from shipexplorer.services.saved_requests import SavedRequests
from shipexplorer.ui.library.saved_tree_model import (
    FOLDER,
    KIND_ROLE,
    REL_ROLE,
    REQUEST,
    SavedTreeModel,
)

TOP = "(top folder)"


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

    def __init__(self, store: SavedRequests, parent: QWidget | None = None) -> None:
        super().__init__("Saved requests", parent)
        self.setObjectName("saved-dock")
        self.setAccessibleName("Saved requests")
        self.store = store
        self.last_saved: RequestSpec | None = None  # what save_request wrote last
        self.model = SavedTreeModel(self._dropped, self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
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
            ("present", "Mark for presentation…", "Mark saved request for presentation",
             "Show it as a recipe in presentation mode, with a title and a description "
             "(an empty title takes it out)", None, self.mark_current),
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
        confirmation. Returns the saved file's ``rel``, or None."""
        answer = self.ask_save(spec)
        if answer is None:
            return None
        name, folder = answer
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

    @Slot()
    def mark_current(self) -> None:
        """Give the selected request a presentation title and description (a recipe); an empty
        title takes it out of presentation mode."""
        entry = self._current_request()
        if entry is None or entry.spec is None:
            return
        shown = entry.spec.presentation or {}
        title = self.ask_text(
            "Mark for presentation", "Title (empty: not a recipe):",
            shown.get("title", entry.display_name),
        )  # fmt: skip
        if title is None:
            return
        if not title.strip():
            self._select_after = self._run(self.store.unmark_recipe, entry.rel, entry.spec)
            return
        description = self.ask_text(
            "Mark for presentation", "A short description:", shown.get("description", "")
        )
        if description is None:
            return
        self._select_after = self._run(
            lambda: self.store.mark_recipe(
                entry.spec, title.strip(), description.strip(), rel=entry.rel
            )
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
