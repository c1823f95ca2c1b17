"""Error and task answers in the response area, against the emulator: the body shown whole in
every view that fits it and saved exactly as received, what went wrong above it, the status in
words and colour, and the name "Response body" on the answer area as shown."""

from __future__ import annotations

import json
import uuid

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFileDialog

from shipexplorer.api import ConnectionSettings, SteamshipClient
from shipexplorer.core.documents.answer import (
    FAILURE,
    NEUTRAL,
    PENDING,
    SUCCESS,
    WARNING,
    Answer,
)
from shipexplorer.core.profiles import Profile
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.document_queries import DocumentQueries
from shipexplorer.services.explorer import Explorer
from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.ui.response import response_view as rv
from shipexplorer.ui.response.response_view import ResponseView
from shipexplorer.ui.response.status_badge import tone_colors, tone_role
from tests.service_support import profile_services


@pytest.fixture
def emu_services(qtbot, worker_pool, emulator, tmp_path):
    """A RequestRunner on the emulator, a ResponseView wired to it as a request tab wires it,
    and a plain client to see the bytes the emulator sends."""
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    settings = ConnectionSettings(
        api_base=emulator.api_base, app_base=emulator.app_base, workspace_handle=workspace
    )
    api = SteamshipClient(settings.replace(api_key="demo-key"))
    api.workspace_create(workspace)
    api.instance_create("faults", "f")
    api.instance_create("slow-job", "job")
    credentials, profiles = profile_services(worker_pool, tmp_path)
    clients = ClientProvider(profiles, credentials)
    explorer = Explorer(clients, worker_pool)
    runner = RequestRunner(clients, worker_pool, spool_dir=tmp_path / "spool")
    profiles.add_builtin(Profile("emu", settings, builtin=True), "demo-key")
    qtbot.waitUntil(lambda: explorer.instance("job") is not None, timeout=5000)
    view = ResponseView()
    view.set_queries(DocumentQueries(worker_pool))
    view.saveRequested.connect(runner.save_answer)
    runner.finished.connect(lambda _rid, p: view.show_answer(p))
    runner.failed.connect(lambda _rid, p: view.show_answer(p))
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    yield runner, explorer, view, api
    runner.cancel_all()
    view.release()
    qtbot.waitUntil(lambda: worker_pool.active_jobs() == 0, timeout=10000)
    clients.close()
    api.close()


def _send(qtbot, runner, explorer, handle: str, method: str, args: dict | None = None) -> Answer:
    got: list[Answer] = []
    runner.finished.connect(lambda _rid, p: got.append(p))
    runner.failed.connect(lambda _rid, p: got.append(p))
    runner.send(explorer.instance(handle), method, json.dumps(args or {}))
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    return got[0]


def _sent_bytes(api: SteamshipClient, method: str, args: dict | None = None) -> bytes:
    """The body the emulator sends for ``faults.method``, as a plain client receives it."""
    instance = api.instance_get("f").value
    return api.send(api.invoke_request(instance, method, args or {})).response_body


def _raw_lines(view: ResponseView) -> str:
    return "\n".join(view.raw_view.line_text(i) for i in range(view.raw_view.line_count()))


def test_a_500_body_is_in_raw_tree_and_pretty_and_saved_exactly(
    qtbot, emu_services, tmp_path, monkeypatch
):
    runner, explorer, view, api = emu_services
    p = _send(qtbot, runner, explorer, "f", "fail")
    sent = _sent_bytes(api, "fail")
    assert p.kind == "error" and view.status_text() == "500 Internal Server Error"
    assert view.error_banner.isVisible()
    assert view.error_text().startswith("This failure was requested.")
    for tab in (rv.TREE_TAB, rv.RAW_TAB, rv.PRETTY_TAB):
        assert view.views.isTabEnabled(tab), tab
    assert _raw_lines(view) == sent.decode()
    assert json.loads(view.body_view.toPlainText()) == json.loads(sent)
    assert view.tree_view.tree_model.rowCount() == 1  # {"status": {...}}
    assert view.save_button.isEnabled()
    target = tmp_path / "saved-500.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(runner.saved, timeout=5000) as saved:
        view.ask_save()
    assert saved.args == [str(target), ""]
    assert target.read_bytes() == sent


def test_a_429_body_is_in_raw_and_its_wait_in_the_status(qtbot, emu_services):
    runner, explorer, view, api = emu_services
    p = _send(qtbot, runner, explorer, "f", "rate_limited", {"retry_after": 3})
    assert view.status_text() == "429 Too Many Requests · retry in 3 s"
    assert view.views.isTabEnabled(rv.RAW_TAB)
    assert _raw_lines(view) == _sent_bytes(api, "rate_limited", {"retry_after": 3}).decode()
    assert p.content().raw == _sent_bytes(api, "rate_limited", {"retry_after": 3})
    assert "Retry after 3 s." in view.error_text()


def test_bad_json_is_shown_as_received_with_a_whole_sentence(qtbot, emu_services):
    runner, explorer, view, _api = emu_services
    _send(qtbot, runner, explorer, "f", "bad_json")
    assert view.status_text() == "200 · invalid JSON"
    assert view.current_view() == "Raw" and _raw_lines(view) == '{"data": {"truncated": tru'
    assert view.body_view.toPlainText() == '{"data": {"truncated": tru'
    assert not view.views.isTabEnabled(rv.TREE_TAB)
    said = view.error_text().splitlines()[0]
    assert said.endswith("does not parse: expecting value at line 1, column 24.")
    assert view.note_label.text().startswith("The body is not valid JSON: expecting value")
    assert "(char" not in view.body_text() and "Error" not in view.body_text()
    assert view.save_button.isEnabled()


def test_a_task_answer_enables_the_tree_and_reads_as_a_task(qtbot, emu_services):
    runner, explorer, view, _api = emu_services
    p = _send(qtbot, runner, explorer, "job", "start", {"seconds": 1})
    assert p.kind == "task" and p.document is not None
    assert view.views.isTabEnabled(rv.TREE_TAB)
    assert view.status_text() in ("Task waiting", "Task running")
    assert view.show_view(rv.TREE_TAB)
    assert view.tree_view.tree_model.rowCount() > 0


def _answer(status_line: str, status: int | None, kind: str = "json", **fields) -> Answer:
    return Answer(kind, status_line, status=status, elapsed=0.085, size=1200, **fields)


def test_the_status_badge_says_it_in_words_and_colours_it(view):
    from shipexplorer.core.documents.answer import TaskSummary

    cases = [
        (_answer("200 OK", 200, body_text="{}"), SUCCESS),
        (_answer("404 Not Found", 404, "error", body_text="No."), WARNING),
        (_answer("500 Internal Server Error", 500, "error", body_text="Boom."), FAILURE),
        (
            _answer("Task running", 200, "task", task=TaskSummary("t", "running", None)),
            PENDING,
        ),
    ]
    for p, tone in cases:
        view.show_answer(p)
        assert view.status_text() == p.status_line
        # the app style sheet draws the badge after this property (ui/style/sheets)
        assert view.status_label.property("badge") == tone_role(tone, p.status), p.status_line
    assert view.meta_label.text() == "85 ms · 1.2 kB"
    view.show_message("Cancelled", "The request was cancelled; nothing was shown.")
    assert view.status_label.property("badge") == tone_role(NEUTRAL) == "neutral"


def test_the_colours_follow_a_dark_palette():
    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Window, QColor("#f4f4f4"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    for tone in (SUCCESS, WARNING, FAILURE, PENDING):
        (light_text, light_bg), (dark_text, dark_bg) = (
            tone_colors(tone, light),
            tone_colors(tone, dark),
        )
        assert light_text.lightness() < light_bg.lightness()  # dark words on a pale badge
        assert dark_text.lightness() > dark_bg.lightness()  # pale words on a dark badge
    assert tone_role(NEUTRAL) == "neutral" and tone_role(WARNING, 302) == "info"


def test_response_body_names_the_answer_area_as_shown(view):
    from shipexplorer.core.documents.json_document import PyDocument

    p = _answer("200 OK", 200, body_text='{"a": 1}', raw=b'{"a": 1}', document=PyDocument({"a": 1}))
    view.show_answer(p)
    assert view.current_view() == "Tree" and not view.body_view.isVisible()
    named = [
        w for w in view.findChildren(type(view.views)) if w.accessibleName() == "Response body"
    ]
    assert named == [view.views] and view.views.isVisible()
    assert view.views.accessibleDescription() == "Tree view"
    assert view.body_view.accessibleName() != "Response body"


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
