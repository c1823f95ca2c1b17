"""The "Tasks" dock: every tracked task in a sortable, filterable table, the selected task's
detail below it, and the actions on tasks (add by id, poll now, stop / resume watching, remove,
copy the id, copy a curl polling loop, open the originating request).

Keyboard: Insert adds a task id, F5 polls now (in the panel; it takes F5 from the window while
the focus is here), Ctrl+Shift+S stops watching, Ctrl+Shift+R resumes, Delete removes,
Ctrl+Shift+I copies the id (Ctrl+C too in the table), Ctrl+Shift+L copies the curl loop,
Ctrl+Shift+O (or Enter on a row) opens the originating request. Every action is in the table's
context menu. None of these keys is one the window or the output viewer inside uses (Ctrl+Return
sends, Ctrl+Shift+C copies a JSON path): a shared key would be ambiguous and do nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QRect, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import ConnectionSettings
from shipexplorer.core.task_text import CATEGORIES, state_category
from shipexplorer.core.task_timeline import TrackedTask
from shipexplorer.services.exports import task_curl_loop
from shipexplorer.services.task_tracker import TaskTracker
from shipexplorer.ui.tasks.task_actions import (
    FINAL,
    PanelBody,
    action_toolbar,
    make_action,
    resumable,
)
from shipexplorer.ui.tasks.task_detail import TaskDetail
from shipexplorer.ui.tasks.task_table_model import (
    CREATED,
    ELAPSED,
    ORIGIN,
    PROGRESS,
    STATE,
    TASK_ID,
    TaskFilterProxy,
    TaskRole,
    TaskTableModel,
)
from shipexplorer.ui.widgets.empty_state import EmptyState
from shipexplorer.ui.widgets.error_label import error_label, show_error

if TYPE_CHECKING:
    from shipexplorer.services.document_queries import DocumentQueries


#: how the title lists the counts (the rest in CATEGORIES order after these)
_TITLE_ORDER = ("running", "waiting", "creating", "reconnecting", "stopped", "failed")
SettingsFor = Callable[[TrackedTask], ConnectionSettings | None]


def counts_title(counts: Counter[str]) -> str:
    """``"Tasks — 3 running · 1 failed · 8 succeeded"`` (``"Tasks"`` when there is none)."""
    order = list(_TITLE_ORDER) + [c for c in CATEGORIES if c not in _TITLE_ORDER]
    parts = [f"{counts[c]} {c}" for c in order if counts.get(c)]
    return "Tasks — " + " · ".join(parts) if parts else "Tasks"


class TaskPanel(QDockWidget):
    """The task dock over a ``TaskTracker``.

    ``settings_for(task)`` gives the ``ConnectionSettings`` a task's curl loop is written for
    (the tracker's :meth:`~shipexplorer.services.task_tracker.TaskTracker.settings_for` unless
    given; the key in them is never shown: the export writes ``$STEAMSHIP_API_KEY``).

    Signals:
        openOriginRequested(object): the TrackedTask whose originating request should open.
        statusMessage(str): a short sentence for the window's status bar.
    """

    openOriginRequested = Signal(object)
    statusMessage = Signal(str)

    def __init__(
        self,
        tracker: TaskTracker,
        settings_for: SettingsFor | None = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__("Tasks", parent)
        self._tracker = tracker
        self._settings_for = settings_for or (lambda task: tracker.settings_for(task.task_id))
        self.setObjectName("tasks-dock")
        self.setAccessibleName("Tasks")
        self.model = TaskTableModel(tracker, self, clock=clock)
        self.model.tick_data_changed = False  # repaint Elapsed cells instead (no re-sort)
        self.model.elapsedTicked.connect(self._repaint_elapsed)
        self.proxy = TaskFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        body = PanelBody(self.poll_now, self)
        self._build_filters(body)
        self._build_table(body)
        self.detail = TaskDetail(body, clock=clock)
        if isinstance(tracker, TaskTracker):  # block contents of an output, via its connection
            self.detail.set_blocks(tracker.block_fetcher(), self._settings_for)
        self._build_actions(body)
        self.splitter = QSplitter(Qt.Orientation.Vertical, body)
        self.splitter.setObjectName("tasks-splitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.error = error_label("Task panel error", body)
        filters = QHBoxLayout()
        filters.addWidget(self.state_label)
        filters.addWidget(self.state_combo)
        filters.addWidget(self.text_label)
        filters.addWidget(self.text_filter, 1)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.error)
        layout.addWidget(self.splitter, 1)
        self.setWidget(body)
        self._title_timer = QTimer(self)
        self._title_timer.setSingleShot(True)
        self._title_timer.setInterval(150)
        self._title_timer.timeout.connect(self._update_title)
        # The title's counts follow each task's news (one task looked at), not a recount of
        # every task each time (1,000 tasks: some 1.7 ms per title, 6 titles a second).
        self._categories: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        for task in tracker.tasks():
            self._count(task.task_id)
        tracker.taskAdded.connect(self._task_added)
        tracker.taskChanged.connect(self._task_changed)
        tracker.taskRemoved.connect(self._task_removed)
        self._update_title()
        self._update_actions()

    # --- building -----------------------------------------------------------------------------

    def _build_filters(self, body: QWidget) -> None:
        self.state_combo = QComboBox(body)
        self.state_combo.setAccessibleName("Filter tasks by state")
        self.state_combo.addItem("All states", None)
        for category in CATEGORIES:
            self.state_combo.addItem(category.capitalize(), category)
        self.state_combo.currentIndexChanged.connect(
            lambda _i: self.proxy.set_state_filter(self.state_combo.currentData())
        )
        self.state_label = QLabel("S&tate:", body)
        self.state_label.setBuddy(self.state_combo)
        self.text_filter = QLineEdit(body)
        self.text_filter.setAccessibleName("Filter tasks by text")
        self.text_filter.setPlaceholderText("Task id, origin or progress message")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(self.proxy.set_text_filter)
        self.text_label = QLabel("&Find:", body)
        self.text_label.setBuddy(self.text_filter)

    def _build_table(self, body: QWidget) -> None:
        table = QTableView(body)
        table.setAccessibleName("Tracked tasks")
        table.setModel(self.proxy)
        self.empty_state = EmptyState(
            table,
            "No tasks yet: a method that starts a long job (slow-job's start) shows its task "
            "here, live. To watch another task, use Add task id… (Ins).",
        )
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PROGRESS, QHeaderView.ResizeMode.Stretch)
        for column, width in ((STATE, 190), (TASK_ID, 150), (ORIGIN, 160), (CREATED, 150)):
            table.setColumnWidth(column, width)
        header.setSortIndicator(CREATED, Qt.SortOrder.DescendingOrder)  # newest first
        table.setSortingEnabled(True)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        table.selectionModel().currentRowChanged.connect(self._selection_changed)
        table.activated.connect(lambda _index: self.open_origin())
        self.table = table

    def _build_actions(self, body: QWidget) -> None:
        def act(text: str, slot: Callable[[], object], keys: list[str], tip: str) -> QAction:
            return make_action(self, (body, self.table), text, slot, keys, tip)

        self.add_action = act(
            "&Add task id…", self.ask_task_id, ["Ins"], "Watch a task by pasting its id"
        )
        self.poll_action = act(
            "&Poll now", self.poll_now, ["F5"], "Ask the server for the task's state now"
        )
        self.stop_action = act(
            "&Stop watching",
            self.stop_watching,
            ["Ctrl+Shift+S"],
            "Stop polling the task here; the task goes on in the server",
        )
        self.resume_action = act(
            "&Resume watching", self.resume, ["Ctrl+Shift+R"], "Poll the task again"
        )
        self.remove_action = act(
            "Re&move", self.remove, ["Del"], "Forget the task here (it is not cancelled)"
        )
        self.copy_id_action = act(
            "&Copy task id", self.copy_task_id, ["Ctrl+Shift+I"], "Copy the task id"
        )
        self.curl_action = act(
            "Copy as c&url polling loop",
            self.copy_curl_loop,
            ["Ctrl+Shift+L"],
            "Copy a shell loop polling the task with curl; the key comes from $STEAMSHIP_API_KEY",
        )
        self.open_action = act(
            "&Open originating request",
            self.open_origin,
            ["Ctrl+Shift+O"],
            "Open the request that started the task in a tab",
        )
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.table)  # Ctrl+C in the table
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(self.copy_task_id)
        self.toolbar = action_toolbar(body, self.actions_list())

    def set_queries(self, queries: DocumentQueries) -> None:
        """The shared DocumentQueries the detail's output viewer reads documents through."""
        self.detail.set_queries(queries)

    def actions_list(self) -> list[QAction]:
        return [
            self.add_action,
            self.poll_action,
            self.stop_action,
            self.resume_action,
            self.remove_action,
            self.copy_id_action,
            self.curl_action,
            self.open_action,
        ]

    # --- selection ----------------------------------------------------------------------------

    def current_task(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self._fresh(index.siblingAtColumn(0).data(TaskRole))

    def selected_tasks(self) -> list[Any]:
        rows = self.table.selectionModel().selectedRows()
        tasks = [self._fresh(index.data(TaskRole)) for index in rows]
        if not tasks and self.current_task() is not None:
            tasks = [self.current_task()]
        return [task for task in tasks if task is not None]

    def _fresh(self, task: Any) -> Any:
        return None if task is None else self._tracker.task(task.task_id)

    def select_task(self, task_id: str) -> bool:
        """Make ``task_id`` the current, selected row (clearing filters that hide it)."""
        row = self.model.row_of(task_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.state_combo.setCurrentIndex(0)
            self.text_filter.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        return True

    @Slot()
    def _selection_changed(self, *_: object) -> None:
        task = self.current_task()
        if task is not self.detail.task():
            self.detail.show_task(task)
        self._update_actions()

    def _update_actions(self) -> None:
        tasks = self.selected_tasks()
        current = self.current_task()
        any_selected = bool(tasks)
        self.poll_action.setEnabled(any(t.state not in FINAL for t in tasks))
        self.stop_action.setEnabled(any(not t.finished and t.watch != "stopped" for t in tasks))
        self.resume_action.setEnabled(any(resumable(t) for t in tasks))
        self.remove_action.setEnabled(any_selected)
        self.copy_id_action.setEnabled(any_selected)
        self.curl_action.setEnabled(current is not None)
        origin = current.origin if current is not None else None
        self.open_action.setEnabled(
            origin is not None and (origin.request_id is not None or bool(origin.method))
        )

    # --- the tracker's news -------------------------------------------------------------------

    @Slot(str)
    def _task_added(self, task_id: str) -> None:
        if self._count(task_id):
            self._schedule_title()

    @Slot(str)
    def _task_changed(self, task_id: str) -> None:
        shown = self.detail.task()
        if shown is not None and shown.task_id == task_id:
            self.detail.show_task(self._tracker.task(task_id))
            self._update_actions()
        if self._count(task_id):
            self._schedule_title()

    @Slot(str)
    def _task_removed(self, task_id: str) -> None:
        shown = self.detail.task()
        if shown is not None and shown.task_id == task_id:
            self.detail.show_task(self.current_task())
        self._update_actions()
        if self._count(task_id):
            self._schedule_title()

    def _count(self, task_id: str) -> bool:
        """Move the task to its state category in the title's counts (out of them when it is
        gone); True when its category changed."""
        task = self._tracker.task(task_id)
        new = state_category(task) if task is not None else None
        old = self._categories.get(task_id)
        if new == old:
            return False
        if old is not None:
            self._counts[old] -= 1
            if not self._counts[old]:
                del self._counts[old]
        if new is None:
            del self._categories[task_id]
        else:
            self._categories[task_id] = new
            self._counts[new] += 1
        return True

    @Slot()
    def _repaint_elapsed(self) -> None:
        """Repaint the visible Elapsed cells (their text is computed when painted)."""
        viewport = self.table.viewport()
        x = self.table.columnViewportPosition(ELAPSED)
        if x >= 0:
            viewport.update(QRect(x, 0, self.table.columnWidth(ELAPSED), viewport.height()))

    @Slot()
    def _schedule_title(self, *_: object) -> None:
        if not self._title_timer.isActive():
            self._title_timer.start()

    @Slot()
    def _update_title(self) -> None:
        title = counts_title(self._counts)
        if title != self.windowTitle():  # a dock's new title lays its tab bar out again
            self.setWindowTitle(title)
        if title != self.accessibleDescription():
            self.setAccessibleDescription(title)

    # --- actions ------------------------------------------------------------------------------

    def ask_task_id(self) -> None:
        text, ok = QInputDialog.getText(self, "Watch a task", "Task &id to watch:")
        if ok:
            self.add_task_id(text)

    def add_task_id(self, text: str) -> bool:
        """Watch the pasted task id (with the current profile); False with an error shown."""
        task_id = text.strip().strip("\"'")
        if not task_id or any(c.isspace() for c in task_id):
            show_error(self.error, "A task id is one word without spaces.")
            return False
        try:
            self._tracker.add_by_id(task_id)
        except ValueError as exc:
            show_error(self.error, str(exc))
            return False
        show_error(self.error, None)
        self.select_task(task_id)
        self.statusMessage.emit(f"Watching task {task_id}.")
        return True

    def poll_now(self) -> None:
        for task in self.selected_tasks():
            if task.state not in FINAL:
                self._tracker.poll_now(task.task_id)

    def stop_watching(self) -> None:
        tasks = [t for t in self.selected_tasks() if not t.finished]
        for task in tasks:
            self._tracker.stop_watching(task.task_id)
        if tasks:
            self.statusMessage.emit(
                f"Stopped watching {len(tasks)} task(s); they go on running in the server."
            )
        self._update_actions()

    def resume(self) -> None:
        for task in self.selected_tasks():
            if resumable(task):
                self._tracker.resume(task.task_id)
        self._update_actions()

    def remove(self) -> None:
        tasks = self.selected_tasks()
        for task in tasks:
            self._tracker.remove(task.task_id)
        if tasks:
            self.statusMessage.emit(f"Removed {len(tasks)} task(s) from the panel.")

    def copy_task_id(self) -> None:
        ids = [task.task_id for task in self.selected_tasks()]
        if ids:
            QGuiApplication.clipboard().setText("\n".join(ids))
            self.statusMessage.emit("Copied the task id." if len(ids) == 1 else "Copied the ids.")

    def copy_curl_loop(self) -> bool:
        """Put a curl polling loop for the current task on the clipboard (never the key)."""
        task = self.current_task()
        if task is None:
            return False
        settings = self._settings_for(task)
        if settings is None:
            show_error(
                self.error,
                f"Task {task.task_id} was started with the profile "
                f"{task.origin.profile or '(unknown)'}: switch to it to copy a curl loop.",
            )
            return False
        try:
            text = task_curl_loop(settings, task.task_id)
        except ValueError as exc:  # the text would hold the key
            show_error(self.error, str(exc))
            return False
        show_error(self.error, None)
        QGuiApplication.clipboard().setText(text)
        self.statusMessage.emit(
            "Copied a curl polling loop; it reads the key from $STEAMSHIP_API_KEY."
        )
        return True

    def open_origin(self) -> None:
        task = self.current_task()
        if task is not None and self.open_action.isEnabled():
            self.openOriginRequested.emit(task)
