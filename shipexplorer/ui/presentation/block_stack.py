"""An agent's answer as people see it: its blocks one under the other, each as soon as it is here.

Text and Markdown as formatted text, images scaled to the width available, a sound as a
"Play the sound" button (PySide6-Essentials has no Qt Multimedia: the button asks the
:class:`~shipexplorer.services.blocks.BlockFetcher` for a temporary copy and hands it to the
system's player; this widget writes no file). Block contents come from ``block/raw`` through the
fetcher, on its pool; a block that cannot be fetched says so in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from shipexplorer.core.documents.blocks import (
    AUDIO,
    IMAGE,
    MARKDOWN,
    TEXT,
    Block,
    BlockContent,
    BlockList,
)
from shipexplorer.ui.style.metrics import space

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings
    from shipexplorer.services.blocks import BlockFetcher

NOT_SHOWN = "This part of the answer cannot be shown here."
PLAY = "Play the sound"


def text_label(parent: QWidget, text: str, markdown: bool, name: str = "Answer text") -> QLabel:
    """A wrapped, selectable text (plain or Markdown), as answers and chat messages show it."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.MarkdownText if markdown else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(text)
    label.setAccessibleName(name)
    return label


class _Picture(QLabel):
    """An image that scales down to the width it gets (never up past twice its size)."""

    def __init__(self, pixmap: QPixmap, parent: QWidget) -> None:
        super().__init__(parent)
        self._pixmap = pixmap
        self.setAccessibleName("Answer picture")
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = max(32, min(self.width() or 10_000, self._pixmap.width() * 2, 720))
        scaled = self._pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        if self.pixmap().cacheKey() != scaled.cacheKey():
            self.setPixmap(scaled)
            self.setFixedHeight(scaled.height())


class BlockStack(QWidget):
    """The blocks of one answer, rendered in order.

    Signals:
        shown(): a block's content arrived and is on screen (for the owner to scroll).
    """

    shown = Signal()

    def __init__(
        self,
        fetcher: BlockFetcher | None,
        settings: Callable[[], ConnectionSettings | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetcher = fetcher
        self._settings = settings
        self._alive = True
        self.setAccessibleName("Answer")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(space(2))
        self.parts: list[QWidget] = []
        self.destroyed.connect(self._gone)

    def _gone(self) -> None:
        self._alive = False

    def show_blocks(self, blocks: BlockList) -> None:
        """Lay out a place for each block and fetch what the answer does not hold itself."""
        for block in blocks.blocks:
            holder = QWidget(self)
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            self._layout.addWidget(holder)
            self.parts.append(holder)
            self._fetch(block, holder)

    def _fetch(self, block: Block, holder: QWidget) -> None:
        if self._fetcher is None:
            if block.text is not None and block.kind in (TEXT, MARKDOWN):
                self._place(holder, text_label(holder, block.text, block.kind == MARKDOWN))
            else:
                self._place(holder, text_label(holder, NOT_SHOWN, False))
            return
        self._fetcher.fetch(
            self._settings(),
            block,
            lambda content, h=holder: self._arrived(h, content),
            lambda _message, h=holder: self._place(h, text_label(h, NOT_SHOWN, False)),
        )

    def _arrived(self, holder: QWidget, content: BlockContent) -> None:
        if not self._alive:
            return
        if content.kind in (TEXT, MARKDOWN) and content.text is not None:
            widget: QWidget = text_label(holder, content.text, content.kind == MARKDOWN)
        elif content.kind == IMAGE and content.image is not None:
            widget = _Picture(QPixmap.fromImage(content.image), holder)
        elif content.kind == IMAGE:
            pixmap = QPixmap()
            widget = (
                _Picture(pixmap, holder)
                if pixmap.loadFromData(content.data)
                else text_label(holder, NOT_SHOWN, False)
            )
        elif content.kind == AUDIO:
            widget = QPushButton(PLAY, holder)
            widget.setAccessibleName(PLAY)
            widget.setToolTip("Opens the sound in the computer's player")
            widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            widget.clicked.connect(lambda _checked=False, c=content: self.play(c))
        else:
            widget = text_label(holder, NOT_SHOWN, False)
        self._place(holder, widget)

    def _place(self, holder: QWidget, widget: QWidget) -> None:
        if not self._alive:
            return
        holder.layout().addWidget(widget)
        widget.show()
        self.shown.emit()

    def play(self, content: BlockContent) -> None:
        """Ask the fetcher for a copy of the sound and open it with the system's player."""
        if self._fetcher is None:
            return
        self._fetcher.temporary_copy(
            content,
            "demo-sound",
            lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(path)),
            lambda _message: None,
        )
