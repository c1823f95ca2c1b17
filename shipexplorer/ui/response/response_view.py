"""The response area of one tab: status, time and size, headers, download progress, and the body.

It only shows a :class:`~shipexplorer.core.documents.answer.Answer` computed on a worker.
The body has four views (Alt+1..4): **Tree** (a lazy tree of a JSON body), **Raw** (the exact text,
painted line by line from a TextSource, whatever its size), **Pretty** (the indented, highlighted
text; for big bodies only its first part, with a note saying so) and **Rendered** (markdown, plain
text, or an image scaled to fit: :mod:`~shipexplorer.ui.response.rendered_view`). The best view
for the kind is chosen: JSON -> Tree, text and markdown and images -> Rendered, other bytes -> Raw
(a hex summary) with "Save body to file…".
Search and a JSONPath filter sit above the views (:mod:`~shipexplorer.ui.response.body_search_bar`).
An answer (or a task's output) that holds Steamship blocks gets a fifth view, **Blocks**: the list
and the selected block's content (:mod:`~shipexplorer.ui.response.blocks_view`); it is there only
for such answers, and only for those held in memory.

The status is a badge: words first ("404 Not Found", "Task running", "200 · invalid JSON"), in a
colour for how it reads (:mod:`~shipexplorer.ui.response.status_badge`). An error answer says what
went wrong in a banner above the views, and the views show the body the server sent with it
(``Answer.content()``), which "Save body to file…" saves exactly as received.

Nothing costly happens while the view is hidden: the body is put in the widgets when it is shown,
and the Pretty text of a big body only when the Pretty view is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.documents.answer import (
    BYTES,
    ERROR,
    IMAGE,
    JSON,
    NEUTRAL,
    PENDING,
    TASK,
    Answer,
    format_size,
    status_tone,
)
from shipexplorer.core.documents.blocks import BlockList, find_blocks
from shipexplorer.core.documents.json_document import PyDocument
from shipexplorer.core.documents.text_source import TextSource
from shipexplorer.services.frame_updates import FrameCoalescer
from shipexplorer.ui.response.blocks_view import BlocksView
from shipexplorer.ui.response.body_search_bar import NONE, RAW, TEXT, TREE, BodySearchBar
from shipexplorer.ui.response.json_tree_view import JsonTreeView
from shipexplorer.ui.response.raw_text_view import RawTextView
from shipexplorer.ui.response.rendered_view import (
    TEXT_CHUNK,
    ChunkedFill,
    RenderedView,
    text_chunks,
)
from shipexplorer.ui.response.status_badge import show_kind, show_tone
from shipexplorer.ui.style import icons, metrics, sheets

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings
    from shipexplorer.services.blocks import BlockFetcher
    from shipexplorer.services.document_queries import DocumentQueries
    from shipexplorer.ui.widgets.json_highlighter import JsonHighlighter


TREE_TAB, RAW_TAB, PRETTY_TAB, RENDERED_TAB = range(4)
BLOCKS_TAB = 4  # shown only for an answer that holds blocks
#: Pretty text up to this size is put in the widget as soon as the body is shown; more waits
#: until the Pretty view is opened, and then goes in by pieces (see ChunkedFill).
EAGER_PRETTY_CHARS = 20_000
#: Raw text of bodies held in memory up to this size is indexed on the GUI thread when needed.
RAW_INDEX_BYTES = 2_000_000


class ResponseView(QWidget):
    """Shows one answer.

    Signals:
        saveRequested(object, str): the Answer and the path the user chose to save it to.
        cancelRequested(): the Cancel button of the download progress was pressed.
    """

    saveRequested = Signal(object, str)
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer: Answer | None = None
        self._pending: Answer | None = None
        self._body = ""
        self._pretty_filled = True
        self._highlighter: JsonHighlighter | None = None
        self._tone: str | None = None  # the status's tone (status_tone), once one is shown
        self.tone_role: str | None = None  # its role in the design system (ui/style/colors)
        self.status_label = QLabel("No request sent yet", self)
        self.status_label.setAccessibleName("Response status")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.status_label.font()
        font.setBold(True)
        self.status_label.setFont(font)
        self.error_banner = QLabel(self)  # what went wrong, above the body of an error answer
        self.error_banner.setAccessibleName("Response error")
        self.error_banner.setWordWrap(True)
        self.error_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.error_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_banner.hide()
        self.kind_icon = QLabel(self)  # what kind of answer it is, beside its status
        self.kind_icon.setAccessibleName("Answer kind")
        self.kind_icon.hide()
        icons.hub().refreshed.connect(self._show_kind)
        self.meta_label = QLabel(self)
        sheets.muted(self.meta_label)
        self.meta_label.setAccessibleName("Response time and size")
        self.headers_button = QToolButton(self)
        self.headers_button.setText("Headers")
        self.headers_button.setCheckable(True)
        self.headers_button.setAccessibleName("Show response headers")
        self.save_button = QPushButton("Save body to file…", self)
        self.save_button.setAccessibleName("Save response body to file")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.ask_save)
        self.headers_view = QPlainTextEdit(self)
        self.headers_view.setReadOnly(True)
        self.headers_view.setAccessibleName("Response headers")
        self.headers_view.setMaximumHeight(120)
        self.headers_view.hide()
        self.headers_button.toggled.connect(self.headers_view.setVisible)
        self.progress = QWidget(self)
        self.progress_bar = QProgressBar(self.progress)
        self.progress_bar.setAccessibleName("Download progress")
        self.progress_label = QLabel(self.progress)
        self.progress_label.setAccessibleName("Downloaded so far")
        self.cancel_button = QPushButton("Cancel download", self.progress)
        self.cancel_button.setAccessibleName("Cancel the download")
        self.cancel_button.clicked.connect(lambda: self.cancelRequested.emit())
        row = QHBoxLayout(self.progress)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.progress_label)
        row.addWidget(self.cancel_button)
        self.progress.hide()
        #: download progress shows at most once per frame (the latest figures of the frame)
        self._progress_frame = FrameCoalescer(self._apply_progress, self)
        self._pending_progress: tuple[int, int] | None = None
        self.search_bar = BodySearchBar(self)
        self.views = QTabWidget(self)
        self.views.setAccessibleName("Response body")  # the answer area as shown, whichever view
        self.tree_view = JsonTreeView(self)
        self.raw_view = RawTextView(self)
        fixed = metrics.code_font()
        pretty = QWidget(self)
        self.note_label = QLabel(pretty)
        self.note_label.setAccessibleName("About the shown text")
        self.note_label.setWordWrap(True)
        self.note_label.setFont(metrics.font(bold=True))
        self.note_label.hide()
        self.body_view = QPlainTextEdit(pretty)
        self.body_view.setReadOnly(True)
        self.body_view.setAccessibleName("Pretty response body")
        self.body_view.setFont(fixed)
        column = QVBoxLayout(pretty)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.note_label)
        column.addWidget(self.body_view, 1)
        self.stack = RenderedView(self)  # the Rendered view: text (0) or image (1)
        self.rendered_text = self.stack.rendered_text
        self.image_label = self.stack.image_label
        for page, name in (
            (self.tree_view, "Tree"),
            (self.raw_view, "Raw"),
            (pretty, "Pretty"),
            (self.stack, "Rendered"),
        ):
            index = self.views.addTab(page, name)
            self.views.setTabToolTip(index, f"{name} view (Alt+{index + 1})")
        # The Blocks view is built for the first answer that holds blocks (about 0.15 MB of
        # widgets, in every tab and the task output); its tab holds a slot till then.
        self._blocks_view: BlocksView | None = None
        self._blocks_fetcher: tuple[BlockFetcher, Callable[[], ConnectionSettings | None]] | None
        self._blocks_fetcher = None
        self._blocks_slot = QWidget(self)
        QVBoxLayout(self._blocks_slot).setContentsMargins(0, 0, 0, 0)
        self.views.addTab(self._blocks_slot, "Blocks")
        self.views.setTabToolTip(BLOCKS_TAB, "The blocks of the answer, and their content")
        self.views.setTabVisible(BLOCKS_TAB, False)
        self.info_label = QLabel(self)
        self.info_label.setAccessibleName("Response view messages")
        top = QHBoxLayout()
        top.setSpacing(metrics.space(2))
        top.addWidget(self.kind_icon)
        top.addWidget(self.status_label)
        top.addWidget(self.meta_label, 1)
        top.addWidget(self.headers_button)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.headers_view)
        layout.addWidget(self.progress)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.search_bar)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.info_label)
        self.search_bar.set_views(self.tree_view, self.raw_view)
        self.search_bar.install_shortcuts(self)
        self.search_bar.narrowed.connect(self.tree_view.tree_model.set_matches)
        self.tree_view.message.connect(self.info_label.setText)
        self.tree_view.tree_model.errorOccurred.connect(self.info_label.setText)
        self.views.currentChanged.connect(self._view_changed)
        self._pretty_fill = ChunkedFill(self)
        self._clear_views()
        self._set_status("No request sent yet", NEUTRAL)

    # --- public API ------------------------------------------------------------------------
    def set_queries(self, queries: DocumentQueries) -> None:
        """The shared DocumentQueries through which the views read documents on the pool."""
        self.tree_view.tree_model.set_queries(queries)
        self.search_bar.set_queries(queries)

    def set_blocks(
        self, fetcher: BlockFetcher, settings: Callable[[], ConnectionSettings | None]
    ) -> None:
        """The service that fetches block contents for the Blocks view, and the connection the
        shown answer came from (asked at each fetch)."""
        self._blocks_fetcher = (fetcher, settings)
        if self._blocks_view is not None:
            self._blocks_view.set_fetcher(fetcher, settings)

    @property
    def blocks_view(self) -> BlocksView:
        """The Blocks view (built on this first use)."""
        if self._blocks_view is None:
            view = BlocksView(self._blocks_slot)
            if self._blocks_fetcher is not None:
                view.set_fetcher(*self._blocks_fetcher)
            self._blocks_slot.layout().addWidget(view)
            self._blocks_view = view
        return self._blocks_view

    def body_text(self) -> str:
        """What the answer area says as text: the body shown in the Pretty view (or about to be
        shown, while the view is hidden), after what went wrong for an error answer."""
        p = self._pending
        if p is not None:
            pretty = _pretty_text(p)
            return f"{p.body_text}\n\n{pretty}" if p.kind == ERROR else pretty
        if not self.error_banner.isHidden():
            return f"{self.error_banner.text()}\n\n{self._body}"
        return self._body

    def error_text(self) -> str:
        """What went wrong (the banner above an error answer's body); "" for other answers."""
        if self._pending is not None:
            return self._pending.body_text if self._pending.kind == ERROR else ""
        return "" if self.error_banner.isHidden() else self.error_banner.text()

    def status_text(self) -> str:
        return self.status_label.text()

    def current_view(self) -> str:
        return self.views.tabText(self.views.currentIndex())

    def show_view(self, index: int) -> bool:
        """Show body view ``index`` (TREE_TAB .. RENDERED_TAB; the window's Alt+1..4; BLOCKS_TAB
        for an answer with blocks) when the answer has it; True when it is shown."""
        self._pick(index)
        return self.views.currentIndex() == index

    def show_waiting(self, what: str = "Sending…") -> None:
        self._set_status(what, PENDING)
        self.meta_label.setText("")

    def show_progress(self, received: int, total: int) -> None:
        """Bytes received of ``total`` (-1: unknown) of the body being downloaded; shown at once,
        then at most once per frame (the frame's latest figures)."""
        self._pending_progress = (received, total)
        if self._progress_frame.pending():
            return
        self._apply_progress()
        self._progress_frame.request()

    def _apply_progress(self) -> None:
        if self._pending_progress is None:
            return
        received, total = self._pending_progress
        self._pending_progress = None
        self.progress.show()
        if total > 0:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(min(1000, received * 1000 // total))
            self.progress_label.setText(f"{format_size(received)} of {format_size(total)}")
        else:
            self.progress_bar.setRange(0, 0)  # busy: the size is not known
            self.progress_label.setText(f"{format_size(received)} received")

    def release(self) -> None:
        """Close what the shown answer holds open (its JSON process, its spooled file): when the
        view is closed. Replacing an answer releases the old one too."""
        old, self.answer, self._pending = self.answer, None, None
        if old is not None:
            old.close()

    def show_message(self, status: str, text: str) -> None:
        """A state without an answer (cancelled, refused before sending)."""
        self.release()
        self._pending_progress = None
        self.progress.hide()
        self._set_status(status, NEUTRAL)
        self.meta_label.setText("")
        self.save_button.setEnabled(False)
        self._clear_views()
        self._body = text
        self.body_view.setPlainText(text)
        self._pick(PRETTY_TAB)

    @Slot(object)
    def show_answer(self, p: Answer) -> None:
        """Status, time and size at once; the body (the costly part) when the view is visible,
        so twenty answers landing in hidden tabs do not stall the window."""
        old, self.answer = self.answer, p
        if old is not None and old is not p:
            old.close()
        self._pending_progress = None
        self.progress.hide()
        self._set_status(p.status_line, status_tone(p), p.status)
        self._show_kind()
        self.meta_label.setText(p.meta_line)
        content = p.content()
        self.save_button.setEnabled(bool(content.raw) or bool(content.body_file))
        self._pending = p
        if self.isVisible():
            self._render()

    def ask_save(self) -> None:
        p = self.answer
        if p is None or not self.save_button.isEnabled():
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save response body")
        if path:
            self.saveRequested.emit(p.content(), path)  # an error's body as received

    # --- status ------------------------------------------------------------------------------
    @Slot()
    def _show_kind(self) -> None:
        """The answer kind's icon (JSON, text, image, audio, binary, task) once icons are in."""
        show_kind(self.kind_icon, self.answer, self.status_label.fontMetrics().height())

    def _set_status(self, text: str, tone: str, status: int | None = None) -> None:
        """The status badge: ``text`` says it; the tone's colour helps (status_badge, drawn by
        its own sheet in the theme's colours, light or dark)."""
        self.status_label.setText(text)
        self._tone = tone
        self.tone_role = show_tone(self.status_label, self.error_banner, tone, status)

    # --- rendering -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._render()

    def _clear_views(self) -> None:
        self._pretty_fill.stop()
        self.tree_view.tree_model.set_document(None)
        self.raw_view.set_source(None)
        self.search_bar.set_content(None, None)
        self.stack.reset()
        self.note_label.hide()
        self.error_banner.hide()
        self.error_banner.clear()
        self.info_label.setText("")
        self._pretty_filled = True
        self._body = ""
        self.body_view.clear()
        for tab in (TREE_TAB, RAW_TAB, RENDERED_TAB):
            self.views.setTabEnabled(tab, False)
        if self._blocks_view is not None:
            self._blocks_view.clear()
        self.views.setTabVisible(BLOCKS_TAB, False)

    def _render(self) -> None:
        p, self._pending = self._pending, None
        if p is None:
            return
        self._clear_views()
        self.headers_view.setPlainText(p.headers_text())
        if p.kind == ERROR:  # what went wrong above; the body it came with in the views
            self.error_banner.setText(p.body_text)
            self.error_banner.show()
        error, p = p.kind == ERROR, p.content()
        self._body = _pretty_text(p)
        document = p.document
        source = p.text_source if p.text_source is not None else self._small_source(p)
        note = p.shown_note
        self.note_label.setText(note)
        self.note_label.setVisible(bool(note))
        self._pretty_filled = False
        self._attach_highlighter(p.kind == JSON)
        if len(self._body) <= EAGER_PRETTY_CHARS:
            self._fill_pretty()
        self.tree_view.tree_model.set_document(document)
        self.views.setTabEnabled(TREE_TAB, document is not None)
        self.raw_view.set_source(source)
        self.views.setTabEnabled(RAW_TAB, source is not None)
        self.search_bar.set_content(document, source)
        rendered = p.kind != ERROR and self.stack.show_answer(p)
        self.views.setTabEnabled(RENDERED_TAB, rendered)
        if p.kind == BYTES:
            self.info_label.setText("A binary body: use Save body to file… to keep all of it.")
        blocks = BlockList() if error else _blocks_of(document)
        if blocks:
            self.blocks_view.set_blocks(blocks)
            self.views.setTabVisible(BLOCKS_TAB, True)
            count = f"{blocks.total:,} block{'s' if blocks.total != 1 else ''}"
            self.info_label.setText(f"The answer holds {count}: see the Blocks view.")
        if p.kind == TASK:  # the task's id and state first; its output is in the Tree
            self._pick(PRETTY_TAB)
        elif error and document is None and source is not None:  # a broken body: as received
            self._pick(RAW_TAB)
        elif document is not None:
            self._pick(TREE_TAB)
        elif rendered:
            self._pick(RENDERED_TAB)
        elif p.kind == BYTES and source is not None:
            self._pick(RAW_TAB)
        else:
            self._pick(PRETTY_TAB)

    def _small_source(self, p: Answer) -> TextSource | None:
        """A text source for the Raw view when the worker made none: the body held in memory
        (small), or the hex summary of a binary body."""
        if p.kind == BYTES:
            return TextSource.from_bytes(p.body_text.encode("utf-8"))
        if p.kind in (IMAGE,) or not p.raw or len(p.raw) > RAW_INDEX_BYTES:
            return None
        return TextSource.from_bytes(p.raw)

    def _fill_pretty(self) -> None:
        if self._pretty_filled:
            return
        self._pretty_filled = True
        if len(self._body) <= EAGER_PRETTY_CHARS:
            self.body_view.setPlainText(self._body)
        else:
            chunks = text_chunks(self._body, TEXT_CHUNK)
            self._pretty_fill.start(self.body_view.document(), chunks, markdown=False)

    def _attach_highlighter(self, on: bool) -> None:
        if on and self._highlighter is None:
            from shipexplorer.ui.widgets.json_highlighter import JsonHighlighter  # on first use

            self._highlighter = JsonHighlighter(self.body_view.document())
        elif self._highlighter is not None:
            self._highlighter.setDocument(self.body_view.document() if on else None)

    def _pick(self, tab: int) -> None:
        if not self.views.isTabEnabled(tab) or not self.views.isTabVisible(tab):
            return
        if self.views.currentIndex() != tab:
            self.views.setCurrentIndex(tab)  # currentChanged calls _view_changed
        else:
            self._view_changed(tab)

    def _view_changed(self, tab: int) -> None:
        self.views.setAccessibleDescription(f"{self.views.tabText(tab)} view" if tab >= 0 else "")
        if tab == PRETTY_TAB:
            self._fill_pretty()
            self.search_bar.set_mode(TEXT, self.body_view)
        elif tab == TREE_TAB:
            self.search_bar.set_mode(TREE)
        elif tab == RAW_TAB:
            self.search_bar.set_mode(RAW)
        elif tab == RENDERED_TAB and self.stack.currentIndex() == 0:
            self.search_bar.set_mode(TEXT, self.rendered_text)
        else:
            self.search_bar.set_mode(NONE)


def _blocks_of(document: object) -> BlockList:
    """The blocks of a document held in memory (a big one, read by a child process, is not
    searched: the Tree shows it)."""
    if isinstance(document, PyDocument):
        return find_blocks(document.value)
    return BlockList()


def _pretty_text(p: Answer) -> str:
    """What the Pretty view shows of ``p`` (its content): its text; for an error that came
    without a body, that there was none (what went wrong is in the banner above)."""
    if p.kind != ERROR:
        return p.body_text
    if p.error_body is not None:
        return p.error_body.body_text
    return "(no body)" if p.status is not None else "(nothing was received)"
