"""The "History" dock: every request sent, newest first, searchable and filterable, with the
actions on entries (re-open in the editor, re-send, compare two responses, delete, clear all).

It lists the user's own calls (method calls, instances created); the switch "Show the app's own
calls" (Alt+L) adds the calls the app makes by itself (listings, ``__dir__``...). Columns are sized
to their contents, each up to a cap; the URL takes the rest of the width; nothing wraps.

The table's model (:mod:`~.history_table_model`) holds pages of entry summaries and asks for the
next page as the view scrolls; queries run on the worker pool through the
:class:`~shipexplorer.services.history.HistoryService`. New entries appear at the top as they are
recorded.

Keyboard (while the focus is in the dock): Alt+S search, Alt+I / Alt+H / Alt+T the instance, method
and status filters, Alt+L the app's own calls; in the table, Return or Ctrl+Shift+O re-opens the
entry in the editor, Ctrl+Shift+Return re-sends it, Ctrl+Shift+D compares the two selected entries,
Delete deletes the selection, Ctrl+Shift+Delete clears all (after a confirmation). Every action is
also in the table's context menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.documents.json_diff import BodyDiff
from shipexplorer.core.history_bodies import is_incomplete_note
from shipexplorer.core.history_records import USER, HistoryEntry, HistoryQuery
from shipexplorer.services.history import HistoryService
from shipexplorer.ui.library.history_table_model import (
    ELAPSED,
    INSTANCE,
    METHOD,
    PAGE_SIZE,
    SIZE,
    STATUS,
    TIME,
    URL,
    HistoryTableModel,
)
from shipexplorer.ui.response.json_diff_view import JsonDiffDialog
from shipexplorer.ui.widgets.empty_state import EmptyState
from shipexplorer.ui.widgets.error_label import error_label, show_error

STATUS_CHOICES = (
    ("Any status", None),
    ("2xx success", "2xx"),
    ("3xx redirect", "3xx"),
    ("4xx client error", "4xx"),
    ("5xx server error", "5xx"),
    ("Error or no answer", "error"),
)
ANY_INSTANCE, ANY_METHOD = "Any instance", "Any method"
APP_CALLS_TEXT = "Show the app's own ca&lls"
#: the rows a column is fitted to (from the top: the newest; a tall dock shows about 30)
FIT_ROWS = 40
#: the widest a column grows to fit its contents, in average character widths (the URL column
#: takes what is left)
COLUMN_CAPS = {TIME: 22, INSTANCE: 24, METHOD: 40, STATUS: 28, ELAPSED: 10, SIZE: 10}


def _confirm(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, "Clear history", text)
    return answer == QMessageBox.StandardButton.Yes


class HistoryPanel(QDockWidget):
    """The history dock.

    Signals:
        reopenRequested(object): a :class:`HistoryEntry` (with its bodies) to open in an editor.
        resendRequested(object): a :class:`HistoryEntry` to send again.
    """

    reopenRequested = Signal(object)
    resendRequested = Signal(object)
    exportRequested = Signal(object, str)  # the entry (with its bodies), "curl"/"python"/"httpie"

    def __init__(self, history: HistoryService, parent: QWidget | None = None) -> None:
        super().__init__("History", parent)
        self.setObjectName("history-dock")
        self.setAccessibleName("History")
        self._history = history
        self._generation = 0
        self._fitting = False
        self._fit_when_shown = ""  # "", "grow" or "all": a fit put off while hidden
        self._user_sized: set[int] = set()  # columns the user resized: left as they are
        self.diff_dialog: JsonDiffDialog | None = None
        #: asks the user before clearing all; tests replace it
        self.confirm: Callable[[str], bool] = lambda text: _confirm(self, text)
        self._build()
        self._reload_timer = self._timer(250, self.reload)
        self._newer_timer = self._timer(150, self._load_newer)
        self._filters_timer = self._timer(500, self._load_filter_values)
        self.visibilityChanged.connect(self._shown)
        history.entryAdded.connect(self._entry_added)
        history.changed.connect(self._changed)
        history.problem.connect(self._problem)
        self.reload()
        self._load_filter_values()

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # -- building -------------------------------------------------------------------------------
    def _build(self) -> None:
        body = QWidget(self)
        self.search = QLineEdit(body)
        self.search.setPlaceholderText("Search URLs, names, bodies, errors")
        self.search.setAccessibleName("Search history")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._reload_timer.start())
        self.instance_filter = self._combo(body, "Instance filter", ANY_INSTANCE)
        self.method_filter = self._combo(body, "Method filter", ANY_METHOD)
        self.status_filter = QComboBox(body)
        self.status_filter.setAccessibleName("Status filter")
        for text, value in STATUS_CHOICES:
            self.status_filter.addItem(text, value)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        grid = QGridLayout()
        for column, (text, widget) in enumerate(
            (
                ("&Search:", self.search),
                ("&Instance:", self.instance_filter),
                ("Met&hod:", self.method_filter),
                ("S&tatus:", self.status_filter),
            )
        ):
            label = QLabel(text, body)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column)
            grid.addWidget(widget, 1, column)
        grid.setColumnStretch(0, 2)
        self.app_calls = QCheckBox(APP_CALLS_TEXT, body)
        self.app_calls.setAccessibleName("Show the app's own calls")
        self.app_calls.setAccessibleDescription(
            "Also list the calls the app makes by itself: listings of workspaces, instances and "
            "packages, and __dir__."
        )
        self.app_calls.setToolTip(
            "Also list the calls the app makes by itself to show things (listings, __dir__); "
            "off: only the calls you made (Alt+L)"
        )
        self.app_calls.toggled.connect(self._app_calls_toggled)
        grid.addWidget(self.app_calls, 2, 0, 1, 4)
        self.model = HistoryTableModel(self._fetch_page, self)
        self.table = QTableView(body)
        self.table.setModel(self.model)
        self.empty_state = EmptyState(
            self.table, "No requests here yet: send one (Ctrl+Enter) and it is kept here."
        )
        self.table.setAccessibleName("History entries")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the URL
        # Columns are fitted to the first rows only: a hidden table otherwise measures up to
        # 1,000 rows per column (some 100 ms on the GUI thread after 1,000 calls came in).
        header.setResizeContentsPrecision(FIT_ROWS)
        header.sectionResized.connect(self._section_resized)
        self.table.activated.connect(lambda _index: self.reopen_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.status = QLabel(body)
        self.status.setAccessibleName("History status")
        self.error = error_label("History error", body)
        self._make_actions()
        layout = QVBoxLayout(body)
        layout.addLayout(grid)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        self.setWidget(body)

    def _combo(self, parent: QWidget, name: str, any_text: str) -> QComboBox:
        combo = QComboBox(parent)
        combo.setAccessibleName(name)
        combo.addItem(any_text, None)
        combo.currentIndexChanged.connect(lambda _i: self.reload())
        return combo

    def _make_actions(self) -> None:
        def action(text: str, keys: str | QKeySequence, slot: Callable[[], None]) -> QAction:
            made = QAction(text, self.table)
            made.setShortcut(QKeySequence(keys))
            made.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            made.triggered.connect(lambda _checked=False: slot())
            self.table.addAction(made)
            return made

        self.reopen_action = action("Re-open in editor", "Ctrl+Shift+O", self.reopen_selected)
        self.resend_action = action("Re-send", "Ctrl+Shift+Return", self.resend_selected)
        self.compare_action = action("Compare responses", "Ctrl+Shift+D", self.compare_selected)
        self.delete_action = action("Delete", QKeySequence.StandardKey.Delete, self.delete_selected)
        self.clear_action = action("Clear all history…", "Ctrl+Shift+Delete", self.clear_all)
        self.export_actions = [
            action(text, keys, lambda k=kind: self.export_selected(k))
            for kind, text, keys in (
                ("curl", "Copy as curl", "Ctrl+Alt+1"),
                ("python", "Copy as Python", "Ctrl+Alt+2"),
                ("httpie", "Copy as HTTPie", "Ctrl+Alt+3"),
            )
        ]

    @Slot(QPoint)
    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self.table)
        menu.setAccessibleName("History actions")
        count = len(self.selected_entries())
        self.reopen_action.setEnabled(count == 1)
        self.resend_action.setEnabled(count == 1)
        self.compare_action.setEnabled(count == 2)
        self.delete_action.setEnabled(count > 0)
        for made in (self.reopen_action, self.resend_action, self.compare_action):
            menu.addAction(made)
        menu.addSeparator()
        for made in self.export_actions:
            made.setEnabled(count == 1)
            menu.addAction(made)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.addAction(self.clear_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        for made in (self.reopen_action, self.resend_action, self.compare_action):
            made.setEnabled(True)
        for made in self.export_actions:
            made.setEnabled(True)
        self.delete_action.setEnabled(True)

    # -- loading --------------------------------------------------------------------------------
    def current_query(self, offset: int = 0) -> HistoryQuery:
        return HistoryQuery(
            text=self.search.text().strip(),
            instance=self.instance_filter.currentData(),
            method=self.method_filter.currentData(),
            status_class=self.status_filter.currentData(),
            origin=self.origin(),
            offset=offset,
            limit=PAGE_SIZE,
        )

    def origin(self) -> str | None:
        """Whose calls are listed: the user's, or (the switch on) everyone's (None)."""
        return None if self.app_calls.isChecked() else USER

    @Slot(bool)
    def _app_calls_toggled(self, _on: bool) -> None:
        self.reload()
        self._load_filter_values()

    @Slot()
    def reload(self) -> None:
        """Start over from the newest entry with the current search and filters."""
        self._reload_timer.stop()
        self._generation += 1
        generation = self._generation
        self.model.reset()
        self.model.loading = True
        self.status.setText("Loading history…")
        self._history.query(
            self.current_query(),
            lambda entries: self._page(generation, entries, first=True),
            self._failed,
            key="history-panel-page",
        )

    def _fetch_page(self, offset: int) -> None:
        generation = self._generation
        self.status.setText("Loading more…")
        self._history.query(
            self.current_query(offset),
            lambda entries: self._page(generation, entries, first=False),
            self._failed,
            key="history-panel-page",
        )

    def _page(self, generation: int, entries: list[HistoryEntry], first: bool) -> None:
        if generation != self._generation:
            return
        more = len(entries) == PAGE_SIZE
        if first:
            self.model.reset(entries, more)
        else:
            self.model.append_page(entries, more)
        self.fit_columns(grow_only=not first)
        self._update_status()
        show_error(self.error, None)

    def _update_status(self) -> None:
        shown = self.model.rowCount()
        more = " (scroll for more)" if self.model.has_more else ""
        self.status.setText(f"{shown} entr{'y' if shown == 1 else 'ies'} shown{more}")

    def _failed(self, exc: BaseException) -> None:
        self.model.loading = False
        show_error(self.error, f"History could not be read: {exc}")

    @Slot(int)
    def _entry_added(self, _entry_id: int) -> None:
        self._newer_timer.start()
        self._filters_timer.start()

    def _load_newer(self) -> None:
        newest = self.model.newest_id()
        if newest is None:
            self.reload()
            return
        generation = self._generation
        self._history.query(
            replace(self.current_query(), after_id=newest, limit=500),
            lambda entries: self._newer_loaded(generation, entries),
            self._failed,
            key="history-panel-newer",
        )

    def _newer_loaded(self, generation: int, entries: list[HistoryEntry]) -> None:
        if generation == self._generation:
            self.model.prepend(entries)
            self.fit_columns(grow_only=True)
            self._update_status()

    # -- columns --------------------------------------------------------------------------------
    def column_cap(self, column: int) -> int:
        """The widest ``column`` grows to fit its contents, in pixels."""
        metrics = self.table.fontMetrics()
        return metrics.averageCharWidth() * COLUMN_CAPS[column] + 2 * metrics.height()

    def fit_columns(self, *, grow_only: bool = False) -> None:
        """Size each column but the URL to its contents (and header), up to its cap; the URL
        stretches. ``grow_only`` keeps wider columns as they are (new rows only widen). While
        the panel is hidden (a tab behind Tasks) this waits until it is shown: measuring asks
        the model for every shown cell, some 10 to 30 ms of the GUI thread per send."""
        if not self.on_screen():
            self._fit_when_shown = self._fit_when_shown or ("grow" if grow_only else "all")
            if self._fit_when_shown == "grow" and not grow_only:
                self._fit_when_shown = "all"
            return
        self._fit_when_shown = ""
        header = self.table.horizontalHeader()
        self._fitting = True
        try:
            for column in COLUMN_CAPS:
                if column in self._user_sized:
                    continue
                wanted = max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
                width = min(wanted, max(self.column_cap(column), header.sectionSizeHint(column)))
                if grow_only:
                    width = max(width, header.sectionSize(column))
                if width != header.sectionSize(column):
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def on_screen(self) -> bool:
        """Whether the panel can be seen. A dock tabbed behind another stays "visible" to Qt
        (moved off the window), so ``isVisible()`` alone does not tell."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    @Slot(bool)
    def _shown(self, visible: bool) -> None:
        if visible and self._fit_when_shown:
            self.fit_columns(grow_only=self._fit_when_shown == "grow")

    @Slot(int, int, int)
    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column != URL and self.table.isVisible():
            self._user_sized.add(column)  # a drag of the user's (the URL stretches by itself)

    @Slot()
    def _changed(self) -> None:
        self._reload_timer.start()
        self._filters_timer.start()

    @Slot(str)
    def _problem(self, message: str) -> None:
        show_error(self.error, message)

    def _load_filter_values(self) -> None:
        self._history.filter_values(
            self._filter_values_loaded, key="history-panel-filters", origin=self.origin()
        )

    def _filter_values_loaded(self, values: dict[str, list[str]]) -> None:
        for combo, name in ((self.instance_filter, "instance"), (self.method_filter, "method")):
            current = combo.currentData()
            wanted = values.get(name, [])
            have = [combo.itemData(i) for i in range(1, combo.count())]
            if have == wanted:
                continue
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in wanted:
                combo.addItem(value, value)
            found = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)
            if found < 0:  # the filtered value is gone: show everything again
                self.reload()

    # -- actions --------------------------------------------------------------------------------
    def selected_entries(self) -> list[HistoryEntry]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.entry(row) for row in rows]

    def _single(self, verb: str) -> HistoryEntry | None:
        """The one selected method call (API operations such as listings are not re-sent)."""
        selected = self.selected_entries()
        if len(selected) != 1:
            self.status.setText(f"Select one entry to {verb}.")
            return None
        if not selected[0].instance or not selected[0].method:
            what = selected[0].method or selected[0].url
            done = {"re-open": "re-opened", "re-send": "re-sent"}.get(verb, verb)
            self.status.setText(f"Only method calls can be {done}; this entry is {what}.")
            return None
        return selected[0]

    def reopen_selected(self) -> None:
        """Load the selected entry with its bodies, then emit :attr:`reopenRequested`."""
        entry = self._single("re-open")
        if entry is not None:
            self._history.get(entry.id, lambda full: self._emit(self.reopenRequested, full))

    def resend_selected(self) -> None:
        entry = self._single("re-send")
        if entry is not None:
            self._history.get(entry.id, lambda full: self._emit(self.resendRequested, full))

    def export_selected(self, kind: str) -> None:
        """Load the selected entry with its bodies, then emit :attr:`exportRequested`."""
        entry = self._single("export")
        if entry is not None:
            self._history.get(entry.id, lambda full: self._export(full, kind))

    def _export(self, entry: HistoryEntry | None, kind: str) -> None:
        if entry is None:
            show_error(self.error, "That entry was deleted meanwhile.")
            return
        self.exportRequested.emit(entry, kind)

    def _emit(self, signal: Any, entry: HistoryEntry | None) -> None:
        if entry is None:
            show_error(self.error, "That entry was deleted meanwhile.")
            return
        signal.emit(entry)

    def compare_selected(self) -> None:
        """Compare the responses of the two selected entries (older on the left)."""
        selected = self.selected_entries()
        if len(selected) != 2:
            self.status.setText("Select two entries to compare (Ctrl+click the second).")
            return
        self.status.setText("Comparing…")
        self._history.compare(selected[0].id, selected[1].id, self._show_diff, self._failed)

    def _show_diff(self, result: tuple[HistoryEntry, HistoryEntry, BodyDiff]) -> None:
        if self.diff_dialog is None:
            self.diff_dialog = JsonDiffDialog(self)
        self.diff_dialog.view.show_diff(*result)
        self.diff_dialog.show()
        self.diff_dialog.raise_()
        self._update_status()
        cut = [
            side
            for side, entry in (("older", result[0]), ("newer", result[1]))
            if is_incomplete_note(entry.body_note)
        ]
        if cut:
            self.status.setText(
                f"{self.status.text()}. The {' and the '.join(cut)} entry's stored body is "
                "incomplete (its file was cut short): only its first megabyte was compared."
            )

    def delete_selected(self) -> None:
        ids = [entry.id for entry in self.selected_entries()]
        if ids:
            self.model.remove_ids(ids)
            self._history.delete(ids)
            self._update_status()

    def clear_all(self) -> None:
        if self.confirm("Delete every history entry and stored body? This cannot be undone."):
            self.model.reset()
            self._history.clear()
            self._update_status()
