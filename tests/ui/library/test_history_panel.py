"""The history dock over a real HistoryService and database: the model passes qtmodeltester and
pages lazily, search and filters narrow it, re-open emits the right entry, compare shows the diff,
delete and clear work, and new entries appear at the top."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from shipexplorer.core.history_records import APP, USER
from shipexplorer.core.history_store import HistoryEntry, HistoryRecord, HistoryStore
from shipexplorer.services.history import HistoryService
from shipexplorer.ui.library.history_panel import HistoryPanel
from shipexplorer.ui.library.history_table_model import (
    ELAPSED,
    METHOD,
    PAGE_SIZE,
    SIZE,
    STATUS,
    TIME,
    URL,
    HistoryTableModel,
)


def record(n: int, **changes) -> HistoryRecord:
    values = dict(
        time=1_700_000_000.0 + n,
        verb="POST",
        url=f"http://127.0.0.1:1/api/e/echo?n={n}",
        request_body=json.dumps({"n": n}).encode(),
        status=200,
        response_body=json.dumps({"data": {"n": n, "same": True}}).encode(),
        elapsed=0.05,
        profile="emu",
        workspace="ws",
        instance="e",
        method="echo",
        kind="data",
    )
    values.update(changes)
    return HistoryRecord(**values)


@pytest.fixture
def make_panel(qtbot, worker_pool, tmp_path):
    made: list[HistoryService] = []

    def make(records=()):
        path = tmp_path / "history.sqlite3"
        store = HistoryStore(path)
        assert store.open() is None
        for rec in records:
            store.add(rec)
        store.close()
        history = HistoryService(worker_pool, None, path)
        history.start()
        made.append(history)
        panel = HistoryPanel(history)
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitUntil(lambda: not panel.model.loading, timeout=5000)
        return panel, history

    yield make
    for history in made:
        qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=5000)
        history.shutdown()


def select_rows(panel: HistoryPanel, *rows: int) -> None:
    selection = panel.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(panel.model.index(row, 0), flags)


def test_the_model_passes_the_model_tester(qtmodeltester):
    pages: list[int] = []
    model = HistoryTableModel(pages.append)
    entries = [
        HistoryEntry(
            id=i,
            time=time.time() - i,
            profile="p",
            workspace="w",
            instance="e",
            method="echo",
            verb="POST",
            url="u",
            status=200 if i % 2 else None,
            status_class="2xx",
            kind="data",
            response_size=i * 1000,
            content_type=None,
            elapsed=0.1,
            error=None,
            task_id=None,
            body_note=None,
            body_file=None,
            request_size=2,
        )
        for i in range(1, 30)
    ]
    model.reset(entries[:10], more=True)
    qtmodeltester.check(model)
    model.fetchMore()  # the tester may have asked already: either way, one request
    assert pages == [10] and not model.canFetchMore()  # one page at a time
    model.append_page(entries[10:20], more=False)
    model.prepend([entries[0]])  # already shown: skipped
    model.remove_ids([3, 4])
    qtmodeltester.check(model)
    assert model.rowCount() == 18 and not model.canFetchMore()
    assert model.data(model.index(1, 3)) == "connection failed"
    assert model.data(model.index(0, 3)) == "200 OK"


def test_pages_load_lazily_as_the_view_scrolls(qtbot, make_panel):
    panel, _ = make_panel([record(n) for n in range(PAGE_SIZE + 30)])
    qtbot.waitUntil(lambda: panel.model.rowCount() >= PAGE_SIZE, timeout=5000)
    assert panel.model.rowCount() == PAGE_SIZE and panel.model.has_more
    newest = panel.model.entry(0)
    assert newest.id == PAGE_SIZE + 30  # newest first
    panel.table.scrollToBottom()
    panel.model.fetchMore()
    qtbot.waitUntil(lambda: panel.model.rowCount() == PAGE_SIZE + 30, timeout=5000)
    assert not panel.model.has_more
    assert "130 entries shown" in panel.status.text()


def test_search_and_filters_narrow_the_list(qtbot, make_panel):
    panel, _ = make_panel(
        [
            record(1, response_body=b'{"word": "pineapple"}'),
            record(2, instance="g", method="greet", status=404, kind="error", error="NotFound"),
            record(3, instance="g", method="greet"),
        ]
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)
    panel.search.setText("pineapple")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1 and not panel.model.loading, timeout=5000)
    assert panel.model.entry(0).id == 1
    panel.search.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)
    qtbot.waitUntil(lambda: panel.instance_filter.count() == 3, timeout=5000)
    panel.instance_filter.setCurrentIndex(panel.instance_filter.findData("g"))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("4xx"))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    assert panel.model.data(panel.model.index(0, 3)) == "404 Not Found"


def test_reopen_and_resend_emit_the_whole_entry(qtbot, make_panel):
    panel, _ = make_panel([record(1), record(2, instance="g", method="greet")])
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
    select_rows(panel, 1)  # the older one
    with qtbot.waitSignal(panel.reopenRequested, timeout=5000) as got:
        panel.table.setFocus()
        panel.reopen_action.trigger()
    entry = got.args[0]
    assert (entry.instance, entry.workspace, entry.profile) == ("e", "ws", "emu")
    assert (entry.method, entry.verb, json.loads(entry.body_text)) == ("echo", "POST", {"n": 1})
    select_rows(panel, 0)
    with qtbot.waitSignal(panel.resendRequested, timeout=5000) as got:
        panel.resend_selected()
    assert got.args[0].method == "greet"


def test_api_operations_are_not_reopened(qtbot, make_panel):
    panel, _ = make_panel([record(1, instance=None, method="package/instance/list")])
    assert panel.model.rowCount() == 0  # a listing is the app's own call: hidden at first
    panel.app_calls.setChecked(True)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    select_rows(panel, 0)
    with qtbot.assertNotEmitted(panel.reopenRequested, wait=200):
        panel.reopen_selected()
    assert "Only method calls can be re-opened" in panel.status.text()


def test_compare_shows_the_diff(qtbot, make_panel):
    panel, _ = make_panel(
        [
            record(1, response_body=b'{"a": 1, "gone": true, "same": 0}'),
            record(2, response_body=b'{"a": 2, "new": [1], "same": 0}'),
        ]
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
    select_rows(panel, 0)
    panel.compare_selected()
    assert "Select two entries" in panel.status.text() and panel.diff_dialog is None
    select_rows(panel, 0, 1)
    panel.compare_selected()
    qtbot.waitUntil(lambda: panel.diff_dialog is not None and panel.diff_dialog.isVisible())
    view = panel.diff_dialog.view
    rows = [
        tuple(view.model.data(view.model.index(r, c)) for c in range(4))
        for r in range(view.model.rowCount())
    ]
    assert rows == [
        ("~ changed", "$.a", "1", "2"),
        ("- removed", "$.gone", "true", "(absent)"),
        ("+ added", "$.new", "(absent)", "[1]"),
    ]
    assert view.left_label.text().startswith("Left (older): #1")
    assert "1 added (+), 1 removed (-), 1 changed (~)" in view.summary.text()


def test_compare_text_bodies_gives_a_line_diff(qtbot, make_panel):
    panel, _ = make_panel(
        [record(1, response_body=b"alpha\nbeta"), record(2, response_body=b"alpha\ngamma")]
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
    select_rows(panel, 0, 1)
    panel.compare_selected()
    qtbot.waitUntil(lambda: panel.diff_dialog is not None and panel.diff_dialog.isVisible())
    text = panel.diff_dialog.view.lines.toPlainText()
    assert "-beta" in text and "+gamma" in text
    assert panel.diff_dialog.view.stack.currentWidget() is panel.diff_dialog.view.lines


def test_compare_says_when_a_stored_body_was_cut_short(qtbot, make_panel, tmp_path):
    big = json.dumps({"data": {"rows": ["r" * 60] * 20_000}}).encode()  # over 1 MB: spilled
    panel, _ = make_panel([record(1), record(2, response_body=big)])
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
    newest = panel.model.entry(0)  # newest first
    spilled = tmp_path / "history-bodies" / newest.body_file
    data = spilled.read_bytes()
    spilled.write_bytes(data[: len(data) // 2])
    select_rows(panel, 0, 1)
    panel.compare_selected()
    qtbot.waitUntil(lambda: panel.diff_dialog is not None and panel.diff_dialog.isVisible())
    text = panel.status.text()
    assert "newer entry's stored body is incomplete" in text and "older" not in text
    assert "Right: the whole body could not be read back" in panel.diff_dialog.view.notes.text()


def test_delete_and_clear_all(qtbot, make_panel):
    panel, history = make_panel([record(n) for n in range(1, 6)])
    qtbot.waitUntil(lambda: panel.model.rowCount() == 5, timeout=5000)
    select_rows(panel, 0, 1)
    panel.delete_selected()
    assert panel.model.rowCount() == 3
    qtbot.waitUntil(history.idle, timeout=5000)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3 and not panel.model.loading)
    assert history.store.count() == 3
    panel.confirm = lambda _text: False
    panel.clear_all()
    assert panel.model.rowCount() == 3
    asked: list[str] = []
    panel.confirm = lambda text: asked.append(text) or True
    panel.clear_all()
    qtbot.waitUntil(history.idle, timeout=5000)
    assert asked and history.store.count() == 0 and panel.model.rowCount() == 0


def test_new_entries_appear_at_the_top(qtbot, make_panel, worker_pool):
    panel, history = make_panel([record(1)])
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)

    class FakeExchange:
        method = "POST"
        url = "http://127.0.0.1:1/api/g/greet"
        request_headers = [("Authorization", "Bearer secret-xyz-123")]
        request_body = b"{}"
        status = 200
        response_headers: list = []
        response_body = b'{"hi": 1}'
        started_at = time.time()
        elapsed = 0.01
        secrets = ()
        request = None
        body_file = None
        error = None
        task = None
        kind = "data"
        content_type = "application/json"

    class Settings:
        api_key = "secret-xyz-123"
        workspace_handle = "ws"

    history.record(FakeExchange(), Settings(), "emu")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
    assert panel.model.entry(0).url.endswith("/greet")


def test_every_control_has_a_name(make_panel):
    panel, _ = make_panel()
    assert panel.objectName() == "history-dock" and panel.accessibleName() == "History"
    for widget in (panel.search, panel.instance_filter, panel.method_filter, panel.status_filter):
        assert widget.accessibleName()
    shortcuts = {a.text(): a.shortcut().toString() for a in panel.table.actions()}
    assert shortcuts["Delete"] and shortcuts["Re-open in editor"] == "Ctrl+Shift+O"
    assert panel.table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu


def test_the_app_s_own_calls_are_hidden_until_the_switch_shows_them(qtbot, make_panel):
    panel, _ = make_panel(
        [
            record(1, instance=None, method="workspace/list", origin=APP),
            record(2, verb="GET", method="__dir__", origin=APP),
            record(3, origin=USER),
        ]
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1 and not panel.model.loading, timeout=5000)
    assert panel.model.entry(0).method == "echo" and not panel.app_calls.isChecked()
    assert panel.status.text() == "1 entry shown"
    # the method filter offers the user's methods only
    qtbot.waitUntil(lambda: panel.method_filter.count() == 2, timeout=5000)
    assert panel.method_filter.itemData(1) == "echo"
    # the switch: named, with a mnemonic, in the dock's tab chain, worked by the keyboard
    switch = panel.app_calls
    assert switch.accessibleName() == "Show the app's own calls"
    assert switch.text().replace("&", "") == "Show the app's own calls" and "&" in switch.text()
    assert switch.focusPolicy() & Qt.FocusPolicy.TabFocus
    chain, widget = [], panel.search.nextInFocusChain()
    while widget is not panel.search and len(chain) < 100:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert switch in chain
    switch.setFocus()
    qtbot.keyClick(switch, Qt.Key.Key_Space)
    assert switch.isChecked()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3 and not panel.model.loading, timeout=5000)
    assert {panel.model.entry(r).method for r in range(3)} == {"echo", "__dir__", "workspace/list"}
    qtbot.waitUntil(lambda: panel.method_filter.count() == 4, timeout=5000)
    tip = panel.model.data(panel.model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert "app's own call" in tip
    switch.setChecked(False)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1 and not panel.model.loading, timeout=5000)


def test_status_cells_read_as_words(qtbot, make_panel):
    panel, _ = make_panel(
        [
            record(1),
            record(
                2,
                error="ProtocolError: Inconsistent response from server: the JSON body "
                "does not parse (Expecting value: line 1 column 1 (char 0)).",
                kind="error",
            ),
            record(3, status=404, error="HttpError: no such instance", kind="error"),
            record(4, status=500, error="HttpError: boom", kind="error"),
            record(5, status=None, error="Cancelled: Cancelled.", kind="error"),
            record(6, status=None, error="ConnectionRefused: refused", kind="error"),
            record(7, kind="task", task_id="t-1"),
        ]
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == 7, timeout=5000)
    words = [panel.model.data(panel.model.index(r, STATUS)) for r in range(7)]
    assert words == [
        "200 OK · task",
        "connection failed",
        "cancelled",
        "500 Internal Server Error",
        "404 Not Found",
        "200 · invalid JSON",
        "200 OK",
    ]
    assert not any("error" in w for w in words)


def test_a_hidden_panel_fits_its_columns_once_shown(qtbot, make_panel):
    panel, _ = make_panel([record(1)])
    panel.resize(1800, 500)
    header = panel.table.horizontalHeader()
    panel.hide()  # as a tab behind Tasks: new rows are not measured meanwhile
    asked = []
    original = panel.table.sizeHintForColumn
    panel.table.sizeHintForColumn = lambda column: asked.append(column) or original(column)
    long_method = "package/instance/list/" + "x" * 20
    panel.model.prepend([replace(panel.model.entry(0), id=99, method=long_method)])
    panel.fit_columns(grow_only=True)
    assert asked == []
    panel.show()
    qtbot.waitUntil(lambda: bool(asked), timeout=2000)
    metrics = panel.table.fontMetrics()
    wide = min(metrics.horizontalAdvance(f"POST {long_method}"), panel.column_cap(METHOD))
    assert header.sectionSize(METHOD) >= wide


def test_a_panel_tabbed_behind_another_dock_fits_once_raised(qtbot, make_panel):
    """Qt keeps a dock tabbed behind another "visible" (moved off the window): measured
    there, every send cost a fit of 10 to 35 ms that nobody saw."""
    panel, _ = make_panel([record(1)])
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QLabel("editor"))
    front = QDockWidget("Tasks", window)
    front.setWidget(QLabel("tasks"))
    for dock in (front, panel):
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.tabifyDockWidget(front, panel)
    window.resize(1400, 700)
    window.show()
    front.raise_()
    qtbot.waitUntil(lambda: panel.visibleRegion().isEmpty(), timeout=2000)
    assert panel.isVisible() and not panel.on_screen()  # what isVisible() alone would miss
    asked = []
    original = panel.table.sizeHintForColumn
    panel.table.sizeHintForColumn = lambda column: asked.append(column) or original(column)
    panel.model.prepend([replace(panel.model.entry(0), id=99, method="long/" + "x" * 30)])
    panel.fit_columns(grow_only=True)
    assert asked == []
    panel.raise_()
    qtbot.waitUntil(lambda: bool(asked), timeout=2000)
    assert panel.on_screen()
    window.removeDockWidget(panel)  # the panel's fixture closes it, not the window
    panel.setParent(None)


def test_columns_fit_their_contents_and_the_url_stretches(qtbot, make_panel):
    long_method = "package/instance/list"
    panel, _ = make_panel(
        [
            record(1, instance=None, method=long_method, origin=USER),
            record(2, response_body=b"x" * 3_000_000),
            record(3, status=None, error="ConnectionRefused: refused", kind="error"),
        ]
    )
    panel.resize(1800, 500)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3 and not panel.model.loading, timeout=5000)
    table, header = panel.table, panel.table.horizontalHeader()
    assert not table.wordWrap()
    metrics = table.fontMetrics()
    for column, text in (
        (METHOD, f"POST {long_method}"),
        (STATUS, "connection failed"),
        (SIZE, "2.9 MB"),
        (TIME, panel.model.data(panel.model.index(0, TIME))),
    ):
        assert header.sectionSize(column) >= metrics.horizontalAdvance(text), column
        assert header.sectionSize(column) <= panel.column_cap(column)
    assert header.sectionSize(SIZE) < 200 and header.sectionSize(ELAPSED) < 200
    assert panel.model.columnCount() - 1 == URL and header.stretchLastSection()
    assert header.sectionSize(URL) > header.sectionSize(METHOD)
    # a method longer than the cap is cut (elided), never wrapped or widening the column
    panel.model.prepend([replace(panel.model.entry(0), id=99, method="m" * 300, url="http://h/x")])
    panel.fit_columns(grow_only=True)
    assert header.sectionSize(METHOD) <= panel.column_cap(METHOD)


def test_columns_are_fitted_to_the_first_rows_only(qtbot, make_panel, monkeypatch) -> None:
    panel, _ = make_panel([record(1)])
    entry = panel.model.entry(0)
    panel.model.prepend([replace(entry, id=10 + n) for n in range(1000)])
    measured: set[int] = set()  # the entries whose cells were read
    real = HistoryTableModel._cell

    def counting(entry: HistoryEntry, column: int) -> str:
        measured.add(entry.id)
        return real(entry, column)

    monkeypatch.setattr(HistoryTableModel, "_cell", staticmethod(counting))
    panel.fit_columns(grow_only=True)
    assert measured and len(measured) <= 100  # not the 1,001 rows
