"""The task detail under the table and its timeline bar: segments, output shown or refused as too
big, the reconnecting error."""

from __future__ import annotations

import json

from shipexplorer.ui.response.response_view import ResponseView
from shipexplorer.ui.tasks.task_detail import MAX_INLINE_OUTPUT, TaskDetail, output_size
from shipexplorer.ui.tasks.task_timeline_bar import TaskTimelineBar
from tests.ui.tasks.test_task_table_model import NOW, make_task


def test_timeline_bar_describes_its_segments(qtbot):
    bar = TaskTimelineBar()
    qtbot.addWidget(bar)
    bar.set_segments([("waiting", 0.25), ("running", 75.0), ("succeeded", 0.0)])
    assert bar.labels() == ["waiting 0.2 s", "running 1 min 15 s", "succeeded"]
    assert bar.accessibleDescription().startswith("States in order: waiting")
    bar.resize(400, bar.sizeHint().height())
    bar.show()
    assert not bar.grab().isNull()  # paints without error, narrow segments included
    widths = bar._widths(400.0)
    assert widths[1] > widths[0] and abs(sum(widths) - 400.0) < 1.0


def test_detail_shows_small_output_and_refuses_big_output(qtbot, monkeypatch):
    detail = TaskDetail(clock=lambda: NOW)
    qtbot.addWidget(detail)
    detail.show()
    task = make_task("t-out", "succeeded", start=NOW - 5)
    task.output = {"result": "done", "steps": 2}
    detail.show_task(task)
    assert '"result": "done"' in detail.output_view.body_text()
    shown = detail._answer
    closed: list[object] = []
    monkeypatch.setattr(type(shown), "close", lambda self: closed.append(self))
    task.output = {"blob": "x" * (MAX_INLINE_OUTPUT + 10)}
    detail.refresh()
    assert "too big" in detail.output_view.status_text()
    assert closed == [shown]  # the output left on screen is closed
    assert output_size(task.output) > MAX_INLINE_OUTPUT


def test_the_output_viewer_is_built_when_a_task_is_first_shown(qtbot):
    """A dock with no task shown holds no output viewer (about 0.6 MB of widgets); set-up given
    before (the queries) reaches it when it is built."""
    detail = TaskDetail(clock=lambda: NOW)
    qtbot.addWidget(detail)
    given: list[object] = []
    detail.set_queries(given)  # any object: the view only keeps it
    assert not detail.findChildren(ResponseView)
    task = make_task("t-late", "succeeded", start=NOW - 5)
    task.output = {"result": "done"}
    detail.show_task(task)
    assert detail.findChildren(ResponseView) == [detail.output_view]
    assert detail.output_view.tree_view.tree_model._queries is given
    assert detail.tabs.tabText(1) == "O&utput"
    assert detail.output_view.isAncestorOf(detail.output_view.views)


def test_output_size_is_close_and_stops_at_the_limit():
    value = {"items": [{"id": i, "name": f"item {i}", "ok": True} for i in range(200)]}
    exact = len(json.dumps(value, separators=(",", ":")))
    assert exact <= output_size(value, limit=10**9) <= exact * 1.2
    assert output_size(list(range(10**6))) > MAX_INLINE_OUTPUT  # from its length alone
    deep = [[[i] * 3 for i in range(10**4)]] * 10
    assert output_size(deep) > MAX_INLINE_OUTPUT


def test_reconnecting_shows_the_error(qtbot):
    detail = TaskDetail(clock=lambda: NOW)
    qtbot.addWidget(detail)
    detail.show()
    task = make_task("t-net", "running", start=NOW - 5, watch="reconnecting")
    task.last_error, task.retries = "Connection refused", 3
    detail.show_task(task)
    assert detail.trouble_label.isVisibleTo(detail)
    assert "Connection refused" in detail.trouble_label.text() and "3 retries" in (
        detail.trouble_label.text()
    )
