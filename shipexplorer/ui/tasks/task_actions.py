"""The Tasks dock's actions and keys: an action with its shortcuts and tip in the toolbar and the
table's context menu, the toolbar that names its buttons, the dock body that takes F5 while the
focus is inside, and which tasks the actions apply to."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget

from shipexplorer.core.task_timeline import TrackedTask

#: states in which the server is done with a task (nothing to poll)
FINAL = ("succeeded", "failed")


def resumable(task: TrackedTask) -> bool:
    """Stopped, unknown to the server or reconnecting, and not ended on the server."""
    return task.state not in FINAL and task.watch in ("stopped", "unknown", "reconnecting")


def make_action(
    owner: QWidget,
    widgets: Iterable[QWidget],
    text: str,
    slot: Callable[[], object],
    keys: list[str],
    tip: str,
) -> QAction:
    """An action of ``owner`` on ``widgets`` (their shortcuts and context menus), its keys
    working while the focus is inside them and shown in its tooltip."""
    action = QAction(text, owner)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({shown})" if shown else tip)
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    for widget in widgets:
        widget.addAction(action)
    return action


def action_toolbar(parent: QWidget, actions: Iterable[QAction]) -> QToolBar:
    """A text-only toolbar of ``actions``, each button named after its action."""
    toolbar = QToolBar("Task actions", parent)
    toolbar.setAccessibleName("Task actions")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for action in actions:
        toolbar.addAction(action)
        button = toolbar.widgetForAction(action)
        if button is not None:
            button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
    return toolbar


class PanelBody(QWidget):
    """The dock's content: takes F5 from window-wide shortcuts while the focus is inside."""

    def __init__(self, on_f5: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_f5 = on_f5

    @staticmethod
    def _is_f5(event: QEvent) -> bool:
        return (
            isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_F5
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._is_f5(event):
            event.accept()  # so the key comes here as a key press, not to the window's F5
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._is_f5(event):
            self._on_f5()
            event.accept()
            return
        super().keyPressEvent(event)
