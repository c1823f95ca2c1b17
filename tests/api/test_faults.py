"""Each fault of the emulator gives the right typed error and message; retries only for reads."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from shipexplorer.api import (
    Cancelled,
    CancelToken,
    ConnectionDropped,
    ConnectionRefused,
    ConnectionSettings,
    DnsError,
    HttpError,
    ProtocolError,
    RateLimited,
    RedirectNotFollowed,
    RetryPolicy,
    SteamshipClient,
    TaskFailed,
)

from .conftest import FIGURES, Canceller, poll, read_request


@pytest.mark.parametrize("form", ["status", "package"])
def test_fail_in_both_forms(client, demo, form):
    args = {
        "code": "Oops",
        "message": "It broke.",
        "suggestion": "Try later.",
        "http_status": 503 if form == "status" else 400,
        "form": form,
    }
    with pytest.raises(HttpError) as info:
        client.invoke(demo["faults"], "fail", args)
    err = info.value
    assert err.status == args["http_status"]
    assert (err.steamship_message, err.code, err.suggestion) == ("It broke.", "Oops", "Try later.")
    assert str(err).startswith(f"HTTP {args['http_status']}: It broke.")
    assert "Try later." in str(err)
    assert err.exchange is not None and err.exchange.status == args["http_status"]


def test_fail_with_http_200_is_still_an_error(client, demo):
    with pytest.raises(TaskFailed) as info:  # a failed status on HTTP 200
        client.invoke(demo["faults"], "fail", {"http_status": 200, "message": "Failed softly."})
    assert "Failed softly." in str(info.value)


def test_rate_limited(client, demo):
    with pytest.raises(RateLimited) as info:
        client.invoke(demo["faults"], "rate_limited", {"retry_after": 3})
    assert info.value.status == 429 and info.value.retry_after == 3
    assert "Retry after 3 s" in str(info.value)


def test_bad_json(client, demo):
    with pytest.raises(ProtocolError, match="does not parse"):
        client.invoke(demo["faults"], "bad_json")


def test_no_content_type(client, demo):
    with pytest.raises(ProtocolError, match="no Content-Type"):
        client.invoke(demo["faults"], "no_content_type")


def test_disconnect(client, demo):
    with pytest.raises(ConnectionDropped, match="dropped"):
        client.invoke(demo["faults"], "disconnect", {"size": 10000})
    assert client.invoke(demo["echo"], "echo", {"ok": 1}).value.value == {"ok": 1}


def test_redirect_not_followed(client, demo, emulator):
    emulator.clear_requests()
    target = f"{emulator.api_base}account/current"
    with pytest.raises(RedirectNotFollowed) as info:
        client.invoke(demo["faults"], "redirect", {"to": target})
    assert info.value.location == target and info.value.status == 307
    assert target in str(info.value)
    assert not [r for r in emulator.requests if r.path.endswith("account/current")]


@pytest.mark.parametrize("megabytes", [20, 100])
def test_big_bodies_complete(client, demo, megabytes):
    """Whole bodies above the default in-memory limit, when the client's limit allows them."""
    from shipexplorer.api.limits import MB, BodyLimits

    client.body_limits = BodyLimits(memory=200 * MB)
    seen: list[int] = []
    result = client.invoke(
        demo["faults"], "big", {"megabytes": megabytes}, on_progress=lambda n, total: seen.append(n)
    )
    value = result.value.value
    assert isinstance(value, list) and value[0]["index"] == "000000000"
    assert len(result.exchange.response_body) >= megabytes * 1_000_000 * 0.99
    assert seen[-1] == len(result.exchange.response_body)


def test_connection_refused():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    settings = ConnectionSettings(api_base=f"http://127.0.0.1:{port}/", api_key="k")
    client = SteamshipClient(settings, retry=RetryPolicy(max_attempts=1))
    with client, pytest.raises(ConnectionRefused, match="refused"):
        client.account_current()


def test_dns_failure(monkeypatch):
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "no-such-host.invalid":  # answered here: the tests send nothing off this machine
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    settings = ConnectionSettings(api_base="https://no-such-host.invalid/api/v1/", api_key="k")
    with SteamshipClient(settings) as c, pytest.raises(DnsError, match="not found"):
        c.account_current()


# --- retries -----------------------------------------------------------------------------------

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


def _flaky_server(raw_server, statuses: list[int], retry_after: str | None = None):  # type: ignore[no-untyped-def]
    """Answers each request with the next status (then 200 with a task/workspace body)."""
    calls: list[bytes] = []

    def handler(conn: socket.socket) -> None:
        while True:
            head = read_request(conn)
            if not head:
                return
            calls.append(head)
            status = statuses[len(calls) - 1] if len(calls) <= len(statuses) else 200
            body = json.dumps(
                {
                    "data": {"workspace": {"id": "1", "handle": "w"}},
                    "status": {"taskId": "t", "state": "running"},
                }
                if status == 200
                else {"message": "busy"}
            ).encode()
            extra = f"Retry-After: {retry_after}\r\n" if retry_after and status != 200 else ""
            conn.sendall(
                f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )

    server = raw_server(handler)
    return server, calls


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_reads_are_retried(raw_server, status):
    server, calls = _flaky_server(raw_server, [status, status], retry_after="0")
    settings = ConnectionSettings(api_base=f"http://127.0.0.1:{server.port}/", api_key="k")
    with SteamshipClient(settings, retry=FAST) as c:
        result = c.task_status("t")
        assert result.value.state == "running" and len(calls) == 3
        assert result.exchange.attempts == 3 and len(result.exchange.previous) == 2


def test_retries_give_up_after_max_attempts(raw_server):
    server, calls = _flaky_server(raw_server, [503] * 10)
    settings = ConnectionSettings(api_base=f"http://127.0.0.1:{server.port}/", api_key="k")
    with SteamshipClient(settings, retry=FAST) as c, pytest.raises(HttpError) as info:
        c.workspace_get(handle="w")
    assert len(calls) == 3 and info.value.exchange.attempts == 3


def test_creates_are_never_retried(raw_server):
    server, calls = _flaky_server(raw_server, [503, 503])
    settings = ConnectionSettings(api_base=f"http://127.0.0.1:{server.port}/", api_key="k")
    with SteamshipClient(settings, retry=FAST) as c, pytest.raises(HttpError):
        c.workspace_create("w")
    assert len(calls) == 1


def test_invoke_is_never_retried_on_the_emulator(make_client, demo, emulator):
    client = make_client(client_kw={"retry": FAST})
    emulator.clear_requests()
    with pytest.raises(RateLimited):
        client.invoke(demo["faults"], "rate_limited", {"retry_after": 0})
    with pytest.raises(HttpError):
        client.invoke(demo["faults"], "fail", {"http_status": 503}, verb="GET")
    paths = [r.path for r in emulator.requests]
    assert sum("rate_limited" in p for p in paths) == 1 and sum("/fail" in p for p in paths) == 1


def test_retry_honours_retry_after_and_can_be_cancelled(raw_server):
    server, calls = _flaky_server(raw_server, [429, 429], retry_after="30")
    settings = ConnectionSettings(api_base=f"http://127.0.0.1:{server.port}/", api_key="k")
    with SteamshipClient(settings, retry=RetryPolicy(max_attempts=3)) as c:
        token = CancelToken()
        canceller = Canceller(token, lambda: len(calls) >= 1)
        with pytest.raises(Cancelled):
            c.task_status("t", cancel=token)
        FIGURES["cancel latency, retry back-off wait"] = canceller.latency()
        assert len(calls) == 1  # waited for Retry-After (30 s), then was cancelled


def test_retry_after_beyond_the_deadline_is_not_waited_for(raw_server):
    server, calls = _flaky_server(raw_server, [503], retry_after="20")
    settings = ConnectionSettings(
        api_base=f"http://127.0.0.1:{server.port}/", api_key="k", deadline=2
    )
    client = SteamshipClient(settings, retry=RetryPolicy(max_attempts=3))
    with client, pytest.raises(HttpError) as info:
        client.task_status("t")
    assert info.value.status == 503 and len(calls) == 1


def test_retry_on_connection_drop(raw_server):
    calls: list[int] = []

    def handler(conn: socket.socket) -> None:
        read_request(conn)
        calls.append(1)
        if len(calls) == 1:
            conn.close()  # drop the first attempt
            return
        body = b'{"data": {"user": {"id": "u", "handle": "h"}}}'
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    server = raw_server(handler)
    settings = ConnectionSettings(api_base=f"http://127.0.0.1:{server.port}/", api_key="k")
    with SteamshipClient(settings, retry=FAST) as c:
        assert c.account_current().value.handle == "h"
    poll(lambda: len(calls) == 2, 5)


def test_client_is_thread_safe_for_parallel_calls(client, demo):
    results: list[object] = []

    def work(i: int) -> None:
        results.append(client.invoke(demo["echo"], "echo", {"i": i}).value.value["i"])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == list(range(20))  # type: ignore[type-var]
