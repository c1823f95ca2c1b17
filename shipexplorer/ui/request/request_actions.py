"""The Request menu: send and cancel the current tab's request, focus its method, open and close
tabs, copy the current request (or a history entry) as curl, Python or HTTPie, and import a curl
command line into a new tab.

The window's request keys are these menu actions (window-wide, so they work while the body editor
has the focus and never type into it): Ctrl+Enter sends, Esc cancels (enabled only while the
current tab's request runs, so Esc stays the search field's and the popups' otherwise), Ctrl+L
focuses the method, Ctrl+T opens a tab, Ctrl+W closes it.

Exports and imports are the :class:`~shipexplorer.services.exports.ExportService`'s (the key is
always ``$STEAMSHIP_API_KEY``, an export holding it is refused); this module builds the call from
the tab or history entry, copies the text and shows the dialog. A call that started a task is
exported with its polling (curl) or ``task.wait()`` (Python).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMenu

from shipexplorer.core.history_records import HistoryEntry
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.exports import CallExport, CurlImportError, ExportService
from shipexplorer.ui.request.request_tabs import RequestTab, RequestTabs

KIND_NAMES = {"curl": "curl", "python": "Python (official client)", "httpie": "HTTPie"}


class RequestActions(QObject):
    """Builds the Request menu of ``window`` over ``tabs``; ``exports`` makes and reads texts."""

    def __init__(
        self,
        window: QMainWindow,
        tabs: RequestTabs,
        exports: ExportService,
        explorer: Explorer,
        show_status: Callable[[str, int], None],
        show_problem: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._tabs = tabs
        self.exports = exports
        self._explorer = explorer
        self._status = show_status
        self._problem = show_problem
        self.menu: QMenu = window.menuBar().addMenu("&Request")
        self._build_tab_actions()
        self.menu.addSeparator()
        self.export_actions: dict[str, QAction] = {}
        for kind, mnemonic in (
            ("curl", "Copy as &curl"),
            ("python", "Copy as &Python"),
            ("httpie", "Copy as &HTTPie"),
        ):
            action = QAction(mnemonic, window)
            action.setToolTip(
                f"Copy the current request as {KIND_NAMES[kind]}; the key stays $STEAMSHIP_API_KEY"
            )
            action.triggered.connect(lambda _=False, k=kind: self.copy_current(k))
            self.menu.addAction(action)
            self.export_actions[kind] = action
        self.menu.addSeparator()
        self.import_action = QAction("&Import curl command…", window)
        self.import_action.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.import_action.setToolTip("Paste a curl command line; it opens in a new tab")
        self.import_action.triggered.connect(self.ask_import)
        self.menu.addAction(self.import_action)

    # -- the current tab --------------------------------------------------------------------------

    def _action(self, text: str, keys: list[str], tip: str, slot: Callable[[], object]) -> QAction:
        """A window-wide action in the Request menu, its keys in its tooltip."""
        action = QAction(text, self._window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({shown})")
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        self.menu.addAction(action)
        return action

    def _build_tab_actions(self) -> None:
        tabs = self._tabs
        self.send_action = self._action(
            "&Send", ["Ctrl+Return", "Ctrl+Enter"], "Send the current tab's request", tabs.send
        )
        self.cancel_action = self._action(
            "&Cancel", ["Esc"], "Abort the current tab's running request", tabs.cancel_current
        )
        self.focus_method_action = self._action(
            "Go to &method", ["Ctrl+L"], "Put the focus in the method field", self.focus_method
        )
        self.menu.addSeparator()
        self.new_tab_action = self._action(
            "&New tab", ["Ctrl+T"], "Open a new request tab", lambda: tabs.new_tab()
        )
        self.close_tab_action = self._action(
            "Close &tab",
            ["Ctrl+W"],
            "Close the current tab (cancels its request)",
            tabs.close_current,
        )
        tabs.currentChanged.connect(self.update_cancel)
        tabs.tabOpened.connect(lambda tab: tab.titleChanged.connect(self.update_cancel))
        for tab in tabs.tabs():
            tab.titleChanged.connect(self.update_cancel)
        self.update_cancel()

    @Slot()
    def focus_method(self) -> None:
        self._tabs.current().focus_method()

    @Slot()
    def update_cancel(self, *_: object) -> None:
        """Cancel (Esc) is enabled only while the current tab's request runs: a disabled action
        leaves Esc to the focused widget (clearing a search field, closing a popup)."""
        tab = self._tabs.current()
        self.cancel_action.setEnabled(bool(tab is not None and tab.running))

    # -- export -----------------------------------------------------------------------------------

    def export_text(self, kind: str, call: CallExport) -> str:
        """``call`` as ``kind`` over the current connection; ValueError with the reason."""
        return self.exports.export(kind, call)

    def call_of_tab(self, tab: RequestTab) -> CallExport:
        instance = tab.instance
        if instance is None or not instance.handle:
            raise ValueError("Select a package instance first.")
        if not tab.method():
            raise ValueError("Pick or type a method first.")
        shown = tab.answer()
        return CallExport(
            instance=instance.handle,
            method=tab.method(),
            body=tab.body_text(),
            verb=tab.verb(),
            workspace=instance.workspace_handle,
            package=instance.package_handle,
            user_handle=instance.user_handle,
            task=bool(shown is not None and shown.task is not None),
        )

    def call_of_entry(self, entry: HistoryEntry) -> CallExport:
        if not entry.instance or not entry.method:
            raise ValueError("Only method calls can be exported; this entry is an API call.")
        listed = self._explorer.instance(entry.instance) if self._explorer is not None else None
        return CallExport(
            instance=entry.instance,
            method=entry.method,
            body=entry.body_text or "",
            verb=entry.verb or "POST",
            workspace=entry.workspace,
            package=listed.package_handle if listed else None,
            user_handle=listed.user_handle if listed else None,
            task=bool(entry.task_id),
        )

    @Slot(str)
    def copy_current(self, kind: str) -> None:
        self._copy(kind, lambda: self.call_of_tab(self._tabs.current()))

    def copy_entry(self, entry: HistoryEntry, kind: str) -> None:
        self._copy(kind, lambda: self.call_of_entry(entry))

    def _copy(self, kind: str, call_of: Callable[[], CallExport]) -> None:
        try:
            text = self.export_text(kind, call_of())
        except ValueError as exc:
            self._problem(f"Could not copy as {KIND_NAMES[kind]}: {exc}")
            return
        QGuiApplication.clipboard().setText(text)
        self._status(
            f"Copied as {KIND_NAMES[kind]} (the key is read from $STEAMSHIP_API_KEY).", 5000
        )

    # -- import -----------------------------------------------------------------------------------

    @Slot()
    def ask_import(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self._window, "Import curl command", "Paste a curl command line:"
        )
        if ok and text.strip():
            self.import_curl(text)

    def import_curl(self, command: str) -> RequestTab | None:
        """Open ``command`` in a new tab; the reason in the window when it cannot be read."""
        try:
            spec = self.exports.import_curl(command)
        except CurlImportError as exc:
            self._problem(str(exc))
            return None
        tab = self._tabs.open_request(spec, reuse_blank=False)
        self._status("Imported the curl command into a new tab.", 5000)
        return tab
