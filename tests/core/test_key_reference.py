"""Keys typed into a request: where they are, the reference put in their place, and filled back."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

from hypothesis import assume, given
from hypothesis import strategies as st

from shipexplorer.core.key_reference import (
    BASE64,
    JSON_ESCAPED,
    KEY_REFERENCE,
    RAW,
    URL_ENCODED,
    fill_reference,
    find_keys,
    holds_key,
    replace_keys,
)

KEY = "ss-CANARY-0123456789abcdef"

#: keys as Steamship makes them: ASCII tokens
keys = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.",
    min_size=8,
    max_size=40,
)
#: body texts: JSON-ish characters, new lines, braces (the reference's own) and non-ASCII
texts = st.text(alphabet=st.sampled_from(list('{}[]":, \n\tabcSTEAM_IPKY0é😀-')), max_size=200)


def _position(text: str, start: int) -> tuple[int, int]:
    before = text[:start].split("\n")
    return len(before), len(before[-1]) + 1


def _spots(text: str, key: str) -> list[int]:
    """Where ``key`` is, leftmost first, never overlapping (as a scan finds it)."""
    found, at = [], text.find(key)
    while at >= 0:
        found.append(at)
        at = text.find(key, at + len(key))
    return found


def _joined(pieces: list[str], key: str) -> tuple[str, list[int]]:
    """``pieces`` joined by ``key``, and where each ``key`` went."""
    spots, at = [], 0
    for piece in pieces[:-1]:
        at += len(piece)
        spots.append(at)
        at += len(key)
    return key.join(pieces), spots


def test_the_reference_is_the_exports_variable_in_braces() -> None:
    assert KEY_REFERENCE == "{{STEAMSHIP_API_KEY}}"


def test_a_key_is_found_at_its_line_and_column() -> None:
    text = '{\n  "auth": "' + KEY + '",\n  "b": 1\n}'
    [hit] = find_keys(text, [KEY])
    assert (hit.line, hit.column, hit.form) == (2, 12, RAW)
    assert hit.where() == "line 2, column 12"
    assert text[hit.start : hit.end] == KEY


def test_encoded_and_escaped_spellings_are_found_but_only_escaped_ones_replaced() -> None:
    odd = 'ab"cd\\ef'
    escaped = json.dumps(odd)[1:-1]
    encoded = base64.b64encode(KEY.encode()).decode()
    text = f'{{"a": "{escaped}", "b": "{encoded}", "c": "{quote(odd, safe="")}"}}'
    forms = [hit.form for hit in find_keys(text, [KEY, odd])]
    assert forms == [JSON_ESCAPED, BASE64, URL_ENCODED]
    replaced = replace_keys(text, [KEY, odd])
    assert json.loads(replaced)["a"] == KEY_REFERENCE
    assert json.loads(fill_reference(replaced, odd, json_string=True))["a"] == odd
    assert encoded in replaced  # the reference cannot stand for an encoded key
    assert escaped not in replaced and holds_key(replaced, [KEY]) and holds_key(replaced, [odd])


def test_blank_and_tiny_keys_are_not_looked_for() -> None:
    assert find_keys("abc", [None, "", "ab"]) == []
    assert replace_keys("abc", []) == "abc"


@given(st.lists(texts, min_size=1, max_size=6), keys)
def test_replace_then_fill_gives_back_the_text(pieces: list[str], key: str) -> None:
    text, spots = _joined(pieces, key)
    assume(KEY_REFERENCE not in text and _spots(text, key) == spots)
    replaced = replace_keys(text, [key])
    assert key not in replaced
    assert replaced.count(KEY_REFERENCE) == len(spots)
    assert fill_reference(replaced, key) == text


@given(st.lists(texts, min_size=1, max_size=6), keys)
def test_positions_point_at_each_key(pieces: list[str], key: str) -> None:
    text, spots = _joined(pieces, key)
    assume(_spots(text, key) == spots)
    hits = find_keys(text, [key])
    assert [hit.start for hit in hits if hit.form == RAW] == spots
    for hit in hits:
        assert (hit.line, hit.column) == _position(text, hit.start)
        if hit.form == RAW:
            assert text[hit.start : hit.end] == key


@given(texts, keys)
def test_a_text_without_the_key_is_left_alone(text: str, key: str) -> None:
    assume(key not in text)
    assert replace_keys(text, [key]) == text
    assert all(hit.form != RAW for hit in find_keys(text, [key]))
