"""The ``faults`` demo package: every way an answer can go wrong, on purpose.

Each method answers a :class:`~shipexplorer.emulator.packages.base.Reply` that the server writes
exactly as told: an error status, a 429 with ``Retry-After``, broken JSON, no Content-Type, a
connection cut mid-body, a body that trickles, a huge streamed body, a redirect, a slow start.
Delays wait on the emulator's stop event, so stopping the emulator never waits for them.
"""

import enum
import json
from collections.abc import Iterator

from shipexplorer.emulator.envelopes import encode, failed_status, package_error
from shipexplorer.emulator.packages.base import ArgumentError, Package, Reply, method

MAX_MEGABYTES = 2048.0
MAX_SECONDS = 3600.0
_BIG_ITEM = '{"index":"%09d","payload":"' + "x" * 64 + '"}'
_BIG_ITEM_LENGTH = len(_BIG_ITEM % 0)
_BIG_BATCH = 2000

BOTH = ("GET", "POST")


class ErrorForm(enum.Enum):
    STATUS = "status"
    PACKAGE = "package"


def _seconds(name: str, value: float) -> float:
    if not 0 <= value <= MAX_SECONDS:
        raise ArgumentError(f"{name} must be between 0 and {MAX_SECONDS:g}, got {value}.")
    return float(value)


def big_body(megabytes: float) -> tuple[int, Iterator[bytes]]:
    """A JSON array of about ``megabytes`` MB: its exact length and a generator of chunks."""
    count = max(1, int(megabytes * 1_000_000) // (_BIG_ITEM_LENGTH + 1))
    length = 2 + count * _BIG_ITEM_LENGTH + (count - 1)

    def chunks() -> Iterator[bytes]:
        yield b"["
        for first in range(0, count, _BIG_BATCH):
            part = ",".join(_BIG_ITEM % k for k in range(first, min(count, first + _BIG_BATCH)))
            yield ("," + part if first else part).encode("ascii")
        yield b"]"

    return length, chunks()


class FaultsPackage(Package):
    """Misbehaves on request, to see how a client copes with errors and broken answers."""

    handle = "faults"
    description = (
        "Fails on purpose: error statuses, rate limits, broken bodies, slow and big answers."
    )
    readme = (
        "# faults\n\n`fail`, `rate_limited`, `bad_json`, `no_content_type`, `disconnect`, `drip`, "
        "`big`, `redirect`, `slow`: each answers one kind of trouble.\n"
    )

    @method("fail", verbs=BOTH, returns="<class 'dict'>")
    def fail(
        self,
        code: str = "DemoFailure",
        message: str = "This failure was requested.",
        suggestion: str = "Call another method.",
        http_status: int = 500,
        form: ErrorForm = ErrorForm.STATUS,
    ) -> Reply:
        """Answer `http_status` with a failed status, or with the package error form.

        `form` "status" answers {"status": {"state": "failed", ...}}; "package" answers
        {"message", "internalMessage", "suggestion", "code", "error"}.
        """
        if not 200 <= http_status <= 599:
            raise ArgumentError(f"http_status must be between 200 and 599, got {http_status}.")
        if form is ErrorForm.PACKAGE:
            body = package_error(message, code, suggestion, "raised by faults.fail", message)
        else:
            body = failed_status(message, code, suggestion)
        return Reply(status=http_status, body=encode(body))

    @method("rate_limited", verbs=BOTH, returns="<class 'dict'>")
    def rate_limited(self, retry_after: int = 2) -> Reply:
        """Answer 429 Too Many Requests with a Retry-After header (seconds) and a failed status."""
        if retry_after < 0:
            raise ArgumentError(f"retry_after must not be negative, got {retry_after}.")
        body = failed_status(
            f"Too many requests; retry after {retry_after} seconds.",
            "RateLimited",
            "Wait for the time given in the Retry-After header.",
        )
        return Reply(status=429, body=encode(body), headers=[("Retry-After", str(retry_after))])

    @method("bad_json", verbs=BOTH, returns="<class 'dict'>")
    def bad_json(self) -> Reply:
        """Answer application/json with a body that is not valid JSON."""
        return Reply(body=b'{"data": {"truncated": tru')

    @method("no_content_type", verbs=BOTH, returns="<class 'bytes'>")
    def no_content_type(self) -> Reply:
        """Answer a body with no Content-Type header at all."""
        return Reply(body=b"This body has no Content-Type header.", content_type=None)

    @method("disconnect", verbs=BOTH, returns="<class 'dict'>")
    def disconnect(self, size: int = 4096) -> Reply:
        """Send headers announcing `size` bytes, half of the body, then cut the connection."""
        if not 2 <= size <= 100_000_000:
            raise ArgumentError(f"size must be between 2 and 100000000, got {size}.")
        body = json.dumps({"data": "x" * max(0, size - 12)}).encode()
        return Reply(body=body, cut_after=len(body) // 2)

    @method("drip", verbs=BOTH, returns="<class 'dict'>")
    def drip(self, seconds: float = 3, chunks: int = 10) -> Reply:
        """Answer a JSON body that trickles out in `chunks` pieces over about `seconds` seconds."""
        seconds = _seconds("seconds", seconds)
        if not 1 <= chunks <= 1000:
            raise ArgumentError(f"chunks must be between 1 and 1000, got {chunks}.")
        body = json.dumps({"dripped": True, "seconds": seconds, "chunks": chunks}).encode()
        body += b" " * max(0, chunks - len(body))
        size = -(-len(body) // chunks)
        pieces = [body[i : i + size] for i in range(0, len(body), size)]
        return Reply(body=pieces, content_length=len(body), chunk_delay=seconds / len(pieces))

    @method("big", verbs=BOTH, returns="<class 'list'>")
    def big(self, megabytes: float = 1) -> Reply:
        """Answer a JSON array of about `megabytes` MB (10^6 bytes), streamed in chunks."""
        if not 0 <= megabytes <= MAX_MEGABYTES:
            raise ArgumentError(f"megabytes must be between 0 and {MAX_MEGABYTES:g}.")
        length, chunks = big_body(megabytes)
        return Reply(body=chunks, content_length=length)

    @method("redirect", verbs=BOTH, returns="<class 'dict'>")
    def redirect(self, to: str = "https://example.com/") -> Reply:
        """Answer 307 Temporary Redirect with Location: `to`."""
        return Reply(status=307, body=encode({"redirect": to}), headers=[("Location", to)])

    @method("slow", verbs=BOTH, returns="<class 'dict'>")
    def slow(self, seconds: float = 5) -> Reply:
        """Wait `seconds` seconds before sending anything, then answer {"slept": seconds}."""
        seconds = _seconds("seconds", seconds)
        return Reply(body=encode({"slept": seconds}), delay_before_headers=seconds)
