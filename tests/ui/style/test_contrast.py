"""Text keeps a contrast of at least 4.5:1 (WCAG AA) in the light and in the dark palette: status
badges on their fills, error and semantic text on the window and on fields, timeline labels on
their segments, every highlighter kind on the editor's base, and the palettes' own text."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from shipexplorer.core.documents.answer import FAILURE, NEUTRAL, PENDING, SUCCESS, WARNING
from shipexplorer.ui.response.status_badge import tone_colors
from shipexplorer.ui.style import colors, theme
from shipexplorer.ui.tasks.task_timeline_bar import STATE_ROLES, state_colors

AA = 4.5
SYNTAX_KINDS = ("key", "string", "number", "literal", "punct", "variable")
R = QPalette.ColorRole


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp) -> QPalette:
    return theme.light_palette() if request.param == "light" else theme.dark_palette()


def test_the_ratio_is_computed_as_wcag_says():
    assert colors.contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert colors.contrast(QColor("#777777"), QColor("#777777")) == pytest.approx(1.0)
    assert colors.contrast(QColor("#767676"), QColor("#ffffff")) == pytest.approx(4.54, abs=0.01)


def test_the_dark_palette_is_dark_and_the_light_one_light(qapp):
    assert colors.is_dark(theme.dark_palette())
    assert not colors.is_dark(theme.light_palette())


def test_status_badges_read_on_their_fill(palette):
    for tone in (SUCCESS, WARNING, FAILURE, PENDING, NEUTRAL):
        for status in (200, 302, 404, 500, None):
            text, fill = tone_colors(tone, palette, status)
            assert colors.contrast(text, fill) >= AA, (tone, status)


def test_semantic_text_reads_on_windows_and_fields(palette):
    """Error labels, the editor's problem mark, icons: on the window and on a field's base."""
    for role in colors.ROLES:
        text = colors.semantic(role, palette)
        for ground in (R.Window, R.Base, R.AlternateBase):
            ratio = colors.contrast(text, palette.color(ground))
            assert ratio >= AA, (role, ground, round(ratio, 2))
        ratio = colors.contrast(text, colors.semantic_fill(role, palette))
        assert ratio >= AA, (role, "fill")


def test_timeline_labels_read_on_their_segment(palette):
    for state in [*STATE_ROLES, "reconnecting"]:
        text, fill = state_colors(state, palette)
        assert colors.contrast(text, fill) >= AA, state


def test_every_highlighter_kind_reads_on_the_editor(palette):
    base = palette.color(R.Base)
    for kind in SYNTAX_KINDS:
        ratio = colors.contrast(colors.syntax(kind, palette), base)
        assert ratio >= AA, (kind, round(ratio, 2))


def test_the_palettes_own_text_reads(palette):
    pairs = [
        (R.WindowText, R.Window),
        (R.Text, R.Base),
        (R.Text, R.AlternateBase),
        (R.ButtonText, R.Button),
        (R.PlaceholderText, R.Base),
        (R.PlaceholderText, R.Window),
        (R.HighlightedText, R.Highlight),
        (R.ToolTipText, R.ToolTipBase),
        (R.Link, R.Base),
    ]
    for text, ground in pairs:
        ratio = colors.contrast(palette.color(text), palette.color(ground))
        assert ratio >= AA, (text, ground, round(ratio, 2))
