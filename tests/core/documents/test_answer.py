"""The response area's content, computed without Qt: by type, errors in words, never raising."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shipexplorer.api import (
    Cancelled,
    ConnectionRefused,
    Exchange,
    ReadTimeout,
    Result,
    decode,
)
from shipexplorer.core.documents.answer import (
    MAX_SHOWN_CHARS,
    Answer,
    answer_from_result,
    format_size,
    hex_summary,
    pretty_json,
)
from shipexplorer.core.documents.error_answer import answer_from_error
from shipexplorer.emulator.packages.media import png

KEY = "ss-secret-key-0123456789"


def exchange(status: int, headers, body: bytes, *, package_call: bool = True) -> Exchange:
    ex = Exchange(
        method="POST",
        url="http://127.0.0.1:9/ws/inst/m",
        request_headers=[("Authorization", "Bearer ***")],
        status=status,
        response_headers=list(headers),
        response_body=body,
        elapsed=0.0123,
        package_call=package_call,
        secrets=(KEY,),
    )
    ex.outcome = decode(
        status, ex.response_headers, body, package_call=package_call, secrets=(KEY,)
    )
    if ex.outcome.error is not None:
        ex.outcome.error.exchange = ex
    return ex


def present(ex: Exchange) -> Answer:
    if ex.error is not None:
        return answer_from_error(ex.error)
    return answer_from_result(Result(ex.outcome.data, ex))


JSON_CT = [("Content-Type", "application/json")]


def test_json_is_pretty_printed_with_status_elapsed_size_and_redacted_headers():
    body = json.dumps({"data": {"b": [1, 2], "a": "ü"}}).encode()
    p = present(exchange(200, [*JSON_CT, ("X-Echo", f"key={KEY}")], body))
    assert p.kind == "json" and p.ok
    assert p.status_line == "200 OK"
    assert p.body_text == json.dumps({"b": [1, 2], "a": "ü"}, indent=2, ensure_ascii=False)
    assert p.meta_line == f"12 ms · {len(body)} B"
    assert ("X-Echo", "key=***") in p.headers
    assert KEY not in repr(p.headers)


def test_text_and_markdown_are_text():
    p = present(exchange(200, [("Content-Type", "text/plain; charset=utf-8")], b"Hi, Ada!"))
    assert (p.kind, p.body_text) == ("text", "Hi, Ada!")
    p = present(exchange(200, [("Content-Type", "text/markdown")], b"# Title"))
    assert (p.kind, p.body_text) == ("markdown", "# Title")


def test_images_carry_their_bytes_and_other_bytes_a_hex_summary():
    image = png(4, 4)
    p = present(exchange(200, [("Content-Type", "image/png")], image))
    assert p.kind == "image" and p.image == image and p.raw == image
    assert p.mime_type == "image/png"
    blob = bytes(range(256)) * 8
    p = present(exchange(200, [("Content-Type", "application/octet-stream")], blob))
    assert p.kind == "bytes" and p.raw == blob
    assert p.body_text.startswith("2,048 bytes of application/octet-stream")
    assert "00000000  00 01 02" in p.body_text and "Save to file" in p.body_text


def test_a_task_answer_is_summarised_in_either_spelling():
    plain = {"taskId": "t-1", "state": "running", "statusMessage": "step 1 of 3"}
    seed = {"status": {"taskId": "t-2", "taskState": "waiting", "taskMessage": "queued"}}
    for body, (task_id, state, message) in (
        (plain, ("t-1", "running", "step 1 of 3")),
        (seed, ("t-2", "waiting", "queued")),
    ):
        p = present(exchange(200, JSON_CT, json.dumps(body).encode()))
        assert p.kind == "task"
        assert (p.task.task_id, p.task.state, p.task.message) == (task_id, state, message)
        assert f"Task id: {task_id}" in p.body_text


def test_a_failed_status_reads_as_message_suggestion_and_code():
    body = {
        "status": {
            "state": "failed",
            "statusMessage": "Boom.",
            "statusSuggestion": "Do X.",
            "statusCode": "E42",
        }
    }
    p = present(exchange(500, JSON_CT, json.dumps(body).encode()))
    assert p.kind == "error" and not p.ok
    assert p.status_line.startswith("500 Internal Server Error")
    assert p.body_text.splitlines()[:3] == ["Boom.", "Suggestion: Do X.", "Code: E42"]


def test_a_redirect_shows_its_location_and_is_not_followed():
    p = present(exchange(307, [*JSON_CT, ("Location", "https://elsewhere.example/")], b"{}"))
    assert p.status_line.startswith("307 Temporary Redirect")
    assert "Location: https://elsewhere.example/" in p.body_text
    assert "not followed" in p.body_text


def test_network_errors_say_what_failed_and_what_to_check():
    ex = exchange(200, JSON_CT, b"{}")
    ex.status = None
    p = answer_from_error(ConnectionRefused("Connection refused by 127.0.0.1:9.", exchange=ex))
    assert p.status_line == "Failed — connection refused"
    assert "Request: POST http://127.0.0.1:9/ws/inst/m" in p.body_text
    assert "What to check:" in p.body_text and "server runs" in p.body_text
    p = answer_from_error(ReadTimeout("h did not answer in time (read timeout).", phase="read"))
    assert "read timeout" in p.body_text and "What to check" in p.body_text
    assert answer_from_error(Cancelled("Cancelled.")).status_line == "Cancelled"


def test_a_key_in_an_error_message_is_masked():
    ex = exchange(200, JSON_CT, b"{}")
    p = answer_from_error(ConnectionRefused(f"refused with {KEY}", exchange=ex))
    assert KEY not in p.body_text and "***" in p.body_text


def test_anything_else_reads_as_an_unexpected_error_without_its_class_name():
    p = answer_from_error(RuntimeError("bug"))
    assert p.kind == "error" and p.body_text == "Something unexpected stopped the request: bug."
    assert "RuntimeError" not in p.body_text


def test_huge_text_is_cut_for_display_but_kept_whole_for_saving():
    body = b"x" * (MAX_SHOWN_CHARS + 10)
    p = present(exchange(200, [("Content-Type", "text/plain")], body))
    assert p.truncated and p.raw == body
    assert len(p.body_text) < MAX_SHOWN_CHARS + 200


def test_sizes_and_hex_summary():
    assert format_size(999) == "999 B" and format_size(1500) == "1.5 kB"
    assert format_size(2_500_000) == "2.5 MB"
    assert hex_summary(b"", None).startswith("0 bytes of unknown type")


CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=latin-1",
            "application/json; charset=bogus",
            "application/problem+json",
            "text/plain",
            "text/markdown; charset=utf-16",
            "text/html",
            "image/png",
            "image/svg+xml",
            "application/octet-stream",
            "",
            ";;;",
        ]
    ),
    st.text(max_size=40),
)
BODIES = st.one_of(
    st.binary(max_size=2000),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=20,
    ).map(lambda v: json.dumps(v).encode()),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    status=st.integers(min_value=100, max_value=599),
    content_type=CONTENT_TYPES,
    body=BODIES,
)
def test_arbitrary_answers_never_raise(status, content_type, body):
    headers = [] if content_type is None else [("Content-Type", content_type)]
    headers = [(k, v.replace("\r", " ").replace("\n", " ")) for k, v in headers]
    p = present(exchange(status, headers, body))
    assert isinstance(p, Answer)
    assert isinstance(p.body_text, str) and isinstance(p.status_line, str)
    assert p.kind in {
        "json",
        "text",
        "markdown",
        "html",
        "image",
        "bytes",
        "task",
        "error",
        "empty",
    }
    assert p.meta_line


def test_pretty_printing_a_huge_value_stops_soon_after_the_shown_part():
    value = [{"index": i, "payload": "x" * 64} for i in range(200_000)]  # about 17 MB indented
    text = pretty_json(value)
    assert MAX_SHOWN_CHARS < len(text) < MAX_SHOWN_CHARS + 1000
    assert text.startswith('[\n  {\n    "index": 0,')
    assert pretty_json({"a": [1]}, limit=None) == '{\n  "a": [\n    1\n  ]\n}'
