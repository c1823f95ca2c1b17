"""The app's one style sheet, generated from the palette and :mod:`.colors`, and the functions
that give a widget a look by meaning (a badge, a tone, a banner) instead of a sheet of its own.

A widget says what it is (``badge(label, colors.SUCCESS)``): that sets a dynamic property the
app-wide sheet selects on (``QLabel[badge="success"]``). When the theme changes, the sheet is
generated again in the new colours and every marked widget follows.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

from shipexplorer.ui.style import colors
from shipexplorer.ui.style.metrics import space

#: verbs with a badge of their own colour in the method picker and the tabs
VERB_ROLES = {"GET": colors.SUCCESS, "POST": colors.INFO}


def _mark(widget: QWidget, name: str, value: str | None) -> None:
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def tone(widget: QWidget, role: str | None) -> None:
    """Text of ``widget`` in ``role``'s colour, bold (an error, a warning); None: plain again."""
    _mark(widget, "tone", role)


def badge(widget: QWidget, role: str | None) -> None:
    """``widget`` (a label) as a small rounded badge in ``role``'s colours."""
    _mark(widget, "badge", role)


def banner(widget: QWidget, role: str | None) -> None:
    """``widget`` (a label) as a banner in ``role``'s colours, with a rule on its left."""
    _mark(widget, "banner", role)


def muted(widget: QWidget) -> None:
    """Secondary text (a hint, an empty state): the palette's placeholder colour."""
    _mark(widget, "muted", "true")


def app_style_sheet(palette: QPalette | None = None) -> str:
    """The one style sheet of the application, in ``palette``'s colours (the app's)."""
    pal = palette if palette is not None else QGuiApplication.palette()
    rules: list[str] = []
    radius, pad_v, pad_h = space(1), space(1) // 2, space(2)
    for role in colors.ROLES:
        text = colors.semantic(role, pal).name()
        fill = colors.semantic_fill(role, pal).name()
        rules.append(f'QLabel[tone="{role}"] {{ color: {text}; font-weight: bold; }}')
        rules.append(
            f'QLabel[badge="{role}"] {{ color: {text}; background-color: {fill}; '
            f"border: 1px solid {text}; border-radius: {radius}px; "
            f"padding: {pad_v}px {pad_h}px; font-weight: bold; }}"
        )
        rules.append(
            f'QLabel[banner="{role}"] {{ color: {text}; background-color: {fill}; '
            f"border-left: {space(1)}px solid {text}; padding: {space(1) + 2}px {space(2)}px; }}"
        )
    placeholder = pal.color(QPalette.ColorRole.PlaceholderText).name()
    rules.append(f'QLabel[muted="true"] {{ color: {placeholder}; }}')
    return "\n".join(rules) + "\n"


__all__ = ["VERB_ROLES", "app_style_sheet", "badge", "banner", "muted", "tone"]
