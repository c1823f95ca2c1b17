"""The decoder: every form of the protocol file, both spellings, and a property test."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shipexplorer.api import (
    ApiError,
    HttpError,
    ProtocolError,
    RateLimited,
    RedirectNotFollowed,
    TaskFailed,
    decode,
    parse_retry_after,
)

JSON = [("Content-Type", "application/json")]


def j(status, body, *, package_call=False, headers=JSON):  # type: ignore[no-untyped-def]
    return decode(status, headers, json.dumps(body).encode(), package_call=package_call)


def test_sync_api_answer_is_its_data():
    out = j(200, {"data": {"workspace": {"id": "1", "handle": "w"}}})
    assert out.kind == "data" and out.value == {"workspace": {"id": "1", "handle": "w"}}
    assert out.data.kind == "json" and out.data.mime_type == "application/json"


def test_object_without_data_is_the_whole_body():
    assert j(200, {"a": 1}).value == {"a": 1}
    assert j(200, [1, 2]).value == [1, 2]
    assert j(200, "text").value == "text"


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        ("text/plain; charset=utf-8", "text"),
        ("text/markdown", "markdown"),
        ("TEXT/HTML; charset=UTF-8", "html"),
    ],
)
def test_text_kinds(content_type, kind):
    out = decode(200, [("content-type", content_type)], "héllo".encode(), package_call=True)
    assert out.data.kind == kind and out.value == "héllo"


def test_other_types_are_bytes():
    out = decode(200, {"Content-Type": "image/png"}, b"\x89PNG", package_call=True)
    assert (
        out.data.kind == "bytes" and out.value == b"\x89PNG" and out.data.mime_type == "image/png"
    )


def test_missing_content_type_is_a_protocol_error():
    out = decode(200, [], b"something", package_call=True)
    assert isinstance(out.error, ProtocolError)
    assert "Inconsistent response" in str(out.error) and "Content-Type" in str(out.error)


def test_json_null_and_bad_json_are_protocol_errors():
    assert isinstance(decode(200, JSON, b"null", package_call=False).error, ProtocolError)
    out = decode(200, JSON, b'{"data": tru', package_call=True)
    assert isinstance(out.error, ProtocolError) and "JSON" in str(out.error)


def test_wrapped_task_real_spelling():
    out = j(200, {"status": {"taskId": "t1", "state": "running", "statusMessage": "step 1 of 3"}})
    assert out.kind == "task" and out.task.task_id == "t1" and out.task.state == "running"
    assert out.task.status_message == "step 1 of 3" and not out.task.is_finished


def test_wrapped_task_seed_spelling():
    body = {"data": None, "task": {"taskId": "t2", "taskState": "creating", "taskMessage": "m"}}
    out = j(200, body)
    assert out.kind == "task" and out.task.state == "creating" and out.task.status_message == "m"


def test_status_with_nested_task():
    out = j(200, {"status": {"task": {"taskId": "t3", "state": "waiting"}}})
    assert out.task.task_id == "t3" and out.task.state == "waiting"


def test_succeeded_task_with_data_is_still_a_task():
    body = {"data": {"x": 1}, "status": {"taskId": "t", "state": "succeeded", "output": '{"x": 1}'}}
    out = j(200, body)
    assert out.kind == "task" and out.task.succeeded and out.value == {"x": 1}
    assert out.task.output_value() == {"x": 1}


def test_plain_task_from_a_method():
    body = {"taskId": "t4", "state": "waiting", "statusMessage": "queued"}
    out = j(200, body, package_call=True)
    assert out.kind == "task" and out.task.task_id == "t4" and out.data is None


def test_status_string_from_a_package_is_data():
    out = j(200, {"status": "ok"}, package_call=True)
    assert out.kind == "data" and out.value == {"status": "ok"}


def test_unknown_state_is_kept_and_not_finished():
    out = j(200, {"status": {"taskId": "t", "state": "paused-by-moon"}})
    assert out.task.state == "paused-by-moon" and not out.task.is_finished


def test_failed_status_on_200_is_an_error():
    body = {
        "status": {
            "taskId": "t",
            "state": "failed",
            "statusMessage": "boom",
            "statusCode": "X",
            "statusSuggestion": "retry",
        }
    }
    out = j(200, body)
    assert isinstance(out.error, TaskFailed)
    assert out.error.steamship_message == "boom" and out.error.code == "X"
    assert out.error.suggestion == "retry" and out.error.task.task_id == "t"
    assert "boom" in str(out.error) and "retry" in str(out.error)


def test_failed_status_on_404():
    body = {"status": {"state": "failed", "statusMessage": "No handler for POST nope available."}}
    out = j(404, body, package_call=True)
    assert isinstance(out.error, HttpError) and out.error.status == 404
    assert "No handler for POST nope available." in str(out.error)


def test_seed_failed_spelling():
    body = {"task": {"taskState": "failed", "taskMessage": "seed boom", "taskId": "t"}}
    out = j(500, body)
    assert isinstance(out.error, HttpError) and out.error.steamship_message == "seed boom"


def test_package_error_form():
    body = {
        "message": "bad arg",
        "internalMessage": "trace",
        "suggestion": "fix it",
        "code": "BadArg",
        "error": "ValueError",
    }
    out = j(400, body, package_call=True)
    err = out.error
    assert isinstance(err, HttpError) and err.status == 400
    assert (err.steamship_message, err.suggestion, err.code) == ("bad arg", "fix it", "BadArg")
    assert err.internal_message == "trace"


def test_non_json_error_body_is_text():
    out = decode(502, [("Content-Type", "text/html")], b"<h1>Bad gateway</h1>", package_call=False)
    assert isinstance(out.error, HttpError) and "Bad gateway" in str(out.error)
    out = decode(503, [], b"unavailable", package_call=False)
    assert isinstance(out.error, HttpError) and "unavailable" in str(out.error)


def test_rate_limited_with_retry_after():
    out = decode(429, [*JSON, ("Retry-After", "7")], b"{}", package_call=True)
    assert isinstance(out.error, RateLimited) and out.error.retry_after == 7


def test_redirect_is_an_error_showing_location():
    out = decode(307, [*JSON, ("Location", "https://elsewhere/")], b"{}", package_call=True)
    assert isinstance(out.error, RedirectNotFollowed)
    assert out.error.location == "https://elsewhere/" and "https://elsewhere/" in str(out.error)


def test_retry_after_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("in a while") is None
    assert parse_retry_after("-3") == 0.0


def test_error_messages_mask_the_key():
    body = {"status": {"state": "failed", "statusMessage": "bad key s3cr3t-key"}}
    out = decode(401, JSON, json.dumps(body).encode(), package_call=False, secrets=["s3cr3t-key"])
    assert "s3cr3t-key" not in str(out.error) and "***" in str(out.error)


# --- the property: whatever comes in, a result or a typed error comes out ---------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "data",
                    "status",
                    "task",
                    "state",
                    "taskState",
                    "taskId",
                    "statusMessage",
                    "message",
                    "code",
                    "suggestion",
                    "error",
                    "output",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)
content_types = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
            "text/markdown",
            "text/html; charset=bogus",
            "image/png",
            "",
            "application/json; charset=utf-16",
            "application/problem+json",
        ]
    ),
    st.text(max_size=30),
)
bodies = st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    status=st.integers(min_value=100, max_value=599),
    content_type=st.one_of(st.none(), content_types),
    body=bodies,
    package_call=st.booleans(),
)
def test_decode_never_raises(status, content_type, body, package_call):
    headers = [] if content_type is None else [("Content-Type", content_type)]
    out = decode(status, headers, body, package_call=package_call)
    assert out.kind in {"data", "task", "error"}
    if out.error is not None:
        assert isinstance(out.error, ApiError) and isinstance(str(out.error), str)
    elif not 200 <= status < 300:
        raise AssertionError("a non-2xx answer must be an error")
    if out.task is not None:
        assert out.task.state is None or isinstance(out.task.state, str)
