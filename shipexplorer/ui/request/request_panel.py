"""The request area of one tab: method picker, HTTP verb, body editor (JSON text, or a form for
simple methods), Send and Cancel. The body is kept per (instance, method)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import MethodSpec, PackageSpec
from shipexplorer.services.body_check import pretty_body
from shipexplorer.ui.request.checks_tab import ChecksTab
from shipexplorer.ui.request.json_editor import JsonEditor
from shipexplorer.ui.request.method_form import MethodForm
from shipexplorer.ui.style import colors, icons, sheets
from shipexplorer.ui.style.metrics import space

VERBS = ("POST", "GET")


def method_doc(spec: MethodSpec) -> str:
    args = ", ".join(f"{a.name}: {a.type_words}" if a.type_words else a.name for a in spec.args)
    lines = [f"{spec.verb} /{spec.path}({args})"]
    if spec.returns_words:
        lines[0] += f" → {spec.returns_words}"
    if spec.doc:
        lines.append(spec.doc.strip())
    return "\n".join(lines)


class _ClickLabel(QLabel):
    """A label that moves to the body's problem when clicked."""

    clicked = Signal()

    def mousePressEvent(self, event) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)


class RequestPanel(QWidget):
    """Edits one request; the tab that owns it sends it.

    Signals:
        sendRequested(): "Send request" was clicked.
        cancelRequested(): "Cancel request" was clicked.
    """

    sendRequested = Signal()
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec: PackageSpec | None = None
        self.instance_label = QLabel("No instance yet", self)
        self.instance_label.setAccessibleName("Request instance")
        self.instance_label.setWordWrap(True)
        self.instance_label.setTextFormat(Qt.TextFormat.RichText)
        self.instance_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.method_combo = QComboBox(self)
        self.method_combo.setEditable(True)
        self.method_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.method_combo.setAccessibleName("Method")
        self.method_combo.setToolTip("The method to call: pick one the instance lists, or type any")
        self.method_combo.lineEdit().setPlaceholderText("method (Ctrl+L)")
        self.method_combo.setMinimumContentsLength(18)
        self.verb_combo = QComboBox(self)
        self.verb_combo.addItems(VERBS)
        self.verb_combo.setAccessibleName("HTTP verb")
        self.verb_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.doc_label = QLabel(self)
        self.doc_label.setWordWrap(True)
        self.doc_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.doc_label.setAccessibleName("Method description")
        self._spec_now: MethodSpec | None = None
        self._instance_key: str | None = None
        self._body_pair: tuple[str | None, str] | None = None
        self._bodies: dict[tuple[str | None, str], str] = {}
        self.body_edit = JsonEditor(self)
        self.body_edit.setAccessibleName("Request body")
        self.body_edit.setPlaceholderText(
            "Type the JSON body of the call here. Left empty, it sends {}. "
            "Insert skeleton fills in the method's arguments."
        )
        self.body_edit.setMinimumHeight(40)  # the panel stays as compact as it was
        self.form = MethodForm(self)
        form_scroll = QScrollArea(self)
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.form)
        form_scroll.setMinimumHeight(40)
        self.body_tabs = QTabWidget(self)
        self.body_tabs.setAccessibleName("Body view")
        self.body_tabs.addTab(form_scroll, "F&orm")
        self.body_tabs.addTab(self.body_edit, "&JSON")
        self.body_tabs.setCurrentWidget(self.body_edit)
        self.body_tabs.setTabVisible(0, False)
        self.checks = ChecksTab(self)  # checks and captures, and which held after a send
        checks_scroll = QScrollArea(self)  # scrolls rather than growing the panel
        checks_scroll.setWidgetResizable(True)
        checks_scroll.setWidget(self.checks)
        checks_scroll.setMinimumHeight(40)
        self.body_tabs.addTab(checks_scroll, "Chec&ks")
        self.variables_button = QPushButton("&Variables…", self)
        self.variables_button.setAccessibleName("Variables")
        self.variables_button.setToolTip(
            "Edit the {{variables}} of this request, the saved requests' folder and the profile"
        )
        self.variables_status = QLabel(self)
        self.variables_status.setAccessibleName("Unknown variables")
        self.variables_status.setWordWrap(True)
        sheets.tone(self.variables_status, colors.DANGER)
        self.variables_status.hide()
        self.format_button = self._action_button(self.body_edit.format_action, "Format body")
        self.minify_button = self._action_button(self.body_edit.minify_action, "Minify body")
        self.skeleton_button = self._action_button(
            self.body_edit.skeleton_action, "Insert skeleton"
        )
        self.body_status = QLabel(self)
        self.body_status.setAccessibleName("Request body check")
        self.body_status.setWordWrap(True)
        self.body_status.setTextFormat(Qt.TextFormat.RichText)
        self.body_status.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.body_status.linkActivated.connect(lambda _: self.go_to_problem())
        self.body_warnings = QLabel(self)
        self.body_warnings.setAccessibleName("Request body warnings")
        self.body_warnings.setWordWrap(True)
        self.body_warnings.hide()
        self.body_error = _ClickLabel(self)
        self.body_error.setAccessibleName("Request body problem")
        self.body_error.setWordWrap(True)
        sheets.tone(self.body_error, colors.DANGER)
        self.body_error.setToolTip("Click (or press F8 in the body) to go to the problem")
        self.body_error.clicked.connect(self.go_to_problem)
        self.body_error.hide()
        self.body_edit.statusChanged.connect(self._status_changed)
        self.body_edit.warningsChanged.connect(self._warnings_changed)
        self.body_edit.problemChanged.connect(self._problem_changed)
        self.body_edit.valueParsed.connect(self.form.set_value)
        self.form.edited.connect(self._form_edited)
        self.send_button = QPushButton("&Send", self)
        self.send_button.setAccessibleName("Send request")
        self.send_button.setToolTip("Send the request (Ctrl+Enter)")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel request")
        self.cancel_button.setToolTip("Abort the running request (Esc)")
        self.cancel_button.setEnabled(False)
        icons.bind(self.send_button, "send", icons.ON_ACCENT)
        sheets.primary(self.send_button)
        for widget in (self.send_button, self.cancel_button, self.verb_combo):
            widget.setIconSize(QSize(space(3), space(3)))  # no taller than the text
        icons.bind(self.cancel_button, "cancel")
        self.send_button.clicked.connect(self.sendRequested)
        self.cancel_button.clicked.connect(self.cancelRequested)
        self.method_combo.currentTextChanged.connect(self._method_changed)
        self.verb_combo.currentTextChanged.connect(self.body_edit.set_verb)
        self.body_edit.set_verb(self.verb())
        icons.hub().refreshed.connect(self._dress_verbs)
        self._dress_verbs()

        row = QHBoxLayout()
        row.addWidget(self.verb_combo)
        row.addWidget(self.method_combo, 1)
        row.addWidget(self.send_button)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.instance_label)
        layout.addLayout(row)
        layout.addWidget(self.doc_label)
        tools = QWidget(self)  # beside the Form | JSON tabs: no row of its own
        tools_row = QHBoxLayout(tools)
        tools_row.setContentsMargins(0, 0, 0, 0)
        tools_row.addWidget(self.format_button)
        tools_row.addWidget(self.minify_button)
        tools_row.addWidget(self.skeleton_button)
        tools_row.addWidget(self.variables_button)
        self.body_tabs.setCornerWidget(tools, Qt.Corner.TopRightCorner)
        layout.addWidget(self.body_tabs, 1)
        layout.addWidget(self.body_status)
        layout.addWidget(self.body_warnings)
        layout.addWidget(self.body_error)
        layout.addWidget(self.variables_status)
        self._status_changed(self.body_edit.status())

    def show_unknown_variables(self, text: str) -> None:
        """Say which ``{{variables}}`` have no value ("" hides it)."""
        self.variables_status.setText(text)
        self.variables_status.setVisible(bool(text))

    def _action_button(self, action, name: str) -> QPushButton:
        button = QPushButton(action.text(), self)
        button.setAccessibleName(name)
        button.setToolTip(action.toolTip())
        button.setEnabled(action.isEnabled())
        button.clicked.connect(action.trigger)
        action.enabledChanged.connect(button.setEnabled)
        return button

    # -- values -------------------------------------------------------------------------------

    def method(self) -> str:
        return self.method_combo.currentText().strip().lstrip("/")

    @Slot()
    def _dress_verbs(self) -> None:
        """Each verb of the picker with its badge icon (once icons are loaded)."""
        if not icons.ready():
            return
        for index in range(self.verb_combo.count()):
            verb = self.verb_combo.itemText(index)
            self.verb_combo.setItemIcon(index, icons.icon(f"verb {verb}"))

    def verb(self) -> str:
        return self.verb_combo.currentText()

    def body_text(self) -> str:
        return self.body_edit.toPlainText()

    def set_verb(self, verb: str) -> None:
        self.verb_combo.setCurrentText(verb.upper())

    def set_body_text(self, text: str) -> None:
        self.body_edit.setPlainText(text)

    def focus_method(self) -> None:
        """Put the focus in the method field with its text selected (Ctrl+L)."""
        self.method_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.method_combo.lineEdit().selectAll()

    def body_problem(self) -> str:
        """Why the body cannot be sent ("line L, column C: message"), "" when it is valid."""
        if self.body_edit.is_stale():
            return self.body_edit.check_now()
        return self.body_edit.problem()

    def method_spec(self) -> MethodSpec | None:
        """The ``__dir__`` entry of the current method, None when it is not listed."""
        return self._spec_now

    def set_instance_key(self, key: str | None) -> None:
        """The instance the body is for: bodies are kept per (instance, method)."""
        if key != self._instance_key:
            self._instance_key = key
            self._switch_body()

    def show_form(self, form: bool = True) -> bool:
        """Show the form (when the method has one) or the JSON text; True when the form shows."""
        on = form and self.body_tabs.isTabVisible(0)
        self.body_tabs.setCurrentIndex(0 if on else 1)
        return on

    @Slot()
    def go_to_problem(self) -> bool:
        """Show the JSON text and move its cursor to the first problem."""
        self.body_tabs.setCurrentWidget(self.body_edit)
        return self.body_edit.go_to_problem()

    def set_method(self, path: str) -> None:
        index = self.method_combo.findText(path)
        if index >= 0:
            self.method_combo.setCurrentIndex(index)
        else:
            self.method_combo.setEditText(path)

    # -- state --------------------------------------------------------------------------------

    def set_instance_text(self, text: str) -> None:
        self.instance_label.setText(escape(text))

    def set_instance_html(self, html: str) -> None:
        """Where the request goes, as rich text (it may hold a link)."""
        self.instance_label.setText(html)

    def set_methods_loading(self) -> None:
        self.doc_label.setText("Loading the instance's methods…")

    def set_methods_error(self, message: str) -> None:
        self.doc_label.setText(message)

    def set_methods(self, spec: PackageSpec | None) -> None:
        """Fill the picker from ``__dir__``; the typed text is kept."""
        self._spec = spec
        typed = self.method_combo.currentText()
        self.method_combo.blockSignals(True)
        self.method_combo.clear()
        seen: set[str] = set()
        for method in spec.methods if spec else []:
            if method.path.startswith("__") or method.path in seen:
                continue
            seen.add(method.path)
            self.method_combo.addItem(method.path, method)
        self.method_combo.setEditText(typed)
        self.method_combo.blockSignals(False)
        if not typed and self.method_combo.count():
            self.method_combo.setCurrentIndex(0)
        self._method_changed(self.method_combo.currentText())

    def set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)

    def show_body_error(self, message: str) -> None:
        self.body_error.setText(message)
        self.body_error.setVisible(bool(message))

    @Slot(str)
    def _method_changed(self, text: str) -> None:
        path = text.strip().lstrip("/")
        spec = None
        if self._spec and path:
            spec = self._spec.method(path, self.verb()) or self._spec.method(path)
        self._spec_now = spec
        self.body_edit.set_method(spec)
        self.form.set_method(spec)
        supported = self.form.supports(spec)
        if not supported and self.body_tabs.currentIndex() == 0:
            self.body_tabs.setCurrentWidget(self.body_edit)
        self.body_tabs.setTabVisible(0, supported)
        self._switch_body()
        if spec is None:
            if self._spec is None:
                self.doc_label.setText("")
            else:
                self.doc_label.setText(
                    "This instance does not list this method: it is sent as typed."
                    if path
                    else "Pick a method."
                )
            return
        self.doc_label.setText(method_doc(spec))
        if spec.verb in VERBS and spec.verb != self.verb():
            self.verb_combo.setCurrentText(spec.verb)

    def _switch_body(self) -> None:
        """Keep the text of the (instance, method) left and bring back the one entered.

        Only methods ``__dir__`` lists count: while a name is being typed the body stays. A body
        typed before any method was known goes with the first method picked."""
        if self._spec_now is None:
            return
        pair = (self._instance_key, self._spec_now.path)
        if pair == self._body_pair:
            return
        text = self.body_text()
        stored = self._bodies.get(pair, "")
        if self._body_pair is not None:
            self._bodies[self._body_pair] = text
        elif text.strip():
            stored = text  # nobody's body yet: it carries over
        self._body_pair = pair
        if stored != text:
            self.body_edit.setPlainText(stored)
        self.body_edit.check_live()

    @Slot(object)
    def _form_edited(self, body: dict) -> None:
        self.body_edit.replace_all(pretty_body(body))
        self.body_edit.check_live()

    @Slot(str)
    def _status_changed(self, status: str) -> None:
        """A problem (or an unchecked big body) is said under the body; a valid one only to
        screen readers (the editor's description), so the panel stays compact."""
        self.body_edit.setAccessibleDescription(status)
        problem = bool(self.body_edit.problem())
        text = escape(status)
        if problem:
            text += ' <a href="#problem">Go to the problem (F8)</a>'
        self.body_status.setText(text)
        sheets.tone(self.body_status, colors.DANGER if problem else None)
        self.body_status.setVisible(problem or self.body_edit.is_stale())

    @Slot(str)
    def _warnings_changed(self, text: str) -> None:
        sentences = " ".join(line.strip() for line in text.splitlines() if line.strip())
        shown = f"Warnings (the server decides): {sentences}" if sentences else ""
        self.body_warnings.setText(shown)
        sheets.tone(self.body_warnings, colors.WARNING if shown else None)
        self.body_warnings.setVisible(bool(text))

    @Slot(str)
    def _problem_changed(self, message: str) -> None:
        if message:
            self.form.set_invalid(message)
        else:
            self.show_body_error("")
