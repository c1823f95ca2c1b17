"""Several requests at once, one tab each: a request panel above its response view.

A tab is a document: it is bound to a target (profile, workspace, instance) and holds a method,
a verb and a body. Only the user's own edit of a tab changes it: clicking an instance in the
sidebar focuses a tab bound to that instance, or opens one. A tab opened that way is a *preview*
(as in editors): the next click replaces it until it is edited or sent. Switching profile or
workspace changes what the sidebar lists, never what a tab targets; a tab of another profile says
so and sends with its own. Titles are unique and say instance and method (a saved request's tab
carries the saved name, with a mark while it differs from the file).

Why tabs rather than a request list: each request keeps its own editable body, method and answer
side by side, the way browsers and API clients taught users; a tab shows at a glance which
requests still run, and closing a tab cancels its request. Sending again from a tab whose request
still runs opens the new request in a new tab, so neither answer is lost.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import QStyle, QTabBar, QTabWidget, QToolButton, QWidget
from shiboken6 import isValid

from shipexplorer.api import PackageInstance
from shipexplorer.core.documents.answer import Answer
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.core.tab_draft import TabDraft
from shipexplorer.services.blocks import BlockFetcher
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.frame_updates import FrameCoalescer
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.ui.request.request_tab import RequestTab
from shipexplorer.ui.style import icons
from shipexplorer.ui.style.metrics import space


class RequestTabs(QTabWidget):
    """The tabs; routes the runner's outcomes to the tab that sent each request.

    Signals:
        tabOpened(object): a new ``RequestTab``.
        tabClosed(str): the key of a tab that was closed.
        currentTabChanged(object): the shown ``RequestTab`` changed (or its target did).
        layoutChanged(): tabs moved, opened or closed (drafts keep their order).
    """

    tabOpened = Signal(object)
    tabClosed = Signal(str)
    currentTabChanged = Signal(object)
    layoutChanged = Signal()

    def __init__(
        self,
        explorer: Explorer,
        runner: RequestRunner,
        parent=None,
        queries: DocumentQueries | None = None,
    ) -> None:
        super().__init__(parent)
        self._explorer = explorer
        self._runner = runner
        self._queries = queries
        self._blocks = BlockFetcher(explorer.clients, explorer.pool, self)
        self._by_id: dict[int, RequestTab] = {}
        #: tab titles change at most once per frame (twenty answers landing at once: one relayout)
        self.titles = FrameCoalescer(self._retitle, self)
        self._live: QWidget | None = None  # the one tab that takes repaints (_paint_current_only)
        self.setAccessibleName("Requests")
        self.setTabsClosable(False)  # a close button of our own per tab (_add_close_button)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.setUsesScrollButtons(True)
        self.setElideMode(Qt.TextElideMode.ElideMiddle)
        self.new_tab_button = QToolButton(self)
        self.new_tab_button.setText("+")
        self.new_tab_button.setAccessibleName("New request tab")
        self.new_tab_button.setToolTip("A new request tab (Ctrl+T)")
        self.new_tab_button.clicked.connect(lambda: self.new_tab())
        self.setCornerWidget(self.new_tab_button, Qt.Corner.TopRightCorner)
        self.tabCloseRequested.connect(self.close_tab)
        self.currentChanged.connect(self._current_changed)
        self.tabBar().tabMoved.connect(lambda *_: self.layoutChanged.emit())
        runner.finished.connect(self._finished)
        runner.failed.connect(self._finished)
        runner.cancelled.connect(self._cancelled)
        runner.progress.connect(self._progress)
        explorer.methodsChanged.connect(self._methods)
        explorer.methodsFailed.connect(self._methods_failed)
        explorer.instancesChanged.connect(self._instances)
        explorer.clients.profiles.currentChanged.connect(self._profile_changed)
        explorer.clients.credentials.keyLoaded.connect(self._key_loaded)
        explorer.clients.profiles.profilesChanged.connect(self._profiles_listed)
        icons.hub().refreshed.connect(self._recolour)  # verb icons, in the theme's colours
        icons.bind(self.new_tab_button, "new tab")
        self.setIconSize(QSize(space(3), space(3)))  # verb icons no taller than the title
        self.new_tab()

    def tabs(self) -> list[RequestTab]:
        return [self.widget(i) for i in range(self.count())]

    def current(self) -> RequestTab:
        return self.currentWidget()

    def current_profile(self) -> str | None:
        return self._explorer.clients.current_profile()

    def known_profile(self, name: str | None) -> str | None:
        """``name`` when such a profile exists (a history entry's may be gone), else None."""
        return name if name and self._explorer.clients.profiles.profile(name) else None

    # -- opening ------------------------------------------------------------------------------

    def new_tab(self, copy_of: RequestTab | None = None, *, blank: bool = False) -> RequestTab:
        """A new tab: a copy of ``copy_of``, else bound to the current tab's instance (unless
        ``blank``)."""
        tab = RequestTab(self._explorer, self._runner, self, self._queries, self._blocks)
        if copy_of is not None:
            tab.copy_from(copy_of)
        elif not blank and self.count() and self.current().instance is not None:
            current = self.current()
            tab.bind(current.instance, current.profile, listed=current.listed)
        tab.sendRequested.connect(lambda: self.send(tab))
        tab.titleChanged.connect(self.titles.request)
        tab.switchProfileRequested.connect(self._switch_profile)
        index = self.addTab(tab, tab.base_title())
        self._add_close_button(index, tab)
        self.setCurrentIndex(index)
        self._retitle()
        self.tabOpened.emit(tab)
        self.layoutChanged.emit()
        return tab

    def tab_for(self, profile: str | None, workspace: str | None, handle: str) -> RequestTab | None:
        """A tab bound to that instance (the current one first)."""
        tabs = self.tabs()
        tabs.sort(key=lambda t: t is not self.current())
        return next(
            (
                t
                for t in tabs
                if t.handle == handle
                and (t.profile or self.current_profile()) == profile
                and (t.workspace in (None, workspace) or workspace is None)
            ),
            None,
        )

    def open_instance(self, instance: PackageInstance | None) -> RequestTab | None:
        """The user picked ``instance`` in the sidebar: focus a tab bound to it, or let the
        preview tab (or a blank current tab) take it, or open a preview tab for it. No other tab
        changes its target."""
        if instance is None or not instance.handle:
            return None
        profile = self.current_profile()
        tab = self.tab_for(profile, instance.workspace_handle, instance.handle)
        if tab is not None:
            tab.adopt(instance)
            self.setCurrentWidget(tab)
            return tab
        current = self.current()
        if current is not None and current.is_blank():
            tab = current
        else:
            tab = next((t for t in self.tabs() if t.preview and not t.running), None)
            if tab is None:
                tab = self.new_tab(blank=True)
        tab.bind(instance, profile, listed=True, fresh=True)  # a blank or preview tab
        tab.preview = True
        tab.profile_switched()
        self.setCurrentWidget(tab)
        self.currentTabChanged.emit(tab)
        return tab

    def open_request(
        self,
        spec: RequestSpec,
        *,
        reuse_blank: bool = True,
        saved_rel: str | None = None,
        profile: str | None = None,
    ) -> RequestTab:
        """A tab holding ``spec`` (the current tab when it is blank and unused); with
        ``saved_rel`` the tab shows that saved request (its name is the title)."""
        tab = self.current() if reuse_blank and self.count() else None
        if tab is None or not tab.is_blank():
            tab = self.new_tab(blank=True)
        profile = profile or self.current_profile()
        workspace = spec.workspace or self._explorer.current_workspace() or None
        record = self._listed(spec.instance, workspace) if spec.instance else None
        if spec.instance and record is None and workspace and not spec.workspace:
            spec = RequestSpec(**{**spec.to_dict(), "workspace": workspace})
        tab.load_spec(spec, record, profile)
        if saved_rel is not None:
            tab.mark_saved(saved_rel, spec)
        self.setCurrentWidget(tab)
        self.currentTabChanged.emit(tab)
        return tab

    def restore(self, drafts: list[TabDraft]) -> int:
        """Open the tabs an earlier run left, in their order; returns how many came back."""
        opened, current = 0, None
        for draft in drafts:
            spec = draft.spec
            if not (spec.instance or spec.method or spec.body.strip() or draft.saved_rel):
                continue
            tab = self.open_request(spec, profile=draft.profile)
            if draft.saved_rel is not None:
                tab.mark_saved(draft.saved_rel, draft.saved_spec or spec)
            tab.preview = draft.preview
            opened += 1
            if draft.current:
                current = tab
        if current is not None:
            self.setCurrentWidget(current)
        return opened

    def _listed(self, handle: str | None, workspace: str | None) -> PackageInstance | None:
        return next(
            (
                i
                for i in self._explorer.instances()
                if i.handle == handle and (workspace is None or i.workspace_handle == workspace)
            ),
            None,
        )

    def tab_for_request(self, request_id: int | None) -> RequestTab | None:
        """The tab that sent request ``request_id`` (if it is still open)."""
        if request_id is None:
            return None
        return next((t for t in self.tabs() if t.last_request_id == request_id), None)

    # -- sending and closing ---------------------------------------------------------------------

    def send(self, tab: RequestTab | None = None) -> RequestTab | None:
        """Send ``tab`` (the current one by default); a running tab sends from a new copy."""
        tab = tab or self.current()
        if tab.running:
            tab = self.new_tab(copy_of=tab)
        if not tab.send():
            return None
        self._by_id[tab.request_id] = tab
        return tab

    def cancel_current(self) -> None:
        self.current().cancel()

    def close_current(self) -> None:
        """Close the current tab (Ctrl+W): cancels its request; the last tab is replaced."""
        self.close_tab(self.currentIndex())

    def set_instance(self, instance: PackageInstance | None) -> None:
        """The user picked ``instance`` (as a sidebar click does)."""
        self.open_instance(instance)

    def _add_close_button(self, index: int, tab: RequestTab) -> None:
        """A neutral close icon (not the style's red cross) that closes its own tab."""
        button = QToolButton(self)
        button.setAutoRaise(True)
        button.setText("✕")  # until the icon is loaded
        button.setFixedSize(space(4), space(4))
        button.setIconSize(QSize(space(3), space(3)))
        button.setAccessibleName("Close tab")
        button.setToolTip("Close this tab (Ctrl+W)")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+W is the keyboard path
        button.clicked.connect(lambda: self.close_tab(self.indexOf(tab)))
        icons.bind(button, "close tab")
        bar = self.tabBar()
        side = QTabBar.ButtonPosition(
            bar.style().styleHint(QStyle.StyleHint.SH_TabBar_CloseButtonPosition, None, bar)
        )
        bar.setTabButton(index, side, button)

    @Slot(int)
    def close_tab(self, index: int) -> None:
        tab = self.widget(index)
        if tab is None:
            return
        tab.cancel()
        tab.release()
        self.removeTab(index)
        self.tabClosed.emit(tab.key)
        tab.deleteLater()
        if self.count() == 0:
            self.new_tab()
        self._retitle()
        self.layoutChanged.emit()

    # -- titles ---------------------------------------------------------------------------------

    @Slot()
    def _recolour(self) -> None:
        for tab in self.tabs():
            tab.setProperty("verbIcon", None)
        self._retitle()

    @Slot()
    def _retitle(self) -> None:
        """Every tab's title, numbered where two would read the same."""
        tabs = self.tabs()
        bases = [t.base_title() for t in tabs]
        counts = Counter(bases)
        seen: Counter[str] = Counter()
        for index, (tab, base) in enumerate(zip(tabs, bases, strict=True)):
            seen[base] += 1
            title = base if counts[base] == 1 or seen[base] == 1 else f"{base} ({seen[base]})"
            text = tab.decorate(title)
            if self.tabText(index) != text:  # each change relays out the whole tab bar
                self.setTabText(index, text)
            if icons.ready():
                verb = tab.verb()
                if tab.property("verbIcon") != verb:
                    tab.setProperty("verbIcon", verb)
                    self.setTabIcon(index, icons.icon(f"verb {verb}"))
            tip = tab.describe_target()
            if self.tabToolTip(index) != tip:
                self.setTabToolTip(index, tip)

    # -- slots ----------------------------------------------------------------------------------

    def tabInserted(self, index: int) -> None:
        super().tabInserted(index)
        page = self.widget(index)
        if page is not None and page is not self.currentWidget():
            page.setUpdatesEnabled(False)

    def _paint_current_only(self) -> None:
        """Only the current tab takes repaints. At each switch Qt's stacked layout turns updates
        off and on again for its whole subtree, every tab's widgets (``setUpdatesEnabled``
        recurses; 7% of the GUI thread's samples during twenty sends), growing with each tab. A
        tab whose own updates are off is skipped, so a hidden tab keeps them off until it is
        current again."""
        current = self.currentWidget()
        live = self._live
        if live is not None and live is not current and isValid(live):
            live.setUpdatesEnabled(False)
        if current is not None:
            current.setUpdatesEnabled(True)
        self._live = current

    @Slot(int)
    def _current_changed(self, _index: int) -> None:
        self._paint_current_only()
        tab = self.current()
        if tab is not None:
            tab.load_methods()
            self.currentTabChanged.emit(tab)
        self.layoutChanged.emit()

    @Slot(str)
    def _switch_profile(self, name: str) -> None:
        self._explorer.clients.profiles.select(name)

    @Slot(str)
    def _profile_changed(self, _name: str) -> None:
        for tab in self.tabs():
            tab.profile_switched()
        if self.count():
            self.currentTabChanged.emit(self.current())

    @Slot(str, bool)
    def _key_loaded(self, profile: str, found: bool) -> None:
        """A profile's key arrived from the keyring: its tabs may load their methods now."""
        for tab in self.tabs():
            if tab.profile != profile:
                continue
            if found:
                tab.retry_methods(load=tab is self.current())
            else:
                tab.set_methods_error(
                    f"The profile “{profile}” has no API key stored: add one with Profiles… "
                    "to load this instance's methods and send."
                )

    @Slot()
    def _profiles_listed(self) -> None:
        """The profiles were read (or changed): a tab waiting for its profile tries again."""
        current = self.current()
        if current is not None and current.instance is not None:
            current.load_methods()

    @Slot(int, object)
    def _finished(self, request_id: int, answer: Answer) -> None:
        tab = self._by_id.pop(request_id, None)
        if tab is not None and self.indexOf(tab) >= 0:
            tab.ended(answer)

    @Slot(int, int, int)
    def _progress(self, request_id: int, received: int, total: int) -> None:
        tab = self._by_id.get(request_id)
        if tab is not None:
            tab.show_progress(received, total)

    @Slot(int)
    def _cancelled(self, request_id: int) -> None:
        tab = self._by_id.pop(request_id, None)
        if tab is not None and self.indexOf(tab) >= 0:
            tab.ended(None)

    @Slot(str, object)
    def _methods(self, handle: str, _spec) -> None:
        for tab in self.tabs():
            if tab.handle == handle:
                tab.methods_arrived()

    @Slot(str, str)
    def _methods_failed(self, handle: str, message: str) -> None:
        for tab in self.tabs():
            if tab.handle == handle:
                tab.set_methods_error(message)

    @Slot(object)
    def _instances(self, instances: list) -> None:
        """Tabs of the current profile whose instance is listed take up its record (package,
        state). Nothing is unbound: a tab keeps its target whatever the sidebar lists."""
        profile = self.current_profile()
        for tab in self.tabs():
            if tab.instance is None or (tab.profile or profile) != profile:
                continue
            record = next(
                (
                    i
                    for i in instances
                    if i.handle == tab.handle
                    and (tab.workspace is None or i.workspace_handle == tab.workspace)
                ),
                None,
            )
            if record is not None:
                tab.adopt(record)
