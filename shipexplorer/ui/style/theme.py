"""The app's look as a whole: Fusion, a light or a dark palette, and the marked widgets' looks.

The palettes are derived from Qt's: the light one is Fusion's standard palette, the dark one the
same roles in dark greys. Which one shows follows the desktop (``QStyleHints.colorScheme()``,
Qt 6.5+, and its ``colorSchemeChanged``) unless the user forces one in the Preferences
(System / Light / Dark, :mod:`shipexplorer.core.theme_choice`). A change applies live: the
palette is set again, marked widgets get their sheets again, icons are made again in the new
colours, syntax highlighters re-colour, and every widget gets a ``PaletteChange`` event.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QSyntaxHighlighter
from PySide6.QtWidgets import QApplication, QStyleFactory
from shiboken6 import isValid

from shipexplorer.core.theme_choice import SYSTEM, parse_theme, wants_dark
from shipexplorer.ui.style.sheets import restyle_all

if TYPE_CHECKING:
    from shipexplorer.services.preferences import PreferenceService

STYLE = "Fusion"

# role: colour of the dark palette (active and inactive groups)
_DARK: dict[QPalette.ColorRole, str] = {
    QPalette.ColorRole.Window: "#25272b",
    QPalette.ColorRole.WindowText: "#e4e6ea",
    QPalette.ColorRole.Base: "#1c1d20",
    QPalette.ColorRole.AlternateBase: "#2b2d32",
    QPalette.ColorRole.ToolTipBase: "#34373d",
    QPalette.ColorRole.ToolTipText: "#e4e6ea",
    QPalette.ColorRole.PlaceholderText: "#9ca0a8",
    QPalette.ColorRole.Text: "#e4e6ea",
    QPalette.ColorRole.Button: "#303338",
    QPalette.ColorRole.ButtonText: "#e4e6ea",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Light: "#45484f",
    QPalette.ColorRole.Midlight: "#393c42",
    QPalette.ColorRole.Mid: "#2a2c31",
    QPalette.ColorRole.Dark: "#151618",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#2f62b0",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.LinkVisited: "#c8a2f8",
}
_DARK_DISABLED = "#7b7f87"
# the light palette: Fusion's, with a calmer window and a deeper selection blue
_LIGHT: dict[QPalette.ColorRole, str] = {
    QPalette.ColorRole.Window: "#f3f4f6",
    QPalette.ColorRole.Button: "#f7f8fa",
    QPalette.ColorRole.AlternateBase: "#f5f6f8",
    QPalette.ColorRole.Highlight: "#2f6fd0",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#5f636b",
    QPalette.ColorRole.Link: "#1a56b8",
}


def light_palette() -> QPalette:
    """Fusion's standard (light) palette, tuned."""
    style = QStyleFactory.create(STYLE)
    # standardPalette() is a copy already; copying it again through QPalette's constructor would
    # make PySide6 weigh its overloads, which loads the whole Qt namespace (some 40 ms)
    palette = style.standardPalette() if style is not None else QPalette()
    for role, value in _LIGHT.items():
        palette.setColor(role, QColor(value))
    return palette


def dark_palette() -> QPalette:
    """Fusion's roles in dark greys: light text on dark windows and fields."""
    palette = light_palette()
    for role, value in _DARK.items():
        palette.setColor(role, QColor(value))
    disabled = QColor(_DARK_DISABLED)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.PlaceholderText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor("#2a2c31"))
    return palette


def palette_is_dark(palette: QPalette) -> bool:
    """Whether ``palette``'s window colour is dark (a desktop's own palette follows its scheme)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark look (Qt 6.5+; older Qt: never)."""
    from PySide6.QtCore import Qt  # its namespace's enums take ~40 ms: after the frame, if possible

    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


class Theme(QObject):
    """Applies the palette (and the marked widgets' looks) to the application, and keeps them
    applied.

    Signals:
        changed(bool): the theme was applied; True when it is dark.
    """

    changed = Signal(bool)

    def __init__(self, app: QApplication, choice: str = SYSTEM) -> None:
        super().__init__(app)
        self._app = app
        self.choice = parse_theme(choice)
        self.dark: bool | None = None
        self._desktop_dark = palette_is_dark(app.palette())  # the desktop's, before Fusion's
        app.setStyle(STYLE)
        hints = app.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._system_changed)

    def set_choice(self, choice: str) -> None:
        """Follow the system, or force light or dark; applied now when it changes the look."""
        self.choice = parse_theme(choice)
        self.apply()

    def apply(self, *, force: bool = False, quick: bool = False) -> bool:
        """Set the palette of the choice and restyle the marked widgets; returns whether it is dark.
        ``quick`` judges the desktop by its palette instead of asking its colour scheme (which
        loads the Qt namespace, some 40 ms: the first frame's theme; the next apply asks)."""
        desktop_dark = self._desktop_dark if quick else system_is_dark()
        dark = wants_dark(self.choice, desktop_dark)
        if dark == self.dark and not force:
            return dark
        self.dark = dark
        palette = dark_palette() if dark else light_palette()
        self._app.setPalette(palette)
        restyle_all(self._app, palette)  # the marked widgets' own sheets (no app-wide sheet)
        if (icons := sys.modules.get("shipexplorer.ui.style.icons")) is not None:
            icons.clear_cache()  # drawn in the old colours (none drawn before the first frame)
        _recolor_highlighters(self._app)
        self.changed.emit(dark)
        return dark

    def follow(self, preferences: PreferenceService) -> None:
        """Take the choice from ``preferences`` now and whenever they change."""
        preferences.changed.connect(self._preferences_changed)
        self.set_choice(getattr(preferences.current, "theme", SYSTEM))

    @Slot(object)
    def _preferences_changed(self, chosen: object) -> None:
        self.set_choice(getattr(chosen, "theme", SYSTEM))

    @Slot()
    def _system_changed(self, *_args: object) -> None:
        self.apply()


def _recolor_highlighters(app: QApplication) -> None:
    for window in app.topLevelWidgets():
        for highlighter in window.findChildren(QSyntaxHighlighter):
            recolor = getattr(highlighter, "recolor", None)
            if callable(recolor):
                recolor()


_theme: Theme | None = None


def install(
    app: QApplication, preferences: PreferenceService | None = None, choice: str | None = None
) -> Theme:
    """The application's theme (one per application), applied now and following
    ``preferences`` (their ``theme``) and the desktop; without preferences, ``choice`` (System
    by default) until they are given."""
    global _theme
    if _theme is None or not isValid(_theme) or _theme.parent() is not app:
        _theme = Theme(app)
    if preferences is not None:
        _theme.follow(preferences)
    else:
        _theme.choice = parse_theme(choice or SYSTEM)
        _theme.apply(force=True, quick=True)
    return _theme


def current() -> Theme | None:
    """The installed theme, if any."""
    return _theme if _theme is not None and isValid(_theme) else None


__all__ = [
    "STYLE",
    "Theme",
    "current",
    "dark_palette",
    "install",
    "light_palette",
    "system_is_dark",
]
