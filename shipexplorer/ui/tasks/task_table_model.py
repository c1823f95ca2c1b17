"""The table of tracked tasks: one row per task, updated row by row as the tracker reports.

:class:`TaskTableModel` mirrors a :class:`~shipexplorer.services.task_tracker.TaskTracker` (rows in
the order tasks were added) and :class:`TaskFilterProxy` sorts it and filters it by state and by
text. The state column carries an icon *and* words, so no state is told by colour alone; the icons
are calm while a task is on its way (an hourglass for "waiting", drawn here, since the style has
none) and alarming only for a failure. Elapsed times of unfinished tasks are refreshed by one
timer, at most once a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QIcon

from shipexplorer.core.task_text import (
    CATEGORIES,
    created_epoch,
    format_duration,
    origin_text,
    progress_text,
    state_category,
    time_of_day,
)
from shipexplorer.services.frame_updates import FrameCoalescer
from shipexplorer.ui.style import colors, icons
from shipexplorer.ui.widgets.column_headers import column_header

if TYPE_CHECKING:
    from shipexplorer.services.task_tracker import TaskTracker


Index = QModelIndex | QPersistentModelIndex

STATE, TASK_ID, ORIGIN, PROGRESS, CREATED, LAST_CHANGE, ELAPSED = range(7)
HEADERS = ("State", "Task id", "Origin", "Progress", "Created", "Last change", "Elapsed")

#: the TrackedTask of a row (any column)
TaskRole = Qt.ItemDataRole.UserRole + 1
#: what a column sorts by (numbers for times, lower-case text otherwise)
SortRole = Qt.ItemDataRole.UserRole + 2
#: the row's state category (see :func:`state_category`)
CategoryRole = Qt.ItemDataRole.UserRole + 3

#: each state category's icon (ui/style/icons, in its role's colour, light or dark): a calm
#: hourglass for waiting, a spinner for running; only "failed" is alarming
_ICONS: dict[str, tuple[str, str | None]] = {
    "creating": ("task waiting", None),
    "waiting": ("task waiting", None),
    "running": ("task running", None),
    "reconnecting": ("refresh", colors.WARNING),
    "stopped": ("task cancelled", None),
    "succeeded": ("task succeeded", None),
    "failed": ("task failed", None),
    "unknown": ("help", colors.NEUTRAL),
}


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of adjacent rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class TaskTableModel(QAbstractTableModel):
    """The tracker's tasks as rows; ``clock`` gives "now" (tests pass their own).

    Every second while a task is unfinished, its Elapsed cell changes: the model says so with
    one ``dataChanged`` over the Elapsed column of those rows, then ``elapsedTicked``. A view
    behind a proxy sorted by Elapsed may turn ``tick_data_changed`` off and repaint its Elapsed
    cells on ``elapsedTicked`` instead: the proxy then does not re-sort 1,000 rows every second
    (25-35 ms measured), and running tasks keep their order by elapsed time as it grows anyway;
    a task's own change (its end included) still re-sorts its row.

    Signals:
        elapsedTicked(): the Elapsed cells of unfinished tasks changed (at most once a second).
    """

    elapsedTicked = Signal()

    def __init__(
        self,
        tracker: TaskTracker,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self._tracker = tracker
        self._clock = clock
        self.tick_data_changed = True
        self._icons: dict[str, QIcon] = {}
        icons.hub().refreshed.connect(self._recolor)
        self._ids: list[str] = [t.task_id for t in tracker.tasks()]
        self._rows: dict[str, int] = {tid: row for row, tid in enumerate(self._ids)}
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        # Tasks added in one event-loop turn are inserted as one block of rows: a thousand
        # one-row inserts re-sort and re-lay the view a thousand times.
        self._arrived: list[str] = []
        self._insert_timer = QTimer(self)
        self._insert_timer.setSingleShot(True)
        self._insert_timer.setInterval(0)
        self._insert_timer.timeout.connect(self._insert_arrived)
        # Rows that changed within a frame are announced together, one dataChanged per run of
        # adjacent rows, at the frame's end: a poll answering for 1,000 tasks repaints once.
        self._dirty: set[str] = set()
        self._changes = FrameCoalescer(self.flush_changes, self)
        tracker.taskAdded.connect(self._added)
        tracker.taskChanged.connect(self._changed)
        tracker.taskRemoved.connect(self._removed)
        self._update_timer()

    # --- the tracker's news ---------------------------------------------------------------

    @Slot(str)
    def _added(self, task_id: str) -> None:
        if task_id in self._rows or task_id in self._arrived:
            return
        self._arrived.append(task_id)
        self._insert_timer.start()

    def flush_arrivals(self) -> None:
        """Insert the tasks added this turn now (before looking a row up)."""
        self.flush_changes()
        if self._arrived:
            self._insert_timer.stop()
            self._insert_arrived()

    @Slot()
    def _insert_arrived(self) -> None:
        arrived = [
            t
            for t in dict.fromkeys(self._arrived)
            if t not in self._rows and self._tracker.task(t) is not None
        ]
        self._arrived = []
        if not arrived:
            return
        first = len(self._ids)
        self.beginInsertRows(QModelIndex(), first, first + len(arrived) - 1)
        for offset, task_id in enumerate(arrived):
            self._ids.append(task_id)
            self._rows[task_id] = first + offset
        self.endInsertRows()
        self._update_timer(arrived[-1])

    @Slot(str)
    def _changed(self, task_id: str) -> None:
        if task_id not in self._rows:
            self._added(task_id)
            return
        self._dirty.add(task_id)
        self._changes.request()

    def flush_changes(self) -> None:
        """Announce the rows changed since the last frame now (one dataChanged per run)."""
        self._changes.cancel()
        rows = sorted(self._rows[t] for t in self._dirty if t in self._rows)
        changed, self._dirty = self._dirty, set()
        last = len(HEADERS) - 1
        for first, end in _runs(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))
        for task_id in changed:
            self._update_timer(task_id)

    @Slot(str)
    def _removed(self, task_id: str) -> None:
        if task_id in self._arrived:
            self._arrived.remove(task_id)
        row = self._rows.get(task_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row]
        del self._rows[task_id]
        for later in self._ids[row:]:
            self._rows[later] -= 1
        self.endRemoveRows()

    @Slot()
    def _tick(self) -> None:
        """Elapsed of unfinished tasks: one dataChanged over the span of their rows, or only
        :attr:`elapsedTicked` when ``tick_data_changed`` is off (see the class docstring)."""
        live = [row for row, task in enumerate(self._tasks()) if task and not task.finished]
        if not live:
            self._timer.stop()
            return
        if self.tick_data_changed:
            self.dataChanged.emit(
                self.index(live[0], ELAPSED),
                self.index(live[-1], ELAPSED),
                [Qt.ItemDataRole.DisplayRole, SortRole],
            )
        self.elapsedTicked.emit()

    def _update_timer(self, task_id: str | None = None) -> None:
        """Start the elapsed timer when a task (or any, without an id) is unfinished; the tick
        stops it when none is."""
        if self._timer.isActive():
            return
        tasks = self._tasks() if task_id is None else [self._tracker.task(task_id)]
        if any(task is not None and not task.finished for task in tasks):
            self._timer.start()

    def _tasks(self) -> list[Any]:
        return [self._tracker.task(tid) for tid in self._ids]

    # --- what views ask ---------------------------------------------------------------------

    def task_at(self, row: int) -> Any:
        if 0 <= row < len(self._ids):
            return self._tracker.task(self._ids[row])
        return None

    def row_of(self, task_id: str) -> int:
        """The row of a task, or -1."""
        self.flush_arrivals()
        return self._rows.get(task_id, -1)

    def tasks(self) -> list[Any]:
        """Every task shown, in row order."""
        self.flush_arrivals()
        return [task for task in self._tasks() if task is not None]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return column_header(HEADERS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        task = self.task_at(index.row())
        if task is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(task, column)
        if role == TaskRole:
            return task
        if role == CategoryRole:
            return state_category(task)
        if role == SortRole:
            return self._sort_key(task, column)
        if role == Qt.ItemDataRole.DecorationRole and column == STATE:
            return self._icon(state_category(task))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(task, column)
        return None

    def _display(self, task: Any, column: int) -> str:
        if column == STATE:
            return str(task.display_state)
        if column == TASK_ID:
            return task.task_id
        if column == ORIGIN:
            return origin_text(task)
        if column == PROGRESS:
            return progress_text(task)
        if column == CREATED:
            return time_of_day(created_epoch(task))
        if column == LAST_CHANGE:
            return time_of_day(task.last_change)
        if column == ELAPSED:
            return format_duration(task.elapsed(self._clock()))
        return ""

    def _sort_key(self, task: Any, column: int) -> Any:
        if column == CREATED:
            return created_epoch(task)
        if column == LAST_CHANGE:
            return float(task.last_change or 0.0)
        if column == ELAPSED:
            return float(task.elapsed(self._clock()))
        if column == STATE:
            return CATEGORIES.index(state_category(task))
        return self._display(task, column).lower()

    def _tooltip(self, task: Any, column: int) -> str | None:
        if column == STATE:
            return f"{task.display_state}: polled {task.polls} times, {task.retries} retries"
        if column == CREATED and task.created_on:
            return f"Created on the server at {task.created_on}"
        if column == PROGRESS:
            return progress_text(task) or None
        return None

    def _icon(self, category: str) -> QIcon:
        icon = self._icons.get(category)
        if icon is None:
            name, role = _ICONS.get(category, ("help", colors.NEUTRAL))
            icon = icons.icon(name, role)
            self._icons[category] = icon
        return icon

    @Slot()
    def _recolor(self) -> None:
        """The theme changed: the state icons are made again in its colours."""
        self._icons.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, STATE),
                self.index(len(self._ids) - 1, STATE),
                [Qt.ItemDataRole.DecorationRole],
            )


class TaskFilterProxy(QSortFilterProxyModel):
    """Sorts by :data:`SortRole` and keeps the rows of one state category and/or with a text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._category: str | None = None
        self._text = ""
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def state_filter(self) -> str | None:
        return self._category

    def set_state_filter(self, category: str | None) -> None:
        """Keep only tasks of this :func:`state_category` (None or "" keeps all)."""
        self._refilter(lambda: setattr(self, "_category", category or None))

    def set_text_filter(self, text: str) -> None:
        """Keep tasks whose id, origin, state or progress contains ``text`` (any case)."""
        self._refilter(lambda: setattr(self, "_text", text.strip().lower()))

    def _refilter(self, change: Callable[[], None]) -> None:
        # Qt 6.9 replaced invalidateFilter() with begin/endFilterChange().
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, TaskTableModel):
            return True
        task = model.task_at(source_row)
        if task is None:
            return False
        if self._category and state_category(task) != self._category:
            return False
        if self._text:
            haystack = " ".join(
                (task.task_id, origin_text(task), progress_text(task), str(task.display_state))
            ).lower()
            return self._text in haystack
        return True
