"""What a handler answers: a :class:`Reply` the server writes as told, or :class:`Binary`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Binary:
    """Bytes answered with their own Content-Type."""

    data: bytes
    mime_type: str = "application/octet-stream"


@dataclass
class Reply:
    """A raw HTTP answer, for the fault methods.

    ``body`` is bytes or an iterable of byte chunks; a streamed body needs ``content_length``.
    ``delay_before_headers`` sleeps (interruptibly) before anything is sent; ``chunk_delay``
    sleeps before each chunk; ``cut_after`` writes that many body bytes and then cuts the
    connection. ``content_type=None`` sends no Content-Type header at all.
    """

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    content_type: str | None = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_length: int | None = None
    delay_before_headers: float = 0.0
    chunk_delay: float = 0.0
    cut_after: int | None = None
