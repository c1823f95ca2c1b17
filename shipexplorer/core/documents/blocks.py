"""Steamship blocks in an answer: where they are, what each holds, and what a fetched one is.

Pure Python (no Qt). Agent-style packages answer with blocks: objects with an ``id`` and a
``mimeType``, a ``contentURL`` or a ``text`` (the official client's ``Block``), as a list, under
``blocks``, or inside a file (``{"task", "file": {"blocks": [...]}}``). :func:`find_blocks` finds
them in a JSON value (looking only in those places, so it costs what the first
:data:`MAX_BLOCKS` items cost, whatever the answer's size); :class:`Block` says what one is and how
to show it. A block's bytes come from ``block/raw``; :func:`block_content` turns them into a
:class:`BlockContent` of one kind: text, markdown, image, audio or other bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

#: The most blocks listed from one answer (the rest are counted, not listed).
MAX_BLOCKS = 1_000
#: Characters of a block's text shown in the list.
PREVIEW_CHARS = 80
#: The most characters of a fetched text block put in a view.
MAX_TEXT_CHARS = 500_000

TEXT, MARKDOWN, IMAGE, AUDIO, VIDEO, BYTES = "text", "markdown", "image", "audio", "video", "bytes"

#: Image types Qt reads without extra plugins.
IMAGE_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/jpg",
        "image/gif",
        "image/bmp",
        "image/webp",
        "image/svg+xml",
    }
)
#: Places looked at, from the root: a list of blocks, or an object holding one.
_CONTAINERS: tuple[tuple[str, ...], ...] = (
    (),
    ("blocks",),
    ("file", "blocks"),
    ("data",),
    ("data", "blocks"),
    ("data", "file", "blocks"),
    ("output",),
    ("output", "blocks"),
    ("output", "file", "blocks"),
)
_SUFFIXES = {
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/html": ".html",
    "application/json": ".json",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
    "audio/mp3": ".mp3",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/ogg": ".ogg",
    "audio/mp4": ".m4a",
    "audio/webm": ".weba",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/ogg": ".ogv",
    "application/pdf": ".pdf",
}


def kind_of(mime: str | None, *, has_text: bool = False) -> str:
    """How content of ``mime`` is shown: text, markdown, image, audio, video or bytes."""
    mime = (mime or "").split(";")[0].strip().lower()
    if not mime:
        return TEXT if has_text else BYTES
    if mime == "text/markdown":
        return MARKDOWN
    if mime.startswith("text/") or mime == "application/json" or mime.endswith("+json"):
        return TEXT
    if mime in IMAGE_TYPES:
        return IMAGE
    if mime.startswith("audio/"):
        return AUDIO
    if mime.startswith("video/"):
        return VIDEO
    return BYTES


def suffix_for(mime: str | None) -> str:
    """A file name suffix for ``mime`` (``".bin"`` when unknown)."""
    return _SUFFIXES.get((mime or "").split(";")[0].strip().lower(), ".bin")


@dataclass(frozen=True)
class Block:
    """One block as the answer describes it; ``where`` is its JSONPath in the answer."""

    where: str
    block_id: str | None = None
    mime_type: str | None = None
    text: str | None = None
    content_url: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return kind_of(self.mime_type, has_text=self.text is not None)

    @property
    def fetchable(self) -> bool:
        """Whether ``block/raw`` can bring its content (it has an id)."""
        return bool(self.block_id)

    @property
    def inline(self) -> bool:
        """Whether the answer itself holds what to show (a text block with its text)."""
        return self.text is not None and self.kind in (TEXT, MARKDOWN)

    def label(self) -> str:
        """``"text/plain · id b-1"``: the mime type and the id (or where it is)."""
        mime = self.mime_type or ("text" if self.text is not None else "unknown type")
        ident = f"id {self.block_id}" if self.block_id else self.where
        return f"{mime} · {ident}"

    def preview(self) -> str:
        """The start of its text on one line, or what can be said without fetching it."""
        if self.text and (self.kind in (TEXT, MARKDOWN) or not self.block_id):
            line = " ".join(self.text.split())
            return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1] + "…"
        if self.text is not None and self.kind in (TEXT, MARKDOWN):
            return "(empty text)"
        if self.content_url:
            return "content at an address (contentURL)"
        return "content on the server (block/raw)" if self.block_id else "no content"


@dataclass(frozen=True)
class BlockList:
    """The blocks found: listed (at most :data:`MAX_BLOCKS`), ``total`` counted, and where."""

    blocks: tuple[Block, ...] = ()
    total: int = 0
    where: str = "$"

    def __bool__(self) -> bool:
        return bool(self.blocks)

    def note(self) -> str:
        """``"3 blocks"``, or that only the first ones are listed."""
        if self.total > len(self.blocks):
            return f"The first {len(self.blocks):,} of {self.total:,} blocks are listed."
        count = len(self.blocks)
        return f"{count:,} block{'s' if count != 1 else ''} at {self.where}"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def looks_like_block(item: Any) -> bool:
    """An object with an ``id`` and a ``mimeType``, ``contentURL`` or ``text``; or with a
    ``contentURL`` (an ephemeral block has no id)."""
    if not isinstance(item, dict):
        return False
    ident = item.get("id")
    has_id = isinstance(ident, str) and bool(ident)
    if isinstance(item.get("contentURL"), str):
        return True
    return has_id and any(key in item for key in ("mimeType", "text"))


def _tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = []
    for tag in value[:20]:
        if isinstance(tag, dict):
            name = ":".join(str(tag[k]) for k in ("kind", "name") if tag.get(k))
            if name:
                names.append(name)
    return tuple(names)


def block_of(item: dict[str, Any], where: str) -> Block:
    mime = item.get("mimeType")
    url = item.get("contentURL")
    return Block(
        where=where,
        block_id=str(item["id"]) if isinstance(item.get("id"), (str, int)) else None,
        mime_type=mime if isinstance(mime, str) and mime else None,
        text=_text(item.get("text")),
        content_url=url if isinstance(url, str) else None,
        tags=_tags(item.get("tags")),
    )


def _path_text(keys: tuple[str, ...]) -> str:
    return "$" + "".join(f".{key}" for key in keys)


def _blocks_in(items: list[Any], where: str) -> BlockList | None:
    """The list as blocks when every item looked at is one (None otherwise)."""
    if not items:
        return None
    head = items[:MAX_BLOCKS]
    if not all(looks_like_block(item) for item in head):
        return None
    blocks = tuple(block_of(item, f"{where}[{index}]") for index, item in enumerate(head))
    return BlockList(blocks, len(items), where)


def find_blocks(value: Any) -> BlockList:
    """The blocks of an answer (an empty :class:`BlockList` when it holds none): the first list
    of blocks at the root, under ``blocks``, ``file.blocks``, or the same inside ``data`` or
    ``output``; a single block object counts as a list of one. Never raises."""
    try:
        for keys in _CONTAINERS:
            node = value
            for key in keys:
                node = node.get(key) if isinstance(node, dict) else None
            where = _path_text(keys)
            if isinstance(node, list):
                found = _blocks_in(node, where)
                if found is not None:
                    return found
            elif keys in ((), ("data",), ("output",)) and looks_like_block(node):
                return BlockList((block_of(node, where),), 1, where)
    except (RecursionError, TypeError, ValueError):
        pass
    return BlockList()


@dataclass(frozen=True)
class BlockContent:
    """A block's content as fetched: its bytes, mime type, kind, and text for text kinds."""

    data: bytes
    mime_type: str | None
    kind: str
    text: str | None = None
    cut: bool = False
    #: a decoded image (a QImage, set by the service that fetched it; None otherwise)
    image: Any = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.data)


def sniff_mime(data: bytes) -> str | None:
    """The mime type of well-known image and audio formats from their first bytes."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    return None


def block_content(data: bytes, mime: str | None, block: Block | None = None) -> BlockContent:
    """Fetched bytes as a :class:`BlockContent`. The server's type wins, then the block's, then
    the bytes' own signature; text is decoded (UTF-8, replacing what is not) and cut at
    :data:`MAX_TEXT_CHARS`."""
    chosen = (mime or "").split(";")[0].strip().lower() or None
    if chosen in (None, "application/octet-stream") and block is not None and block.mime_type:
        chosen = block.mime_type.lower()
    if chosen in (None, "application/octet-stream"):
        chosen = sniff_mime(data) or chosen
    kind = kind_of(chosen)
    if kind in (TEXT, MARKDOWN):
        text = data.decode("utf-8", errors="replace")
        cut = len(text) > MAX_TEXT_CHARS
        return BlockContent(data, chosen, kind, text[:MAX_TEXT_CHARS] if cut else text, cut)
    return BlockContent(data, chosen, kind)


def inline_content(block: Block) -> BlockContent | None:
    """What a text block shows without fetching (its ``text``), or None."""
    if not block.inline or block.text is None:
        return None
    text = block.text
    cut = len(text) > MAX_TEXT_CHARS
    data = text.encode("utf-8", errors="replace")
    shown = text[:MAX_TEXT_CHARS] if cut else text
    return BlockContent(data, block.mime_type or "text/plain", block.kind, shown, cut)


__all__ = [
    "AUDIO",
    "BYTES",
    "IMAGE",
    "MARKDOWN",
    "MAX_BLOCKS",
    "TEXT",
    "VIDEO",
    "Block",
    "BlockContent",
    "BlockList",
    "block_content",
    "find_blocks",
    "inline_content",
    "kind_of",
    "looks_like_block",
    "sniff_mime",
    "suffix_for",
]
