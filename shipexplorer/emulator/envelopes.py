"""Response bodies: data, task and error envelopes, per dialect.

- A synchronous API answer is exactly ``{"data": X}``.
- A task answer is ``{"status": task}`` (``real``) or ``{"task": task}`` (``seed``), with
  ``data`` added once the task succeeded.
- An error is ``{"status": {"state": "failed", "statusMessage", "statusCode",
  "statusSuggestion"}}`` in both dialects (the page's spelling only concerns tasks); packages may
  also answer their own form ``{"message", "internalMessage", "suggestion", "code", "error"}``.
"""

from __future__ import annotations

import json
from typing import Any

from shipexplorer.emulator.replies import Reply
from shipexplorer.emulator.tasks import SUCCEEDED, Task

JSON = "application/json"


class ApiError(Exception):
    """An error answered as a failed status with an HTTP error code."""

    def __init__(
        self,
        http_status: int,
        message: str,
        *,
        code: str | None = None,
        suggestion: str | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.message = message
        self.code = code
        self.suggestion = suggestion
        self.headers = headers or []

    def reply(self) -> Reply:
        body = failed_status(self.message, self.code, self.suggestion)
        return json_reply(body, self.http_status, headers=self.headers)


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
