"""API keys typed into a request, and the reference that stands for them.

A key never goes to a file (saved requests and drafts are meant for git): a body says
:data:`KEY_REFERENCE` instead, which the request runner fills in with the sending profile's key at
send time, and which exports write as ``$STEAMSHIP_API_KEY``.

:func:`find_keys` says where any of some keys appears in a text (line and column, both from 1,
columns counted in characters as JSON's errors count them): raw, JSON-escaped (a key with a
character JSON escapes), and URL-encoded or base64-encoded (as :mod:`~shipexplorer.api.redact`
masks them). :func:`replace_keys` puts the reference where a key is spelled raw or JSON-escaped
(what a JSON string decodes to the key); an encoded key cannot stand for the reference, so it is
left for the caller to refuse or mask. :func:`fill_reference` is the reverse.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

# what a body says instead of the key, "{{STEAMSHIP_API_KEY}}" (filled in with the sending
# profile's key at send time), and the environment variable exports read the key from: one
# spelling, the exports'
from shipexplorer.api.export import KEY_REFERENCE
from shipexplorer.api.export import KEY_VAR as KEY_VARIABLE

__all__ = [
    "KEY_REFERENCE",
    "KEY_VARIABLE",
    "KeyHit",
    "fill_reference",
    "find_keys",
    "holds_key",
    "holds_reference",
    "replace_keys",
    "usable_keys",
]
#: keys shorter than this are not looked for (too many false finds; no real key is that short)
MIN_KEY_LENGTH = 4

RAW = "raw"
JSON_ESCAPED = "JSON-escaped"
URL_ENCODED = "URL-encoded"
BASE64 = "base64-encoded"
#: the spellings the reference can replace (a JSON string holding them decodes to the key)
REPLACEABLE = frozenset({RAW, JSON_ESCAPED})


@dataclass(frozen=True)
class KeyHit:
    """One place a key is: ``start``/``end`` index the text; ``line`` and ``column`` count from 1;
    ``form`` is how it is spelled (:data:`RAW`, :data:`JSON_ESCAPED`, :data:`URL_ENCODED`,
    :data:`BASE64`)."""

    start: int
    end: int
    line: int
    column: int
    form: str

    @property
    def replaceable(self) -> bool:
        """True when :data:`KEY_REFERENCE` may stand here for the key."""
        return self.form in REPLACEABLE

    def where(self) -> str:
        return f"line {self.line}, column {self.column}"


def json_escaped(key: str) -> str:
    """``key`` as it is spelled inside a JSON string (the same text for a plain token)."""
    return json.dumps(key, ensure_ascii=False)[1:-1]


def usable_keys(keys: Iterable[str | None]) -> tuple[str, ...]:
    """The distinct keys worth looking for, in a stable order (blank and very short ones out)."""
    return tuple(sorted({k for k in keys if k and len(k) >= MIN_KEY_LENGTH}))


@functools.lru_cache(maxsize=64)
def _forms(keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(spelling, form) of every key, longest first; a spelling two forms share counts once,
    as the most direct one."""
    forms: dict[str, str] = {}
    for key in keys:
        raw = key.encode("utf-8", "surrogatepass")
        b64 = base64.b64encode(raw).decode("ascii")
        url64 = base64.urlsafe_b64encode(raw).decode("ascii")
        for text, form in (
            (key, RAW),
            (json_escaped(key), JSON_ESCAPED),
            (json.dumps(key)[1:-1], JSON_ESCAPED),  # \uXXXX spelling of non-ASCII keys
            (quote(key, safe=""), URL_ENCODED),
            (quote_plus(key, safe=""), URL_ENCODED),
            (b64, BASE64),
            (url64, BASE64),
            (b64.rstrip("="), BASE64),
            (url64.rstrip("="), BASE64),
        ):
            if len(text) >= MIN_KEY_LENGTH:
                forms.setdefault(text, form)
    return tuple(sorted(forms.items(), key=lambda item: len(item[0]), reverse=True))


@functools.lru_cache(maxsize=64)
def _pattern(keys: tuple[str, ...], replaceable_only: bool) -> re.Pattern[str] | None:
    spellings = [s for s, form in _forms(keys) if not replaceable_only or form in REPLACEABLE]
    return re.compile("|".join(map(re.escape, spellings))) if spellings else None


@functools.lru_cache(maxsize=64)
def _form_map(keys: tuple[str, ...]) -> dict[str, str]:
    return dict(_forms(keys))


def holds_key(text: str, keys: Iterable[str | None]) -> bool:
    """True when ``text`` holds any of ``keys`` in any spelling :func:`find_keys` finds."""
    pattern = _pattern(usable_keys(keys), False)
    return bool(pattern is not None and text and pattern.search(text))


def find_keys(text: str, keys: Iterable[str | None]) -> list[KeyHit]:
    """Every place ``text`` holds one of ``keys``, in order (leftmost, then longest spelling;
    places never overlap)."""
    usable = usable_keys(keys)
    pattern = _pattern(usable, False)
    if pattern is None or not text:
        return []
    hits: list[KeyHit] = []
    line, line_start, scanned = 1, 0, 0
    for match in pattern.finditer(text):
        start = match.start()
        newlines = text.count("\n", scanned, start)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", scanned, start) + 1
        scanned = start
        form = _form_map(usable)[match.group()]
        hits.append(KeyHit(start, match.end(), line, start - line_start + 1, form))
    return hits


def replace_keys(text: str, keys: Iterable[str | None]) -> str:
    """``text`` with :data:`KEY_REFERENCE` wherever one of ``keys`` is spelled raw or
    JSON-escaped (encoded spellings stay: see :func:`find_keys`)."""
    pattern = _pattern(usable_keys(keys), True)
    if pattern is None or not text:
        return text
    return pattern.sub(lambda _m: KEY_REFERENCE, text)


def holds_reference(text: str) -> bool:
    return KEY_REFERENCE in text


def fill_reference(text: str, key: str, *, json_string: bool = False) -> str:
    """``text`` with every :data:`KEY_REFERENCE` replaced by ``key`` (``json_string``: spelled as
    inside a JSON string, which is the same text for a key without quotes or backslashes)."""
    if KEY_REFERENCE not in text:
        return text
    return text.replace(KEY_REFERENCE, json_escaped(key) if json_string else key)


def split_reference(text: str) -> list[str]:
    """``text`` cut at each :data:`KEY_REFERENCE`: the pieces between (one more than there are
    references), for writers that put the key in from elsewhere (an environment variable)."""
    return text.split(KEY_REFERENCE)
