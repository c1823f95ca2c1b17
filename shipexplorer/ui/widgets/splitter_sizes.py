"""Splitter sizes that give an editor room: the request/response splitter of a request tab starts
with the body editor showing :data:`EDITOR_LINES` lines and the answer taking the rest.

A ``QSplitter`` left to itself sizes its panes from their size hints when it is first laid out
and shrinks the pane without stretch toward its minimum when room is short; in a window of 720 px
that left the body editor one line tall, and a method description appearing later took its lines
too. :func:`split_for_editor` sizes the first pane from the editor's line height instead, keeps
doing so as the window or the pane's minimum changes, and stops once the user drags the handle.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QPlainTextEdit, QSplitter, QWidget

#: how many lines of the body editor a request tab shows at the start (when the window allows)
EDITOR_LINES = 6
#: the dynamic property marking a splitter :func:`split_for_editor` has sized
SIZED = "shipexplorer-sized-for-editor"
#: how far above its minimum the answer is kept (when there is room), so the handle moves down
SLACK = 24
_EVENTS = (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.LayoutRequest)


def editor_height(editor: QPlainTextEdit, lines: int) -> int:
    """The height ``editor`` needs to show ``lines`` lines: text, document margins, frame and
    viewport margins."""
    text = lines * editor.fontMetrics().lineSpacing()
    margins = editor.viewportMargins()
    return int(
        text
        + 2 * editor.document().documentMargin()
        + 2 * editor.frameWidth()
        + margins.top()
        + margins.bottom()
    )


def _minimum_height(widget: QWidget) -> int:
    """The height a layout will not go below (an explicit minimum wins over the hint)."""
    return widget.minimumHeight() or widget.minimumSizeHint().height()


def pane_height_for_editor(pane: QWidget, editor: QPlainTextEdit, lines: int) -> int:
    """The height of ``pane`` (which holds ``editor``) at which the editor shows ``lines``
    lines: the pane's minimum plus what the editor needs beyond its own minimum."""
    return _minimum_height(pane) + max(0, editor_height(editor, lines) - _minimum_height(editor))


class _EditorSplit(QObject):
    """Keeps a splitter's first pane at the height that shows the editor's lines (as far as the
    second pane's minimum and a little slack allow) through resizes and changes of the first
    pane's minimum (a longer method description), until the handle is dragged or released."""

    def __init__(self, splitter: QSplitter, editor: QPlainTextEdit, lines: int) -> None:
        super().__init__(splitter)
        self.setObjectName("editor-split-sizer")
        self._splitter, self._editor, self._lines = splitter, editor, lines
        self.active = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.apply)
        splitter.installEventFilter(self)
        splitter.widget(0).installEventFilter(self)
        splitter.splitterMoved.connect(self.release)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.active and event.type() in _EVENTS:
            self._timer.start()
        return False

    @Slot()
    def release(self, *_: object) -> None:
        """From now on the sizes are the user's (or a restored state's)."""
        self.active = False
        self._timer.stop()

    @Slot()
    def apply(self) -> None:
        splitter = self._splitter
        if not self.active or not splitter.isVisible() or splitter.count() != 2:
            return
        sizes = splitter.sizes()
        total = sum(sizes)
        first, second = splitter.widget(0), splitter.widget(1)
        first_min, second_min = _minimum_height(first), _minimum_height(second)
        room = total - first_min - second_min
        if room <= 0:
            return  # nothing to choose: both panes at their minimum
        wanted = pane_height_for_editor(first, self._editor, self._lines)
        height = max(first_min, min(wanted, total - second_min - min(SLACK, room // 2)))
        if sizes[0] != height:
            splitter.setSizes([height, total - height])


def split_for_editor(
    splitter: QSplitter, editor: QPlainTextEdit, lines: int = EDITOR_LINES
) -> list[int]:
    """Size the two panes of the vertical ``splitter``: the first (holding ``editor``) so that
    the editor shows ``lines`` lines, the second (the answer) the rest, keeping the second above
    its minimum by a little (so the handle moves both ways). The sizes follow resizes and the
    first pane's minimum until the user drags the handle (or :func:`release` is called, after a
    saved state was restored). Returns the sizes asked for now. Call it once, when the splitter
    is built (it may still be hidden)."""
    first, second = splitter.widget(0), splitter.widget(1)
    wanted = pane_height_for_editor(first, editor, lines)
    rest = max(_minimum_height(second), splitter.height() - wanted - splitter.handleWidth())
    splitter.setSizes([wanted, rest])
    splitter.setProperty(SIZED, True)
    _EditorSplit(splitter, editor, lines)
    return [wanted, rest]


def release(splitter: QSplitter) -> None:
    """Stop :func:`split_for_editor`'s sizing of ``splitter`` (its sizes were restored)."""
    for child in splitter.children():
        if isinstance(child, _EditorSplit):
            child.release()


def is_sized(splitter: QSplitter) -> bool:
    """Whether :func:`split_for_editor` already sized ``splitter``."""
    return bool(splitter.property(SIZED))
