"""The request area of one tab: method picker, HTTP verb, body editor, Send and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.api import MethodSpec, PackageSpec

VERBS = ("POST", "GET")


def method_doc(spec: MethodSpec) -> str:
    args = ", ".join(f"{a.name}: {a.type_name}" if a.type_name else a.name for a in spec.args)
    lines = [f"{spec.verb} /{spec.path}({args})"]
    if spec.returns:
        lines[0] += f" → {spec.returns}"
    if spec.doc:
        lines.append(spec.doc.strip())
    return "\n".join(lines)


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
        self.instance_label = QLabel("No instance selected", self)
        self.instance_label.setAccessibleName("Request instance")
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
        self.doc_label = QLabel(self)
        self.doc_label.setWordWrap(True)
        self.doc_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.doc_label.setAccessibleName("Method description")
        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setAccessibleName("Request body")
        self.body_edit.setPlaceholderText('{"name": "Ada"}  (JSON; empty sends {})')
        self.body_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body_error = QLabel(self)
        self.body_error.setAccessibleName("Request body problem")
        self.body_error.setWordWrap(True)
        self.body_error.setStyleSheet("color: #b00020;")
        self.body_error.hide()
        self.send_button = QPushButton("&Send", self)
        self.send_button.setAccessibleName("Send request")
        self.send_button.setToolTip("Send the request (Ctrl+Enter)")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel request")
        self.cancel_button.setToolTip("Abort the running request (Esc)")
        self.cancel_button.setEnabled(False)
        self.send_button.clicked.connect(self.sendRequested)
        self.cancel_button.clicked.connect(self.cancelRequested)
        self.method_combo.currentTextChanged.connect(self._method_changed)

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
        layout.addWidget(self.body_edit, 1)
        layout.addWidget(self.body_error)

    # -- values -------------------------------------------------------------------------------

    def method(self) -> str:
        return self.method_combo.currentText().strip().lstrip("/")

    def verb(self) -> str:
        return self.verb_combo.currentText()

    def body_text(self) -> str:
        return self.body_edit.toPlainText()

    def set_method(self, path: str) -> None:
        index = self.method_combo.findText(path)
        if index >= 0:
            self.method_combo.setCurrentIndex(index)
        else:
            self.method_combo.setEditText(path)

    # -- state --------------------------------------------------------------------------------

    def set_instance_text(self, text: str) -> None:
        self.instance_label.setText(text)

    def set_methods_loading(self) -> None:
        self.doc_label.setText("Loading methods (__dir__)…")

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
        if spec is None:
            if self._spec is None:
                self.doc_label.setText("")
            else:
                self.doc_label.setText(
                    "Not listed by __dir__: sent as typed." if path else "Pick a method."
                )
            return
        self.doc_label.setText(method_doc(spec))
        if spec.verb in VERBS and spec.verb != self.verb():
            self.verb_combo.setCurrentText(spec.verb)
