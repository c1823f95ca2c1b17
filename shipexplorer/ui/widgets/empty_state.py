"""What an empty list says: a short, muted sentence in the middle of an item view that tells
what to do next ("No saved requests yet: save the current tab with Ctrl+S"), shown while its
model has no rows and hidden as soon as one arrives."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtWidgets import QAbstractItemView, QLabel

from shipexplorer.ui.style import sheets
from shipexplorer.ui.style.metrics import space


class EmptyState(QLabel):
    """A sentence over ``view``'s viewport while its model is empty."""

    def __init__(self, view: QAbstractItemView, text: str) -> None:
        super().__init__(text, view.viewport())
        self._view = view
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName("Empty list")
        self.setContentsMargins(space(4), space(4), space(4), space(4))
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        sheets.muted(self)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (
            model.rowsInserted,
            model.rowsRemoved,
            model.modelReset,
            model.layoutChanged,
        ):
            signal.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self, *_args: object) -> None:
        model = self._view.model()
        empty = model is not None and model.rowCount() == 0
        self.setVisible(empty)
        if empty:
            self.setGeometry(self._view.viewport().rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.viewport().rect())
        return False


__all__ = ["EmptyState"]
