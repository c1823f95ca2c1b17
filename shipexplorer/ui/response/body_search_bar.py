"""Search within a response body (next/previous, a match count) and a JSONPath filter for the tree.

Where the search looks depends on the view shown (:meth:`BodySearchBar.set_mode`):

- Tree: ``DocumentQueries.search`` (key or scalar value contains the text, case-insensitive) on
  the pool; the tree is narrowed to the matches and Next/Previous select them.
- Raw: ``DocumentQueries.text_count`` for the count and ``text_find`` for each jump (on the pool;
  the rest of the current line is searched here first, since ``text_find`` starts at a line).
- Pretty and Rendered text: the text widget's own find (the text there is capped, so cheap).

The filter is a JSONPath expression (python-jsonpath, RFC 9535: ``$.items[?@.price > 10]``); it
narrows the tree to the nodes it selects, and a bad expression is said in words below it. Clearing
the search shows the filtered (or full) tree again; clearing the filter shows the full tree.

Keys: Enter / F3 next, Shift+Enter / Shift+F3 previous, Ctrl+F to the search field, Escape clears.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from shipexplorer.ui.widgets.error_label import error_label, show_error

if TYPE_CHECKING:
    from shipexplorer.services.document_queries import DocumentQueries


TREE, RAW, TEXT, NONE = "tree", "raw", "text", "none"
FILTER_EXAMPLE = "$.items[?@.price > 10]"
SEARCH_LIMIT = 10_000


class _Field(QLineEdit):
    """A line edit telling Enter from Shift+Enter."""

    nextRequested = Signal()
    previousRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            (self.previousRequested if shift else self.nextRequested).emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class BodySearchBar(QWidget):
    """The search and filter fields above the body views.

    Signals:
        narrowed(object): the tree now shows these paths (list of tuples) or the full tree (None).
    """

    narrowed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_field = _Field(self)
        self.search_field.setPlaceholderText("Search the body (Enter: next, Shift+Enter: previous)")
        self.search_field.setAccessibleName("Search the response body")
        self.search_field.setClearButtonEnabled(True)
        self.previous_button = QToolButton(self)
        self.previous_button.setText("Previous")
        self.previous_button.setAccessibleName("Previous match")
        self.next_button = QToolButton(self)
        self.next_button.setText("Next")
        self.next_button.setAccessibleName("Next match")
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Search matches")
        self.count_label.setMinimumWidth(120)
        self.filter_field = _Field(self)
        self.filter_field.setPlaceholderText(
            f"Filter the tree with JSONPath, e.g. {FILTER_EXAMPLE}"
        )
        self.filter_field.setAccessibleName("Filter the tree (JSONPath expression)")
        self.filter_field.setClearButtonEnabled(True)
        self.filter_label = QLabel(self)
        self.filter_label.setAccessibleName("Filter result")
        self.filter_error = error_label("Filter error", self)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search_field, 1)
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        top.addWidget(self.count_label)
        self.filter_row = QWidget(self)
        row = QHBoxLayout(self.filter_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.filter_field, 1)
        row.addWidget(self.filter_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.filter_row)
        layout.addWidget(self.filter_error)
        self.search_field.nextRequested.connect(self.find_next)
        self.search_field.previousRequested.connect(self.find_previous)
        self.search_field.textChanged.connect(self._search_changed)
        self.next_button.clicked.connect(self.find_next)
        self.previous_button.clicked.connect(self.find_previous)
        self.filter_field.nextRequested.connect(self.apply_filter)
        self.filter_field.previousRequested.connect(self.apply_filter)
        self.filter_field.textChanged.connect(self._filter_changed)
        self._queries: DocumentQueries | None = None
        self._mode = NONE
        self._tree: Any = None
        self._raw: Any = None
        self._text: Any = None
        self._doc: Any = None
        self._source: Any = None
        self._generation = 0
        self._job: Any = None
        self._searched: str | None = None  # the text the current results are for
        self._paths: list[tuple] = []
        self._filtered: list[tuple] | None = None
        self._count: int | None = 0  # None: still being counted
        self._position = -1
        self._wanted_row: int | None = None
        self.set_mode(NONE)

    # --- wiring ------------------------------------------------------------------------------
    def install_shortcuts(self, scope: QWidget) -> None:
        """F3, Shift+F3 and Ctrl+F anywhere inside ``scope``."""
        for keys, slot in (
            ("F3", self.find_next),
            ("Shift+F3", self.find_previous),
            (QKeySequence.StandardKey.Find, self.focus_search),
        ):
            shortcut = QShortcut(QKeySequence(keys), scope)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def set_queries(self, queries: DocumentQueries) -> None:
        self._queries = queries

    def set_views(self, tree: Any, raw: Any) -> None:
        """The JsonTreeView and RawTextView searched in Tree and Raw modes."""
        self._tree, self._raw = tree, raw
        tree.tree_model.rowsInserted.connect(self._rows_arrived)

    def set_content(self, doc: Any, source: Any) -> None:
        """A new body: forget the results of the last one."""
        self._doc, self._source = doc, source
        self._filtered = None
        self.filter_field.blockSignals(True)
        self.filter_field.clear()  # a filter belongs to the body it narrowed
        self.filter_field.blockSignals(False)
        self.filter_label.setText("")
        show_error(self.filter_error, None, self.filter_field)
        self._forget()

    def set_mode(self, mode: str, text_widget: Any = None) -> None:
        """Search the tree, the raw view, a text widget (QPlainTextEdit/QTextBrowser) or nothing."""
        self._mode, self._text = mode, text_widget
        self.filter_row.setVisible(mode == TREE)
        if mode != TREE:
            show_error(self.filter_error, None, self.filter_field)
        self.search_field.setEnabled(mode != NONE)
        self._forget(keep_tree=True)
        if self.search_field.text() and mode != NONE:
            self.find_next()

    def mode(self) -> str:
        return self._mode

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def count_text(self) -> str:
        return self.count_label.text()

    # --- search ------------------------------------------------------------------------------
    def _forget(self, keep_tree: bool = False) -> None:
        self._generation += 1
        if self._job is not None:
            self._job.cancel()
            self._job = None
        if self._searched is not None and self._mode == TREE and not keep_tree:
            self.narrowed.emit(self._filtered)
        self._searched = None
        self._paths = []
        self._count, self._position = 0, -1
        self.count_label.setText("")

    def _search_changed(self, text: str) -> None:
        if not text:
            had_tree_results = self._searched is not None and self._mode == TREE
            self._forget()
            if had_tree_results:
                self.narrowed.emit(self._filtered)

    def find_next(self) -> None:
        self._step(+1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        text = self.search_field.text()
        if not text or self._mode == NONE:
            return
        if self._searched != text:
            self._start(text, direction)
        elif self._mode == TREE:
            self._select_tree(self._position + direction)
        elif self._mode == RAW:
            self._raw_jump(direction)
        elif self._mode == TEXT:
            self._text_jump(direction)

    def _start(self, text: str, direction: int) -> None:
        self._forget(keep_tree=True)
        self._searched = text
        generation = self._generation
        if self._mode == TEXT:
            self._text_jump(direction)
            return
        self.count_label.setText("Searching…")
        if self._mode == TREE and self._doc is not None:

            def found(paths: list[tuple]) -> None:
                if generation == self._generation:
                    self._job = None
                    self._tree_found(paths, direction)

            self._job = self._call("search", self._doc, text, found)
        elif self._mode == RAW and self._source is not None:

            def counted(count: int) -> None:
                if generation == self._generation:
                    self._count = count
                    if self._position < 0 and self._raw.match() is not None and direction < 0:
                        self._position = count - 1  # the first jump went backwards
                    elif count:
                        self._position %= count
                    self._show_count()

            self._count = None
            self._call("text_count", self._source, text, counted)
            self._raw_jump(direction)
        else:
            self.count_label.setText("Nothing to search")

    def _call(self, name: str, target: Any, *args: Any) -> Any:
        """``queries.<name>(target, *args)``: the work runs on the pool."""
        if self._queries is not None:
            return getattr(self._queries, name)(target, *args)
        self.count_label.setText("Search is not available here")
        return None

    def _show_count(self) -> None:
        if self._count is None:
            shown = f"Match {self._position + 1:,}" if self._position >= 0 else "Searching"
            self.count_label.setText(f"{shown} (counting…)")
            return
        if self._count == 0:
            self.count_label.setText("No matches")
            return
        more = "+" if self._mode == TREE and self._count >= SEARCH_LIMIT else ""
        total = f"{self._count:,}{more}"
        if self._position >= 0:
            self.count_label.setText(f"{self._position + 1:,} of {total}")
        else:
            self.count_label.setText(f"{total} matches")

    # tree
    def _tree_found(self, paths: list[tuple], direction: int) -> None:
        self._paths = list(paths)
        self._count = len(paths)
        self.narrowed.emit(self._paths)
        self._show_count()
        if paths:
            self._select_tree(0 if direction > 0 else len(paths) - 1)

    def _select_tree(self, position: int) -> None:
        if not self._paths or self._tree is None:
            return
        self._position = position % len(self._paths)
        self._show_count()
        model = self._tree.tree_model
        top = model.index(0, 0).parent()
        while model.rowCount() <= self._position and model.canFetchMore(top):
            model.fetchMore(top)
        if model.rowCount() > self._position:
            self._wanted_row = None
            self._tree.select_row(self._position)
        else:  # the narrowed rows arrive later (a big document): select when they do
            self._wanted_row = self._position

    def _rows_arrived(self, parent, _first: int, _last: int) -> None:
        if self._wanted_row is not None and not parent.isValid():
            self._select_tree(self._wanted_row)

    # raw
    def _raw_jump(self, direction: int) -> None:
        view, text = self._raw, self.search_field.text()
        if view is None or self._source is None:
            return
        needle = text.lower()
        match = view.match()
        line = view.current_line()
        if match is not None:  # first the rest of the current line, on this side of the match
            line, column, _length = match
            here = view.line_text(line).lower()
            hit = here.find(needle, column + 1) if direction > 0 else here.rfind(needle, 0, column)
            if hit >= 0:
                self._raw_show(line, hit, direction)
                return
            line += direction
        elif direction < 0:
            line = view.line_count() - 1 if line == 0 else line
        generation = self._generation
        wrapped = False

        def found(position: tuple[int, int] | None) -> None:
            nonlocal wrapped
            if generation != self._generation:
                return
            if position is None and not wrapped:
                wrapped = True  # go round once, from the other end
                start = 0 if direction > 0 else view.line_count() - 1
                self._call("text_find", self._source, text, start, direction < 0, found)
                return
            if position is None:
                self._count = 0
                self._show_count()
                return
            self._raw_show(position[0], position[1], direction)

        line = max(0, min(line, view.line_count() - 1))
        self._call("text_find", self._source, text, line, direction < 0, found)

    def _raw_show(self, line: int, column: int, direction: int) -> None:
        self._raw.go_to(line, column, len(self.search_field.text()))
        if self._count:
            self._position = (self._position + direction) % self._count
        elif self._count is None:  # not counted yet: only a forward jump from the start is known
            self._position = self._position + 1 if direction > 0 else -1
        self._show_count()

    # text widgets
    def _text_jump(self, direction: int) -> None:
        widget, text = self._text, self.search_field.text()
        if widget is None:
            return
        flags = QTextDocument.FindFlag(0)
        if direction < 0:
            flags |= QTextDocument.FindFlag.FindBackward
        if not widget.find(text, flags):
            cursor = widget.textCursor()
            end = (
                QTextCursor.MoveOperation.End if direction < 0 else QTextCursor.MoveOperation.Start
            )
            cursor.movePosition(end)
            widget.setTextCursor(cursor)
            widget.find(text, flags)
        content = widget.toPlainText().lower()
        needle = text.lower()
        self._count = content.count(needle)
        cursor = widget.textCursor()
        if cursor.hasSelection():
            self._position = content.count(needle, 0, cursor.selectionStart() + len(needle) - 1)
        self._show_count()

    # --- filter ------------------------------------------------------------------------------
    def _filter_changed(self, text: str) -> None:
        if not text.strip() and self._filtered is not None:
            self.apply_filter()

    def apply_filter(self) -> None:
        expression = self.filter_field.text().strip()
        self._generation += 1
        generation = self._generation
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)
        self._searched = None
        self.count_label.setText("")
        show_error(self.filter_error, None, self.filter_field)
        if not expression or self._doc is None:
            self._filtered = None
            self.filter_label.setText("")
            self.narrowed.emit(None)
            return
        self.filter_label.setText("Filtering…")

        def done(paths: list[tuple]) -> None:
            if generation == self._generation:
                self._filtered = list(paths)
                n = len(paths)
                self.filter_label.setText(f"{n:,} node{'s' if n != 1 else ''} match")
                self.narrowed.emit(self._filtered)

        def failed(message: str) -> None:
            if generation == self._generation:
                self.filter_label.setText("")
                show_error(self.filter_error, message, self.filter_field)

        if self._queries is not None:
            self._job = self._queries.query(self._doc, expression, done, failed)
        else:
            self.filter_label.setText("Filtering is not available here")
