"""The exchange record: one request and what came of it.

An :class:`Exchange` holds the verb, URL, request headers and body, the status, response headers and
body, timing, and what the answer decoded to (data, a task or an error). Request headers are stored
already redacted; ``repr`` and :meth:`Exchange.to_dict` also pass the URL and bodies through
:func:`~shipexplorer.api.redact.redact`. A body above the caller's spool threshold is not held: it
is in the file ``body_file`` (``response_body`` stays empty).
"""

from __future__ import annotations

import base64
import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .decode import Decoded
from .errors import ApiError
from .redact import redact
from .tasks import Task

if TYPE_CHECKING:
    from .request import ApiRequest


def _body_dict(body: bytes | None, secrets: tuple[str, ...], limit: int | None) -> dict[str, Any]:
    if body is None:
        return {"size": 0, "text": None}
    shown = body if limit is None else body[:limit]
    out: dict[str, Any] = {"size": len(body), "truncated": len(shown) < len(body)}
    try:
        out["text"] = redact(shown.decode("utf-8"), secrets)
    except UnicodeDecodeError:
        out["base64"] = base64.b64encode(redact(shown, secrets)).decode("ascii")
    return out


@dataclass(eq=False)
class Exchange:
    """One HTTP request/response (or the attempt at one) and its decoded outcome.

    ``status`` is ``None`` when no answer came (``transport_error`` says why). ``attempts`` counts
    tries made by the retry policy; earlier tries are in ``previous``.
    """

    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes | None = None
    status: int | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    started_at: float = 0.0  # wall clock (time.time()) when the request started
    elapsed: float = 0.0  # seconds until the body was read or the call failed
    outcome: Decoded | None = None
    transport_error: ApiError | None = None
    package_call: bool = False
    attempts: int = 1
    previous: list[Exchange] = field(default_factory=list, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    request: ApiRequest | None = field(default=None, repr=False)
    #: the spooled body's file (bodies above the caller's spool threshold); its owner deletes it
    body_file: str | None = None
    body_file_size: int = 0

    @property
    def body_size(self) -> int:
        """The body's length in bytes, held or spooled."""
        return self.body_file_size if self.body_file is not None else len(self.response_body)

    @property
    def error(self) -> ApiError | None:
        """The error of this exchange: a transport failure, or an error answer."""
        if self.transport_error is not None:
            return self.transport_error
        return None if self.outcome is None else self.outcome.error

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def kind(self) -> str:
        """``"error"``, ``"task"`` or ``"data"``."""
        if self.transport_error is not None or self.outcome is None:
            return "error"
        return self.outcome.kind

    @property
    def task(self) -> Task | None:
        return None if self.outcome is None else self.outcome.task

    @property
    def data(self) -> Any:
        return None if self.outcome is None else self.outcome.value

    @property
    def content_type(self) -> str | None:
        for name, value in self.response_headers:
            if name.lower() == "content-type":
                return value
        return None

    def __repr__(self) -> str:
        url = redact(self.url, self.secrets)
        status = self.status if self.status is not None else "-"
        return (
            f"<Exchange {self.method} {url} -> {status} {self.kind} "
            f"{self.body_size} B {self.elapsed * 1000:.0f} ms>"
        )

    def to_dict(self, *, body_limit: int | None = 1_000_000) -> dict[str, Any]:
        """A JSON-ready, redacted dict (bodies cut to ``body_limit`` bytes; ``None``: whole)."""
        outcome: dict[str, Any] = {"kind": self.kind}
        if self.error is not None:
            outcome["error"] = {
                "type": type(self.error).__name__,
                "message": redact(str(self.error), self.secrets),
            }
        if self.task is not None:
            outcome["task"] = {k: v for k, v in vars(self.task).items() if k != "raw"}
        if self.outcome is not None and self.outcome.data is not None:
            outcome["dataKind"] = self.outcome.data.kind
            outcome["mimeType"] = self.outcome.data.mime_type
        return {
            "method": self.method,
            "url": redact(self.url, self.secrets),
            "requestHeaders": [list(p) for p in redact(self.request_headers, self.secrets)],
            "requestBody": _body_dict(self.request_body, self.secrets, body_limit),
            "status": self.status,
            "responseHeaders": [list(p) for p in redact(self.response_headers, self.secrets)],
            "responseBody": _body_dict(self.response_body, self.secrets, body_limit),
            "responseBodyFile": self.body_file is not None,
            "responseSize": self.body_size,
            "startedAt": self.started_at,
            "elapsed": self.elapsed,
            "attempts": self.attempts,
            "packageCall": self.package_call,
            "outcome": redact_tree(outcome, self.secrets),
        }


def discard_body_file(exchange: Exchange) -> None:
    """Delete the exchange's spooled body file (if any); safe to call twice."""
    if exchange.body_file is not None:
        with contextlib.suppress(OSError):
            os.unlink(exchange.body_file)


def redact_tree(value: Any, secrets: tuple[str, ...]) -> Any:
    """Apply :func:`redact` to every string inside a JSON-like tree."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {k: redact_tree(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_tree(v, secrets) for v in value]
    return value
