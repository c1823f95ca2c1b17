"""The response view: the view picked per kind, search, filter, save, progress, big bodies."""

from __future__ import annotations

import dataclasses
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from shipexplorer.core.documents.answer import Answer, hex_summary, pretty_json
from shipexplorer.core.documents.json_document import PyDocument
from shipexplorer.core.documents.text_source import TextSource
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.ui.response import rendered_view
from shipexplorer.ui.response import response_view as rv
from shipexplorer.ui.response.response_view import ResponseView

SHOP = {
    "items": [
        {"name": "apple", "price": 5},
        {"name": "pear", "price": 20},
        {"name": "apple pie", "price": 12},
    ],
    "owner": "Ada",
}


def answer(kind: str, body_text: str, **fields) -> Answer:
    """A Answer as the runner makes it (document/text_source/shown_note set when given)."""
    extra = {k: fields.pop(k) for k in ("document", "text_source", "shown_note") if k in fields}
    p = Answer(kind, "200 OK", status=200, elapsed=0.01, body_text=body_text, **fields)
    try:
        return dataclasses.replace(p, **extra)
    except TypeError:  # a Answer without the viewer fields yet
        for name, value in extra.items():
            object.__setattr__(p, name, value)
        return p


def json_answer(value) -> Answer:
    raw = json.dumps(value).encode()
    return answer(
        "json",
        pretty_json(value),
        raw=raw,
        size=len(raw),
        document=PyDocument(value),
        text_source=TextSource.from_bytes(raw),
    )


@pytest.fixture
def view(qtbot, worker_pool):
    view = ResponseView()
    view.set_queries(DocumentQueries(worker_pool))
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    yield view
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)


def _rows(view: ResponseView) -> list[str]:
    model = view.tree_view.tree_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_each_kind_picks_its_view(view):
    view.show_answer(json_answer(SHOP))
    assert view.current_view() == "Tree"
    assert view.views.isTabEnabled(rv.RAW_TAB) and view.views.isTabEnabled(rv.PRETTY_TAB)
    assert not view.views.isTabEnabled(rv.RENDERED_TAB)
    assert view.body_view.toPlainText() == pretty_json(SHOP)
    view.show_answer(answer("markdown", "# Title\n\nSome *words*.", raw=b"# T"))
    assert view.current_view() == "Rendered" and view.stack.currentIndex() == 0
    assert "Title" in view.rendered_text.toPlainText()
    assert "*" not in view.rendered_text.toPlainText()  # rendered, not shown as source
    view.show_answer(answer("text", "plain words", raw=b"plain words"))
    assert view.current_view() == "Rendered"
    assert view.rendered_text.toPlainText() == "plain words"
    assert view.raw_view.line_text(0) == "plain words"
    data = bytes(range(256)) * 4
    view.show_answer(answer("bytes", hex_summary(data, None), raw=data))
    assert view.current_view() == "Raw"
    assert view.raw_view.line_text(0).startswith("1,024 bytes")
    assert view.save_button.isEnabled() and "Save body" in view.info_label.text()
    task = answer("task", "A task was started.\nTask id: t1", document=PyDocument({"a": 1}))
    view.show_answer(task)
    assert view.current_view() == "Pretty" and view.views.isTabEnabled(rv.TREE_TAB)
    view.show_answer(answer("error", "It failed.", error_title="x"))
    assert view.current_view() == "Pretty" and view.error_text() == "It failed."
    assert view.error_banner.isVisible() and view.body_view.toPlainText() == "(no body)"
    assert not view.save_button.isEnabled()


def test_an_image_is_rendered_scaled_to_fit(view):
    from PySide6.QtGui import QColor, QImage

    image = QImage(4000, 2000, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    p = answer("image", "image/png image", image=b"x", raw=b"x")
    p = dataclasses.replace(p, decoded_image=image)
    view.show_answer(p)
    assert view.current_view() == "Rendered" and view.stack.currentIndex() == 1
    shown = view.image_label.pixmap()
    assert shown.width() <= view.image_label.width() and shown.width() < 4000
    assert abs(shown.width() / shown.height() - 2) < 0.05  # proportions kept


def test_search_narrows_the_tree_and_next_previous_move(view, qtbot):
    view.show_answer(json_answer(SHOP))
    bar = view.search_bar
    bar.search_field.setText("apple")
    qtbot.keyClick(bar.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bar.count_text() == "1 of 2")
    assert _rows(view) == ["$.items[0].name", "$.items[2].name"]
    assert view.tree_view.currentIndex().row() == 0
    qtbot.keyClick(bar.search_field, Qt.Key.Key_Return)
    assert bar.count_text() == "2 of 2" and view.tree_view.currentIndex().row() == 1
    bar.next_button.click()
    assert bar.count_text() == "1 of 2"  # round again
    qtbot.keyClick(bar.search_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_text() == "2 of 2"
    qtbot.keyClick(view.tree_view, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_text() == "1 of 2"
    bar.search_field.clear()
    assert not view.tree_view.tree_model.is_narrowed()
    bar.search_field.setText("nothing like it")
    bar.find_next()
    qtbot.waitUntil(lambda: bar.count_text() == "No matches")
    assert _rows(view) == []


def test_the_filter_narrows_the_tree_and_a_bad_one_says_why(view, qtbot):
    view.show_answer(json_answer(SHOP))
    bar = view.search_bar
    assert bar.filter_row.isVisible() and "$.items[?@.price > 10]" in (
        bar.filter_field.placeholderText()
    )
    bar.filter_field.setText("$.items[?@.price > 10]")
    qtbot.keyClick(bar.filter_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bar.filter_label.text() == "2 nodes match")
    assert _rows(view) == ["$.items[1]", "$.items[2]"]
    model = view.tree_view.tree_model
    model.fetchMore(model.index(0, 0))
    assert model.index(0, 0).data() == "$.items[1]" and model.rowCount(model.index(0, 0)) == 2
    bar.filter_field.setText("$.items[?@.price >")
    bar.apply_filter()
    qtbot.waitUntil(lambda: bar.filter_error.isVisible())
    assert "not valid JSONPath" in bar.filter_error.text()
    assert bar.filter_error.text().startswith("Error:")
    assert _rows(view) == ["$.items[1]", "$.items[2]"]  # the last good filter stays
    bar.filter_field.clear()
    qtbot.waitUntil(lambda: not model.is_narrowed())
    assert not bar.filter_error.isVisible()


def test_raw_search_jumps_between_matches(view, qtbot):
    lines = [f"line {i}" + (" needle" if i in (3, 40, 41) else "") for i in range(100)]
    raw = "\n".join(lines).encode()
    view.show_answer(answer("text", raw.decode(), raw=raw))
    assert view.show_view(rv.RAW_TAB)  # the window's Alt+2
    assert view.current_view() == "Raw"
    bar = view.search_bar
    bar.search_field.setText("NEEDLE")
    bar.find_next()
    qtbot.waitUntil(lambda: bar.count_text() == "1 of 3")
    assert view.raw_view.match() == (3, 7, 6)
    bar.find_next()
    qtbot.waitUntil(lambda: view.raw_view.match() == (40, 8, 6))
    bar.find_next()
    qtbot.waitUntil(lambda: view.raw_view.match() == (41, 8, 6))
    assert bar.count_text() == "3 of 3"
    bar.find_next()
    qtbot.waitUntil(lambda: view.raw_view.match() == (3, 7, 6))  # round again
    bar.find_previous()
    qtbot.waitUntil(lambda: view.raw_view.match() == (41, 8, 6))


def test_pretty_search_uses_the_text_widget(view, qtbot):
    view.show_answer(json_answer(SHOP))
    assert view.show_view(rv.PRETTY_TAB)  # the window's Alt+3
    assert view.current_view() == "Pretty"
    bar = view.search_bar
    assert not bar.filter_row.isVisible()
    bar.search_field.setText("apple")
    bar.find_next()
    assert bar.count_text() == "1 of 2"
    assert view.body_view.textCursor().selectedText() == "apple"
    bar.find_next()
    assert bar.count_text() == "2 of 2"
    bar.find_next()
    assert bar.count_text() == "1 of 2"


def test_save_emits_the_answer_and_the_path(view, qtbot, monkeypatch, tmp_path):
    target = str(tmp_path / "body.bin")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (target, ""))
    p = answer("bytes", "x", raw=b"\x00\x01")
    view.show_answer(p)
    with qtbot.waitSignal(view.saveRequested) as signal:
        view.save_button.click()
    assert signal.args[0] is p and signal.args[1] == target
    view.show_message("Cancelled", "Nothing")
    assert not view.save_button.isEnabled()


def test_download_progress_and_cancel(view, qtbot):
    view.show_waiting()
    assert not view.progress.isVisible()
    view.show_progress(500, 1000)
    assert view.progress.isVisible() and view.progress_bar.value() == 500
    assert view.progress_label.text() == "500 B of 1.0 kB"
    view.show_progress(2_000_000, -1)
    view.show_progress(3_000_000, -1)  # the same frame: shown once, at its end, the latest
    assert view.progress_label.text() == "500 B of 1.0 kB"
    qtbot.waitUntil(lambda: view.progress_label.text() == "3.0 MB received", timeout=5000)
    assert view.progress_bar.maximum() == 0  # busy: the total is not known
    with qtbot.waitSignal(view.cancelRequested):
        view.cancel_button.click()
    view.show_answer(json_answer([1]))
    assert not view.progress.isVisible()


def test_a_hidden_view_renders_when_shown(qtbot):
    view = ResponseView()
    qtbot.addWidget(view)
    p = json_answer(SHOP)
    view.show_answer(p)
    assert view.tree_view.tree_model.document() is None
    assert view.body_text() == p.body_text and view.status_text() == "200 OK"
    view.show()
    assert view.tree_view.tree_model.document() is p.document


def test_a_big_body_shows_its_note_and_fills_pretty_in_pieces(view, qtbot, tmp_path):
    value = [{"id": i, "name": f"item {i}", "tags": ["a", "b"]} for i in range(40_000)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(value))
    shown = pretty_json(value)[:150_000]
    note = "Showing the first 0.2 MB of 2.4 MB, pretty-printed; the Tree and Raw views hold all."
    p = answer(
        "json",
        shown,
        size=path.stat().st_size,
        document=PyDocument(value),
        text_source=TextSource.from_file(path),
        shown_note=note,
    )
    view.show_answer(p)
    assert view.current_view() == "Tree"
    qtbot.waitUntil(lambda: view.tree_view.tree_model.rowCount() == 500)  # the first batch
    view.views.setCurrentIndex(rv.PRETTY_TAB)
    assert view.note_label.isVisible() and view.note_label.text() == note
    assert len(view.body_view.toPlainText()) < len(shown)  # not all in one go
    qtbot.waitUntil(lambda: view.body_view.toPlainText() == shown, timeout=5000)
    assert view.raw_view.line_count() > 1
    p.text_source.close()


def test_chunks_join_back_to_the_text():
    text = "".join(f"line {i}\n" for i in range(5000)) + "end"
    assert "".join(rendered_view.text_chunks(text, 1000)) == text
    assert all(c.endswith("\n") for c in rendered_view.text_chunks(text, 1000)[:-1])
    md = "# A\n\n" + "```\ncode\n\nmore\n```\n\n" * 50 + "para\n"
    pieces = rendered_view.markdown_chunks(md, 30)
    assert "".join(pieces) == md and len(pieces) > 10
    assert all(piece.count("```") % 2 == 0 for piece in pieces)  # fences never cut


def test_a_long_markdown_answer_is_rendered_in_pieces(view, qtbot):
    text = "".join(f"## Part {i}\n\nSome *words* for part {i}.\n\n" for i in range(600))
    assert len(text) > 3 * rendered_view.MARKDOWN_CHUNK
    view.show_answer(answer("markdown", text, raw=text.encode()))
    assert view.current_view() == "Rendered"
    assert "Part 599" not in view.rendered_text.toPlainText()  # not all in one go
    qtbot.waitUntil(lambda: "Part 599" in view.rendered_text.toPlainText(), timeout=5000)
    shown = view.rendered_text.toPlainText()
    assert "Part 0\n" in shown and "*" not in shown and "Part 300\nSome words" in shown
