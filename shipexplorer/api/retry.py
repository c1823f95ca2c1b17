"""When and how long to wait before trying an idempotent read again.

Only reads that change nothing on the server are retried (task status/get, ``*/get``, ``*/list``,
``account/current``), on connection failures and HTTP 429/502/503/504, with jittered exponential
backoff that honours ``Retry-After``. Method invocations and creations are never retried.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .decode import header, parse_retry_after
from .errors import (
    ApiError,
    ConnectFailed,
    ConnectionDropped,
    DnsError,
    HttpError,
    RateLimited,
    ReadTimeout,
    TlsError,
)

RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_OPERATIONS = frozenset(
    {
        "account/current",
        "task/status",
        "task/get",
        "workspace/get",
        "workspace/list",
        "package/get",
        "package/list",
        "package/instance/get",
        "package/instance/list",
    }
)


def is_idempotent(operation: str) -> bool:
    """True for API operations that only read (see :data:`IDEMPOTENT_OPERATIONS`)."""
    return operation.strip("/") in IDEMPOTENT_OPERATIONS


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` counts the first try; delays double from ``base_delay`` to ``max_delay``."""

    max_attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.5  # the delay is drawn from [d * (1 - jitter), d]

    def retryable(self, error: ApiError | None) -> bool:
        """True when ``error`` is worth another try of an idempotent read."""
        if error is None or isinstance(error, (DnsError, TlsError)):
            return False
        if isinstance(error, HttpError):
            return error.status in RETRY_STATUSES
        return isinstance(error, (ConnectFailed, ConnectionDropped, ReadTimeout))

    def delay(
        self, attempt: int, error: ApiError | None, rng: random.Random | None = None
    ) -> float | None:
        """Seconds to wait before try ``attempt + 1`` (``attempt`` >= 1); ``None``: do not retry."""
        if attempt >= self.max_attempts or not self.retryable(error):
            return None
        retry_after = None
        if isinstance(error, RateLimited):
            retry_after = error.retry_after
        elif isinstance(error, HttpError) and error.exchange is not None:
            retry_after = parse_retry_after(header(error.exchange.response_headers, "retry-after"))
        if retry_after is not None:
            return None if retry_after > self.max_retry_after else retry_after
        backoff = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        rng = rng or random
        return backoff * (1.0 - self.jitter * rng.random())


NO_RETRY = RetryPolicy(max_attempts=1)
