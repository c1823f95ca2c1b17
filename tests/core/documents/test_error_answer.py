"""Error answers keep their body whole (bytes to save, text, document) beside the words for what
went wrong; every status reads in words; a broken JSON body is explained in one whole sentence."""

from __future__ import annotations

import json

import pytest

from shipexplorer.api import Exchange, Result, decode
from shipexplorer.core.documents.answer import (
    FAILURE,
    JSON,
    NEUTRAL,
    PENDING,
    SUCCESS,
    TASK,
    TEXT,
    WARNING,
    answer_from_result,
    status_tone,
    task_status_text,
)
from shipexplorer.core.documents.error_answer import (
    answer_from_error,
    body_answer,
    open_error_body,
)
from shipexplorer.core.documents.json_document import json_error_text, open_document

KEY = "ss-secret-key-0123456789"
JSON_CT = [("Content-Type", "application/json")]
FAILED = json.dumps(
    {
        "status": {
            "state": "failed",
            "statusMessage": "This failure was requested.",
            "statusCode": "DemoFailure",
            "statusSuggestion": "Call another method.",
        }
    }
).encode()


def exchange(status: int, headers, body: bytes, *, body_file: str | None = None) -> Exchange:
    ex = Exchange(
        method="POST",
        url="http://127.0.0.1:9/ws/inst/m",
        request_headers=[("Authorization", "Bearer ***")],
        status=status,
        response_headers=list(headers),
        response_body=b"" if body_file else body,
        elapsed=0.0123,
        package_call=True,
        secrets=(KEY,),
        body_file=body_file,
        body_file_size=len(body) if body_file else 0,
    )
    ex.outcome = decode(
        status, ex.response_headers, body, package_call=True, secrets=(KEY,), body_file=body_file
    )
    if ex.outcome.error is not None:
        ex.outcome.error.exchange = ex
    return ex


def present(ex: Exchange):
    if ex.error is not None:
        return answer_from_error(ex.error)
    return answer_from_result(Result(ex.outcome.data, ex))


def test_a_500_keeps_its_body_whole_beside_the_words():
    p = present(exchange(500, JSON_CT, FAILED))
    assert p.kind == "error" and p.status_line == "500 Internal Server Error"
    assert p.body_text.splitlines()[0] == "This failure was requested."
    body = p.content()
    assert body is p.error_body and body.kind == JSON
    assert body.raw == FAILED  # "Save body to file…" writes exactly this
    assert body.document.root().kind == "object"
    assert body.text_source.line(0) == FAILED.decode()
    assert json.loads(body.body_text) == json.loads(FAILED)
    assert status_tone(p) == FAILURE
    p.close()


def test_statuses_read_in_words():
    p = present(exchange(404, JSON_CT, b'{"message": "No such instance."}'))
    assert (p.status_line, status_tone(p)) == ("404 Not Found", WARNING)
    assert p.content().raw == b'{"message": "No such instance."}'
    limited = exchange(429, [*JSON_CT, ("Retry-After", "3")], FAILED)
    p = present(limited)
    assert p.status_line == "429 Too Many Requests · retry in 3 s"
    assert status_tone(p) == WARNING and p.content().raw == FAILED
    p = present(exchange(200, JSON_CT, b'{"data": {"a": 1}}'))
    assert (p.status_line, status_tone(p)) == ("200 OK", SUCCESS)
    p = present(exchange(307, [*JSON_CT, ("Location", "https://x.example/")], b"{}"))
    assert p.status_line == "307 Temporary Redirect · not followed"
    assert answer_from_error(RuntimeError()).status_line == "Error"


def test_bad_json_is_kept_as_text_and_explained_in_a_whole_sentence():
    body = b'{"data": {"truncated": tru'
    p = present(exchange(200, JSON_CT, body))
    assert p.kind == "error" and p.status_line == "200 · invalid JSON"
    first = p.body_text.splitlines()[0]
    assert first == (
        "The server answered 200 OK, but its JSON body does not parse: "
        "expecting value at line 1, column 24."
    )
    assert "(char" not in p.body_text and "Body as received" not in p.body_text
    content = p.content()
    assert content.kind == TEXT and content.raw == body and content.document is None
    assert content.text_source.line(0) == body.decode() and content.body_text == body.decode()
    assert content.shown_note.startswith("The body is not valid JSON: expecting value at line 1")
    assert status_tone(p) == FAILURE


def test_an_invalid_control_character_is_said_whole():
    p = present(exchange(200, JSON_CT, b'{"a": "x\x01"}'))
    assert "invalid control character at line 1, column 9." in p.body_text
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads('{"a": "x\x01"}')
    assert json_error_text(caught.value) == (
        "The body is not valid JSON: invalid control character at line 1, column 9."
    )
    with pytest.raises(ValueError, match=r"^The body is not valid JSON: .* line 1, column 9\.$"):
        open_document(b'{"a": "x\x01"}')


def test_a_key_echoed_in_an_error_body_is_masked_in_the_views_not_in_the_saved_bytes():
    body = json.dumps({"message": f"bad key {KEY}"}).encode()
    p = present(exchange(401, JSON_CT, body))
    content = p.content()
    assert content.raw == body
    assert KEY not in content.body_text and "***" in content.body_text
    assert KEY not in content.text_source.line(0)
    assert KEY not in json.dumps(content.document.value) and KEY not in p.body_text


def test_text_html_and_binary_error_bodies():
    p = present(exchange(502, [("Content-Type", "text/html")], b"<h1>Bad gateway</h1>"))
    assert p.content().kind == "html" and p.content().raw == b"<h1>Bad gateway</h1>"
    p = present(exchange(500, [("Content-Type", "application/octet-stream")], b"\xff\x00\xfe"))
    assert p.content().kind == "bytes" and p.content().raw == b"\xff\x00\xfe"
    p = present(exchange(503, [], b""))
    assert p.error_body is None and p.content() is p


def test_a_task_answer_gets_its_json_as_a_document_and_its_state_in_words():
    running = {"status": {"taskId": "t-1", "state": "running"}}
    p = present(exchange(200, JSON_CT, json.dumps(running).encode()))
    assert p.kind == TASK and p.status_line == "Task running" and status_tone(p) == PENDING
    assert p.document is not None and p.document.value == running
    done = {"status": {"taskId": "t-1", "state": "succeeded"}, "data": {"n": 1}}
    p = present(exchange(200, JSON_CT, json.dumps(done).encode()))
    assert (p.status_line, status_tone(p)) == ("Task succeeded", SUCCESS)
    assert p.document.value == {"n": 1}
    failed = present(exchange(200, JSON_CT, FAILED))
    assert failed.kind == "error" and failed.status_line == "Task failed"
    assert status_tone(failed) == FAILURE and failed.content().raw == FAILED
    assert failed.content().document is not None
    assert task_status_text("waiting") == "Task waiting"
    assert task_status_text(None) == "Task started"


def test_cancelled_and_network_failures_have_no_body():
    from shipexplorer.api import Cancelled, ConnectionRefused

    p = answer_from_error(Cancelled("Cancelled."))
    assert (p.status_line, status_tone(p), p.error_body) == ("Cancelled", NEUTRAL, None)
    p = answer_from_error(ConnectionRefused("refused"))
    assert status_tone(p) == FAILURE and p.error_body is None


def test_a_spooled_error_body_is_opened_on_the_worker_and_deleted_on_close(tmp_path):
    path = tmp_path / "body-e.part"
    big = json.dumps({"error": "x" * 3000}).encode()
    path.write_bytes(big)
    p = present(exchange(500, JSON_CT, big, body_file=str(path)))
    assert p.content().body_file == str(path) and p.content().text_source is None
    opened = open_error_body(p, threshold=100)
    content = opened.content()
    assert content.kind == JSON and content.text_source.size == len(big)
    assert content.document is not None
    assert body_answer(None) is None
    opened.close()
    assert not path.exists()


def test_a_body_over_its_limit_says_what_happened_and_what_to_change():
    from shipexplorer.api.errors import BodyTooLarge

    ex = Exchange(
        method="POST",
        url="http://127.0.0.1:9/ws/inst/m",
        request_headers=[],
        status=200,
        response_headers=[("Content-Type", "application/json")],
        secrets=(KEY,),
    )
    ex.transport_error = BodyTooLarge(limit=16_000_000, received=16_100_000, exchange=ex)
    p = answer_from_error(ex.transport_error)
    assert p.kind == "error" and p.error_body is None
    assert p.status_line == "Stopped — answer over 16 MB (after 200 OK)"
    assert status_tone(p) == FAILURE and p.error_title == "answer too large"
    assert p.body_text.splitlines() == [
        "The server sent more than 16 MB for this call, so it was stopped "
        "(limit: File ▸ Preferences ▸ In-memory body limit).",
        "Request: POST http://127.0.0.1:9/ws/inst/m",
    ]
    spooled = BodyTooLarge(limit=10**9, announced=2 * 1024**3, spooled=True, status=502)
    p = answer_from_error(spooled)
    assert p.status_line == "Stopped — answer over 1 GB"
    assert p.body_text == (
        "The server announced 2.1 GB for this call (Content-Length), more than the 1 GB "
        "allowed, so nothing of it was read (limit: File ▸ Preferences ▸ Spooled body limit)."
    )
