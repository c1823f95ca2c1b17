"""The icon font: found where qtawesome installs it or in a bundle, and a missing font leaves the
buttons without icons (one log line) instead of failing."""

from __future__ import annotations

import logging

import pytest

from shipexplorer.ui.style import icons


@pytest.fixture
def fresh_font(monkeypatch):
    """The module as before its font was loaded (restored after the test)."""
    monkeypatch.setattr(icons, "_font", None)
    monkeypatch.setattr(icons, "_font_missing", False)
    monkeypatch.setattr(icons, "_cache", {})


def test_the_font_is_found_and_draws(qtbot, fresh_font):
    ttf, charmap = icons._font_files()
    assert ttf.suffix == ".ttf" and charmap.exists()
    assert not icons.icon("send").pixmap(16, 16).isNull()
    assert icons.loaded()


def test_a_bundle_carries_the_font_beside_its_code(qtbot, fresh_font, monkeypatch, tmp_path):
    ttf, charmap = icons._font_files()
    fonts = tmp_path / "qtawesome" / "fonts"
    fonts.mkdir(parents=True)
    (fonts / ttf.name).write_bytes(ttf.read_bytes())
    (fonts / charmap.name).write_bytes(charmap.read_bytes())
    monkeypatch.setattr(icons.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(icons.sys, "_MEIPASS", str(tmp_path), raising=False)
    assert icons._font_files() == (fonts / ttf.name, fonts / charmap.name)


def test_a_missing_font_gives_empty_icons_and_says_so_once(qtbot, fresh_font, monkeypatch, caplog):
    monkeypatch.setattr(icons.importlib.util, "find_spec", lambda name: None)
    monkeypatch.delattr(icons.sys, "_MEIPASS", raising=False)
    with caplog.at_level(logging.WARNING, logger=icons.__name__):
        assert icons.icon("send").isNull()
        assert icons.icon("save").isNull()
    assert not icons.loaded()
    assert [r.getMessage() for r in caplog.records].count(
        "icons are off: the qtawesome package (its Phosphor icon font) is not installed"
    ) == 1


def test_a_glyph_is_drawn_once_per_size_and_mode(qtbot, fresh_font, monkeypatch):
    """A tab bar or toolbar asks for the same pixmaps at every repaint: drawn once, then kept."""
    drawn: list[tuple[int, int]] = []
    paint = icons._GlyphEngine.paint

    def counted(self, painter, rect, mode, state) -> None:
        drawn.append((rect.width(), rect.height()))
        paint(self, painter, rect, mode, state)

    monkeypatch.setattr(icons._GlyphEngine, "paint", counted)
    send = icons.icon("send")
    first = send.pixmap(16, 16)
    for _ in range(3):
        again = send.pixmap(16, 16)
    assert again.toImage() == first.toImage() and not again.isNull()
    send.pixmap(24, 24)
    assert drawn == [(16, 16), (24, 24)]
