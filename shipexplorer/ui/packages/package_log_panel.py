"""The "Package log" dock: the output of the package served from a folder, its state, and the
Restart / Stop buttons.

The log is read-only, monospace, bounded (the oldest lines go first) and follows its end unless
the user scrolled up. The state line says, in words, ``starting``, ``serving on port N``,
``stopped`` or ``failed: <reason>``, coloured by the design system's roles.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.package_serve import MAX_LOG_LINES
from shipexplorer.services.package_server import (
    FAILED,
    SERVING,
    STARTING,
    STOPPED,
    PackageServer,
)
from shipexplorer.ui.style import colors
from shipexplorer.ui.style.metrics import code_font, space

_ROLES = {
    STARTING: colors.RUNNING,
    SERVING: colors.SUCCESS,
    STOPPED: colors.NEUTRAL,
    FAILED: colors.DANGER,
}


class PackageLogPanel(QDockWidget):
    """The dock over a :class:`PackageServer` (it calls the service, never the process)."""

    def __init__(self, server: PackageServer, parent: QWidget | None = None) -> None:
        super().__init__("Package log", parent)
        self.setObjectName("package-log-dock")
        self.setAccessibleName("Package log")
        self._server = server
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(space(2), space(1), space(2), space(1))
        layout.setSpacing(space(1))

        top = QHBoxLayout()
        top.setSpacing(space(2))
        self.state_label = QLabel(server.sentence, body)
        self.state_label.setAccessibleName("Package state")
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label.setWordWrap(True)
        top.addWidget(self.state_label, 1)
        self.watch_box = QCheckBox("Restart when a .py file &changes", body)
        self.watch_box.setAccessibleName("Restart when a Python file changes")
        self.watch_box.toggled.connect(server.set_restart_on_change)
        top.addWidget(self.watch_box)
        self.restart_button = QPushButton("Rest&art", body)
        self.restart_button.setAccessibleName("Restart the package")
        self.restart_button.setToolTip(
            "Stop the package's server and start it again (Ctrl+Shift+F5)"
        )
        self.restart_button.clicked.connect(server.restart)
        top.addWidget(self.restart_button)
        self.stop_button = QPushButton("St&op", body)
        self.stop_button.setAccessibleName("Stop the package")
        self.stop_button.setToolTip("Stop the package's server")
        self.stop_button.clicked.connect(server.stop)
        top.addWidget(self.stop_button)
        layout.addLayout(top)

        self.log_view = QPlainTextEdit(body)
        self.log_view.setReadOnly(True)
        self.log_view.setAccessibleName("Package output")
        self.log_view.setFont(code_font())
        self.log_view.setMaximumBlockCount(MAX_LOG_LINES)
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.log_view.setPlaceholderText(
            "Serve a package folder (File > Serve a package folder…) to see its output here."
        )
        self.log_view.setMinimumHeight(space(10))
        layout.addWidget(self.log_view, 1)
        self.setWidget(body)

        self.restart_action = QAction("Restart the served pac&kage", self)
        self.restart_action.setShortcut(QKeySequence("Ctrl+Shift+F5"))
        self.restart_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.restart_action.triggered.connect(self._restart_if_enabled)
        self.addAction(self.restart_action)

        server.stateChanged.connect(self._state_changed)
        server.logLines.connect(self._append)
        server.logCleared.connect(self._cleared)
        self._state_changed(server.state, server.sentence)
        if server.log.lines():
            self._append(server.log.lines())

    @Slot(str, str)
    def _state_changed(self, state: str, sentence: str) -> None:
        self.state_label.setText(sentence[:1].upper() + sentence[1:])
        role = _ROLES.get(state)
        palette = self.state_label.palette()
        if role is None:
            palette = self.palette()
        else:
            palette.setColor(QPalette.ColorRole.WindowText, colors.semantic(role, palette))
        self.state_label.setPalette(palette)
        has_folder = self._server.settings is not None
        self.restart_button.setEnabled(has_folder)
        self.restart_action.setEnabled(has_folder)
        self.stop_button.setEnabled(self._server.running)
        settings = self._server.settings
        if settings is not None and self.watch_box.isChecked() != settings.restart_on_change:
            self.watch_box.blockSignals(True)
            self.watch_box.setChecked(settings.restart_on_change)
            self.watch_box.blockSignals(False)

    @Slot(object)
    def _append(self, lines: list[str]) -> None:
        bar = self.log_view.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        self.log_view.appendPlainText("\n".join(lines))
        if at_end:
            bar.setValue(bar.maximum())

    @Slot()
    def _cleared(self) -> None:
        self.log_view.clear()

    @Slot()
    def _restart_if_enabled(self) -> None:
        if self.restart_button.isEnabled():
            self._server.restart()

    def log_text(self) -> str:
        return self.log_view.toPlainText()
