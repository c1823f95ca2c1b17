"""The request-body editor: JSON with line numbers, highlighting, bracket matching, auto-indent,
live validation, completion from the method's ``__dir__``, and undoable Format / Minify / Insert
skeleton commands. The body is checked, shaped and completed by the body service
(:mod:`~shipexplorer.services.body_check`: the parser that Send refuses a body with); the popup of
completions is in :mod:`.body_completion`, the indenting and one-undo edits in :mod:`.text_edits`.

Validation runs 300 ms after the last keystroke while the body is at most ``LIVE_LIMIT``
characters (``json.loads`` of 200 kB takes about 4 ms). A bigger body is not checked while typing:
the status says so, and it is checked on demand (F8, Format, Minify, or Send). A body loaded or
pasted bigger than ``HIGHLIGHT_LIMIT`` is shown without colours (highlighting costs about 10 µs a
line, once, when the text arrives); typing stays per line either way.

Lines are not wrapped, unless the body holds a line longer than ``LONG_LINE`` characters (a
minified body, a pasted one-line JSON): Qt draws an unwrapped line whole, so every repaint of a
100 kB line costs 10 to 15 ms on the GUI thread (a stall at each send and answer, as the window
around it relays out); wrapped, only the visible part is drawn (about 1.5 ms). It wraps anywhere,
not at word boundaries, which Qt finds in time quadratic in a line without spaces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QKeyEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from shipexplorer.api import MethodSpec
from shipexplorer.core.documents.json_body import BodyProblem, Completion
from shipexplorer.services import body_check
from shipexplorer.ui.request import text_edits
from shipexplorer.ui.request.body_completion import BodyCompleter
from shipexplorer.ui.request.bracket_match import matching_pair
from shipexplorer.ui.request.line_gutter import LineGutter
from shipexplorer.ui.request.text_edits import utf16_len
from shipexplorer.ui.style import colors
from shipexplorer.ui.style.metrics import code_font

if TYPE_CHECKING:  # made with the first text: an empty editor needs no highlighter
    from shipexplorer.ui.widgets.json_highlighter import JsonHighlighter

LIVE_LIMIT = 200_000
DEBOUNCE_MS = 300
INDENT = "  "
HIGHLIGHT_LIMIT = 200_000  # a body loaded or pasted bigger than this is shown plain
LONG_LINE = 2_000  # a body with a longer line is wrapped (drawing a long line costs its length)


def has_long_line(text: str, limit: int = LONG_LINE) -> bool:
    """Whether ``text`` holds a line longer than ``limit`` characters."""
    if len(text) <= limit:
        return False
    return max(map(len, text.split("\n"))) > limit


class JsonEditor(QPlainTextEdit):
    """A JSON body editor that knows the selected method.

    Signals:
        problemChanged(str): the first problem ("line L, column C: message"), "" when valid.
        statusChanged(str): the validation status in words (valid, the problem, or not checked).
        warningsChanged(str): hints about the arguments, one per line ("" when none).
        valueParsed(object): a check found the body valid; the parsed value.
    """

    problemChanged = Signal(str)
    statusChanged = Signal(str)
    warningsChanged = Signal(str)
    valueParsed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec: MethodSpec | None = None
        self._verb: str | None = None
        self._problem: BodyProblem | None = None
        self._message = ""
        self._status = ""
        self._warnings = ""
        self._value: Any = {}
        self._stale = False
        self._bracket_selections: list[QTextEdit.ExtraSelection] = []
        #: the values of ``{{variables}}`` the check fills in (set by the request tab)
        self.variable_values: Callable[[], Mapping[str, str]] | None = None
        self.setFont(code_font())  # the one monospace font for code (ui/style/metrics)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # when wrapped, anywhere: Qt's word-boundary wrap searches back along a line without spaces
        # at every break, quadratic (a 300 kB string took 6 s, 1.2 MB over a minute); this is linear
        self.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.setTabChangesFocus(True)  # Tab leaves the editor: a keyboard path out
        self._highlighter: JsonHighlighter | None = None
        self._highlighting = True  # colours wanted (the highlighter comes with the first text)
        self._gutter = LineGutter(self, self.error_line)
        self._gutter.lineClicked.connect(self._gutter_clicked)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.check_now)
        self._completions = BodyCompleter(self, self.method_spec)
        self._completer = self._completions.completer
        self._make_actions()
        self.textChanged.connect(self._text_changed)
        self.cursorPositionChanged.connect(self._match_brackets)
        self._set_status()

    def _make_actions(self) -> None:
        def action(text: str, keys: str, slot, name: str) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.setToolTip(f"{text.replace('&', '')} ({keys})")
            act.setObjectName(name)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.format_action = action("Forma&t", "Ctrl+Shift+F", self.format_body, "format")
        self.minify_action = action("&Minify", "Ctrl+Shift+M", self.minify_body, "minify")
        self.skeleton_action = action(
            "Insert s&keleton", "Ctrl+Shift+K", self.insert_skeleton, "skeleton"
        )
        self.skeleton_action.setEnabled(False)
        self.complete_action = action("Complete", "Ctrl+Space", self.show_completion, "complete")
        self.problem_action = action("Go to problem", "F8", self.go_to_problem, "problem")

    # -- public ---------------------------------------------------------------------------------

    def set_method(self, spec: MethodSpec | None) -> None:
        """The method the body is for: skeleton, completion and warnings follow it."""
        self._spec = spec
        self.skeleton_action.setEnabled(spec is not None)
        self._update_warnings()

    def method_spec(self) -> MethodSpec | None:
        return self._spec

    def set_verb(self, verb: str | None) -> None:
        """GET bodies must be objects (they are sent as a query)."""
        if verb != self._verb:
            self._verb = verb
            if self.document().characterCount() <= LIVE_LIMIT:
                self.check_now()
            else:
                self._text_changed()

    def problem(self) -> str:
        """The last check's problem ("" when valid); see :meth:`check_now` for a fresh one."""
        return self._message

    def status(self) -> str:
        return self._status

    def warnings_text(self) -> str:
        return self._warnings

    def value(self) -> Any:
        """The last valid value (``{}`` for a blank body)."""
        return self._value

    def is_stale(self) -> bool:
        """True while the text changed since the last check."""
        return self._stale

    @Slot()
    def check_now(self) -> str:
        """Check the body now; its problem ("" when valid)."""
        self._timer.stop()
        if self.document().characterCount() <= HIGHLIGHT_LIMIT // 10:
            self._highlight(True)  # a big body was cut down: colours come back
        values = self.variable_values() if self.variable_values is not None else None
        value, problem = body_check.check_body(self.toPlainText(), self._verb, values)
        self._stale = False
        self._problem = problem
        changed = self._message != (problem.message if problem else "")
        self._message = problem.message if problem else ""
        if problem is None:
            self._value = value
        self._show_problem()
        self._set_status()
        if changed:
            self.problemChanged.emit(self._message)
        if problem is None:
            self._update_warnings()
            self.valueParsed.emit(value)
        return self._message

    @Slot()
    def go_to_problem(self) -> bool:
        """Move the cursor to the first problem (checking first if needed); False when none."""
        if self._stale:
            self.check_now()
        if self._problem is None:
            return False
        cursor = self.textCursor()
        cursor.setPosition(self._position(self._problem.line, self._problem.column))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def setPlainText(self, text: str) -> None:
        self._highlight(len(text) <= HIGHLIGHT_LIMIT)
        self._wrap(has_long_line(text))  # before the text: it is laid out once
        super().setPlainText(text)

    def insertFromMimeData(self, source) -> None:
        if source.hasText():
            pasted = source.text()
            size = self.document().characterCount() + len(pasted)
            if size > HIGHLIGHT_LIMIT:
                self._highlight(False)
            if has_long_line(pasted):
                self._wrap(True)
        super().insertFromMimeData(source)

    def is_wrapped(self) -> bool:
        """Whether long lines are wrapped (the body holds a line over ``LONG_LINE``)."""
        return self.lineWrapMode() != QPlainTextEdit.LineWrapMode.NoWrap

    def _wrap(self, on: bool) -> None:
        if on != self.is_wrapped():
            self.setLineWrapMode(
                QPlainTextEdit.LineWrapMode.WidgetWidth
                if on
                else QPlainTextEdit.LineWrapMode.NoWrap
            )

    @property
    def highlighter(self) -> JsonHighlighter:
        """The JSON highlighter, made on first use (the first text, or a question)."""
        if self._highlighter is None:
            from shipexplorer.ui.widgets.json_highlighter import JsonHighlighter

            self._highlighter = JsonHighlighter(self.document() if self._highlighting else None)
            if self._highlighting and not self.document().isEmpty():
                self._highlighter.rehighlight()  # at once, as typing would have
        return self._highlighter

    def is_highlighted(self) -> bool:
        return self._highlighting

    def _highlight(self, on: bool) -> None:
        if on != self._highlighting:
            self._highlighting = on
            if self._highlighter is not None:
                self._highlighter.setDocument(self.document() if on else None)
            elif on and not self.document().isEmpty():
                _ = self.highlighter

    @Slot()
    def check_live(self) -> None:
        """Check now if the body is small enough to be checked while typing."""
        if self.document().characterCount() <= LIVE_LIMIT:
            self.check_now()

    def replace_all(self, text: str) -> None:
        """Replace the text by ``text`` as ONE undoable edit, touching only what differs (long
        lines wrapped when ``text`` has one, e.g. minified; unwrapped when formatted)."""
        self._wrap(has_long_line(text))
        text_edits.replace_all(self, text)

    @Slot()
    def format_body(self) -> bool:
        """Pretty-print (indent 2); False (and the problem shown) when not valid JSON."""
        return self._reshape(body_check.format_body)

    @Slot()
    def minify_body(self) -> bool:
        return self._reshape(body_check.minify_body)

    @Slot()
    def insert_skeleton(self) -> bool:
        """Fill the body with the method's arguments: missing ones are added to a valid object;
        any other body is replaced (Ctrl+Z brings it back)."""
        if self._spec is None:
            return False
        self.replace_all(body_check.with_skeleton(self.toPlainText(), self._spec))
        self.check_now()
        return True

    def completion(self) -> Completion:
        """The completion context at the cursor."""
        return self._completions.context()

    def completion_labels(self) -> list[str]:
        return [label for label, _ in self.completion().options]

    @Slot()
    def show_completion(self) -> bool:
        """Pop up the completions at the cursor; False when there are none."""
        return self._completions.show()

    @Slot(str)
    def insert_completion(self, label: str) -> None:
        """Replace what is typed at the cursor by the completion ``label`` (one undoable edit)."""
        self._completions.insert(label)

    # -- validation -----------------------------------------------------------------------------

    @Slot()
    def _text_changed(self) -> None:
        self._stale = True
        if not self.is_wrapped() and self.textCursor().block().length() > LONG_LINE:
            self._wrap(True)  # typed past the limit (one line's length: cheap per keystroke)
        if self._highlighter is None and self._highlighting:
            _ = self.highlighter  # the first text: the highlighter starts now
        if self.document().characterCount() <= LIVE_LIMIT:
            self._timer.start()
        else:
            self._timer.stop()
            self._set_status()

    def _set_status(self) -> None:
        size = self.document().characterCount()
        if self._stale and size > LIVE_LIMIT:
            status = (
                f"Large body ({size // 1000:,} kB): not checked while you type; "
                "press F8 (or Send) to check it."
            )
        elif self._problem is not None:
            status = f"Not valid JSON: {self._problem.message}"
        elif not self.toPlainText().strip():
            status = "Empty body: {} is sent."
        else:
            status = "Valid JSON."
        if status != self._status:
            self._status = status
            self.statusChanged.emit(status)

    def _update_warnings(self) -> None:
        found = [] if self._problem else body_check.body_warnings(self._value, self._spec)
        text = "\n".join(found)
        if text != self._warnings:
            self._warnings = text
            self.warningsChanged.emit(text)

    def _position(self, line: int, column: int) -> int:
        block = self.document().findBlockByNumber(max(0, line - 1))
        if not block.isValid():
            return max(0, self.document().characterCount() - 1)
        text = block.text()
        return block.position() + utf16_len(text[: max(0, column - 1)])

    def _show_problem(self) -> None:
        self._refresh_selections()
        self._gutter.update()

    def _refresh_selections(self) -> None:
        selections = list(self._bracket_selections)
        if self._problem is not None:
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(colors.semantic(colors.DANGER))
            sel.format = fmt
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._position(self._problem.line, self._problem.column))
            if not cursor.atBlockEnd():
                cursor.movePosition(
                    QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor
                )
            else:
                cursor.movePosition(
                    QTextCursor.MoveOperation.StartOfBlock, QTextCursor.MoveMode.KeepAnchor
                )
            sel.cursor = cursor
            selections.append(sel)
        self.setExtraSelections(selections)

    # -- brackets -------------------------------------------------------------------------------

    @Slot()
    def _match_brackets(self) -> None:
        self._bracket_selections = []
        cursor = self.textCursor()
        text = cursor.block().text()
        column = cursor.positionInBlock()
        if not text.isascii():
            column = len(text.encode("utf-16-le")[: column * 2].decode("utf-16-le", "ignore"))
        for mark_block, at in matching_pair(cursor.block(), column):
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(self.palette().highlight().color().lighter(160))
            fmt.setFontUnderline(True)  # a matched pair is also underlined, not only coloured
            sel.format = fmt
            c = QTextCursor(mark_block)
            c.setPosition(mark_block.position() + utf16_len(mark_block.text()[:at]))
            c.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = c
            self._bracket_selections.append(sel)
        self._refresh_selections()

    # -- keys -----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self._completions.is_showing() and key in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Escape,
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            event.ignore()  # the completer's popup takes these
            return
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        ):
            text_edits.new_line(self, INDENT)
            return
        if event.text() in ("}", "]"):
            text_edits.dedent_line(self, INDENT)
        super().keyPressEvent(event)
        if event.text() == '"' and self.document().characterCount() <= LIVE_LIMIT:
            if self.completion().kind == "key":
                self.show_completion()
        elif self._completions.is_showing() and event.text():
            self.show_completion()

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu()
        menu.addSeparator()
        for act in (self.format_action, self.minify_action, self.skeleton_action):
            menu.addAction(act)
        menu.addAction(self.problem_action)
        menu.exec(event.globalPos())
        menu.deleteLater()

    # -- reshaping ------------------------------------------------------------------------------

    def _reshape(self, shape) -> bool:
        if self.check_now():
            return False
        self.replace_all(shape(self.toPlainText()))
        self.check_now()
        return True

    # -- gutter ---------------------------------------------------------------------------------

    def gutter_width(self) -> int:
        return self._gutter.preferred_width()

    def error_line(self) -> int | None:
        """The line (1-based) the gutter marks, None when valid."""
        return self._problem.line if self._problem else None

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._gutter.place()

    @Slot(int)
    def _gutter_clicked(self, number: int) -> None:
        block = self.document().findBlockByNumber(number)
        if self._problem is not None and block.blockNumber() + 1 == self._problem.line:
            self.go_to_problem()
            return
        cursor = QTextCursor(block)
        self.setTextCursor(cursor)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
