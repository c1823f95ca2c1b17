"""The Rendered view of a body (markdown, plain text, or an image scaled to fit) and the filling
of text widgets by pieces, so a long text (and its highlighting or markdown layout) never stalls the
window. The Pretty view of :mod:`.response_view` fills its text the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap, QResizeEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QTextBrowser, QWidget

from shipexplorer.core.documents.answer import IMAGE, MARKDOWN, Answer

#: Characters put in a text widget per event-loop turn: plain text with JSON highlighting costs
#: about 6 ms per 10k characters here, markdown about 15 ms per 10k.
TEXT_CHUNK = 10_000
MARKDOWN_CHUNK = 6_000


class FitImage(QLabel):
    """An image scaled down (never up) to fit, keeping its proportions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._image: QImage | None = None

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._image is None or self._image.isNull():
            self.clear()
            return
        pixmap = QPixmap.fromImage(self._image)
        if pixmap.width() > self.width() > 0 or pixmap.height() > self.height() > 0:
            pixmap = pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.setPixmap(pixmap)


def text_chunks(text: str, size: int) -> list[str]:
    """``text`` cut after a newline every ``size`` characters or so (joined, it is ``text``)."""
    chunks, start = [], 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        chunks.append(text[start:end])
        start = end
    return chunks


def markdown_chunks(text: str, size: int) -> list[str]:
    """Markdown cut at blank lines outside code fences, every ``size`` characters or so."""
    chunks, current, length, fenced = [], [], 0, False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        current.append(line)
        length += len(line)
        if length >= size and not fenced and not line.strip():
            chunks.append("".join(current))
            current, length = [], 0
    if current:
        chunks.append("".join(current))
    return chunks


class ChunkedFill(QObject):
    """Puts text in a text widget's document one piece per event-loop turn, so a long text (and
    its highlighting or markdown layout) never stalls the window; a new fill stops the old one."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._chunks: list[str] = []
        self._document: QTextDocument | None = None
        self._markdown = False
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def start(self, document: QTextDocument, chunks: list[str], *, markdown: bool) -> None:
        self._document, self._chunks, self._markdown = document, list(reversed(chunks)), markdown
        document.clear()
        self._step()
        if self._chunks:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._chunks = []

    def busy(self) -> bool:
        return bool(self._chunks)

    def _step(self) -> None:
        if not self._chunks or self._document is None:
            self._timer.stop()
            return
        cursor = QTextCursor(self._document)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        chunk = self._chunks.pop()
        if self._markdown:
            if not self._document.isEmpty():
                cursor.insertBlock()  # else the piece's first paragraph joins the last one
            cursor.insertMarkdown(chunk)
        else:
            cursor.insertText(chunk)
        if not self._chunks:
            self._timer.stop()


class RenderedView(QStackedWidget):
    """The Rendered view: a text browser (page 0) or an image (page 1)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rendered_text = QTextBrowser(self)
        self.rendered_text.setAccessibleName("Rendered response body")
        self.rendered_text.setOpenLinks(False)
        self.image_label = FitImage(self)
        self.image_label.setAccessibleName("Response image")
        self.addWidget(self.rendered_text)
        self.addWidget(self.image_label)
        self._fill = ChunkedFill(self)

    def reset(self) -> None:
        """Nothing shown; the text page in front."""
        self._fill.stop()
        self.rendered_text.clear()
        self.image_label.set_image(None)
        self.setCurrentIndex(0)

    def show_answer(self, p: Answer) -> bool:
        """Show ``p`` if it has a rendered form (an image, markdown, text, html as its text);
        False when it has none."""
        if p.kind == IMAGE and p.image:
            image = p.decoded_image if p.decoded_image is not None else QImage.fromData(p.image)
            if not image.isNull():
                self.image_label.set_image(image)
                self.image_label.setAccessibleDescription(p.body_text)
                self.setCurrentIndex(1)
                return True
            return False
        text = p.body_text
        if p.kind == MARKDOWN:
            if len(text) <= MARKDOWN_CHUNK:
                self.rendered_text.setMarkdown(text)
            else:
                chunks = markdown_chunks(text, MARKDOWN_CHUNK)
                self._fill.start(self.rendered_text.document(), chunks, markdown=True)
            return True
        if p.kind in ("text", "html"):  # html as its text: no remote content is ever loaded
            if len(text) <= TEXT_CHUNK:
                self.rendered_text.setPlainText(text)
            else:
                chunks = text_chunks(text, TEXT_CHUNK)
                self._fill.start(self.rendered_text.document(), chunks, markdown=False)
            return True
        return False
