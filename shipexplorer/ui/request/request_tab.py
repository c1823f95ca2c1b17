"""One request tab: a request panel above its response view, bound to its own target.

A tab is a document: its target (profile, workspace, instance), method, verb and body change only
by the user's own edit of it (or when a blank or preview tab takes an instance). A tab of another
profile than the current one says so and sends with its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from shipexplorer.api import PackageInstance, PackageSpec
from shipexplorer.core.documents.answer import Answer
from shipexplorer.core.documents.json_body import BodyError
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.core.tab_draft import TabDraft, same_request
from shipexplorer.services.blocks import BlockFetcher
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.ui.request.request_panel import RequestPanel
from shipexplorer.ui.request.tab_variables import TabVariables
from shipexplorer.ui.response.response_view import ResponseView
from shipexplorer.ui.widgets.splitter_sizes import split_for_editor

_tab_keys = itertools.count(1)
SWITCH_LINK = "switch-profile"
TYPE_LINK = "type-instance"  # an instance typed, e.g. {{greeter}} captured by another request


class RequestTab(QWidget):
    """One request and its answer, bound to its own target.

    Signals:
        titleChanged(): what the title says (instance, method, running, modified) changed.
        edited(): the target, method, verb or body changed (drafts are saved from it).
        sendRequested(): the user asked to send this tab's request (its Send button).
        switchProfileRequested(str): the user asked to make this tab's profile the current one.
    """

    titleChanged = Signal()
    edited = Signal()
    sendRequested = Signal()
    switchProfileRequested = Signal(str)

    def __init__(
        self,
        explorer: Explorer,
        runner: RequestRunner,
        parent=None,
        queries: DocumentQueries | None = None,
        blocks: BlockFetcher | None = None,
    ) -> None:
        super().__init__(parent)
        self._explorer = explorer
        self._runner = runner
        self.profile: str | None = None
        self.instance: PackageInstance | None = None
        self.listed = False  # True once ``instance`` is a record the explorer listed
        self.preview = False
        self.saved_rel: str | None = None
        self.saved_spec: RequestSpec | None = None
        self._loading = 0  # > 0 while the program (not the user) fills the tab
        self._methods_for: tuple | None = None  # the target whose methods were asked for
        self.request_id: int | None = None
        self.last_request_id: int | None = None
        self.key = f"tab-{next(_tab_keys)}"
        self.runner = runner
        self.panel = RequestPanel(self)
        self.response = ResponseView(self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("request-response-splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(self.response)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        split_for_editor(self.splitter, self.panel.body_edit)  # several lines for the body
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.panel.cancelRequested.connect(self.cancel)
        self.panel.sendRequested.connect(self.sendRequested)
        self.panel.instance_label.linkActivated.connect(self._link)
        for signal in (
            self.panel.method_combo.currentTextChanged,
            self.panel.verb_combo.currentTextChanged,
            self.panel.body_edit.textChanged,
        ):
            signal.connect(self._changed)
        self.panel.checks.edited.connect(self._changed)
        self.variables = TabVariables(self)  # its own values, hints, checks' verdicts
        self.response.saveRequested.connect(runner.save_answer)
        self.response.cancelRequested.connect(self.cancel)
        if queries is not None:
            self.response.set_queries(queries)
        if blocks is not None:  # block contents come through this tab's own connection
            self.response.set_blocks(
                blocks, lambda: explorer.clients.settings_for(self.profile, self.workspace)
            )
        self._show_target()

    # -- reading ----------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.request_id is not None

    @property
    def workspace(self) -> str | None:
        return self.instance.workspace_handle if self.instance else None

    @property
    def handle(self) -> str | None:
        return self.instance.handle if self.instance else None

    def target(self) -> tuple[str | None, str | None, str | None]:
        """(profile, workspace, instance handle)."""
        return (self.profile, self.workspace, self.handle)

    def method(self) -> str:
        return self.panel.method()

    def verb(self) -> str:
        return self.panel.verb()

    def body_text(self) -> str:
        return self.panel.body_text()

    def answer(self) -> Answer | None:
        """What the response area shows now (None before the first answer)."""
        return self.response.answer

    def is_blank(self) -> bool:
        """Nothing typed, sent or loaded: the tab may take any target."""
        return (
            self.instance is None
            and not self.running
            and not self.last_request_id
            and not self.body_text().strip()
            and not self.method()
            and self.saved_rel is None
        )

    def modified(self) -> bool:
        return self.saved_spec is not None and not same_request(self.to_spec(), self.saved_spec)

    def base_title(self) -> str:
        """The title before it is made unique: the saved name, or instance and method."""
        if self.saved_spec is not None and self.saved_spec.name:
            return self.saved_spec.name
        handle, method = self.handle, self.method()
        if handle and method:
            return f"{handle} · {method}"
        return handle or method or "New request"

    def decorate(self, title: str) -> str:
        """``title`` with the marks of this tab's state (modified, running)."""
        if self.modified():
            title += " •"
        return f"{title} …" if self.running else title

    def describe_target(self) -> str:
        """One sentence for the tooltip: where this tab sends."""
        if self.instance is None:
            return "No instance yet: create an instance (Ctrl+N) or pick one on the left."
        parts = [f"Instance {self.handle}"]
        if self.workspace:
            parts.append(f"in workspace {self.workspace}")
        if self.profile:
            parts.append(f"with profile {self.profile}")
        sentence = " ".join(parts) + "."
        if self.preview:
            sentence += " Preview: the next instance you pick replaces it until you edit it."
        if self.modified():
            sentence += " Changed since it was saved."
        return sentence

    # -- accessors for the tab set and the window ----------------------------------------------

    def set_method(self, path: str) -> None:
        self.panel.set_method(path)

    def focus_method(self) -> None:
        self.panel.focus_method()

    def set_methods(self, spec: PackageSpec | None) -> None:
        """The methods its instance lists (``__dir__``) arrived."""
        with self._filling():
            self.panel.set_methods(spec)

    def set_methods_error(self, message: str) -> None:
        self._methods_for = None  # asked again when the tab is shown next
        self.panel.set_methods_error(message)

    def show_progress(self, received: int, total: int) -> None:
        self.response.show_progress(received, total)

    def release(self) -> None:
        """Let go of the answer's documents and files (the tab is closing)."""
        self.response.release()

    # -- the target ---------------------------------------------------------------------------

    def bind(
        self,
        instance: PackageInstance | None,
        profile: str | None,
        *,
        listed: bool,
        load: bool = True,
        fresh: bool = False,
    ) -> None:
        """Point this tab at ``instance`` of ``profile`` (the user chose it, or a blank or
        preview tab takes it); its methods are loaded (unless not ``load``: the caller does it
        once the method is filled in). ``fresh``: nothing of the previous target is kept (a
        preview tab taking another instance starts on that instance's first method)."""
        self.profile = profile
        self.instance = instance
        self.listed = listed and instance is not None
        self._methods_for = None
        self.panel.set_instance_key(f"{self.workspace}/{self.handle}" if instance else None)
        with self._filling():
            if fresh:
                self.panel.method_combo.setEditText("")
            self.panel.set_methods(None)
        self._show_target()
        if load:
            self.load_methods()
        self.titleChanged.emit()
        self.edited.emit()

    def adopt(self, record: PackageInstance) -> None:
        """The explorer listed this tab's instance: keep the full record (package, state)."""
        if self.listed and self.instance == record:
            return
        self.instance = record
        self.listed = True
        self._show_target()

    def load_methods(self) -> None:
        """Ask for the instance's ``__dir__`` (once per target; the cache answers after)."""
        if self.instance is None or self._methods_for == self.target():
            return
        if "{{" in (self.instance.handle or ""):  # a variable: known only when sent
            return
        self._methods_for = self.target()
        spec = self._explorer.cached_methods(self.instance, self.profile)
        if spec is not None:
            self.set_methods(spec)
        else:
            self.panel.set_methods_loading()
            self._explorer.load_methods(self.instance, profile=self.profile)

    def retry_methods(self, *, load: bool) -> None:
        """Forget that the methods were asked for (they failed); ask again now when ``load``."""
        self._methods_for = None
        if load:
            self.load_methods()

    def methods_arrived(self) -> None:
        if self.instance is not None:
            spec = self._explorer.cached_methods(self.instance, self.profile)
            if spec is not None:
                self.set_methods(spec)

    def _show_target(self) -> None:
        current = self._explorer.clients.current_profile()
        inst = self.instance
        if inst is None:
            html = "No instance yet: create an instance (Ctrl+N) or pick one on the left."
        else:
            html = f"Instance <b>{escape(inst.handle or '')}</b>"
            if inst.package_handle:
                html += f" ({escape(inst.package_handle)})"
            if self.workspace:
                html += f" · workspace {escape(self.workspace)}"
            if self.profile:
                html += f" · profile {escape(self.profile)}"
            if note := self._explorer.init_progress(inst, self.profile).sentence():
                html += f" · <i>{escape(note)}</i>"
            if self.profile and current and self.profile != current:
                html += (
                    " — not the current profile: this tab sends with its own. "
                    f'<a href="{SWITCH_LINK}">Switch to {escape(self.profile)}</a>'
                )
        html += f' · <a href="{TYPE_LINK}">Type an instance…</a>'
        self.panel.set_instance_html(html)
        self.setToolTip(self.describe_target())

    def profile_switched(self) -> None:
        """The current profile changed: say whether this tab belongs to another."""
        self._show_target()

    @Slot(str)
    def _link(self, href: str) -> None:
        if href == SWITCH_LINK and self.profile:
            self.switchProfileRequested.emit(self.profile)
        elif href == TYPE_LINK:
            self.variables.ask_instance()

    # -- edits ----------------------------------------------------------------------------------

    @contextmanager
    def _filling(self) -> Iterator[None]:
        """Changes made inside are the program's, not the user's: a preview stays a preview."""
        self._loading += 1
        try:
            yield
        finally:
            self._loading -= 1

    @Slot()
    def _changed(self, *_args) -> None:
        if not self._loading and self.preview:
            self.preview = False  # edited: the next sidebar click opens another tab
            self._show_target()
        self.titleChanged.emit()
        self.edited.emit()

    # -- sending -------------------------------------------------------------------------------

    def send(self) -> bool:
        """Send this tab's request; False when refused before sending (the reason is shown)."""
        if self.instance is None and "/" not in self.panel.method().strip("/"):
            self.response.show_message(
                "Not sent",
                "Pick a package instance first (or type an engine operation such as "
                "package/instance/create as the method).",
            )
            return False
        try:
            request_id = self._runner.send(
                self.instance,
                self.panel.method(),
                self.panel.body_text(),
                self.panel.verb(),
                profile=self.profile,
                workspace=self.workspace,
                own_variables=self.variables.own,
            )
        except BodyError as exc:
            self.panel.show_body_error(f"The body is not valid JSON, so it was not sent: {exc}")
            return False
        except ValueError as exc:
            self.response.show_message("Not sent", str(exc))
            return False
        self.panel.show_body_error("")
        self.variables.sent()
        self.preview = False
        self.request_id = self.last_request_id = request_id
        self.panel.set_running(True)
        self.response.show_waiting(f"Sending {self.panel.verb()} /{self.panel.method()}…")
        self._show_target()
        self.titleChanged.emit()
        return True

    @Slot()
    def cancel(self) -> None:
        if self.request_id is not None:
            self._runner.cancel(self.request_id)

    def ended(self, answer: Answer | None) -> None:
        self.request_id = None
        self.panel.set_running(False)
        if answer is None:
            self.response.show_message("Cancelled", "The request was cancelled; nothing was shown.")
        else:
            self.response.show_answer(answer)
        self.variables.judge(answer)
        self.titleChanged.emit()

    # -- documents -----------------------------------------------------------------------------

    def to_spec(self) -> RequestSpec:
        """What this tab holds, as saved requests and drafts keep it."""
        return RequestSpec(
            name=self.saved_spec.name if self.saved_spec else (self.panel.method() or "request"),
            instance=self.handle,
            workspace=self.workspace,
            method=self.panel.method(),
            verb=self.panel.verb(),
            body=self.panel.body_text(),
            notes=self.saved_spec.notes if self.saved_spec else "",
            presentation=self.saved_spec.presentation if self.saved_spec else None,
            variables=dict(self.variables.own),
            checks=self.panel.checks.checks(),
            captures=self.panel.checks.captures(),
        )

    def to_draft(self, position: int = 0, current: bool = False) -> TabDraft:
        return TabDraft(
            self.to_spec(),
            profile=self.profile,
            position=position,
            current=current,
            saved_rel=self.saved_rel,
            saved_spec=self.saved_spec,
            preview=self.preview,
        )

    def load_spec(
        self, spec: RequestSpec, instance: PackageInstance | None, profile: str | None
    ) -> None:
        """Fill the tab from a saved request, a history entry or a draft. ``instance`` is the
        listed record when there is one; otherwise the handles of ``spec`` are the target."""
        if instance is None and spec.instance:
            instance = PackageInstance(
                id=None, handle=spec.instance, workspace_handle=spec.workspace
            )
            listed = False
        else:
            listed = instance is not None
        with self._filling():
            self.bind(instance, profile, listed=listed, load=False)
            if spec.verb:
                self.panel.set_verb(spec.verb)
            self.panel.set_method(spec.method)
            self.panel.set_body_text(spec.body)
            self.panel.checks.set_items(spec.checks, spec.captures)
            self.variables.set_own(spec.variables)
            self.load_methods()  # after the method: its description or error then stays
        self.titleChanged.emit()
        self.edited.emit()

    def mark_saved(self, rel: str | None, spec: RequestSpec | None) -> None:
        """This tab shows saved request ``rel`` as ``spec`` (None, None: none)."""
        self.saved_rel, self.saved_spec = rel, spec
        self._show_target()
        self.titleChanged.emit()
        self.edited.emit()

    def copy_from(self, other: RequestTab) -> None:
        with self._filling():
            self.bind(other.instance, other.profile, listed=other.listed, load=False)
            self.panel.set_verb(other.verb())
            self.panel.set_method(other.method())
            self.panel.set_body_text(other.body_text())
            self.panel.checks.set_items(other.panel.checks.checks(), other.panel.checks.captures())
            self.variables.set_own(other.variables.own)
            self.load_methods()
