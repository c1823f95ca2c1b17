"""The saved-requests tree's model: folders and requests of a snapshot, and dragging a request
onto a folder. What a file shows ("broken: <why>", "read-only") is said here in words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from shipexplorer.core.recipes import recipe_of
from shipexplorer.core.saved_files import SavedEntry, Snapshot

MIME = "application/x-shipexplorer-saved-request"
REL_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
FOLDER, REQUEST = "folder", "request"


def entry_text(entry: SavedEntry) -> str:
    """What the tree shows for a file: its name, "broken"/"read-only" in words, and "demo" when
    it is marked for demo mode."""
    if entry.spec is None:
        return f"{entry.display_name} — broken: {entry.error}"
    if entry.read_only:
        return f"{entry.display_name} (read-only: written by a newer version)"
    if entry.spec.presentation is not None:
        return f"{entry.display_name} · demo"
    return entry.display_name


def entry_tip(entry: SavedEntry) -> str:
    """The tool tip of a file: what it calls, its path, its notes (or why it is broken)."""
    if entry.spec is None:
        return f"{entry.rel}\nThis file is broken ({entry.error}); it is left untouched."
    spec = entry.spec
    lines = [f"{spec.verb} {spec.instance or '?'} / {spec.method or '?'}", entry.rel]
    if spec.presentation is not None:
        title = recipe_of(entry.rel, spec, entry.display_name).title
        lines.append(f"Used as a demo: “{title}” (Demo mode lists it)")
    if spec.notes:
        lines.append(spec.notes)
    return "\n".join(lines)


class SavedTreeModel(QStandardItemModel):
    """Folders and requests of a :class:`Snapshot`, as a read-only tree.

    A request can be dragged onto a folder (or the empty space: the top folder); the drop calls
    ``move(rel, folder)`` and is then refused, so the view removes nothing itself: the tree is
    rebuilt from the folder's next scan.
    """

    def __init__(
        self,
        move: Callable[[str, str], object] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._move = move
        self.setHorizontalHeaderLabels(["Saved requests"])

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        data = QMimeData()
        rels = [i.data(REL_ROLE) for i in indexes if i.data(KIND_ROLE) == REQUEST]
        data.setData(MIME, QByteArray("\n".join(rels).encode("utf-8")))
        return data

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(MIME) and (not parent.isValid() or parent.data(KIND_ROLE) == FOLDER)

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if self._move is None or not self.canDropMimeData(data, action, row, column, parent):
            return False
        folder = parent.data(REL_ROLE) if parent.isValid() else ""
        for rel in bytes(data.data(MIME)).decode("utf-8").split("\n"):
            if rel and rel.rpartition("/")[0] != folder:
                self._move(rel, folder)
        return False

    def rebuild(self, snapshot: Snapshot) -> None:
        self.beginResetModel()
        self.blockSignals(True)
        self.removeRows(0, self.rowCount())
        folders: dict[str, QStandardItem] = {"": self.invisibleRootItem()}
        for rel in snapshot.folders:
            if not rel:
                continue
            parent_rel, _, name = rel.rpartition("/")
            item = self._item(name, rel, FOLDER, f"Folder {rel}")
            folders.get(parent_rel, self.invisibleRootItem()).appendRow(item)
            folders[rel] = item
        for entry in snapshot.entries:
            item = self._item(entry_text(entry), entry.rel, REQUEST, entry_tip(entry))
            folders.get(entry.folder, self.invisibleRootItem()).appendRow(item)
        self.blockSignals(False)
        self.endResetModel()

    @staticmethod
    def _item(text: str, rel: str, kind: str, tip: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setDragEnabled(kind == REQUEST)
        item.setDropEnabled(kind == FOLDER)
        item.setData(rel, REL_ROLE)
        item.setData(kind, KIND_ROLE)
        item.setToolTip(tip)
        return item

    def find(self, rel: str, kind: str) -> QModelIndex:
        matches = self.match(
            self.index(0, 0), REL_ROLE, rel, 1, Qt.MatchFlag.MatchExactly | Qt.MatchRecursive
        )
        return next((m for m in matches if m.data(KIND_ROLE) == kind), QModelIndex())
