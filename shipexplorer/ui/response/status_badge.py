"""The colours of an answer's status: which semantic role of the design system a status reads as.

The words always carry the meaning ("404 Not Found", "Task running", "200 · invalid JSON"); the
colour is an aid. A tone of :func:`~shipexplorer.core.documents.answer.status_tone` maps to a
role of :mod:`shipexplorer.ui.style.colors` (a redirect reads as info, a task under way as
running); :mod:`shipexplorer.ui.style.sheets` draws the badge and the error banner in that
role's colours, light or dark after the palette.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette, QPixmap
from PySide6.QtWidgets import QLabel

from shipexplorer.core.documents.answer import FAILURE, PENDING, SUCCESS, WARNING, Answer
from shipexplorer.ui.style import colors, icons, sheets
from shipexplorer.ui.style.colors import is_dark

_ROLES = {
    SUCCESS: colors.SUCCESS,
    WARNING: colors.WARNING,
    FAILURE: colors.DANGER,
    PENDING: colors.RUNNING,
}


def tone_role(tone: str, status: int | None = None) -> str:
    """The design system's role for ``tone`` (a 3xx status reads as info, not as a warning)."""
    if tone == WARNING and status is not None and 300 <= status < 400:
        return colors.INFO
    return _ROLES.get(tone, colors.NEUTRAL)


def tone_colors(tone: str, palette: QPalette, status: int | None = None) -> tuple[QColor, QColor]:
    """The (text, background) colours of ``tone`` in ``palette``."""
    role = tone_role(tone, status)
    return colors.semantic(role, palette), colors.semantic_fill(role, palette)


def show_tone(badge: QLabel, banner: QLabel, tone: str, status: int | None = None) -> str:
    """Mark the status ``badge`` and the error ``banner`` with ``tone``'s role; returns it."""
    role = tone_role(tone, status)
    sheets.badge(badge, role)
    sheets.banner(banner, role)
    return role


#: answer kind: its icon (ui/style/icons)
_KIND_ICONS = {
    "json": "answer json",
    "text": "answer text",
    "markdown": "answer text",
    "html": "answer text",
    "image": "answer image",
    "audio": "answer audio",
    "bytes": "answer binary",
    "task": "answer task",
}


def kind_icon(p: Answer) -> str | None:
    """The icon name of an answer's kind (audio is bytes of an audio type); None: no icon."""
    kind = p.kind
    if kind == "bytes" and (p.mime_type or "").lower().startswith("audio/"):
        kind = "audio"
    return _KIND_ICONS.get(kind)


_PIXMAPS: dict[tuple[int, int], QPixmap] = {}


def show_kind(label: QLabel, p: Answer | None, size: int) -> None:
    """``label`` shows the icon of ``p``'s kind at ``size`` px (hidden before icons load)."""
    name = kind_icon(p) if p is not None else None
    if name is None or not icons.ready():
        label.hide()
        return
    icon = icons.icon(name)
    key = (icon.cacheKey(), size)
    pixmap = _PIXMAPS.get(key)
    if pixmap is None:  # a glyph painted once per icon and size, not once per answer
        if len(_PIXMAPS) > 64:
            _PIXMAPS.clear()
        pixmap = _PIXMAPS[key] = icon.pixmap(size, size)
    label.setPixmap(pixmap)
    words = f"A {name.removeprefix('answer ')} answer"
    label.setToolTip(words)
    label.setAccessibleDescription(words)
    label.show()


__all__ = ["is_dark", "kind_icon", "show_kind", "show_tone", "tone_colors", "tone_role"]
