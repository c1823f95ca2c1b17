"""Tells the user when a tracked task ends: a status-bar message always, and a desktop
notification through the system tray when one is available and the window is not active.

Desktop notifications can be switched off (:meth:`TaskNotifier.set_enabled`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QWidget

from shipexplorer.core.task_text import origin_text

if TYPE_CHECKING:
    from shipexplorer.services.task_tracker import TaskTracker


def ended_text(task: Any) -> str:
    """One sentence on how a task ended."""
    origin = origin_text(task)
    name = f"Task {task.task_id}" + (f" ({origin})" if origin else "")
    if task.watch == "unknown":
        return f"{name} is unknown to the server."
    if task.state == "failed":
        reason = f": {task.status_message}" if task.status_message else "."
        return f"{name} failed{reason}"
    if task.state == "succeeded":
        return f"{name} succeeded."
    return f"{name} ended ({task.display_state})."


class TaskNotifier(QObject):
    """Says when tasks end; given a tracker, it listens to its ``taskEnded`` itself.

    Signals:
        statusMessage(str): the sentence for the window's status bar.
        desktopNotified(str, str): title and text of a desktop notification just shown.
    """

    statusMessage = Signal(str)
    desktopNotified = Signal(str, str)

    def __init__(
        self,
        tracker: TaskTracker | None = None,
        window: QWidget | None = None,
        *,
        enabled: bool = True,
        tray: QSystemTrayIcon | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tracker = tracker
        self._window = window
        self._enabled = enabled
        self._tray = tray
        if tracker is not None:
            tracker.taskEnded.connect(self.task_ended)

    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Desktop notifications on or off (the status-bar message always shows)."""
        self._enabled = enabled

    @Slot(str)
    def task_ended(self, task_id: str) -> None:
        task = self._tracker.task(task_id) if self._tracker is not None else None
        if task is not None:
            self.ended(task)

    def ended(self, task: Any) -> None:
        """Tell the user ``task`` (a TrackedTask) ended."""
        text = ended_text(task)
        self.statusMessage.emit(text)
        if self._should_notify():
            self._notify(task, text)

    def _should_notify(self) -> bool:
        if not self._enabled or not QSystemTrayIcon.isSystemTrayAvailable():
            return False
        return self._window is None or not self._window.isActiveWindow()

    def _notify(self, task: Any, text: str) -> None:
        tray = self._tray_icon()
        failed = task.state == "failed" or task.watch == "unknown"
        icon = (
            QSystemTrayIcon.MessageIcon.Warning
            if failed
            else QSystemTrayIcon.MessageIcon.Information
        )
        title = "Task failed" if failed else "Task ended"
        tray.showMessage(title, text, icon, 8000)
        self.desktopNotified.emit(title, text)

    def _tray_icon(self) -> QSystemTrayIcon:
        if self._tray is None:
            icon = QApplication.windowIcon()
            if icon.isNull():
                icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)
            self._tray = QSystemTrayIcon(QIcon(icon), self)
            self._tray.setToolTip("shipexplorer: task notifications")
            if self._window is not None:
                self._tray.activated.connect(self._raise_window)
        if not self._tray.isVisible():
            self._tray.show()
        return self._tray

    def _raise_window(self, *_: object) -> None:
        if self._window is not None:
            self._window.showNormal()
            self._window.raise_()
            self._window.activateWindow()
