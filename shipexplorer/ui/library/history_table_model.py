"""The history table's model: entry summaries, newest first, a page at a time (the view asks for
the next page as it scrolls: ``canFetchMore``/``fetchMore``); status and sizes in words
(``200 OK``, ``200 · invalid JSON``, ``cancelled``: see
:func:`~shipexplorer.core.history_records.status_words`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from shipexplorer.core.history_records import APP, HistoryEntry
from shipexplorer.ui.style import colors
from shipexplorer.ui.widgets.column_headers import column_header

PAGE_SIZE = 100
Index = QModelIndex | QPersistentModelIndex
EntryRole = Qt.ItemDataRole.UserRole + 1
TIME, INSTANCE, METHOD, STATUS, ELAPSED, SIZE, URL = range(7)


def size_text(size: int) -> str:
    """``512 B``, ``1.5 KB``, ``12.0 MB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def status_text(entry: HistoryEntry) -> str:
    """``200 OK``, ``200 OK · task``, ``404 Not Found``, ``cancelled`` (words, never colour)."""
    return entry.status_text


def status_role(entry: HistoryEntry) -> str:
    """The design system's role of an entry's status: 2xx success, 3xx info, 4xx warning, 5xx
    and failures danger, anything else (cancelled) neutral. The words say it; this helps."""
    status = entry.status
    if status is None:
        cancelled = (entry.error or "").startswith("Cancelled")
        return colors.NEUTRAL if cancelled or not entry.error else colors.DANGER
    if 200 <= status < 300 and not entry.error:
        return colors.SUCCESS
    if 300 <= status < 400:
        return colors.INFO
    return colors.WARNING if 400 <= status < 500 else colors.DANGER


class HistoryTableModel(QAbstractTableModel):
    """Entry summaries, newest first, loaded a page at a time.

    ``fetch_page(offset)`` is called by :meth:`fetchMore`; the answer comes back through
    :meth:`append_page`. Nothing here touches the database.
    """

    HEADERS = ("Time", "Instance", "Method", "Status", "Elapsed", "Size", "URL")

    def __init__(
        self, fetch_page: Callable[[int], None] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._fetch_page = fetch_page
        self._entries: list[HistoryEntry] = []
        self._ids: set[int] = set()
        self._more = False
        self.loading = False

    # -- the model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(entry, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            note = f"\n{entry.body_note}" if entry.body_note else ""
            error = f"\n{entry.error}" if entry.error else ""
            own = "\nThe app's own call (to show what it lists)" if entry.origin == APP else ""
            return f"{entry.verb} {entry.url}{error}{note}{own}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (ELAPSED, SIZE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATUS:
            return colors.semantic(status_role(entry))
        if role == EntryRole:
            return entry
        return None

    @staticmethod
    def _cell(entry: HistoryEntry, column: int) -> str:
        if column == TIME:
            return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.time))
        if column == INSTANCE:
            return entry.instance or entry.workspace or ""
        if column == METHOD:
            return f"{entry.verb} {entry.method or entry.url}"
        if column == STATUS:
            return status_text(entry)
        if column == ELAPSED:
            return "" if entry.elapsed is None else f"{entry.elapsed * 1000:.0f} ms"
        if column == SIZE:
            return size_text(entry.response_size)
        if column == URL:
            return entry.url
        return ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_header(self.HEADERS, section, orientation, role)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid()
            and self._more
            and not self.loading
            and self._fetch_page is not None
        )

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent) and self._fetch_page is not None:
            self.loading = True
            self._fetch_page(len(self._entries))

    # -- filling --------------------------------------------------------------------------------
    def reset(self, entries: Sequence[HistoryEntry] = (), more: bool = False) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._ids = {e.id for e in self._entries}
        self._more = more
        self.loading = False
        self.endResetModel()

    def append_page(self, entries: Sequence[HistoryEntry], more: bool) -> None:
        """A page from :meth:`fetchMore` arrived (entries already shown are skipped)."""
        fresh = [e for e in entries if e.id not in self._ids]
        self.loading = False
        self._more = more
        if fresh:
            first = len(self._entries)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._entries.extend(fresh)
            self._ids.update(e.id for e in fresh)
            self.endInsertRows()

    def prepend(self, entries: Sequence[HistoryEntry]) -> None:
        """Newer entries (newest first) at the top."""
        fresh = [e for e in entries if e.id not in self._ids]
        if fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            self._entries[:0] = fresh
            self._ids.update(e.id for e in fresh)
            self.endInsertRows()

    def remove_ids(self, ids: Sequence[int]) -> None:
        gone = set(ids)
        for row in reversed(range(len(self._entries))):
            if self._entries[row].id in gone:
                self.beginRemoveRows(QModelIndex(), row, row)
                self._ids.discard(self._entries.pop(row).id)
                self.endRemoveRows()

    def entry(self, row: int) -> HistoryEntry:
        return self._entries[row]

    def newest_id(self) -> int | None:
        return max(self._ids) if self._ids else None

    @property
    def has_more(self) -> bool:
        return self._more
