"""The tag filter query language: what the official client writes, precedence, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shipexplorer.emulator.files import TagRecord
from shipexplorer.emulator.tag_query import QueryError, parse

FILE_TAG = TagRecord("T1", "W", "F1", None, "kv-store-x", "__init__", {"id": "42", "n": 3})
BLOCK_TAG = TagRecord("T2", "W", "F1", "B1", "BlockTag", None, None, 0, 4, "text")


@pytest.mark.parametrize(
    ("query", "file_tag", "block_tag"),
    [
        ('filetag and kind "kv-store-x"', True, False),
        ('blocktag and kind "BlockTag"', False, True),
        ('file_id "F1"', True, True),
        ('block_id "B1"', False, True),
        ('tag_id "T1"', True, False),
        ('text "text"', False, True),
        ('kind "kv-store-x" and name "__init__" and value("id") = "42"', True, False),
        ('value("id") != "41"', True, True),  # a missing key is "not equal"
        ('value("n") > 2 and value("n") <= 3', True, False),
        ('value("n") < "x"', False, False),  # incomparable: no match, no error
        ('kind "BlockTag" or kind "kv-store-x" and name "nope"', False, True),  # and first
        ('(kind "BlockTag" or kind "kv-store-x") and not blocktag', True, False),
        ("NOT filetag", False, True),
        ('kind "say \\"hi\\""', False, False),
        ('value("missing") = null', False, False),
    ],
)
def test_queries_match_tags(query: str, file_tag: bool, block_tag: bool) -> None:
    matches = parse(query)
    assert (matches(FILE_TAG), matches(BLOCK_TAG)) == (file_tag, block_tag)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("", "empty"),
        ('kind "x" and', "ends too early"),
        ("kind x", "Expected string"),
        ('colour "red"', "Unknown term"),
        ('kind "x" kind "y"', "Unexpected"),
        ('(kind "x"', "ends too early"),
        ('value("k") ~ 1', "Cannot read"),
        ('value("k") = kind', "Expected a value"),
    ],
)
def test_unreadable_queries_say_where(query: str, problem: str) -> None:
    with pytest.raises(QueryError, match=problem):
        parse(query)


@given(st.text(max_size=60))
def test_any_text_parses_or_raises_query_error(text: str) -> None:
    try:
        matches = parse(text)
    except QueryError:
        return
    assert matches(FILE_TAG) in (True, False) and matches(BLOCK_TAG) in (True, False)
