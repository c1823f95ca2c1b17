"""Importing a curl command line: what it recovers, its clear errors, and no other exception."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipexplorer.api.curl_import import CurlImportError, _parse, parse_curl

APP = "http://127.0.0.1:8999/_apps/"


def test_a_pasted_command_with_continuations():
    command = (
        "curl -sS -X POST 'http://127.0.0.1:8999/_apps/ws/t-echo/sub/path' \\\n"
        '  -H "Authorization: Bearer sk-real-key" \\\n'
        "  -H 'Content-Type: application/json' \\\n"
        """  --data-raw '{"name":"Ada","n":[1,2]}'"""
    )
    spec = parse_curl(command, APP)
    assert spec["instance"] == "t-echo" and spec["workspace"] == "ws"
    assert spec["method"] == "sub/path" and spec["verb"] == "POST"
    assert json.loads(spec["body"]) == {"name": "Ada", "n": [1, 2]}
    assert "sk-real-key" not in json.dumps(spec)


def test_get_query_becomes_the_body_and_defaults():
    spec = parse_curl("curl 'https://me.steamship.run/ws/inst/greet?name=Ada&x=1&x=2'")
    assert spec["verb"] == "GET" and spec["instance"] == "inst"
    assert json.loads(spec["body"]) == {"name": "Ada", "x": ["1", "2"]}
    spec = parse_curl("curl -G https://me.steamship.run/ws/i/m -d a=1", "https://steamship.run/")
    assert spec["verb"] == "GET" and json.loads(spec["body"]) == {"a": "1"}
    spec = parse_curl(
        "curl --json '{\"a\": 1}' http://localhost:1/_/i/m -H 'X-Workspace-Handle: w'"
    )
    assert spec["verb"] == "POST" and spec["workspace"] == "w"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("wget http://x/a/b/c", "not a curl command"),
        ("curl 'unclosed", "shell words"),
        ("curl -X", "needs a value"),
        ("curl -sS", "no URL"),
        ("curl -X DELETE http://127.0.0.1:8999/_apps/w/i/m", "GET or POST"),
        ("curl http://127.0.0.1:8999/api/v1/workspace/list", "not a package-method call under"),
        ("curl http://127.0.0.1:8999/_apps/w/i", "should end in"),
        ("curl --frobnicate http://x/w/i/m", None),
        ("curl -Z http://x/w/i/m", "not understood"),
        ("curl -d @body.json http://127.0.0.1:8999/_apps/w/i/m", "from a file"),
        ("curl http://a/w/i/m http://b/w/i/m", "more than one URL"),
    ],
)
def test_clear_errors(command, message):
    if message is None:  # an unknown long option is taken as a flag
        parse_curl(command)
        return
    with pytest.raises(CurlImportError, match=message):
        parse_curl(command, APP if "8999" in command else None)


words = st.sampled_from(
    ["curl", "-X", "GET", "POST", "-H", "-d", "--json", "-G", "--url", "'", '"', "\\\n",
     "http://127.0.0.1:8999/_apps/w/i/m", "https://u.steamship.run/a/b/c?x=1", "-sS", "@f",
     "X-Workspace-Handle: w", "{", "}", "http://[::1", "-XPOST", "-dx", "--data-raw", "%ff"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(words | st.text(max_size=12), max_size=10), st.sampled_from([None, APP]))
def test_never_raises_anything_but_its_own_error(parts, app_base):
    command = " ".join(parts)
    try:
        result = _parse(command, app_base)  # without parse_curl's safety net
    except CurlImportError as exc:
        assert str(exc)
    else:
        assert set(result) >= {"instance", "method", "verb", "body"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text(text):
    with contextlib.suppress(CurlImportError):
        _parse(text, APP)
