"""The Tree view's model: a lazy ``QAbstractItemModel`` over a parsed JSON body.

Nothing is loaded up front: the root's children are fetched in batches of :data:`BATCH` as the
view asks (``canFetchMore``/``fetchMore``), and a node's children only when it is expanded. Every
fetch goes through :class:`~shipexplorer.services.document_queries.DocumentQueries`; a synchronous
(in-memory) document answers at once, a big one answers later from the pool and the rows are
inserted then: the GUI thread never waits. Only the loaded rows exist as Python objects.

"Narrowed" mode (:meth:`JsonTreeModel.set_matches`) shows a list of nodes (filter or search
results) as the top-level rows, keyed by their JSONPath, each still lazily expandable.

Columns: Key, Value, Type, Size. No per-row size hints, so the view can use uniform row heights.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from shiboken6 import isValid

from shipexplorer.core.documents.json_document import TreeDocument
from shipexplorer.ui.widgets.column_headers import column_header

if TYPE_CHECKING:
    from shipexplorer.core.documents.json_document import JsonDocument
    from shipexplorer.services.document_queries import DocumentQueries


#: children fetched per request
BATCH = 500
KEY, VALUE, TYPE, SIZE = range(4)
HEADERS = ("Key", "Value", "Type", "Size")
#: the node's path (a tuple) under this role; its NodeInfo under INFO_ROLE
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
INFO_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
_TOP = QModelIndex()  # the invisible root's index


_NO_POOL = "this big document is read on workers, and none are set up here"


def error_reason(exc: BaseException) -> str:
    """An exception's own words, never its class name (a KeyError's key is quoted)."""
    if isinstance(exc, KeyError):
        return f"there is no member {exc}" if exc.args else "a member is missing"
    return str(exc).strip() or "the document could not be read"


def as_sentence(lead: str, message: str) -> str:
    """``lead`` and ``message`` as one sentence; a message that is one already stands alone."""
    message = message.strip()
    if message.startswith("Could not") and message.endswith("."):
        return message
    message = message.rstrip(".")
    return f"{lead}: {message}." if message else f"{lead}."


def _path_text(path: tuple) -> str:
    from shipexplorer.core.documents.json_document import path_text

    return path_text(path)


class _Node:
    """One loaded row (or the invisible root)."""

    __slots__ = ("children", "fetching", "info", "parent", "path", "row", "title")

    def __init__(self, info: Any, parent: _Node | None, row: int, title: str | None = None):
        self.info = info  # a NodeInfo
        self.path: tuple = info.path
        self.parent = parent
        self.row = row
        self.children: list[_Node] = []
        self.fetching = False
        self.title = title  # the key column in narrowed mode: the JSONPath

    def total(self) -> int:
        return self.info.size if self.info.is_container else 0


class JsonTreeModel(QAbstractItemModel):
    """The rows of a JsonDocument, fetched lazily.

    Signals:
        errorOccurred(str): a fetch failed (the text is for the user).
        loadingChanged(bool): fetches are pending (True) or all answered (False).
    """

    errorOccurred = Signal(str)
    loadingChanged = Signal(bool)

    def __init__(
        self, queries: DocumentQueries | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._queries = queries
        self._doc: Any = None
        self._root: _Node | None = None
        self._generation = 0
        self._pending = 0
        self._handles: list[Any] = []
        self._matches: list[tuple] | None = None  # the paths of the narrowed rows
        #: asked before a node that has rows already loads its next batch (None: always):
        #: the view says whether its last rows are in sight, so a hidden view does not pull a
        #: 10,000-item array in twenty batches, each a relayout on the GUI thread
        self.more_wanted: Callable[[], bool] | None = None

    # --- what is shown ---------------------------------------------------------------------
    def set_queries(self, queries: DocumentQueries | None) -> None:
        self._queries = queries

    def queries(self) -> Any:
        return self._queries

    def document(self) -> Any:
        return self._doc

    def set_document(self, doc: Any) -> None:
        """Show ``doc`` (a JsonDocument, or None for nothing) in full."""
        self._reset(doc, None)

    def is_narrowed(self) -> bool:
        return self._matches is not None

    def matches(self) -> list[tuple] | None:
        return self._matches

    def set_matches(self, paths: list[tuple] | None) -> None:
        """Show only the nodes at ``paths`` (in order) as top-level rows, keyed by their JSONPath
        and fetched in batches like children; None shows the full tree again."""
        self._reset(self._doc, list(paths) if paths is not None else None)

    def _reset(self, doc: Any, matches: list[tuple] | None) -> None:
        self.beginResetModel()
        self._generation += 1
        for handle in self._handles:
            handle.cancel()
        self._handles.clear()
        self._set_pending(0)
        self._doc = doc
        self._matches = matches if doc is not None else None
        self._root = None
        if doc is not None:
            root_info = doc.root()
            self._root = _Node(root_info, None, 0)
            if matches is None and not root_info.is_container:  # a scalar body: one row
                self._root.children = [_Node(root_info, self._root, 0, "$")]
        self.endResetModel()

    def _total(self, node: _Node) -> int:
        if node is self._root:
            if self._matches is not None:
                return len(self._matches)
            if not node.info.is_container:
                return 1
        return node.total()

    # --- navigation ------------------------------------------------------------------------
    def _node(self, index: Index) -> _Node | None:
        if not index.isValid():
            return self._root
        return index.internalPointer()

    def index(self, row: int, column: int, parent: Index = _TOP) -> QModelIndex:
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        node = self._node(parent)
        if node is None or not 0 <= row < len(node.children) or not 0 <= column < len(HEADERS):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index | None = None) -> Any:  # type: ignore[override]
        if index is None:
            return QObject.parent(self)
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        up = node.parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = _TOP) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self._node(parent)
        return len(node.children) if node is not None else 0

    def columnCount(self, parent: Index = _TOP) -> int:
        return len(HEADERS)

    def hasChildren(self, parent: Index = _TOP) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        node = self._node(parent)
        if node is None:
            return False
        return bool(node.children) or self._total(node) > 0

    def canFetchMore(self, parent: Index) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        node = self._node(parent)
        if node is None or node.fetching:
            return False
        if node.children and self.more_wanted is not None and not self.more_wanted():
            return False
        return len(node.children) < self._total(node)

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        node = self._node(parent)
        assert node is not None
        node.fetching = True
        start = len(node.children)
        count = min(BATCH, self._total(node) - start)
        generation = self._generation
        self._set_pending(self._pending + 1)
        answered = False

        def done(infos: list[Any]) -> None:
            nonlocal answered
            answered = True
            if self._stale(generation):
                return
            self._set_pending(self._pending - 1)
            node.fetching = False
            self._append(node, infos, narrowed)

        def failed(message: str) -> None:
            nonlocal answered
            answered = True
            if self._stale(generation):
                return
            self._set_pending(self._pending - 1)
            node.fetching = False
            self.errorOccurred.emit(as_sentence("Could not load the children", message))

        narrowed = node is self._root and self._matches is not None
        if narrowed:
            assert self._matches is not None
            handle = self._infos(self._matches[start : start + count], done, failed)
        else:
            handle = self._children(node.path, start, count, done, failed)
        if handle is not None and not answered:
            self._handles.append(handle)

    def _stale(self, generation: int) -> bool:
        """A fetch's answer is for another document, or came after the model was deleted (its
        tab closed while a worker was reading)."""
        return not isValid(self) or generation != self._generation

    def _children(
        self,
        path: tuple,
        start: int,
        count: int,
        done: Callable[[list[Any]], None],
        failed: Callable[[str], None],
    ) -> Any:
        if self._queries is not None:
            return self._queries.children(self._doc, path, start, count, done, failed)
        if not self._doc.synchronous:  # no pool to ask: never block the GUI thread
            failed(_NO_POOL)
            return None
        try:
            infos = self._doc.children(path, start, count)
        except Exception as exc:  # shown as a sentence, never a crash
            failed(error_reason(exc))
        else:
            done(infos)
        return None

    def _infos(
        self, paths: list[tuple], done: Callable[[list[Any]], None], failed: Callable[[str], None]
    ) -> Any:
        if not self._doc.synchronous:
            if self._queries is None:
                failed(_NO_POOL)
                return None
            return _ChainedLookup(self._queries, self._doc, paths, done, failed).next()
        try:
            infos = [node_info(self._doc, path) for path in paths]
        except Exception as exc:
            failed(error_reason(exc))
        else:
            done(infos)
        return None

    def _append(self, node: _Node, infos: list[Any], narrowed: bool = False) -> None:
        if not infos:
            node.fetching = False
            return
        parent = QModelIndex() if node is self._root else self.createIndex(node.row, 0, node)
        first = len(node.children)
        self.beginInsertRows(parent, first, first + len(infos) - 1)
        node.children.extend(
            _Node(info, node, first + i, _path_text(info.path) if narrowed else None)
            for i, info in enumerate(infos)
        )
        self.endInsertRows()

    def _set_pending(self, pending: int) -> None:
        was = self._pending > 0
        self._pending = max(0, pending)
        if was != (self._pending > 0):
            self.loadingChanged.emit(self._pending > 0)
        if not self._pending:
            self._handles.clear()

    def is_loading(self) -> bool:
        return self._pending > 0

    # --- contents --------------------------------------------------------------------------
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_header(HEADERS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        info = node.info
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            column = index.column()
            if column == KEY:
                return key_text(node.title, info.key)
            if column == VALUE:
                return info.preview
            if column == TYPE:
                return info.kind
            if column == SIZE:
                return size_text(info)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == KEY:
            return _path_text(node.path)
        if role == PATH_ROLE:
            return node.path
        if role == INFO_ROLE:
            return info
        return None

    def path(self, index: Index) -> tuple | None:
        node = self._node(index) if index.isValid() else None
        return node.path if node is not None else None

    def index_of_row(self, row: int) -> QModelIndex:
        """The top-level row ``row`` (column 0)."""
        return self.index(row, 0)


def key_text(title: str | None, key: str | int | None) -> str:
    if title is not None:
        return title
    if key is None:
        return "$"
    return f"[{key}]" if isinstance(key, int) else key


def size_text(info: Any) -> str:
    if info.kind == "object":
        return f"{info.size:,} keys" if info.size != 1 else "1 key"
    if info.kind == "array":
        return f"{info.size:,} items" if info.size != 1 else "1 item"
    if info.kind == "string":
        return f"{info.size:,} characters" if info.size != 1 else "1 character"
    return ""


class _ChainedLookup:
    """NodeInfos of paths in a document read on the pool, through ``children`` alone.

    One read serves every following path under the same parent that it holds: array items are
    read from the first wanted index on (up to BATCH), object members by scanning the parent's
    keys batch after batch."""

    def __init__(
        self, queries: DocumentQueries, doc: JsonDocument, paths: list[tuple], done, failed
    ) -> None:
        self.queries, self.doc, self.paths = queries, doc, [tuple(p) for p in paths]
        self.done, self.failed = done, failed
        self.found: list[Any] = []
        self.start = 0
        self.handle: Any = None
        self.cancelled = False

    def cancel(self) -> bool:
        self.cancelled = True
        return self.handle.cancel() if self.handle is not None else True

    def next(self) -> _ChainedLookup:
        while not self.cancelled and len(self.found) < len(self.paths):
            path = self.paths[len(self.found)]
            if path:
                key = path[-1]
                start = key if isinstance(key, int) else self.start
                self.handle = self.queries.children(
                    self.doc, path[:-1], start, BATCH, self._batch, self.failed
                )
                return self
            self.found.append(self.doc.root())
        if not self.cancelled:
            self.done(self.found)
        return self

    def _batch(self, infos: list[Any]) -> None:
        if self.cancelled:
            return
        path = self.paths[len(self.found)]
        by_key = {info.key: info for info in infos}
        if path[-1] not in by_key:
            if isinstance(path[-1], int) or not infos:
                self.failed(f"no node at {_path_text(path)}")
                return
            self.start += len(infos)  # an object member further on: read the next batch
        else:
            parent = path[:-1]
            while len(self.found) < len(self.paths):
                wanted = self.paths[len(self.found)]
                if not wanted or wanted[:-1] != parent or wanted[-1] not in by_key:
                    break
                self.found.append(by_key[wanted[-1]])
            self.start = 0
        self.next()


def node_info(doc: Any, path: tuple) -> Any:
    """The NodeInfo at ``path`` of a synchronous document: looked up directly in a tree document,
    else found among its parent's children."""
    path = tuple(path)
    key = path[-1] if path else None
    if isinstance(doc, TreeDocument):  # info(key, path, value) over the node itself
        return doc.info(key, path, doc.node(path))
    if not path:
        return doc.root()
    parent = path[:-1]
    if isinstance(key, int):
        found = doc.children(parent, key, 1)
        if found:
            return found[0]
    else:
        start = 0
        while batch := doc.children(parent, start, BATCH):
            for child in batch:
                if child.key == key:
                    return child
            start += len(batch)
    raise KeyError(f"no node at {_path_text(path)}")
