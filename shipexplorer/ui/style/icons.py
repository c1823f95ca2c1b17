"""Icons by meaning, from one icon font (Phosphor, MIT, as qtawesome ships it), coloured by role.

``icon("send")`` is the only way a widget gets an icon: the name says what it is for, this
module picks the glyph. Icons follow the palette: each is drawn in a semantic colour of
:mod:`.colors` (or the palette's text colour), and the cache is dropped when the theme changes
(:func:`clear_cache`, called by :mod:`.theme`), so icons asked for again come in the new colours.

The font is the one qtawesome bundles, drawn by a small icon engine here: importing qtawesome
itself would bring its Qt shim (qtpy), which imports QtOpenGL (about 25 MB and 100 ms). The font
is loaded on the first ``icon()`` call (about 10 ms). Widgets built before the first paint
:func:`bind` their buttons and actions instead: those get their icons when :func:`load` runs
(the main window calls it once it is painted), and again in new colours whenever the theme
changes. Views that draw icons
themselves (a tab bar, an item model) listen to ``hub().refreshed``.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPoint, QRect, QSize, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from shipexplorer.ui.style import colors
from shipexplorer.ui.widgets.first_paint import after_first_paint

log = logging.getLogger(__name__)

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

#: a pseudo-role: the colour of text on the accent (a primary button's icon)
ON_ACCENT = "on accent"
_FONT_STEM = "phosphor"
_cache: dict[tuple[str, str | None], QIcon] = {}
_font: _Font | None = None
_font_missing = False  # the font could not be loaded: icons stay empty, said once in the log
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


def _font_files() -> tuple[Path, Path]:
    """qtawesome's Phosphor font and its charmap, found without importing qtawesome (its Qt
    shim, qtpy, would import QtOpenGL: 25 MB and a tenth of a second for nothing)."""
    spec = importlib.util.find_spec("qtawesome")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    bundle = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle carries the font as data
    if bundle:
        folders.append(str(Path(bundle) / "qtawesome"))
    for folder in folders:
        fonts = Path(folder) / "fonts"
        ttf = sorted(fonts.glob(f"{_FONT_STEM}-[0-9]*.ttf"))
        if ttf:
            version = ttf[-1].stem.removeprefix(f"{_FONT_STEM}-")
            return ttf[-1], fonts / f"{_FONT_STEM}-charmap-{version}.json"
    raise FileNotFoundError("the qtawesome package (its Phosphor icon font) is not installed")


class _Font:
    """The icon font registered with Qt, and its glyph names."""

    def __init__(self) -> None:
        ttf, charmap = _font_files()
        font_id = QFontDatabase.addApplicationFont(str(ttf))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            raise OSError(f"the icon font {ttf.name} could not be loaded")
        self.family = families[0]
        with charmap.open(encoding="utf-8") as stream:
            self.chars = {name: chr(int(code, 16)) for name, code in json.load(stream).items()}


_ALIGN_CENTER = 0x84  # Qt.AlignmentFlag.AlignCenter: the Qt namespace loads after the first frame


class _GlyphEngine(QIconEngine):
    """Draws one glyph of the icon font, in a colour (another when disabled)."""

    def __init__(self, family: str, char: str, color: QColor, disabled: QColor) -> None:
        super().__init__()
        self._family, self._char = family, char
        self._color, self._disabled = QColor(color), QColor(disabled)
        #: pixmaps drawn, by size, mode and state: a tab bar or a toolbar asks for the same ones
        #: at every repaint (drawing the glyph again cost about 0.3 ms each on the GUI thread)
        self._pixmaps: dict[tuple[int, int, int, int], QPixmap] = {}

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        painter.save()
        glyph = QFont(self._family)
        glyph.setPixelSize(max(1, round(0.875 * rect.height())))  # room for the bearing
        painter.setFont(glyph)
        painter.setPen(self._disabled if mode == QIcon.Mode.Disabled else self._color)
        painter.drawText(rect, _ALIGN_CENTER, self._char)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode.value, state.value)
        cached = self._pixmaps.get(key)
        if cached is not None:
            return QPixmap(cached)  # a shallow copy: the caller may change its own
        pixmap = QPixmap(size)
        pixmap.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        if len(self._pixmaps) < 16:
            self._pixmaps[key] = pixmap
        return QPixmap(pixmap)

    def clone(self) -> QIconEngine:
        return _GlyphEngine(self._family, self._char, self._color, self._disabled)


def _iconic_font() -> _Font | None:
    """The icon font, loaded on first use; None (and one log line) when it cannot be loaded,
    so a broken install shows buttons without icons instead of failing."""
    global _font, _font_missing
    if _font is None and not _font_missing:
        try:
            _font = _Font()
        except (OSError, ValueError) as exc:  # FileNotFoundError, a bad charmap
            _font_missing = True
            log.warning("icons are off: %s", exc)
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
    font = _iconic_font()
    if font is None:
        return QIcon()
    glyph = font.chars.get(ICONS[name][0])
    if glyph is None:
        return QIcon()
    if role == ON_ACCENT:
        color = QGuiApplication.palette().color(QPalette.ColorRole.HighlightedText)
    else:
        color = colors.semantic(role) if role is not None else icon_color(name)
    disabled = QGuiApplication.palette().color(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText
    )
    made = QIcon(_GlyphEngine(font.family, glyph, color, disabled))
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
    if not _ready:
        after_first_paint(window, load)


def clear_cache() -> None:
    """Forget the icons made so far (the palette changed): bound targets and views get them
    again in the new colours."""
    _cache.clear()
    if _ready:
        _apply_bound()
        hub().refreshed.emit()


__all__ = [
    "ICONS",
    "ON_ACCENT",
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
