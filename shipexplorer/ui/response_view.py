"""The response area of one tab: status, elapsed time and size, headers, and the body by type.

It only shows a :class:`~shipexplorer.services.presentation.Presentation`, already computed on a
worker: JSON pretty-printed, text and markdown as text, images as images, other bytes as a hex
summary with "Save to file…", a task summary, errors in words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.services.presentation import IMAGE, Presentation


class ResponseView(QWidget):
    """Shows one answer.

    Signals:
        saveRequested(object, str): the body bytes and the path the user chose.
    """

    saveRequested = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presentation: Presentation | None = None
        self._pending: Presentation | None = None
        self.status_label = QLabel("No request sent yet", self)
        self.status_label.setAccessibleName("Response status")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.status_label.font()
        font.setBold(True)
        self.status_label.setFont(font)
        self.meta_label = QLabel(self)
        self.meta_label.setAccessibleName("Response time and size")
        self.headers_button = QToolButton(self)
        self.headers_button.setText("Headers")
        self.headers_button.setCheckable(True)
        self.headers_button.setAccessibleName("Show response headers")
        self.save_button = QPushButton("Save to file…", self)
        self.save_button.setAccessibleName("Save response body to file")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.ask_save)
        self.headers_view = QPlainTextEdit(self)
        self.headers_view.setReadOnly(True)
        self.headers_view.setAccessibleName("Response headers")
        self.headers_view.setMaximumHeight(120)
        self.headers_view.hide()
        self.headers_button.toggled.connect(self.headers_view.setVisible)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.body_view = QPlainTextEdit(self)
        self.body_view.setReadOnly(True)
        self.body_view.setAccessibleName("Response body")
        self.body_view.setFont(fixed)
        self.image_label = QLabel(self)
        self.image_label.setAccessibleName("Response image")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        image_scroll = QScrollArea(self)
        image_scroll.setWidget(self.image_label)
        image_scroll.setWidgetResizable(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.body_view)
        self.stack.addWidget(image_scroll)
        top = QHBoxLayout()
        top.addWidget(self.status_label)
        top.addWidget(self.meta_label, 1)
        top.addWidget(self.headers_button)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.headers_view)
        layout.addWidget(self.stack, 1)

    def body_text(self) -> str:
        """The body shown (or about to be shown, while the view is hidden)."""
        if self._pending is not None:
            return self._pending.body_text
        return self.body_view.toPlainText()

    def status_text(self) -> str:
        return self.status_label.text()

    def show_waiting(self, what: str = "Sending…") -> None:
        self.status_label.setText(what)
        self.meta_label.setText("")

    def show_message(self, status: str, text: str) -> None:
        """A state without an answer (cancelled, refused before sending)."""
        self.presentation = self._pending = None
        self.status_label.setText(status)
        self.meta_label.setText("")
        self.body_view.setPlainText(text)
        self.stack.setCurrentIndex(0)
        self.save_button.setEnabled(False)

    @Slot(object)
    def show_presentation(self, p: Presentation) -> None:
        """Status, time and size at once; the body (the costly part) when the view is visible,
        so twenty answers landing in hidden tabs do not stall the window."""
        self.presentation = p
        self.status_label.setText(p.status_line)
        self.meta_label.setText(p.meta_line)
        self.save_button.setEnabled(bool(p.raw))
        self._pending = p
        if self.isVisible():
            self._render()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._render()

    def _render(self) -> None:
        p, self._pending = self._pending, None
        if p is None:
            return
        self.headers_view.setPlainText(p.headers_text())
        self.body_view.setPlainText(p.body_text)
        if p.kind == IMAGE and p.image:
            image = p.decoded_image if p.decoded_image is not None else QImage.fromData(p.image)
            if not image.isNull():
                self.image_label.setPixmap(QPixmap.fromImage(image))
                self.image_label.setAccessibleDescription(p.body_text)
                self.stack.setCurrentIndex(1)
                return
        self.stack.setCurrentIndex(0)

    def ask_save(self) -> None:
        if self.presentation is None or not self.presentation.raw:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save response body")
        if path:
            self.saveRequested.emit(self.presentation.raw, path)
