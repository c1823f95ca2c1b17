"""The Raw view paints only what is on screen and scrolls, jumps and copies by keyboard."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from shipexplorer.core.documents.text_source import WRAP, TextSource
from shipexplorer.ui.response.raw_text_view import RawTextView

LINES = 200_000


@pytest.fixture
def big_source(tmp_path):
    path = tmp_path / "body.txt"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(LINES):
            handle.write(f"line {i:06d} " + "x" * 20 + "\n")
        handle.write("tail " + "y" * (WRAP * 2 + 5))  # one long line: wrapped in three
    source = TextSource.from_file(path)
    yield source
    source.close()


class CountingSource:
    def __init__(self, source: TextSource) -> None:
        self.source = source
        self.asked: set[int] = set()

    def line_count(self) -> int:
        return self.source.line_count()

    def line(self, index: int) -> str:
        self.asked.add(index)
        return self.source.line(index)


@pytest.fixture
def view(qtbot):
    view = RawTextView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_big_source_opens_at_once_and_reads_only_the_visible_lines(view, big_source):
    counting = CountingSource(big_source)
    started = time.perf_counter()
    view.set_source(counting)
    view.viewport().grab()  # paint now
    assert time.perf_counter() - started < 0.2
    assert view.line_count() == LINES + 3
    assert 0 < len(counting.asked) <= view.visible_lines() + 1
    assert view.verticalScrollBar().maximum() == LINES + 3 - view.visible_lines()
    assert view.horizontalScrollBar().maximum() > 0  # lines up to WRAP characters


def test_keyboard_scrolls_and_jumps(view, qtbot, big_source):
    view.set_source(big_source)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_line() == 1
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.current_line() == 1 + view.visible_lines()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.current_line() == LINES + 2
    assert view.first_visible_line() == view.verticalScrollBar().maximum()
    assert view.line_text(LINES + 2) == "y" * 10  # "tail " + 2,005 "y" wrapped at 1,000
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert view.current_line() == 0 and view.first_visible_line() == 0
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.horizontalScrollBar().value() > 0
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.horizontalScrollBar().value() == 0


def test_go_to_shows_and_marks_the_match(view, big_source):
    view.set_source(big_source)
    view.go_to(150_000, 5, 6)
    assert view.current_line() == 150_000
    first = view.first_visible_line()
    assert first <= 150_000 < first + view.visible_lines()
    assert view.match() == (150_000, 5, 6)
    assert view.line_text(150_000)[5:11] == "150000"
    view.viewport().grab()
    view.go_to(LINES, WRAP + 3, 2)  # far to the right: scrolled sideways
    assert view.horizontalScrollBar().value() > 0


def test_selected_lines_are_copied(view, qtbot, big_source):
    view.set_source(big_source)
    view.go_to(10)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_range() == (10, 11)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert copied == big_source.line(10) + "\n" + big_source.line(11)


def test_a_click_selects_the_line_under_it(view, qtbot, big_source):
    view.set_source(big_source)
    height = view.fontMetrics().height()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_point(5, height * 3 + 1))
    assert view.current_line() == 3


def _point(x: int, y: int):
    from PySide6.QtCore import QPoint

    return QPoint(x, y)


def test_no_source_paints_nothing_and_keys_do_nothing(view, qtbot):
    view.set_source(TextSource.from_bytes(b"one\ntwo"))
    view.set_source(None)
    view.viewport().grab()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.line_count() == 0 and view.current_line() == 0
