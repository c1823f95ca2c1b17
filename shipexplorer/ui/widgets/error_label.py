"""Error labels of forms: an error is said in words beside what it is about, never by colour
alone, and each label has an accessible name."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from shipexplorer.api.errors import RemoteError, describe
from shipexplorer.ui.style import colors, sheets


def error_label(name: str, parent: QWidget | None = None) -> QLabel:
    """A hidden, word-wrapped label for an error, named ``name`` for screen readers."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setAccessibleName(name)
    sheets.tone(label, colors.DANGER)  # its own sheet colours it, light or dark
    label.hide()
    return label


def show_error(label: QLabel, message: str | None, about: QWidget | None = None) -> None:
    """Show ``message`` prefixed with "Error:"; None (or empty) hides the label. The control
    ``about`` gets it as its accessible description, so a screen reader says it on focus."""
    label.setText(f"Error: {message}" if message else "")
    label.setVisible(bool(message))
    if about is not None:
        about.setAccessibleDescription(message or "")


def error_text(error: BaseException) -> str:
    """The words for an error: :func:`describe`, except for a :class:`RemoteError`, whose
    message already holds the status, the code and the suggestion (``describe`` repeats them)."""
    if isinstance(error, RemoteError):
        return error.message
    return describe(error)
