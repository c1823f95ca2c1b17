"""Settings, redaction, tasks, ``__dir__`` parsing and the retry policy, without a server."""

from __future__ import annotations

import base64
import json
import random
from urllib.parse import quote

from shipexplorer.api import (
    ConnectionRefused,
    ConnectionSettings,
    DnsError,
    HttpError,
    RateLimited,
    RetryPolicy,
    Task,
    is_idempotent,
    is_local,
    is_loopback_url,
    parse_methods,
    redact,
)
from shipexplorer.api.tasks import find_task

KEY = "canary-Key/with+odd=chars"


def test_settings_defaults_and_normalisation():
    s = ConnectionSettings()
    assert s.api_base == "https://api.steamship.com/api/v1/"
    assert s.app_base == "https://steamship.run/"
    assert s.web_base == "https://steamship.com/"
    s = ConnectionSettings(api_base=" http://127.0.0.1:9/api/v1", app_base="http://localhost:9")
    assert s.api_base == "http://127.0.0.1:9/api/v1/" and s.app_base == "http://localhost:9/"


def test_settings_hide_the_key():
    s = ConnectionSettings(api_key=KEY, workspace_handle="w")
    assert KEY not in repr(s) and "api_key" not in s.to_dict()
    assert KEY not in json.dumps(s.to_dict())
    back = ConnectionSettings.from_dict(s.to_dict(), api_key=KEY)
    assert back == s


def test_is_local_is_the_official_substring_test():
    for url in (
        "http://localhost:8/",
        "http://127.0.0.1/",
        "http://0:0:0:0/",
        "http://host.docker.internal/",
        "https://x.localhost.example/",
    ):
        assert is_local(url)
    assert not is_local("https://steamship.run/")
    # ... which is not a security test: the loopback check parses the host
    assert not is_loopback_url("http://127.0.0.1.evil.example/")
    assert not is_loopback_url("http://localhost.evil.example/")
    assert is_loopback_url("http://127.0.0.5:1/") and is_loopback_url("http://[::1]:8/")
    assert is_loopback_url("http://localhost/")


def test_redact_headers_and_text():
    headers = [("Authorization", f"Bearer {KEY}"), ("X-Workspace-Handle", "w"), ("X-Other", KEY)]
    out = redact(headers, [KEY])
    assert out[0] == ("Authorization", "Bearer ***") and out[1] == ("X-Workspace-Handle", "w")
    assert out[2] == ("X-Other", "***")
    assert redact({"authorization": "whatever"}, []) == [("authorization", "***")]
    b64 = base64.b64encode(KEY.encode()).decode()
    text = f"url?key={quote(KEY, safe='')} raw={KEY} b64={b64} Bearer abc.def"
    masked = redact(text, [KEY])
    for form in (KEY, quote(KEY, safe=""), b64, "abc.def"):
        assert form not in masked
    assert redact(KEY.encode(), [KEY]) == b"***"


def test_task_parsing_both_spellings():
    real = Task.from_dict(
        {
            "taskId": "1",
            "state": "running",
            "statusMessage": "m",
            "statusSuggestion": "s",
            "statusCode": "c",
            "taskCreatedOn": "t",
        }
    )
    assert (real.task_id, real.state, real.status_message, real.status_suggestion) == (
        "1",
        "running",
        "m",
        "s",
    )
    assert real.status_code == "c" and real.task_created_on == "t"
    seed = Task.from_dict({"taskId": "2", "taskState": "creating", "taskMessage": "hello"})
    assert seed.state == "creating" and seed.status_message == "hello" and not seed.is_finished
    assert Task.from_dict({"state": "succeeded"}).is_finished
    assert Task.from_dict({"state": "failed"}).is_finished
    assert not Task.from_dict({"state": "whatever"}).is_finished
    assert Task.from_dict({"task": {"taskId": "3", "state": "waiting"}}).task_id == "3"
    odd = Task.from_dict({"taskId": 5, "state": ["x"]})
    assert odd.task_id == "5" and isinstance(odd.state, str) and not odd.is_finished


def test_find_task_forms():
    assert find_task({"status": {"taskId": "a", "state": "waiting"}}).task_id == "a"
    assert find_task({"task": {"taskId": "b", "taskState": "running"}}).task_id == "b"
    assert find_task({"taskId": "c", "state": "waiting"}).task_id == "c"
    assert find_task({"taskId": "c", "state": "waiting"}, plain=False) is None
    assert find_task({"status": "ok"}) is None
    assert find_task({"task": "buy milk"}) is None
    assert find_task([1]) is None


def test_parse_methods_full_and_tolerant():
    spec = parse_methods(
        {
            "name": "P",
            "doc": "d",
            "sdkVersion": "2.17.34",
            "usedMixins": [],
            "methods": [
                {
                    "path": "/greet",
                    "verb": "POST",
                    "returns": "<class 'str'>",
                    "doc": "Greets.",
                    "args": [{"name": "name", "kind": "<class 'str'>", "values": None}],
                    "config": {},
                    "className": "P",
                },
                {
                    "path": "/mode",
                    "verb": "get",
                    "args": [
                        {"name": "m", "kind": "<enum 'M'>", "values": ["a", "b"]},
                        {"kind": "x"},
                        7,
                    ],
                },
                {"verb": "POST"},
                "junk",
                {"path": "/sub/path"},
            ],
        }
    )
    assert spec.name == "P" and spec.sdk_version == "2.17.34"
    greet, mode, sub = spec.methods
    assert (greet.path, greet.verb, greet.doc, greet.returns) == (
        "greet",
        "POST",
        "Greets.",
        "<class 'str'>",
    )
    assert greet.args[0].name == "name" and greet.args[0].type_name == "str"
    assert mode.verb == "GET" and mode.args[0].values == ["a", "b"] and len(mode.args) == 1
    assert sub.path == "sub/path" and sub.verb == "POST" and sub.args == []
    assert spec.method("/greet") is greet and spec.method("mode", "GET") is mode
    for junk in (None, [], "x", {"methods": "nope"}, {"methods": [None]}):
        assert parse_methods(junk).methods == []


def test_idempotent_operations():
    for op in (
        "task/status",
        "task/get",
        "workspace/get",
        "workspace/list",
        "account/current",
        "package/get",
        "package/instance/get",
        "package/instance/list",
    ):
        assert is_idempotent(op)
    for op in ("workspace/create", "package/instance/create", "workspace/delete", "task/update"):
        assert not is_idempotent(op)


def test_retry_policy():
    policy = RetryPolicy(max_attempts=3, base_delay=1.0, jitter=0.5)
    rng = random.Random(1)
    assert policy.delay(1, HttpError("x", status=503), rng) is not None
    delay1 = policy.delay(1, HttpError("x", status=503), rng)
    delay2 = policy.delay(2, HttpError("x", status=502), rng)
    assert 0.5 <= delay1 <= 1.0 and 1.0 <= delay2 <= 2.0
    assert policy.delay(3, HttpError("x", status=503)) is None  # attempts used up
    assert policy.delay(1, HttpError("x", status=500)) is None
    assert policy.delay(1, HttpError("x", status=404)) is None
    assert policy.delay(1, RateLimited("x", status=429, retry_after=4.0)) == 4.0
    assert policy.delay(1, RateLimited("x", status=429, retry_after=3600.0)) is None
    assert policy.delay(1, ConnectionRefused("x")) is not None
    assert policy.delay(1, DnsError("x")) is None
