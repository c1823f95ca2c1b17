"""The one redaction function: every place that prints headers, URLs or bodies goes through it.

``redact(value, secrets)`` accepts a string, bytes, a header mapping or a list of header pairs and
returns the same shape with credentials masked: the ``Authorization`` header becomes ``Bearer ***``,
and every secret is replaced wherever it appears raw, base64-encoded or URL-encoded.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, overload
from urllib.parse import quote, quote_plus

MASK = "***"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;\"']+")

T = TypeVar("T")


@functools.lru_cache(maxsize=64)
def _forms(secret: str) -> tuple[str, ...]:
    """The raw, base64 and URL-encoded spellings of a secret (longest first)."""
    raw = secret.encode("utf-8", "surrogatepass")
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        base64.b64encode(raw).decode("ascii"),
        base64.urlsafe_b64encode(raw).decode("ascii"),
        base64.b64encode(raw).decode("ascii").rstrip("="),
        base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="),
    }
    return tuple(sorted((f for f in forms if len(f) >= 4), key=len, reverse=True))


def holds_secret(text: str, secret: str | None) -> bool:
    """True when ``text`` holds ``secret`` in any spelling :func:`redact` masks."""
    pattern = _pattern((secret,)) if secret else None
    return bool(pattern and pattern.search(text))


@functools.lru_cache(maxsize=64)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation of every form of every secret, longest first."""
    forms = sorted({f for s in secrets if s for f in _forms(s)}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, forms))) if forms else None


def _redact_text(text: str, secrets: Iterable[str]) -> str:
    pattern = _pattern(tuple(secrets))
    return pattern.sub(MASK, text) if pattern is not None else text


def _redact_header(name: str, value: str, secrets: Iterable[str]) -> str:
    if name.lower() in SENSITIVE_HEADERS:
        match = _BEARER.match(value.strip())
        return f"{match.group(1)} {MASK}" if match else MASK
    return _redact_text(value, secrets)


@overload
def redact(value: str, secrets: Iterable[str | None] = ...) -> str: ...
@overload
def redact(value: bytes, secrets: Iterable[str | None] = ...) -> bytes: ...
@overload
def redact(
    value: Mapping[str, str] | Iterable[tuple[str, str]], secrets: Iterable[str | None] = ...
) -> list[tuple[str, str]]: ...
def redact(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """Mask credentials in ``value`` (str, bytes, a header mapping or a list of header pairs).

    Header names in :data:`SENSITIVE_HEADERS` are always masked (``Bearer ***``), whatever the
    secrets; any other text has each secret replaced (raw, base64 and URL-encoded) by ``***``. Also
    masks ``Bearer <token>`` spelled inside free text.
    """
    keys = tuple(s for s in secrets if s)
    if isinstance(value, str):
        return _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", _redact_text(value, keys))
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
        for key in keys:
            for form in _forms(key):
                data = data.replace(form.encode("utf-8", "surrogatepass"), MASK.encode())
        return data
    if isinstance(value, Mapping):
        value = value.items()
    return [(str(name), _redact_header(str(name), str(val), keys)) for name, val in value]
