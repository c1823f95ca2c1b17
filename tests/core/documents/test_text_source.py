"""TextSource: display lines (split at newlines, hard-wrapped), find and count, bytes and files."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from shipexplorer.api.cancel import CancelToken
from shipexplorer.core.documents import text_source
from shipexplorer.core.documents.text_source import WRAP, TextSource


def expected_lines(text: str, wrap: int = WRAP) -> list[str]:
    """Split at "\\n", then cut every ``wrap`` characters (ASCII: bytes == characters)."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= wrap:
            out.append(line)
        else:
            out.extend(line[i : i + wrap] for i in range(0, len(line), wrap))
    return out


def lines_of(source: TextSource) -> list[str]:
    return [source.line(i) for i in range(source.line_count())]


def test_lines_split_at_newlines():
    source = TextSource.from_bytes(b"one\ntwo\r\n\nlast")
    assert lines_of(source) == ["one", "two", "", "last"]
    assert source.size == 14


def test_empty_and_trailing_newline():
    assert lines_of(TextSource.from_bytes(b"")) == [""]
    assert lines_of(TextSource.from_bytes(b"a\n")) == ["a", ""]


def test_long_line_is_wrapped_and_exact_wrap_is_not():
    source = TextSource.from_bytes(b"x" * (WRAP * 2 + 5) + b"\n" + b"y" * WRAP + b"\nz")
    lines = lines_of(source)
    assert [len(line) for line in lines] == [WRAP, WRAP, 5, WRAP, 1]


def test_wrap_never_splits_a_utf8_character():
    text = "é" * (WRAP + 3)  # 2 bytes each
    lines = lines_of(TextSource.from_bytes(text.encode()))
    assert "".join(lines) == text
    assert all("\ufffd" not in line for line in lines)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab\nxyz ", max_size=3000), st.integers(2, 50))
def test_file_index_matches_bytes_index(tmp_path_factory, text, chunk):
    """Small chunks exercise lines and wraps that cross chunk boundaries."""
    old = text_source._CHUNK
    path = tmp_path_factory.mktemp("ts") / "body.txt"
    path.write_text(text)
    text_source._CHUNK = chunk
    try:
        from_file = TextSource.from_file(path)
        assert lines_of(from_file) == expected_lines(text)
        needle = "ab"
        assert from_file.count(needle) == text.count(needle)
        from_file.close()
    finally:
        text_source._CHUNK = old
    in_memory = TextSource.from_bytes(text.encode())
    assert lines_of(in_memory) == expected_lines(text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="aAbB\n", max_size=400), st.sampled_from(["a", "ab", "Ba", "b\na"]))
def test_find_and_count_agree_with_re(text, needle):
    source = TextSource.from_bytes(text.encode())
    found = [m.start() for m in re.finditer(re.escape(needle.lower()), text.lower())]
    assert source.count(needle) == len(found)
    lines = expected_lines(text)
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def position(offset: int) -> tuple[int, int]:
        line = text.count("\n", 0, offset)
        return line, offset - starts[line]

    first = source.find(needle, 0)
    assert first == (position(found[0]) if found else None)
    last = source.find(needle, len(lines) - 1, backwards=True)
    all_starts = [i for i in range(len(text)) if text.lower().startswith(needle.lower(), i)]
    assert last == (position(all_starts[-1]) if all_starts else None)


def test_find_from_a_line_and_backwards_from_a_line():
    source = TextSource.from_bytes(b"foo\nbar\nfoo bar\nbaz")
    assert source.find("BAR", 0) == (1, 0)
    assert source.find("bar", 2) == (2, 4)
    assert source.find("foo", 1, backwards=True) == (0, 0)
    assert source.find("foo", 3, backwards=True) == (2, 0)
    assert source.find("qux", 0) is None
    assert source.count("ba") == 3


def test_column_counts_characters():
    source = TextSource.from_bytes("ééx".encode())
    assert source.find("x", 0) == (0, 2)


def test_cancelled_count_stops():
    token = CancelToken()
    token.cancel()
    assert TextSource.from_bytes(b"aaaa").count("a", cancel=token) == 0


def test_big_file_one_line(tmp_path):
    body = b'[{"a":1}' + b',{"a":1}' * 200_000 + b"]"
    path = tmp_path / "big.json"
    path.write_bytes(body)
    source = TextSource.from_file(path)
    assert source.size == len(body)
    assert source.line_count() == -(-len(body) // WRAP)
    assert "".join(lines_of(source)).encode() == body
    assert source.count('"a"') == 200_001
    assert source.find("]", 0) == (
        source.line_count() - 1,
        len(source.line(source.line_count() - 1)) - 1,
    )
    source.close()
