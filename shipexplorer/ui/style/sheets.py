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
from shipexplorer.ui.style.metrics import TYPE_SCALE, font, space


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


def primary(widget: QWidget) -> None:
    """``widget`` (a push button) as the one main action of its area, in the accent colour."""
    _mark(widget, "primary", "true")


def font_step(widget: QWidget, step: str) -> None:
    """``widget``'s type is ``step`` of the type scale (``title``, ``headline``...) inside a
    :func:`type_scale` root."""
    _mark(widget, "fontStep", step)


def type_scale(root: QWidget, scale: float = 1.0) -> None:
    """Type for ``root`` and every widget inside it, now and later, at ``scale`` times the type
    scale (a presenter's A+ and A-); widgets marked with :func:`font_step` take their step.

    A style sheet on ``root`` does it: under the app's style sheet Qt no longer passes a parent's
    ``setFont()`` on to its children, so a font set on the root alone would stop there.
    """
    rules = [f"* {{ font-size: {font('body', scale=scale).pointSizeF():.2f}pt; }}"]
    for step in TYPE_SCALE:
        size = font(step, scale=scale).pointSizeF()
        rules.append(f'*[fontStep="{step}"] {{ font-size: {size:.2f}pt; }}')
    root.setStyleSheet("\n".join(rules))


def _primary_rules(pal: QPalette) -> list[str]:
    accent = pal.color(QPalette.ColorRole.Highlight)
    on_accent = pal.color(QPalette.ColorRole.HighlightedText).name()
    disabled = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name()
    button, mid = pal.color(QPalette.ColorRole.Button).name(), pal.color(QPalette.ColorRole.Mid)
    focus = pal.color(QPalette.ColorRole.WindowText).name()
    sel = 'QPushButton[primary="true"]'
    return [
        f"{sel} {{ background-color: {accent.name()}; color: {on_accent}; "
        f"border: 1px solid {accent.darker(120).name()}; border-radius: {space(1)}px; "
        f"padding: {space(1) // 2}px {space(4)}px; font-weight: bold; }}",
        f"{sel}:hover {{ background-color: {accent.lighter(112).name()}; }}",
        f"{sel}:pressed {{ background-color: {accent.darker(115).name()}; }}",
        f"{sel}:focus {{ border: 2px solid {focus}; }}",
        f"{sel}:disabled {{ background-color: {button}; color: {disabled}; "
        f"border: 1px solid {mid.name()}; }}",
    ]


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
    rules += _primary_rules(pal)
    return "\n".join(rules) + "\n"


__all__ = [
    "app_style_sheet",
    "badge",
    "banner",
    "font_step",
    "muted",
    "primary",
    "tone",
    "type_scale",
]
