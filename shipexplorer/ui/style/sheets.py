"""The looks a widget takes by meaning (a badge, a tone, a banner, muted text, the primary
button), generated from the palette and :mod:`.colors`.

A widget says what it is (``badge(label, colors.SUCCESS)``): that sets a dynamic property and
gives the widget a small style sheet of its own, in the current palette's colours. When the theme
changes, :func:`restyle_all` gives every marked widget its sheet again in the new colours.

There is no app-wide style sheet on purpose: under one, Qt styles every widget through its
style-sheet style and keeps render rules per widget, 4.8 MB of the main window at rest (an A/B
run of ``bench/startup.py``'s probe), and a parent's ``setFont()`` stops reaching its children.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from shipexplorer.ui.style import colors
from shipexplorer.ui.style.metrics import TYPE_SCALE, font, space

#: the marks that give a widget a sheet of its own, in the order their rules cascade
MARKS = ("tone", "badge", "banner", "muted", "primary")


def _mark(widget: QWidget, name: str, value: str | None) -> None:
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    if name in MARKS:
        _restyle(widget, QGuiApplication.palette())
    else:  # fontStep: selected by a type_scale root's sheet
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)
    widget.update()


def _restyle(widget: QWidget, palette: QPalette) -> None:
    sheet = own_sheet(widget, palette)
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def own_sheet(widget: QWidget, palette: QPalette) -> str:
    """The style sheet ``widget``'s marks give it in ``palette``'s colours ("" when unmarked)."""
    marks = tuple(str(widget.property(name) or "") for name in MARKS)
    key = (marks, palette.cacheKey())
    sheet = _made.get(key)
    if sheet is None:  # a badge changes at every send: its sheet is made once per palette
        if len(_made) > 256:
            _made.clear()
        pairs = zip(MARKS, marks, strict=True)
        rules = (_RULES[name](value, palette) for name, value in pairs if value)
        sheet = _made[key] = "\n".join(rules)
    return sheet


#: the sheets made so far, by marks and palette (QPalette.cacheKey changes with the palette)
_made: dict[tuple[tuple[str, ...], int], str] = {}


def restyle_all(app: QApplication, palette: QPalette) -> int:
    """Give every marked widget its sheet in ``palette``'s colours (a theme change); returns how
    many widgets are marked."""
    marked = 0
    for widget in app.allWidgets():
        if any(widget.property(name) for name in MARKS):
            _restyle(widget, palette)
            marked += 1
    return marked


def _tone_rule(role: str, pal: QPalette) -> str:
    return f"QLabel {{ color: {colors.semantic(role, pal).name()}; font-weight: bold; }}"


def _badge_rule(role: str, pal: QPalette) -> str:
    text, fill = colors.semantic(role, pal).name(), colors.semantic_fill(role, pal).name()
    return (
        f"QLabel {{ color: {text}; background-color: {fill}; border: 1px solid {text}; "
        f"border-radius: {space(1)}px; padding: {space(1) // 2}px {space(2)}px; "
        f"font-weight: bold; }}"
    )


def _banner_rule(role: str, pal: QPalette) -> str:
    text, fill = colors.semantic(role, pal).name(), colors.semantic_fill(role, pal).name()
    return (
        f"QLabel {{ color: {text}; background-color: {fill}; "
        f"border-left: {space(1)}px solid {text}; padding: {space(1) + 2}px {space(2)}px; }}"
    )


def _muted_rule(_value: str, pal: QPalette) -> str:
    return f"QLabel {{ color: {pal.color(QPalette.ColorRole.PlaceholderText).name()}; }}"


def _primary_rule(_value: str, pal: QPalette) -> str:
    return "\n".join(_primary_rules(pal))


_RULES: dict[str, Callable[[str, QPalette], str]] = {
    "tone": _tone_rule,
    "badge": _badge_rule,
    "banner": _banner_rule,
    "muted": _muted_rule,
    "primary": _primary_rule,
}


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
    sel = "QPushButton"
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


__all__ = [
    "MARKS",
    "badge",
    "banner",
    "font_step",
    "muted",
    "own_sheet",
    "primary",
    "restyle_all",
    "tone",
    "type_scale",
]
