"""Every request tab kept as a draft, so all of them come back after a restart, a crash or a kill:
their target (profile, workspace, instance), method, verb, body, order, the one that was shown,
and the saved request each shows.

A draft never holds an API key: with a :class:`~shipexplorer.services.key_guard.KeyGuard`, a key
typed into a tab is written as ``{{STEAMSHIP_API_KEY}}`` (the tab itself keeps what was typed).

When the tabs' layout changes (a tab made current, moved, closed), only the tabs whose place or
current flag changed are written again: making a tab current (each Send from another tab does)
used to rebuild the draft of every tab, body and key scan included (about 30 ms on the GUI thread
with twenty 100 kB bodies)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from shipexplorer.core.tab_draft import TabDraft
from shipexplorer.services.drafts import DraftStore
from shipexplorer.services.key_guard import KeyGuard
from shipexplorer.ui.request.request_tabs import RequestTab, RequestTabs


class TabSession(QObject):
    """Writes a draft of each tab when it changes, forgets it when the tab closes, and opens the
    drafts of an earlier run with :meth:`restore`. ``key_guard`` says which keys a draft must
    not hold (None: none is looked for)."""

    def __init__(
        self,
        tabs: RequestTabs,
        drafts: DraftStore,
        parent: QObject | None = None,
        *,
        key_guard: KeyGuard | None = None,
    ):
        super().__init__(parent or tabs)
        self._tabs = tabs
        self._drafts = drafts
        self.key_guard = key_guard
        #: each tab's place (position, current) as its draft was last made
        self._placed: dict[str, tuple[int, bool]] = {}
        for tab in tabs.tabs():
            self._watch(tab)
        tabs.tabOpened.connect(self._watch)
        tabs.tabClosed.connect(drafts.discard)
        tabs.layoutChanged.connect(self._all_changed)

    def restore(self, store: DraftStore | None = None) -> int:
        """Open the tabs an earlier run left, in their order; returns how many came back. A
        blank first tab gives its place to them. ``store`` replaces the drafts store first."""
        if store is not None and store is not self._drafts:
            self._tabs.tabClosed.disconnect(self._drafts.discard)
            self._drafts = store
            self._tabs.tabClosed.connect(store.discard)
        drafts = self._drafts.load_tabs()
        blank = self._tabs.current() if self._tabs.count() == 1 else None
        opened = self._tabs.restore(drafts)
        if opened and blank is not None and blank.is_blank() and self._tabs.count() > 1:
            self._tabs.close_tab(self._tabs.indexOf(blank))
        self._all_changed(every=True)  # their drafts replace the adopted ones at the next write
        return opened

    @Slot(object)
    def _watch(self, tab: RequestTab) -> None:
        tab.edited.connect(lambda: self._changed(tab))

    def _changed(self, tab: RequestTab) -> None:
        self._drafts.update_later(tab.key, lambda: self._draft_of(tab))

    @Slot()
    def _all_changed(self, every: bool = False) -> None:
        """The layout changed: a new draft of each tab whose place changed (``every``: all)."""
        current = self._tabs.current()
        for index, tab in enumerate(self._tabs.tabs()):
            if every or self._placed.get(tab.key) != (index, tab is current):
                self._changed(tab)

    def _draft_of(self, tab: RequestTab) -> TabDraft:
        """The draft of ``tab``, made when it is written: a known key becomes the reference."""
        place = (self._tabs.indexOf(tab), tab is self._tabs.current())
        self._placed[tab.key] = place
        draft = tab.to_draft(*place)
        guard = self.key_guard
        return guard.draft_without_keys(draft) if guard is not None else draft
