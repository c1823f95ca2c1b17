"""The colours of an answer's status: the response area's one place for semantic colours.

The words always carry the meaning ("404 Not Found", "Task running", "200 · invalid JSON"); the
colour is an aid. :func:`tone_colors` is the single function that picks them for a tone of
:func:`~shipexplorer.core.documents.answer.status_tone`, light or dark after the lightness of
the palette's window colour (a neutral tone takes the palette's own colours). Every pair keeps a
contrast of at least 4.5:1. A design system for the whole window may take this over later.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from shipexplorer.core.documents.answer import FAILURE, PENDING, SUCCESS, WARNING

# tone: (text, background) on a light window, then on a dark one
_COLORS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    SUCCESS: (("#1d6631", "#e2f3e6"), ("#a3dcb2", "#1b3a24")),
    WARNING: (("#7a4300", "#fdf0d8"), ("#f6d08f", "#402e0e")),
    FAILURE: (("#a0161b", "#fbe5e4"), ("#f5aeaa", "#4a1f1e")),
    PENDING: (("#0b4d98", "#e3edfb"), ("#abc9f5", "#172f4d")),
}


def is_dark(palette: QPalette) -> bool:
    """True when the palette's window is dark (light text on it)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone_colors(tone: str, palette: QPalette) -> tuple[QColor, QColor]:
    """The (text, background) colours of ``tone`` in ``palette``: the one place they are chosen."""
    pair = _COLORS.get(tone)
    if pair is None:  # neutral (and anything unknown): the palette's own colours
        return (
            palette.color(QPalette.ColorRole.WindowText),
            palette.color(QPalette.ColorRole.AlternateBase),
        )
    text, background = pair[1] if is_dark(palette) else pair[0]
    return QColor(text), QColor(background)


def badge_style(tone: str, palette: QPalette) -> str:
    """The style sheet of the status label: a small badge in the tone's colours."""
    text, background = tone_colors(tone, palette)
    return (
        f"QLabel {{ color: {text.name()}; background-color: {background.name()}; "
        f"border: 1px solid {text.name()}; border-radius: 4px; padding: 1px 8px; "
        "font-weight: bold; }"
    )


def banner_style(tone: str, palette: QPalette) -> str:
    """The style sheet of the error explanation above the body: the tone's colours, a rule on
    its left."""
    text, background = tone_colors(tone, palette)
    return (
        f"QLabel {{ color: {text.name()}; background-color: {background.name()}; "
        f"border-left: 4px solid {text.name()}; padding: 6px 8px; }}"
    )


__all__ = ["badge_style", "banner_style", "is_dark", "tone_colors"]
