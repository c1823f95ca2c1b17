"""Response bodies: data, task and error envelopes, per dialect.

- A synchronous API answer is exactly ``{"data": X}``.
- A task answer is ``{"status": task}`` (``real``) or ``{"task": task}`` (``seed``), with
  ``data`` added once the task succeeded.
- An error is ``{"status": {"state": "failed", "statusMessage", "statusCode",
  "statusSuggestion"}}`` in both dialects (the page's spelling only concerns tasks); packages may
  also answer their own form ``{"message", "internalMessage", "suggestion", "code", "error"}``.
- A route the server does not have (an unknown operation, a verb a route does not take, a path
  that is no route) is answered the way the engine's web framework (Vapor) answers it:
  ``{"error": true, "reason": "Not Found"}``.
"""

from __future__ import annotations

import json
from typing import Any

from shipexplorer.emulator.replies import Reply
from shipexplorer.emulator.tasks import SUCCEEDED, Task

JSON = "application/json"


class ApiError(Exception):
    """An error answered as a failed status with an HTTP error code (``vapor``: in the web
    framework's form, ``{"error": true, "reason": message}``)."""

    def __init__(
        self,
        http_status: int,
        message: str,
        *,
        code: str | None = None,
        suggestion: str | None = None,
        headers: list[tuple[str, str]] | None = None,
        vapor: bool = False,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.message = message
        self.code = code
        self.suggestion = suggestion
        self.headers = headers or []
        self.vapor = vapor

    @classmethod
    def not_found(cls) -> ApiError:
        """No such route: Vapor's 404."""
        return cls(404, "Not Found", code="NotFound", vapor=True)

    @classmethod
    def method_not_allowed(cls, allowed: str) -> ApiError:
        """The route exists for other verbs: Vapor's 405, with ``Allow``."""
        return cls(
            405,
            "Method Not Allowed",
            code="MethodNotAllowed",
            headers=[("Allow", allowed)],
            vapor=True,
        )

    def reply(self) -> Reply:
        if self.vapor:
            body: dict[str, Any] = vapor_error(self.message)
        else:
            body = failed_status(self.message, self.code, self.suggestion)
        return json_reply(body, self.http_status, headers=self.headers)


def vapor_error(reason: str) -> dict[str, Any]:
    """The web framework's error body: ``{"error": true, "reason": reason}``."""
    return {"error": True, "reason": reason}


def encode(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def json_reply(
    value: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Reply:
    return Reply(status=status, body=encode(value), content_type=JSON, headers=list(headers or []))


def data(value: Any) -> dict[str, Any]:
    return {"data": value}


def failed_status(
    message: str, code: str | None = None, suggestion: str | None = None
) -> dict[str, Any]:
    return {
        "status": {
            "state": "failed",
            "statusMessage": message,
            "statusCode": code,
            "statusSuggestion": suggestion,
        }
    }


def package_error(
    message: str,
    code: str | None = None,
    suggestion: str | None = None,
    internal_message: str | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    return {
        "message": message,
        "internalMessage": internal_message,
        "suggestion": suggestion,
        "code": code,
        "error": error,
    }


def task_key(dialect: str) -> str:
    return "task" if dialect == "seed" else "status"


def task_envelope(task: Task, dialect: str) -> dict[str, Any]:
    """What ``task/status`` and background operations answer: the task, plus data when done."""
    body = task.to_json(dialect)
    envelope: dict[str, Any] = {}
    state = body["taskState"] if dialect == "seed" else body["state"]
    if state == SUCCEEDED:
        envelope["data"] = task.output
    envelope[task_key(dialect)] = body
    return envelope


def json_object(raw_body: bytes, *, name: str = "The request body") -> dict[str, Any]:
    """A request body as a JSON object (``{}`` when blank); ValueError says what is wrong."""
    if not raw_body.strip():
        return {}
    try:
        body = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"The request body is not valid JSON: {exc}.") from exc
    if not isinstance(body, dict):
        raise ValueError(f"{name} must be a JSON object.")
    return body
