"""Forwarding a method call to the local server of a package served from a folder.

An instance made with a ``localDevelopmentURL`` answers nothing itself: each call of
``{app_base}{workspace}/{instance}/{method}`` (``__dir__`` included) goes to
``{localDevelopmentURL}{method}`` with the verb, the query string and the body it came with,
and with the headers the engine sends a package: the caller's ``Authorization`` (the key the
package calls the engine back with, and only to a loopback address), ``X-Workspace-Id`` /
``X-Workspace-Handle`` of the instance's workspace and the ``X-Package-*`` headers.

The official CLI's local server answers an ``InvocableResponse`` as JSON (``{"data", "status",
"http": {"status", "headers", "base64Wrapped"}}``); it is unwrapped the way the engine does it:
a string as ``text/plain``, a dict or list as raw JSON, bytes with their MIME type, a task as
``{"status": task}``, a failed status as Steamship's error. A server that is down, too slow or
answers something else is answered in Steamship's error form, in plain words.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from shipexplorer.emulator.envelopes import ApiError, encode, json_reply
from shipexplorer.emulator.local_packages import is_loopback_url
from shipexplorer.emulator.replies import Reply
from shipexplorer.emulator.store import package_id

if TYPE_CHECKING:
    from shipexplorer.emulator.store import Instance

FORWARD_TIMEOUT_S = 60.0
MAX_ANSWER_BYTES = 64 * 1024 * 1024
TEXT = "text/plain; charset=utf-8"
_PASSED_ON = ("X-Task-Background", "X-Task-Dependency", "X-Task-Delay-Ms")


def forward_headers(
    inst: Instance, incoming: Mapping[str, str], url: str, has_body: bool
) -> dict[str, str]:
    """The headers a forwarded call carries; the caller's key only when ``url`` is loopback."""
    headers = {
        "X-Workspace-Id": inst.workspace.id,
        "X-Workspace-Handle": inst.workspace.handle,
        "X-Package-Id": package_id(inst.package.handle),
        "X-Package-Instance-Id": inst.id,
        "X-Package-Owner-Handle": inst.user_handle,
    }
    auth = incoming.get("Authorization")
    if auth and is_loopback_url(url):
        headers["Authorization"] = auth
    for name in _PASSED_ON:
        value = incoming.get(name)
        if value:
            headers[name] = value
    if has_body:
        headers["Content-Type"] = "application/json"
    return headers


def _unavailable(url: str, why: str, status: int = 502) -> ApiError:
    return ApiError(
        status,
        f"The package's local server at {url} {why}.",
        code="LocalServerUnavailable",
        suggestion="Start the package again (Package log: Restart), then call the method again.",
    )


def forward(
    inst: Instance,
    verb: str,
    method_path: str,
    query: list[tuple[str, str]],
    raw_body: bytes,
    incoming: Mapping[str, str],
    timeout: float = FORWARD_TIMEOUT_S,
) -> Reply:
    """Call ``method_path`` on the instance's local server and answer as the engine would."""
    url = inst.local_url or ""
    parts = urlsplit(url)
    target = (parts.path or "/").rstrip("/") + "/" + method_path.lstrip("/")
    if query:
        target += "?" + urlencode(query)
    body = None if verb == "GET" else (raw_body or b"{}")
    headers = forward_headers(inst, incoming, url, body is not None)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request(verb, target, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read(MAX_ANSWER_BYTES + 1)
        status = response.status
    except ConnectionRefusedError:
        raise _unavailable(url, "is not running (nothing answers on its port)") from None
    except TimeoutError:
        raise _unavailable(url, f"did not answer within {timeout:g} s", 504) from None
    except (OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "strerror", None) or "the connection broke"
        raise _unavailable(url, f"could not be reached ({reason})") from None
    finally:
        conn.close()
    if len(data) > MAX_ANSWER_BYTES:
        raise _unavailable(url, f"answered more than {MAX_ANSWER_BYTES // 2**20} MB")
    return unwrap(url, status, data)


def _not_a_response(url: str, data: bytes) -> ApiError:
    text = data.decode("utf-8", "replace").strip()
    text = text if len(text) <= 300 else text[:297] + "..."
    return ApiError(
        502,
        f"The package's local server at {url} failed: {text or 'it answered nothing'}",
        code="LocalServerError",
        suggestion="See the package's log for what went wrong.",
    )


def unwrap(url: str, status: int, data: bytes) -> Reply:
    """The engine's answer for a local server's ``InvocableResponse`` body."""
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _not_a_response(url, data) from None
    if not isinstance(envelope, dict) or not ({"data", "status", "http"} & envelope.keys()):
        raise _not_a_response(url, data)
    http_info = envelope.get("http") if isinstance(envelope.get("http"), dict) else {}
    http_status = http_info.get("status") if isinstance(http_info.get("status"), int) else status
    task = envelope.get("status") if isinstance(envelope.get("status"), dict) else None
    if task is not None and task.get("state") == "failed":
        raise ApiError(
            http_status if http_status >= 400 else 500,
            str(task.get("statusMessage") or "The package's method failed."),
            code=task.get("statusCode"),
            suggestion=task.get("statusSuggestion"),
        )
    if task is not None and task.get("taskId"):
        answer: dict[str, Any] = {"status": task}
        if envelope.get("data") is not None:
            answer["data"] = envelope["data"]
        return json_reply(answer)
    return _data_reply(envelope.get("data"), http_info, http_status)


def _data_reply(value: Any, http_info: dict[str, Any], http_status: int) -> Reply:
    headers = http_info.get("headers") if isinstance(http_info.get("headers"), dict) else {}
    mime = str(headers.get("Content-Type") or "")
    status = http_status if 200 <= http_status < 600 else 200
    if http_info.get("base64Wrapped") and isinstance(value, str):
        try:
            raw = base64.b64decode(value)
        except (binascii.Error, ValueError):
            raw = value.encode("utf-8")
        return Reply(status=status, body=raw, content_type=mime or "application/octet-stream")
    if isinstance(value, str):
        return Reply(status=status, body=value.encode("utf-8"), content_type=TEXT)
    if value is None:
        raise ApiError(500, "The package's method provided no response.", code="NoResponse")
    return Reply(status=status, body=encode(value))
