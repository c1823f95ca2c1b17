"""The Blocks view of an answer holding Steamship blocks: the list, and the selected one's content.

The list says each block's id, mime type and a preview of its text (or where its content is);
selecting a block shows its content, fetched by a
:class:`~shipexplorer.services.blocks.BlockFetcher` (``block/raw``) unless the answer holds its
text: text and markdown in a text view, an image scaled to fit, audio with a Play button (when Qt
Multimedia is installed; else "Open with the system player", which hands a temporary copy to the
desktop), anything else as bytes to save. Every fetched content can be saved ("Save block…").
A late answer for a block no longer selected is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QImage, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.documents.answer import format_size
from shipexplorer.core.documents.blocks import (
    AUDIO,
    IMAGE,
    MARKDOWN,
    TEXT,
    VIDEO,
    Block,
    BlockContent,
    BlockList,
    inline_content,
)
from shipexplorer.ui.response.rendered_view import FitImage

try:  # PySide6-Essentials has no Qt Multimedia; the full PySide6 has
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
except ImportError:  # pragma: no cover - depends on the installed wheel
    QAudioOutput = QMediaPlayer = None  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings
    from shipexplorer.services.blocks import BlockFetcher

SettingsProvider = Callable[[], "ConnectionSettings | None"]
MESSAGE_PAGE, TEXT_PAGE, IMAGE_PAGE, MEDIA_PAGE = range(4)
ID_COLUMN, TYPE_COLUMN, PREVIEW_COLUMN = range(3)
BlockRole = Qt.ItemDataRole.UserRole + 1

#: Whether audio can be played inside the window (Qt Multimedia is installed).
CAN_PLAY = QMediaPlayer is not None


class BlocksView(QWidget):
    """The blocks of one answer and the content of the selected one (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Blocks")
        self._fetcher: BlockFetcher | None = None
        self._settings: SettingsProvider | None = None
        self._blocks = BlockList()
        self._content: BlockContent | None = None
        self._current: Block | None = None
        self._asked = 0  # which selection a fetch answers (older answers are dropped)
        self._player: Any = None
        self.note_label = QLabel(self)
        self.note_label.setAccessibleName("About the blocks")
        self.list = QTreeWidget(self)
        self.list.setAccessibleName("Block list")
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setHeaderLabels(["Id", "Type", "Preview"])
        self.list.currentItemChanged.connect(self._selected)
        self.content_label = QLabel(self)
        self.content_label.setAccessibleName("Block content status")
        self.content_label.setWordWrap(True)
        self.content_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pages = QStackedWidget(self)
        self.pages.setAccessibleName("Block content")
        self.message = QLabel("Select a block to see its content.", self.pages)
        self.message.setAccessibleName("Block message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_view = QTextBrowser(self.pages)
        self.text_view.setAccessibleName("Block text")
        self.text_view.setOpenLinks(False)  # nothing remote is ever loaded
        self.image_view = FitImage(self.pages)
        self.image_view.setAccessibleName("Block image")
        media = QWidget(self.pages)
        self.media_label = QLabel(media)
        self.media_label.setAccessibleName("Block media")
        self.media_label.setWordWrap(True)
        self.play_button = QPushButton("&Play", media)
        self.play_button.setAccessibleName("Play the block's audio")
        self.play_button.clicked.connect(self.play)
        self.open_button = QPushButton("Open with the system &player", media)
        self.open_button.setAccessibleName("Open the block with the system player")
        self.open_button.clicked.connect(self.open_externally)
        column = QVBoxLayout(media)
        column.addWidget(self.media_label)
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        for page in (self.message, self.text_view, self.image_view, media):
            self.pages.addWidget(page)
        self.save_button = QPushButton("&Save block…", self)
        self.save_button.setAccessibleName("Save the block's content to a file")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.ask_save)
        content = QWidget(self)
        bar = QHBoxLayout()
        bar.addWidget(self.content_label, 1)
        bar.addWidget(self.save_button)
        box = QVBoxLayout(content)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(bar)
        box.addWidget(self.pages, 1)
        # side by side: the answer area is wide and may be short (its minimum height must stay
        # small, or the window cannot fit a 720 px screen)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(content)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note_label)
        layout.addWidget(self.splitter, 1)
        self.setMinimumHeight(60)  # as small as the other views: it overrides the layout's sum
        self.clear()

    # --- wiring ------------------------------------------------------------------------------

    def set_fetcher(self, fetcher: BlockFetcher | None, settings: SettingsProvider | None) -> None:
        """The service that fetches contents, and the connection to fetch them through (asked
        each time: the answer's profile and workspace, with the key as it is then)."""
        self._fetcher, self._settings = fetcher, settings

    # --- what is shown -----------------------------------------------------------------------

    def blocks(self) -> BlockList:
        return self._blocks

    def content(self) -> BlockContent | None:
        """The selected block's content once it is here (None before, or on failure)."""
        return self._content

    def clear(self) -> None:
        """No blocks; a fetch still out is dropped."""
        self.set_blocks(BlockList())

    def set_blocks(self, blocks: BlockList) -> None:
        """List ``blocks``; nothing is fetched until one is selected (the first one is, when the
        view is shown)."""
        self._asked += 1
        self._blocks = blocks
        self._stop_playing()
        self.list.clear()
        items = []
        for block in blocks.blocks:
            item = QTreeWidgetItem([block.block_id or block.where, block.mime_type or "", ""])
            item.setText(PREVIEW_COLUMN, block.preview())
            item.setToolTip(PREVIEW_COLUMN, block.preview())
            item.setToolTip(ID_COLUMN, f"{block.where}")
            item.setData(ID_COLUMN, BlockRole, block)
            items.append(item)
        self.list.addTopLevelItems(items)
        self.note_label.setText(blocks.note() if blocks else "")
        self._show_message("Select a block to see its content.")

    def select(self, row: int) -> bool:
        """Select the block of ``row`` (its content is shown or fetched); False without it."""
        item = self.list.topLevelItem(row)
        if item is None:
            return False
        self.list.setCurrentItem(item)
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.list.currentItem() is None and self.list.topLevelItemCount():
            self.select(0)

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _selected(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        self._asked += 1
        self._stop_playing()
        block = item.data(ID_COLUMN, BlockRole) if item is not None else None
        self._current = block
        if block is None:
            self._show_message("Select a block to see its content.")
            return
        asked = self._asked
        self._show_message("Fetching the block's content…", status=f"{block.label()}: fetching…")
        if self._fetcher is None:
            inline = inline_content(block)
            if inline is not None:
                self._fetched(asked, block, inline)
            else:
                self._failed(
                    asked,
                    "Block contents cannot be fetched from this view: it has no connection "
                    "to fetch them through.",
                )
            return
        settings = self._settings() if self._settings is not None else None
        self._fetcher.fetch(
            settings,
            block,
            lambda content: self._fetched(asked, block, content),
            lambda message: self._failed(asked, message),
            key=f"blocks-view-{id(self)}",
        )

    def _fetched(self, asked: int, block: Block, content: BlockContent) -> None:
        if asked != self._asked:
            return  # another block was selected meanwhile
        self._content = content
        self.save_button.setEnabled(True)
        size = format_size(content.size)
        about = f"{block.label()}: {content.mime_type or 'unknown type'}, {size}"
        if content.cut:
            about += " (the text shown is cut; Save block… keeps all of it)"
        self.content_label.setText(about)
        if content.kind in (TEXT, MARKDOWN):
            text = content.text or ""
            if content.kind == MARKDOWN:
                self.text_view.setMarkdown(text)
            else:
                self.text_view.setPlainText(text)
            self.pages.setCurrentIndex(TEXT_PAGE)
            return
        if content.kind == IMAGE:
            image = content.image if content.image is not None else QImage.fromData(content.data)
            if not image.isNull():
                self.image_view.set_image(image)
                self.image_view.setAccessibleDescription(about)
                self.pages.setCurrentIndex(IMAGE_PAGE)
                return
        playable = content.kind in (AUDIO, VIDEO)
        kind = {AUDIO: "Audio", VIDEO: "Video", IMAGE: "An image Qt cannot read"}.get(
            content.kind, "Bytes"
        )
        self.media_label.setText(
            f"{kind}: {content.mime_type or 'unknown type'}, {format_size(content.size)}."
            + ("" if playable else " Use Save block… to keep it.")
        )
        self.play_button.setVisible(playable and CAN_PLAY and content.kind == AUDIO)
        self.open_button.setVisible(playable)
        self.pages.setCurrentIndex(MEDIA_PAGE)

    def _failed(self, asked: int, message: str) -> None:
        if asked != self._asked:
            return
        self._show_message(message, status=message)

    def _show_message(self, text: str, *, status: str = "") -> None:
        self._content = None
        self.save_button.setEnabled(False)
        self.content_label.setText(status)
        self.message.setText(text)
        self.text_view.clear()
        self.image_view.set_image(None)
        self.pages.setCurrentIndex(MESSAGE_PAGE)

    # --- actions -----------------------------------------------------------------------------

    def ask_save(self) -> None:
        content = self._content
        if content is None or self._fetcher is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save block")
        if path:
            self.save_to(path)

    def save_to(self, path: str) -> None:
        """Save the shown content to ``path`` (on the pool); the status line says how it went."""
        if self._content is None or self._fetcher is None:
            return
        self._fetcher.save(
            self._content,
            path,
            lambda done: self.content_label.setText(f"Saved to {done}."),
            self.content_label.setText,
        )

    def open_externally(self) -> None:
        """Hand a temporary copy of the content to the desktop's player for its type."""
        self._with_copy(lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))

    def play(self) -> None:
        """Play the audio inside the window (Qt Multimedia), from a temporary copy."""
        if not CAN_PLAY:
            self.open_externally()
            return

        def start(path: str) -> None:
            if self._player is None:
                self._player = QMediaPlayer(self)
                self._player.setAudioOutput(QAudioOutput(self._player))
            self._player.setSource(QUrl.fromLocalFile(path))
            self._player.play()

        self._with_copy(start)

    def _with_copy(self, then: Callable[[str], Any]) -> None:
        content, block, asked = self._content, self._current, self._asked
        if content is None or block is None or self._fetcher is None:
            return

        def written(path: str) -> None:
            if asked == self._asked:
                then(path)

        name = block.block_id or "block"
        self._fetcher.temporary_copy(content, name, written, self.content_label.setText)

    def _stop_playing(self) -> None:
        if self._player is not None:
            self._player.stop()
