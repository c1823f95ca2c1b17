"""The main window: toolbar (profile, workspace, refresh), instances sidebar, request tabs, status.

It composes small widgets and talks to services only through their methods and signals. Given no
:class:`Explorer` and :class:`RequestRunner` it is the bare frame (profile switcher, notices, the
connection summary); with them it is the explorer. Every key is a menu action (Help > Keyboard
shortcuts lists them, F1): Ctrl+Enter sends, Esc cancels, Ctrl+L focuses the method picker, Ctrl+T
and Ctrl+W open and close a tab (the Request menu), Ctrl+N creates a package instance, F5 refreshes,
Alt+1..4 show the answer's Tree, Raw, Pretty or Rendered view (View > Answer view), even while the
body editor has the focus.

``shipexplorer`` builds it in steps: the frame first (menus, toolbar, status bar, the
saved geometry), given no services; once that is painted, :meth:`MainWindow.attach` fills it in
over the services (profile switcher, explorer); built with ``defer=True``, what is still not in
view (presentation mode's switch, the docks, what the app adds with :meth:`MainWindow.build_later`)
waits for :meth:`MainWindow.build_rest_soon` (one piece per event-loop turn) or
:meth:`MainWindow.finish_building`. Given its services at construction, it attaches them at once.

The window fits the screen it opens on: its size (the default or the restored one) is clamped to
the screen's available area, the docks start tabbed at a quarter of its height, and what could
force it taller (long task texts, the docks' bodies) scrolls instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

# ``Qt`` is imported where it is used: its namespace's enums take some 40 ms to create on first
# use, which the frame does not need.
from PySide6.QtCore import QEvent, QRect, QSize, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from shipexplorer import __version__
from shipexplorer.core.window_state import WindowState, WindowStateStore
from shipexplorer.ui.widgets.screen_fit import available_rect, fit_window, frame_extra
from shipexplorer.ui.window_pieces import PieceQueue, placed

if TYPE_CHECKING:  # the explorer's modules load once the frame is painted (see attach)
    from shipexplorer.api import PackageInstance
    from shipexplorer.core.steamship_import import ImportScan
    from shipexplorer.services.catalog import PackageCatalog
    from shipexplorer.services.credentials import CredentialService
    from shipexplorer.services.document_queries import DocumentQueries
    from shipexplorer.services.explorer import Explorer
    from shipexplorer.services.exports import ExportService
    from shipexplorer.services.profile_service import ProfileService
    from shipexplorer.services.request_runner import RequestRunner
    from shipexplorer.ui.instances.explorer_view import ExplorerView
    from shipexplorer.ui.instances.instance_sidebar import InstanceSidebar
    from shipexplorer.ui.instances.workspace_selector import WorkspaceSelector
    from shipexplorer.ui.presentation.presentation_switch import PresentationSwitch
    from shipexplorer.ui.profiles.import_dialog import ImportDialog
    from shipexplorer.ui.profiles.profile_dialog import ProfileDialog
    from shipexplorer.ui.request.request_tabs import RequestTabs
    from shipexplorer.ui.response.response_view import ResponseView
    from shipexplorer.ui.widgets.notice_bar import NoticeBar
    from shipexplorer.ui.window_docks import DockServices, WindowDocks

#: View > Answer view: (menu text, body view, key)
ANSWER_VIEWS = (  # the views are ResponseView's TREE_TAB, RAW_TAB, PRETTY_TAB, RENDERED_TAB
    ("&Tree", 0, "Alt+1"),
    ("&Raw", 1, "Alt+2"),
    ("&Pretty", 2, "Alt+3"),
    ("R&endered", 3, "Alt+4"),
)
#: the size a window without a saved geometry asks for (less on a smaller screen)
DEFAULT_SIZE = QSize(1280, 860)


class MainWindow(QMainWindow):
    """Composes the window's widgets; talks to services only through their methods and signals.

    ``catalog`` (a ``PackageCatalog``) is what the "Create package instance" dialog lists;
    ``state_store`` keeps the geometry, splitters and last workspace/instance/method. With
    ``defer``, what the first frame does not show waits for :meth:`build_rest_soon` or
    :meth:`finish_building`; ``built`` is emitted once everything is built.
    """

    built = Signal()
    key_notice: NoticeBar  # these three come with attach()
    messages: NoticeBar
    summary: QLabel

    def __init__(
        self,
        profiles: ProfileService | None = None,
        credentials: CredentialService | None = None,
        *,
        emulator_base: str | None = None,
        explorer: Explorer | None = None,
        runner: RequestRunner | None = None,
        catalog: PackageCatalog | None = None,
        state_store: WindowStateStore | None = None,
        queries: DocumentQueries | None = None,
        docks: DockServices | None = None,
        exports: ExportService | None = None,
        defer: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._dressed = False
        self._profiles: ProfileService | None = None
        self._credentials: CredentialService | None = None
        self._emulator_base = emulator_base
        self._explorer: Explorer | None = None
        self._runner: RequestRunner | None = None
        self._catalog: PackageCatalog | None = None
        self._state_store = state_store
        self._queries: DocumentQueries | None = None
        self._dock_services: DockServices | None = None
        self._exports: ExportService | None = None
        self._docks: WindowDocks | None = None
        self._dialog: ProfileDialog | None = None
        self._import_dialog: ImportDialog | None = None
        self._create_dialog: QWidget | None = None
        self.view: ExplorerView | None = None
        self.sidebar: InstanceSidebar | None = None
        self.tabs: RequestTabs | None = None
        self.workspace_selector: WorkspaceSelector | None = None
        self.status_workspace: QLabel | None = None
        self._presentation: PresentationSwitch | None = None
        self.answer_view_actions: list[QAction] = []
        self._shown_once = False
        self._frame_pending = False  # shown, and the window manager's frame not seen yet
        self._later = PieceQueue(self, deferred=defer)  # what is built after the first paint
        self._later.built.connect(self.built)
        self._build_frame()
        self._state = state_store.load() if state_store is not None else None
        if self._state is not None:
            self._restore_geometry(self._state)
        else:
            self.fit_to_screen()
        if profiles is not None and credentials is not None:
            self.attach(
                profiles,
                credentials,
                explorer=explorer,
                runner=runner,
                catalog=catalog,
                queries=queries,
                docks=docks,
                exports=exports,
            )

    def _build_frame(self) -> None:
        """The window's frame: its menus, the toolbar and the status bar. This is
        all ``shipexplorer`` paints first; :meth:`attach` fills it in."""
        self.setWindowTitle("shipexplorer")
        self.resize(DEFAULT_SIZE.boundedTo(available_rect(self).size()))
        toolbar = QToolBar("Connection", self)
        toolbar.setObjectName("connection-toolbar")
        toolbar.setAccessibleName("Connection toolbar")
        toolbar.setMovable(False)
        self.toolbar = toolbar
        self.profiles_action = QAction("&Profiles…", self)
        self.profiles_action.setToolTip("Add, edit and test connection profiles (Ctrl+Shift+P)")
        self.profiles_action.triggered.connect(self.open_profiles)
        self.profiles_action.setEnabled(False)  # until the profiles are attached
        toolbar.addAction(self.profiles_action)
        self.addToolBar(toolbar)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.profiles_action)
        self._file_menu = file_menu
        self.view_menu = self.menuBar().addMenu("&View")
        self._file_tail = file_menu.addSeparator()  # pieces built later go above it
        self.quit_action = QAction("&Quit", self)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)
        self._build_help_menu()

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 2)  # the height is the editor's and the answer's
        self._layout = layout
        self.setCentralWidget(central)
        self.status_profile = QLabel(self)
        self.status_profile.setAccessibleName("Status: profile")
        self.statusBar().addPermanentWidget(self.status_profile)
        self.statusBar().showMessage("Starting…")

    def attach(
        self,
        profiles: ProfileService,
        credentials: CredentialService,
        *,
        explorer: Explorer | None = None,
        runner: RequestRunner | None = None,
        catalog: PackageCatalog | None = None,
        queries: DocumentQueries | None = None,
        docks: DockServices | None = None,
        exports: ExportService | None = None,
    ) -> None:
        """Fill the frame in over the services: the profile switcher and, given an explorer and
        a runner, the explorer (sidebar, request tabs, their actions); the docks and presentation
        mode wait for :meth:`build_rest_soon` in a deferred window. Called once."""
        from shipexplorer.ui.profiles.profile_switcher import ProfileSwitcher
        from shipexplorer.ui.window_icons import dress_window

        if self._profiles is not None:
            raise RuntimeError("the window's services are attached already")
        self._profiles, self._credentials = profiles, credentials
        self._explorer, self._runner, self._catalog = explorer, runner, catalog
        self._queries, self._dock_services, self._exports = queries, docks, exports
        toolbar, file_menu = self.toolbar, self._file_menu
        self._frame_keys()
        self.statusBar().clearMessage()
        self._build_notices()
        self.switcher = ProfileSwitcher(profiles, toolbar)
        toolbar.insertWidget(self.profiles_action, self.switcher)
        self.profiles_action.setEnabled(True)
        if explorer is not None and runner is not None:
            self.summary.hide()  # the explorer takes its place; the status bar names the profile
            with placed(file_menu, self._file_tail):
                view = self._build_explorer(explorer, runner, toolbar, file_menu)
            self._layout.addWidget(view, 1)
        self._keep_help_last()
        dress_window(self)  # toolbar icons beside labels, menu icons (ui/window_icons.py)
        self._dressed = True

        profiles.currentChanged.connect(self._current_changed)
        profiles.problem.connect(self._problem)
        profiles.importsFound.connect(self._offer_import)
        credentials.modeChanged.connect(self._mode_changed)
        credentials.problem.connect(self._credential_problem)
        self._current_changed("")
        if self._state is not None:
            self._restore_content(self._state)

    def _keep_help_last(self) -> None:
        """Menus added after the frame's (Request) go before Help, which stays last."""
        bar, help_action = self.menuBar(), self.help_menu.menuAction()
        actions = bar.actions()
        for action in actions[actions.index(help_action) + 1 :]:
            bar.removeAction(action)
            bar.insertAction(help_action, action)

    def _frame_keys(self) -> None:
        """The frame's keys (Profiles, Quit, Help), set once it is painted: setting a shortcut
        loads the Qt namespace (see the imports), and no key reaches the frame before."""
        self.profiles_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        keys = QKeySequence.keyBindings(QKeySequence.StandardKey.HelpContents)
        self.shortcuts_action.setShortcuts(keys or [QKeySequence("F1")])

    def _build_notices(self) -> None:
        """The key storage notice and the messages above the explorer, and the connection
        summary that stands in for it in a window without one (all hidden while empty)."""
        from PySide6.QtCore import Qt

        from shipexplorer.ui.widgets.notice_bar import NoticeBar

        self.key_notice = NoticeBar("Key storage notice", closable=False)
        self.messages = NoticeBar("Messages")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName("Connection summary")
        self._layout.addWidget(self.key_notice)
        self._layout.addWidget(self.messages)
        self._layout.addWidget(self.summary, 1)

    def is_attached(self) -> bool:
        """Whether :meth:`attach` has filled the frame in."""
        return self._profiles is not None

    def _build_explorer(
        self, explorer: Explorer, runner: RequestRunner, toolbar: QToolBar, menu: QMenu
    ) -> QWidget:
        from PySide6.QtCore import Qt

        from shipexplorer.ui.instances.explorer_view import ExplorerView
        from shipexplorer.ui.instances.workspace_selector import WorkspaceSelector
        from shipexplorer.ui.request.request_actions import RequestActions

        self.workspace_selector = WorkspaceSelector(explorer, toolbar)
        toolbar.addSeparator()
        toolbar.addWidget(self.workspace_selector)
        self.new_workspace_action = QAction("New &workspace…", self)
        self.new_workspace_action.setToolTip("Create a workspace (or fetch it) and switch to it")
        self.new_workspace_action.triggered.connect(self.workspace_selector.ask_new_workspace)
        toolbar.addAction(self.new_workspace_action)
        self.refresh_action = QAction("Refresh", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.setToolTip("Reload workspaces, instances and methods (F5)")
        self.refresh_action.triggered.connect(explorer.refresh)
        toolbar.addAction(self.refresh_action)
        self.create_instance_action = QAction("Create package instance", self)
        self.create_instance_action.setShortcut(QKeySequence("Ctrl+N"))
        self.create_instance_action.setToolTip("Create a package instance from a form (Ctrl+N)")
        self.create_instance_action.triggered.connect(self.open_create_instance)
        self.create_instance_action.setEnabled(self._catalog is not None)
        toolbar.addAction(self.create_instance_action)
        for action in (self.new_workspace_action, self.refresh_action):
            menu.addAction(action)
        menu.addAction(self.create_instance_action)

        self.view = ExplorerView(explorer, runner, self, self._queries)
        self.sidebar, self.tabs, self.splitter = self.view.sidebar, self.view.tabs, self.view
        explorer.currentWorkspaceChanged.connect(self._workspace_changed)
        explorer.errorChanged.connect(self._explorer_error)
        runner.inFlightChanged.connect(self._in_flight)
        runner.saved.connect(self._saved)

        self.status_workspace = QLabel("Workspace: …", self)
        self.status_workspace.setAccessibleName("Status: workspace")
        self.status_requests = QLabel("No requests in flight", self)
        self.status_requests.setAccessibleName("Status: requests in flight")
        self.statusBar().addPermanentWidget(self.status_workspace)
        self.statusBar().addPermanentWidget(self.status_requests)
        if self._exports is None:
            raise ValueError("the explorer window needs the export service")
        self.request_actions = RequestActions(
            self,
            self.tabs,
            self._exports,
            explorer,
            self.statusBar().showMessage,
            self.messages.show_message,
        )
        self._build_answer_views(self.view_menu)
        self.view_menu.addSeparator()
        self.build_later(self._build_presentation, "presentation")
        if self._dock_services is not None:
            self.build_later(self._build_docks, "docks")
        return self.view

    # -- what the first frame does not show --------------------------------------------------------

    def build_later(self, piece: Callable[[], None], name: str = "") -> None:
        """Build ``piece`` after the first paint (at once in a window built without ``defer``);
        a named piece is also built as soon as it is asked for (:meth:`build_now`)."""
        self._later.add(piece, name)

    def build_now(self, name: str) -> None:
        """Build the waiting pieces called ``name`` now, if they still wait."""
        self._later.build_now(name)

    def build_rest_soon(self, then: Callable[[], None] | None = None) -> None:
        """Build what waits, one piece per event-loop turn (the window paints in between), then
        call ``then``."""
        from PySide6.QtCore import Qt

        if then is not None:
            self.built.connect(then, Qt.ConnectionType.SingleShotConnection)
        self._later.build_soon()

    def finish_building(self) -> None:
        """Build at once whatever still waits (tests, and anything that needs the docks now)."""
        self._later.finish()

    def is_built(self) -> bool:
        return self._later.is_empty()

    @property
    def docks(self) -> WindowDocks | None:
        """The docks (built on this first access if they still wait)."""
        self.build_now("docks")
        return self._docks

    def docks_if_built(self) -> WindowDocks | None:
        return self._docks

    @property
    def presentation(self) -> PresentationSwitch | None:
        """Presentation mode's switch (built on this first access if it still waits)."""
        self.build_now("presentation")
        return self._presentation

    @property
    def present_action(self) -> QAction | None:
        switch = self.presentation
        return switch.action if switch is not None else None

    def _build_presentation(self) -> None:
        from shipexplorer.ui.presentation.presentation_switch import PresentationSwitch

        docks = self._dock_services
        first = self.view_menu.actions()[0] if self.view_menu.actions() else None
        with placed(self.view_menu, first):  # the switch heads the View menu
            self._presentation = PresentationSwitch(
                self,
                self.view_menu,
                self._explorer,
                self._runner,
                tracker=docks.tracker if docks else None,
                saved=docks.saved if docks else None,
                queries=self._queries,
                exports=self._exports,
            )

    def _build_docks(self) -> None:
        """The docks, one per event-loop turn when the window is deferred (then their wiring
        and their icons)."""
        from shipexplorer.ui.window_docks import WindowDocks
        from shipexplorer.ui.window_icons import dress_docks

        docks = WindowDocks(
            self,
            self.tabs,
            self._dock_services,
            self.view_menu,
            self._file_menu,
            self.request_actions,
            self.statusBar().showMessage,
            self.messages.show_message,
            defer=True,
        )
        self._docks = docks
        steps = [lambda step=step: self._in_menus(step) for step in docks.steps()]
        if self._dressed:  # else dress_window dresses them with the rest
            steps.append(lambda: dress_docks(self))
        self._later.add_next(steps, "docks")  # next in line, under the same name

    def _in_menus(self, step: Callable[[], None]) -> None:
        with placed(self._file_menu, self._file_tail):
            step()

    def _build_answer_views(self, view_menu: QMenu) -> None:
        """View > Answer view: window-wide Alt+1..4, so they switch the answer's view wherever
        the focus is (the body editor included) instead of typing a digit."""
        from PySide6.QtCore import Qt

        view_menu.addSeparator()
        menu = view_menu.addMenu("&Answer view")
        menu.menuAction().setToolTip("Show the answer as a tree, raw text, pretty text or rendered")
        group = QActionGroup(self)
        for text, index, keys in ANSWER_VIEWS:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setCheckable(True)
            action.setToolTip(f"Show the answer's {text.replace('&', '')} view ({keys})")
            action.triggered.connect(lambda _checked=False, i=index: self.show_answer_view(i))
            group.addAction(action)
            menu.addAction(action)
            self.addAction(action)
            self.answer_view_actions.append(action)
        menu.aboutToShow.connect(self._check_answer_view)
        self.answer_view_menu = menu

    def current_answer_view(self) -> ResponseView | None:
        """The answer Alt+1..4 act on: the one holding the focus (a task's output, say), else
        the current request tab's."""
        from shipexplorer.ui.response.response_view import ResponseView

        widget = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, ResponseView):
            widget = widget.parentWidget()
        if widget is not None and self.isAncestorOf(widget):
            return widget
        tab = self.tabs.current() if self.tabs is not None else None
        return tab.response if tab is not None else None

    @Slot(int)
    def show_answer_view(self, index: int) -> bool:
        """Show body view ``index`` of the current answer; says so when the answer has none."""
        view = self.current_answer_view()
        if view is None:
            return False
        if view.show_view(index):
            return True
        name = next(t for t, i, _k in ANSWER_VIEWS if i == index).replace("&", "")
        self.statusBar().showMessage(f"This answer has no {name} view.", 4000)
        return False

    @Slot()
    def _check_answer_view(self) -> None:
        view = self.current_answer_view()
        shown = view.views.currentIndex() if view is not None else -1
        for action, (_text, index, _keys) in zip(
            self.answer_view_actions, ANSWER_VIEWS, strict=True
        ):
            action.setChecked(index == shown)

    # -- help -------------------------------------------------------------------------------------

    def _build_help_menu(self) -> None:
        menu = self.menuBar().addMenu("&Help")
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.setToolTip("Every key of this window, from its menus and panels")
        self.shortcuts_action.triggered.connect(self.open_shortcuts)
        self.about_action = QAction("&About shipexplorer", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.setToolTip("Version, libraries, key storage and folders")
        self.about_action.triggered.connect(self.open_about)
        menu.addAction(self.shortcuts_action)
        menu.addSeparator()
        menu.addAction(self.about_action)
        self.help_menu = menu

    @Slot()
    def open_shortcuts(self) -> QWidget:
        from shipexplorer.ui.help.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        self._show_dialog(dialog)
        return dialog

    @Slot()
    def open_about(self) -> QWidget:
        from shipexplorer.ui.help.about_dialog import AboutDialog

        dialog = AboutDialog(self)
        self._show_dialog(dialog)
        return dialog

    def _show_dialog(self, dialog: QWidget) -> None:
        from PySide6.QtCore import Qt

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        fit_window(dialog, available_rect(self))
        dialog.raise_()
        dialog.activateWindow()

    # -- slots -----------------------------------------------------------------------------------

    @Slot(str)
    def _current_changed(self, _name: str) -> None:
        profile = self._profiles.current() if self._profiles is not None else None
        name = profile.name if profile else None
        self.setWindowTitle(f"shipexplorer — {name}" if name else "shipexplorer")
        self.status_profile.setText(f"Profile: {name}" if name else "No profile")
        lines = [f"<h2>shipexplorer {__version__}</h2>"]
        if profile is None:
            lines.append("No connection profile yet: add one with Profiles… (Ctrl+Shift+P).")
        else:
            settings = profile.settings
            workspace = settings.workspace_handle or settings.workspace_id or "default"
            lines.append(f"Profile <b>{name}</b>: {settings.api_base}, workspace {workspace}.")
        if self._emulator_base:
            lines.append(
                f"The local emulator serves at {self._emulator_base} with its demo packages "
                "(echo, greeter, slow-job, faults, media, agent, slow-init, broken-init); its demo "
                "key is held in memory only."
            )
        self.summary.setText("<p>" + "</p><p>".join(lines) + "</p>")
        if self.view is not None:  # the summary itself is hidden: the status bar tells it
            self.status_profile.setToolTip(self.summary.text())

    def set_emulator_base(self, base: str | None) -> None:
        """Name the local emulator in the summary once it is up (it starts after first paint)."""
        self._emulator_base = base
        self._current_changed("")

    @Slot(bool, str)
    def _mode_changed(self, secure: bool, explanation: str) -> None:
        if secure:
            self.key_notice.hide()
        else:
            self.key_notice.show_message(f"No secure keyring. {explanation}")

    @Slot(str, str, bool)
    def _credential_problem(self, _profile: str, message: str, retryable: bool) -> None:
        if retryable and self._credentials is not None:
            self.messages.show_message(message, "Retry", self._credentials.retry)
        else:
            self.messages.show_message(message)

    @Slot(str)
    def _problem(self, message: str) -> None:
        self.messages.show_message(message)

    @Slot(object)
    def _offer_import(self, scan: ImportScan) -> None:
        from shipexplorer.ui.profiles.import_dialog import ImportDialog

        if self._import_dialog is not None:
            self._import_dialog.close()
        self._import_dialog = ImportDialog(scan, self._profiles, self)
        self._import_dialog.show()

    @Slot()
    def open_profiles(self) -> None:
        if self._profiles is None or self._credentials is None:
            return  # the frame is painted, its services not attached yet
        if self._dialog is None:
            from shipexplorer.ui.profiles.profile_dialog import ProfileDialog

            self._dialog = ProfileDialog(self._profiles, self._credentials, self)
        self._dialog.show()
        self._dialog.raise_()
        self._dialog.activateWindow()

    # -- explorer ---------------------------------------------------------------------------------

    @Slot()
    def send_request(self) -> None:
        if self.tabs is not None:
            self.tabs.send()

    @Slot()
    def cancel_request(self) -> None:
        if self.tabs is not None:
            self.tabs.cancel_current()

    @Slot()
    def focus_method(self) -> None:
        if self.tabs is not None:
            self.tabs.current().focus_method()

    @Slot(str)
    def _workspace_changed(self, handle: str) -> None:
        if self.status_workspace is not None:
            self.status_workspace.setText(f"Workspace: {handle or 'default'}")

    @Slot(str, str)
    def _explorer_error(self, area: str, message: str) -> None:
        if message:
            self.statusBar().showMessage(message, 10000)

    @Slot(int)
    def _in_flight(self, count: int) -> None:
        self.status_requests.setText(
            f"Requests in flight: {count}" if count else "No requests in flight"
        )
        self.request_actions.update_cancel()

    @Slot(str, str)
    def _saved(self, path: str, error: str) -> None:
        if error:
            self.messages.show_message(error)
        else:
            self.statusBar().showMessage(f"Saved {path}", 5000)

    @Slot()
    def open_create_instance(self) -> None:
        """The "Create package instance" dialog (a window given no catalog has none)."""
        if self._catalog is None:
            return
        # imported on first use: the dialog is not needed for the first paint
        from shipexplorer.ui.instances.create_instance_dialog import CreateInstanceDialog

        if self._create_dialog is None:
            self._create_dialog = CreateInstanceDialog(self._catalog, self)
            self._create_dialog.created.connect(self._instance_created)
        self._create_dialog.show()
        self._create_dialog.raise_()
        self._create_dialog.activateWindow()

    @Slot(object)
    def _instance_created(self, instance: PackageInstance) -> None:
        if self._explorer is None or instance is None:
            return
        if self.view is not None:
            self.view.select_when_listed(instance.handle)

    # -- window state -----------------------------------------------------------------------------

    def current_state(self) -> WindowState:
        state = WindowState(geometry=WindowState.encode(self.saveGeometry().data()))
        if self._profiles is None:  # closed before it was filled in: keep what was saved
            if self._state is not None:
                self._state.geometry = state.geometry
                return self._state
            return state
        profile = self._profiles.current()
        state.profile = profile.name if profile else None
        if self.view is not None:
            self.view.save(state)
        return state

    def restore_state(self, state: WindowState, available: QRect | None = None) -> None:
        """Geometry (clamped to the screen: ``available``, by default the available area of the
        screen it opens on) and splitters now; workspace, instance and method as they are
        listed."""
        self._restore_geometry(state, available)
        self._restore_content(state)

    def _restore_geometry(self, state: WindowState, available: QRect | None = None) -> None:
        if geometry := WindowState.decode(state.geometry):
            self.restoreGeometry(geometry)
        self.fit_to_screen(available)

    def _restore_content(self, state: WindowState) -> None:
        from shipexplorer.ui.widgets.splitter_sizes import release

        if self.view is not None:
            self.view.restore(state)
            if state.splitters.get("request") and self.tabs is not None:
                release(self.tabs.current().splitter)  # the user's own split comes back
        profiles = self._profiles
        if state.profile and profiles is not None and profiles.profile(state.profile) is not None:
            profiles.select(state.profile)

    def fit_to_screen(self, available: QRect | None = None) -> QRect:
        """Shrink and move the window so that its frame lies inside ``available`` (by default
        the available area of the screen it is on); returns that frame rectangle."""
        return fit_window(self, available)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown_once:
            return
        self._shown_once = True
        self._frame_pending = True
        self.fit_to_screen()
        if self._docks is not None:
            self._docks.start_small()
        QTimer.singleShot(0, self._settle)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if self._frame_pending and event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            extra = frame_extra(self)
            if extra.width() or extra.height():  # the window manager framed it: fit again
                self._frame_pending = False
                QTimer.singleShot(0, self.fit_to_screen)
        return handled

    @Slot()
    def _settle(self) -> None:
        """Once laid out: the docks at their share of the final height, the frame on screen."""
        self.fit_to_screen()
        if self._docks is not None:
            self._docks.start_small()

    def save_state(self) -> None:
        if self._state_store is not None:
            self._state_store.save(self.current_state())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._presentation is not None:
            self._presentation.close()
        self.save_state()
        if self._runner is not None:
            self._runner.cancel_all()
        super().closeEvent(event)
