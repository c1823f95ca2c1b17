"""A request tab's variables, checks and captures: its own values, the hints in its editor, the
Variables dialog, the unknown names said before a send, and the verdicts after an answer."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QInputDialog

from shipexplorer.api import PackageInstance
from shipexplorer.core.checks import TASK_STATES
from shipexplorer.core.documents.answer import Answer
from shipexplorer.core.variables import VariableScope, refusal
from shipexplorer.services.variables_service import Judgement, judge, task_verdict
from shipexplorer.ui.request.variable_hints import VariableHints, describe_all

if TYPE_CHECKING:
    from shipexplorer.ui.request.request_tab import RequestTab


class TabVariables(QObject):
    """The variables side of ``tab`` (owned by it)."""

    def __init__(self, tab: RequestTab) -> None:
        super().__init__(tab)
        self._tab = tab
        self.own: dict[str, str] = {}
        self._sent_at = time.monotonic()
        panel = tab.panel
        self.hints = VariableHints(panel.body_edit, self.scope)
        panel.body_edit.variable_values = lambda: self.scope().values(with_key=False)
        panel.variables_button.clicked.connect(self.edit)
        self._timer = QTimer(self)  # the unknown names, after typing pauses
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh)
        panel.body_edit.textChanged.connect(self._timer.start)
        panel.method_combo.currentTextChanged.connect(self._timer.start)
        self._pending: tuple[str, float, Judgement, list[str]] | None = None  # a task to hear
        self._heard: object | None = None  # the variables service listened to
        self._listen()

    def _listen(self) -> None:
        """Hear the runner's variables service (once; it may be attached after the tab)."""
        service = self._tab.runner.variables
        if service is not None and service is not self._heard:
            self._heard = service
            service.changed.connect(self.refresh)
            service.taskEnded.connect(self._task_ended)

    def scope(self) -> VariableScope:
        return self._tab.runner.scope(self._tab.profile, self.own)

    def texts(self) -> tuple[str | None, str, str]:
        tab = self._tab
        return (tab.handle, tab.panel.method(), tab.panel.body_text())

    def unknown(self) -> list[str]:
        return self.scope().unknown(*self.texts())

    @Slot()
    def refresh(self) -> None:
        """Say which names have no value; the method field's tooltip tells its values."""
        unknown = self.unknown()
        panel = self._tab.panel
        panel.show_unknown_variables(
            refusal(unknown).replace("Not sent", "Send refuses it") if unknown else ""
        )
        tip = describe_all(self.scope(), panel.method())
        panel.method_combo.lineEdit().setToolTip(tip or "The method to call")
        handle = self._tab.handle or ""
        if "{{" in handle:
            panel.instance_label.setToolTip(describe_all(self.scope(), handle))
        if panel.body_edit.variable_values is not None and not panel.body_edit.is_stale():
            panel.body_edit.check_live()

    def ask_instance(self) -> None:
        """Ask for an instance handle to type (a ``{{variable}}`` may stand for it)."""
        dialog = QInputDialog(self._tab)
        dialog.setWindowTitle("Instance")
        dialog.setLabelText(
            "The instance's handle. A variable may stand for it, such as {{greeter}} set by "
            "the capture of a request that creates it:"
        )
        dialog.setTextValue(self._tab.handle or "")
        dialog.setAccessibleName("Instance handle")
        dialog.textValueSelected.connect(self.set_instance_text)
        dialog.open()
        self.instance_dialog = dialog

    @Slot(str)
    def set_instance_text(self, text: str) -> None:
        """Bind the tab to the instance ``text`` names, in the workspace it uses now."""
        text = text.strip()
        if not text:
            return
        tab = self._tab
        settings = tab.runner.clients_settings(tab.profile)
        workspace = tab.workspace or (settings.workspace_handle if settings else None)
        instance = PackageInstance(id=None, handle=text, workspace_handle=workspace)
        tab.bind(instance, tab.profile, listed=False)
        self.refresh()

    def set_own(self, values: dict[str, str]) -> None:
        self.own = dict(values)
        self.refresh()

    @Slot()
    def edit(self) -> bool:
        """Open the Variables dialog (this request's, the folder's, the profile's)."""
        tab = self._tab
        service = tab.runner.variables

        def save_own(values: dict[str, str]) -> list[str]:
            if service is not None:  # the tab's values reach drafts and saved files
                refused = service.key_problems(values)
                if refused:
                    return refused
            self.set_own(values)
            tab.edited.emit()
            tab.titleChanged.emit()
            return []

        layers = [
            ("This request", self.own, save_own, "Kept with this tab, and saved with it."),
        ]
        if service is not None:
            layers.append(
                (
                    "Folder",
                    service.folder_values(),
                    service.set_folder_values,
                    "variables.json in the saved requests' folder: shared by every request "
                    "there, and by shipexplorer run.",
                )
            )
            profiles = getattr(service, "profile_values", None)
            layers.append(
                (
                    "Profile",
                    profiles(tab.profile) if profiles else {},
                    lambda values: service.set_profile_values(tab.profile, values),
                    "Saved with the profile (never a secret: keys stay in the keyring).",
                )
            )
        from shipexplorer.ui.request.variables_dialog import VariablesDialog  # on first use

        dialog = VariablesDialog(layers, tab)
        dialog.setModal(True)
        dialog.open()
        self.dialog = dialog
        return True

    def judge(self, answer: Answer | None) -> None:
        """After a send: the checks' verdicts in the Checks tab, the captures kept."""
        tab = self._tab
        checks, captures = tab.panel.checks.checks(), tab.panel.checks.captures()
        if answer is None or not (checks or captures):
            tab.panel.checks.show_verdicts([], [])
            return
        content = answer.content()
        task = answer.task
        notes: list[str] = []
        raw = content.raw
        if raw is None and content.body_file is not None:
            notes.append("The answer is too big to check here: shipexplorer run checks it.")
        judged = judge(
            checks,
            captures,
            answer.status,
            raw,
            content.mime_type,
            task.state if task is not None else None,
            task is not None,
            keys=(self.scope().key,),
        )
        service = tab.runner.variables
        if judged.captured and service is not None:
            service.capture(judged.captured)
        captured = [f"Captured {{{{{name}}}}}." for name in judged.captured]
        notes = notes + judged.notes + captured
        self._pending = None
        waits = any(c.kind == "task ends" for c in checks) and service is not None
        if waits and task is not None and task.task_id and task.state not in TASK_STATES:
            self._pending = (task.task_id, self._sent_at, judged, notes)
        tab.panel.checks.show_verdicts(judged.verdicts, notes)

    def sent(self) -> None:
        """A send left: the time a task check counts from."""
        self._sent_at = time.monotonic()
        self._pending = None
        self._listen()

    @Slot(str, str)
    def _task_ended(self, task_id: str, state: str) -> None:
        """The task the last answer started ended: its checks are judged again."""
        if self._pending is None or self._pending[0] != task_id:
            return
        _id, sent_at, judged, notes = self._pending
        self._pending = None
        took = time.monotonic() - sent_at
        verdicts = [
            v if v.check.kind != "task ends" else task_verdict(v.check, state, took)
            for v in judged.verdicts
        ]
        self._tab.panel.checks.show_verdicts(verdicts, notes)
