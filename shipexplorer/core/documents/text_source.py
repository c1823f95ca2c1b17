"""The exact text of a body, line by line, without holding it in a widget (or in memory).

No Qt. A :class:`TextSource` reads bytes kept in memory or a (spooled) file, with an index of where
each display line starts: lines end at ``"\\n"`` and are hard-wrapped every :data:`WRAP` bytes
(never inside a UTF-8 character; for ASCII that is every WRAP characters), so a 100 MB body of one
line is still 100,000 short lines. :meth:`TextSource.line` is one small read: fine on the GUI
thread.
Building the index of a file, :meth:`~TextSource.find` and :meth:`~TextSource.count` read the whole
body in chunks: call them on a worker (their Python loops give the interpreter up at every switch
interval; their C calls work on 1 MB at a time, well under a frame). Search is case-insensitive for
ASCII letters.
"""

from __future__ import annotations

import re
import threading
from array import array
from bisect import bisect_right
from pathlib import Path

from shipexplorer.api.cancel import CancelToken

WRAP = 1000
_CHUNK = 1 << 20
_NEWLINE = re.compile(b"\n")


def _boundary(data: bytes | memoryview, index: int, low: int) -> int:
    """``index`` moved back (staying above ``low``) off UTF-8 continuation bytes."""
    for back in range(4):
        at = index - back
        if at <= low or at < 0:
            break
        if (data[at] & 0xC0) != 0x80:
            return at
    return index


class TextSource:
    """Display lines of a body held as bytes or in a file (see the module docstring)."""

    def __init__(self, size: int, starts: array, data: bytes | None, path: Path | None) -> None:
        self.size = size
        self._starts = starts  # byte offset where each display line starts; [0] == 0
        self._data = data
        self._path = path
        self._file = None if path is None else open(path, "rb")  # noqa: SIM115 - kept open
        self._lock = threading.Lock()

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def from_bytes(cls, data: bytes) -> TextSource:
        data = bytes(data)
        starts = _index([(0, data)], None)
        return cls(len(data), starts, data, None)

    @classmethod
    def from_file(cls, path: str | Path, *, cancel: CancelToken | None = None) -> TextSource:
        """Index the file at ``path`` in chunks (blocking: call on a worker)."""
        path = Path(path)
        with open(path, "rb") as handle:

            def chunks():
                offset = 0
                while True:
                    block = handle.read(_CHUNK)
                    if not block:
                        return
                    yield offset, block
                    offset += len(block)

            starts = _index(chunks(), cancel)
            size = handle.tell()
        return cls(size, starts, None, path)

    # -- reading --------------------------------------------------------------------------------

    def line_count(self) -> int:
        return len(self._starts)

    def _read(self, start: int, end: int) -> bytes:
        if self._data is not None:
            return self._data[start:end]
        if self._file is None:
            raise ValueError("the text source is closed")
        with self._lock:
            self._file.seek(start)
            return self._file.read(max(0, end - start))

    def _span(self, index: int) -> tuple[int, int]:
        start = self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else self.size
        return start, end

    def line(self, index: int) -> str:
        """Display line ``index`` without its ``"\\n"`` (or ``"\\r\\n"``)."""
        if not 0 <= index < len(self._starts):
            raise IndexError(index)
        start, end = self._span(index)
        raw = self._read(start, end)
        if raw.endswith(b"\n"):
            raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
        return raw.decode("utf-8", errors="replace")

    def line_of(self, offset: int) -> int:
        """The display line holding byte ``offset``."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def _position(self, offset: int) -> tuple[int, int]:
        line = self.line_of(offset)
        column = len(self._read(self._starts[line], offset).decode("utf-8", errors="replace"))
        return line, column

    # -- searching ------------------------------------------------------------------------------

    def find(
        self,
        text: str,
        start_line: int,
        *,
        backwards: bool = False,
        cancel: CancelToken | None = None,
    ) -> tuple[int, int] | None:
        """(line, column) of the first match starting at or after the start of ``start_line``;
        ``backwards``: of the last match starting before the end of ``start_line``. No wrap-around:
        None when there is none that way."""
        needle = text.encode("utf-8").lower()
        if not needle or self.size == 0:
            return None
        start_line = min(max(0, start_line), len(self._starts) - 1)
        if backwards:
            limit = self._span(start_line)[1]
            end = limit
            while end > 0:
                if cancel is not None and cancel.cancelled:
                    return None
                begin = max(0, end - _CHUNK)
                block = self._read(begin, min(limit, end + len(needle) - 1)).lower()
                hit = block.rfind(needle)
                if hit >= 0:
                    return self._position(begin + hit)
                end = begin
            return None
        offset = self._starts[start_line]
        for hit in self._matches(needle, offset, cancel):
            return self._position(hit)
        return None

    def count(self, text: str, *, cancel: CancelToken | None = None) -> int:
        """How many (non-overlapping) matches the whole text holds."""
        needle = text.encode("utf-8").lower()
        if not needle:
            return 0
        return sum(1 for _ in self._matches(needle, 0, cancel))

    def _matches(self, needle: bytes, offset: int, cancel: CancelToken | None):
        """Byte offsets of non-overlapping matches from ``offset`` on, read in chunks."""
        chunk_start = offset
        while chunk_start < self.size:
            if cancel is not None and cancel.cancelled:
                return
            block = self._read(chunk_start, chunk_start + _CHUNK + len(needle) - 1).lower()
            position = 0
            last_start = min(_CHUNK, len(block))  # matches starting past it belong to the next
            while True:
                hit = block.find(needle, position)
                if hit < 0 or hit >= last_start:
                    break
                yield chunk_start + hit
                position = hit + len(needle)
            chunk_start += max(_CHUNK, position)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _index(chunks, cancel: CancelToken | None) -> array:
    """Start offsets of the display lines of the bytes given as (offset, block) chunks."""
    starts = array("q", [0])
    line_start = 0
    tail = b""  # the previous block's last bytes, to step back off a split UTF-8 character
    for offset, block in chunks:
        if cancel is not None and cancel.cancelled:
            break
        window = tail + block
        base = offset - len(tail)
        ends = [m.end() + offset for m in _NEWLINE.finditer(block)]
        ends.append(offset + len(block) + 1)  # a sentinel: the block's end
        for next_start in ends:
            while next_start - 1 - line_start > WRAP:  # content (without "\n") too long
                cut = line_start + WRAP
                if window[cut - base] & 0xC0 == 0x80:  # inside a UTF-8 character
                    cut = _boundary(window, cut - base, line_start - base) + base
                starts.append(cut)
                line_start = cut
            if next_start <= offset + len(block):
                starts.append(next_start)
                line_start = next_start
        tail = window[-4:]
    return starts


__all__ = ["WRAP", "TextSource"]
