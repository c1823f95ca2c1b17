"""Several requests at once, one tab each: a request panel above its response view.

Why tabs rather than a request list: each request keeps its own editable body, method and answer
side by side, the way browsers and API clients (Postman, Insomnia) taught users; a tab shows at a
glance which requests still run (its title says so), and closing a tab cancels its request. Sending
again from a tab whose request still runs opens the new request in a new tab, so neither answer is
lost.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QSplitter, QTabWidget, QToolButton, QVBoxLayout, QWidget

from shipexplorer.api import PackageInstance, PackageSpec
from shipexplorer.core.documents.answer import Answer
from shipexplorer.core.documents.json_body import BodyError
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import METHODS, Explorer
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.ui.request.request_panel import RequestPanel
from shipexplorer.ui.response.response_view import ResponseView

_tab_keys = itertools.count(1)


class RequestTab(QWidget):
    """One request and its answer.

    Signals:
        titleChanged(): the tab's title (method, running or not) changed.
        edited(): the instance, method, verb or body changed (drafts are saved from it).
        sendRequested(): the user asked to send this tab's request (its Send button).
    """

    titleChanged = Signal()
    edited = Signal()
    sendRequested = Signal()

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
        self.instance: PackageInstance | None = None
        self._pending_instance: str | None = None
        self.request_id: int | None = None
        self.last_request_id: int | None = None
        self.key = f"tab-{next(_tab_keys)}"
        self.panel = RequestPanel(self)
        self.response = ResponseView(self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("request-response-splitter")
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(self.response)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.panel.cancelRequested.connect(self.cancel)
        self.panel.sendRequested.connect(self.sendRequested)
        self.panel.method_combo.currentTextChanged.connect(lambda _: self.titleChanged.emit())
        self.panel.method_combo.currentTextChanged.connect(lambda _: self.edited.emit())
        self.panel.verb_combo.currentTextChanged.connect(lambda _: self.edited.emit())
        self.panel.body_edit.textChanged.connect(self.edited)
        self.response.saveRequested.connect(runner.save_answer)
        self.response.cancelRequested.connect(self.cancel)
        if queries is not None:
            self.response.set_queries(queries)

    @property
    def running(self) -> bool:
        return self.request_id is not None

    def method(self) -> str:
        return self.panel.method()

    def verb(self) -> str:
        return self.panel.verb()

    def body_text(self) -> str:
        return self.panel.body_text()

    def set_method(self, path: str) -> None:
        self.panel.set_method(path)

    def focus_method(self) -> None:
        self.panel.focus_method()

    def set_methods(self, spec: PackageSpec | None) -> None:
        """The methods its instance lists (``__dir__``) arrived."""
        self.panel.set_methods(spec)

    def set_methods_error(self, message: str) -> None:
        self.panel.set_methods_error(message)

    def show_progress(self, received: int, total: int) -> None:
        self.response.show_progress(received, total)

    def release(self) -> None:
        """Let go of the answer's documents and files (the tab is closing)."""
        self.response.release()

    def answer(self) -> Answer | None:
        """What the response area shows now (None before the first answer)."""
        return self.response.answer

    def title(self) -> str:
        name = self.panel.method() or "New request"
        return f"{name} …" if self.running else name

    def set_instance(self, instance: PackageInstance | None) -> None:
        self.instance = instance
        self.panel.set_instance_key(
            f"{instance.workspace_handle}/{instance.handle}" if instance else None
        )
        if instance is None:
            self.panel.set_instance_text("No instance selected")
            self.panel.set_methods(None)
            return
        self.panel.set_instance_text(
            f"Instance {instance.handle} ({instance.package_handle or '?'})"
        )
        spec = self._explorer.cached_methods(instance)
        if spec is not None:
            self.panel.set_methods(spec)
        else:
            self.panel.set_methods_loading()
            self._explorer.load_methods(instance)

    def send(self) -> bool:
        """Send this tab's request; False when refused before sending (the reason is shown)."""
        if self.instance is None:
            self.response.show_message("Not sent", "Select a package instance first.")
            return False
        try:
            request_id = self._runner.send(
                self.instance, self.panel.method(), self.panel.body_text(), self.panel.verb()
            )
        except BodyError as exc:
            self.panel.show_body_error(f"Invalid JSON body, not sent: {exc}")
            return False
        except ValueError as exc:
            self.response.show_message("Not sent", str(exc))
            return False
        self.panel.show_body_error("")
        self.request_id = self.last_request_id = request_id
        self.panel.set_running(True)
        self.response.show_waiting(f"Sending {self.panel.verb()} /{self.panel.method()}…")
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
        self.titleChanged.emit()

    def to_spec(self) -> RequestSpec:
        """What this tab holds, as saved requests and drafts keep it."""
        inst = self.instance
        return RequestSpec(
            name=self.panel.method() or "request",
            instance=inst.handle if inst else self._pending_instance,
            workspace=inst.workspace_handle if inst else None,
            method=self.panel.method(),
            verb=self.panel.verb(),
            body=self.panel.body_text(),
        )

    def load_spec(self, spec: RequestSpec, instance: PackageInstance | None) -> None:
        """Fill the tab from a saved request, a history entry or a draft. When the instance is not
        listed (yet), its handle is kept and taken up once the explorer lists it."""
        self._pending_instance = None if instance is not None else spec.instance
        self.set_instance(instance)
        if spec.verb:
            self.panel.set_verb(spec.verb)
        self.panel.set_method(spec.method)
        self.panel.set_body_text(spec.body)

    def adopt_listed(self, instances: list[PackageInstance]) -> bool:
        """Take up the instance a loaded request named once the explorer lists it; True when
        this tab was waiting for one (listed now or not)."""
        if not self._pending_instance:
            return False
        found = next((i for i in instances if i.handle == self._pending_instance), None)
        if found is not None:
            method, body = self.panel.method(), self.panel.body_text()
            self._pending_instance = None
            self.set_instance(found)
            self.panel.set_method(method)
            self.panel.set_body_text(body)
        return True

    def copy_from(self, other: RequestTab) -> None:
        self.set_instance(other.instance)
        self.panel.set_verb(other.verb())
        self.panel.set_method(other.method())
        self.panel.set_body_text(other.body_text())


class RequestTabs(QTabWidget):
    """The tabs; routes the runner's outcomes to the tab that sent each request.

    Signals:
        tabOpened(object): a new ``RequestTab``.
        tabClosed(str): the key of a tab that was closed.
    """

    tabOpened = Signal(object)
    tabClosed = Signal(str)

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
        self._by_id: dict[int, RequestTab] = {}
        self.setAccessibleName("Requests")
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.new_tab_button = QToolButton(self)
        self.new_tab_button.setText("+")
        self.new_tab_button.setAccessibleName("New request tab")
        self.new_tab_button.setToolTip("A new request tab (Ctrl+T)")
        self.new_tab_button.clicked.connect(lambda: self.new_tab())
        self.setCornerWidget(self.new_tab_button, Qt.Corner.TopRightCorner)
        self.tabCloseRequested.connect(self.close_tab)
        runner.finished.connect(self._finished)
        runner.failed.connect(self._finished)
        runner.cancelled.connect(self._cancelled)
        runner.progress.connect(self._progress)
        explorer.methodsChanged.connect(self._methods)
        explorer.instancesChanged.connect(self._instances)
        explorer.errorChanged.connect(self._methods_error)
        self.new_tab()

    def tabs(self) -> list[RequestTab]:
        return [self.widget(i) for i in range(self.count())]

    def current(self) -> RequestTab:
        return self.currentWidget()

    def new_tab(self, copy_of: RequestTab | None = None) -> RequestTab:
        tab = RequestTab(self._explorer, self._runner, self, self._queries)
        if copy_of is not None:
            tab.copy_from(copy_of)
        elif self.count():
            tab.set_instance(self.current().instance)
        tab.sendRequested.connect(lambda: self.send(tab))
        tab.titleChanged.connect(lambda: self._retitle(tab))
        self.setCurrentIndex(self.addTab(tab, tab.title()))
        self.tabOpened.emit(tab)
        return tab

    def open_request(self, spec: RequestSpec, *, reuse_blank: bool = True) -> RequestTab:
        """A tab holding ``spec`` (the current tab when it is blank and unused)."""
        tab = self.current() if reuse_blank and self.count() else None
        if tab is None or tab.running or tab.body_text().strip() or tab.last_request_id:
            tab = self.new_tab()
        instance = self._explorer.instance(spec.instance) if spec.instance else None
        tab.load_spec(spec, instance)
        self.setCurrentWidget(tab)
        return tab

    def tab_for_request(self, request_id: int | None) -> RequestTab | None:
        """The tab that sent request ``request_id`` (if it is still open)."""
        if request_id is None:
            return None
        return next((t for t in self.tabs() if t.last_request_id == request_id), None)

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
        self.current().set_instance(instance)

    @Slot(int)
    def close_tab(self, index: int) -> None:
        tab = self.widget(index)
        tab.cancel()
        tab.release()
        self.removeTab(index)
        self.tabClosed.emit(tab.key)
        tab.deleteLater()
        if self.count() == 0:
            self.new_tab()

    def _retitle(self, tab: RequestTab) -> None:
        index = self.indexOf(tab)
        if index >= 0:
            self.setTabText(index, tab.title())

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
    def _methods(self, handle: str, spec) -> None:
        for tab in self.tabs():
            if tab.instance is not None and tab.instance.handle == handle:
                tab.set_methods(spec)

    @Slot(object)
    def _instances(self, instances: list) -> None:
        """Tabs whose instance left the list (another profile or workspace) forget it."""
        listed = {(i.workspace_handle, i.handle) for i in instances}
        for tab in self.tabs():
            if tab.instance is None and tab.adopt_listed(instances):
                continue
            inst = tab.instance
            if inst is not None and (inst.workspace_handle, inst.handle) not in listed:
                tab.set_instance(None)

    @Slot(str, str)
    def _methods_error(self, area: str, message: str) -> None:
        if area == METHODS and message:
            self.current().set_methods_error(message)
