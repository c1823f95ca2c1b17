"""Icons by meaning, from one icon font (Phosphor, MIT, through qtawesome), coloured by role.

``icon("send")`` is the only way a widget gets an icon: the name says what it is for, this
module picks the glyph. Icons follow the palette: each is drawn in a semantic colour of
:mod:`.colors` (or the palette's text colour), and the cache is dropped when the theme changes
(:func:`clear_cache`, called by :mod:`.theme`), so icons asked for again come in the new colours.

The font is loaded on the first ``icon()`` call (qtawesome and its Qt shim cost tens of
milliseconds to import). Widgets built before the first paint :func:`bind` their buttons and
actions instead: those get their icons when :func:`load` runs (the main window calls it once it
is painted), and again in new colours whenever the theme changes. Views that draw icons
themselves (a tab bar, an item model) listen to ``hub().refreshed``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from shipexplorer.ui.style import colors

#: meaning: (Phosphor glyph, semantic role or None for the palette's text colour)
ICONS: dict[str, tuple[str, str | None]] = {
    "send": ("paper-plane-right-fill", colors.INFO),
    "cancel": ("stop-circle", colors.DANGER),
    "new tab": ("plus", None),
    "close tab": ("x", None),
    "save": ("floppy-disk", None),
    "open": ("folder-open", None),
    "history": ("clock-counter-clockwise", None),
    "tasks": ("list-dashes", None),
    "saved": ("bookmark-simple", None),
    "profile": ("user-circle", None),
    "workspace": ("briefcase", None),
    "create instance": ("plus-circle", colors.SUCCESS),
    "refresh": ("arrows-clockwise", None),
    "verb GET": ("download-simple", colors.SUCCESS),
    "verb POST": ("upload-simple", colors.INFO),
    "task waiting": ("hourglass-medium", colors.NEUTRAL),
    "task running": ("spinner-gap", colors.RUNNING),
    "task succeeded": ("check-circle", colors.SUCCESS),
    "task failed": ("x-circle", colors.DANGER),
    "task cancelled": ("prohibit", colors.NEUTRAL),
    "answer json": ("brackets-curly", None),
    "answer text": ("article", None),
    "answer image": ("image", None),
    "answer audio": ("speaker-high", None),
    "answer binary": ("file-dotted", None),
    "answer task": ("hourglass-medium", None),
    "theme": ("circle-half", None),
    "help": ("question", None),
    "instance": ("cube", None),
    "warning": ("warning-circle", colors.WARNING),
    "info": ("info", colors.INFO),
}

_PREFIX = "ph"
_cache: dict[tuple[str, str | None], QIcon] = {}
_font: Any = None
_ready = False
_bound: list[tuple[Any, str, str | None]] = []


class _Hub(QObject):
    """Says when icons were (re)made: after :func:`load`, and after a theme change."""

    refreshed = Signal()


_hub: _Hub | None = None


def hub() -> _Hub:
    """The object whose ``refreshed`` signal tells views to ask for their icons again."""
    global _hub
    if _hub is None or not isValid(_hub):
        _hub = _Hub()
    return _hub


def _iconic_font() -> Any:
    """qtawesome's font loader over the one font this app uses (not all of qtawesome's)."""
    global _font
    if _font is None:
        import qtawesome
        from qtawesome.iconic_font import IconicFont

        bundled = getattr(qtawesome, "_BUNDLED_FONTS", ())
        spec = next((f for f in bundled if f[0] == _PREFIX), None)
        _font = IconicFont(spec) if spec is not None else qtawesome._instance()
    return _font


def icon_color(name: str, palette: QPalette | None = None) -> QColor:
    """The colour ``name`` is drawn in: its role's, or the palette's text colour."""
    role = ICONS.get(name, ("", None))[1]
    if role is not None:
        return colors.semantic(role, palette)
    pal = palette if palette is not None else QGuiApplication.palette()
    return QColor(pal.color(QPalette.ColorRole.WindowText))


def icon(name: str, role: str | None = None) -> QIcon:
    """The icon that means ``name`` (a key of :data:`ICONS`), in its role's colour (or
    ``role``'s); an unknown name gets an empty icon, never an error."""
    key = (name, role)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    if name not in ICONS:
        return QIcon()
    glyph = ICONS[name][0]
    color = colors.semantic(role) if role is not None else icon_color(name)
    disabled = QGuiApplication.palette().color(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText
    )
    made = _iconic_font().icon(
        f"{_PREFIX}.{glyph}", color=color.name(), color_disabled=disabled.name()
    )
    _cache[key] = made
    return made


def loaded() -> bool:
    """Whether the icon font has been loaded (start-up checks keep it off the first paint)."""
    return _font is not None


def ready() -> bool:
    """Whether :func:`load` has run: bound targets have their icons."""
    return _ready


def bind(target: Any, name: str, role: str | None = None) -> None:
    """Give ``target`` (anything with ``setIcon``: an action, a button) the icon ``name`` once
    icons are loaded, and again after each theme change."""
    _bound.append((target, name, role))
    if _ready:
        target.setIcon(icon(name, role))


def _apply_bound() -> None:
    alive = [(t, n, r) for t, n, r in _bound if isValid(t)]
    _bound[:] = alive
    for target, name, role in alive:
        target.setIcon(icon(name, role))


def load() -> None:
    """Load the font and give every bound target its icon (once the window is painted)."""
    global _ready
    _ready = True
    _apply_bound()
    hub().refreshed.emit()


def load_after_first_paint(window: QWidget) -> None:
    """Call :func:`load` on the event-loop turn after ``window`` is first painted."""
    if _ready:
        return

    class _FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, load)
                self.deleteLater()
            return False

    window.installEventFilter(_FirstPaint(window))


def clear_cache() -> None:
    """Forget the icons made so far (the palette changed): bound targets and views get them
    again in the new colours."""
    _cache.clear()
    if _ready:
        _apply_bound()
        hub().refreshed.emit()


__all__ = [
    "ICONS",
    "bind",
    "clear_cache",
    "hub",
    "icon",
    "icon_color",
    "load",
    "load_after_first_paint",
    "loaded",
    "ready",
]
