"""Finding Steamship blocks in an answer and reading a fetched block's content."""

from __future__ import annotations

import pytest

from shipexplorer.core.documents.blocks import (
    AUDIO,
    BYTES,
    IMAGE,
    MARKDOWN,
    MAX_BLOCKS,
    MAX_TEXT_CHARS,
    TEXT,
    Block,
    block_content,
    find_blocks,
    inline_content,
    kind_of,
    sniff_mime,
    suffix_for,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
BLOCKS = [
    {"id": "b-1", "fileId": "f-1", "text": "Hello, Ada!", "mimeType": "text/plain", "tags": []},
    {"id": "b-2", "mimeType": "image/png", "text": "", "tags": [{"kind": "role", "name": "x"}]},
    {"id": "b-3", "mimeType": "audio/mp3"},
]


@pytest.mark.parametrize(
    ("value", "where"),
    [
        (BLOCKS, "$"),
        ({"blocks": BLOCKS}, "$.blocks"),
        ({"task": {"taskId": "t"}, "file": {"id": "f-1", "blocks": BLOCKS}}, "$.file.blocks"),
        ({"data": {"file": {"blocks": BLOCKS}}}, "$.data.file.blocks"),
        ({"output": BLOCKS}, "$.output"),
    ],
)
def test_blocks_are_found_where_packages_put_them(value, where):
    found = find_blocks(value)
    assert found and found.where == where and found.total == 3
    first, image, audio = found.blocks
    assert (first.block_id, first.kind, first.text) == ("b-1", TEXT, "Hello, Ada!")
    assert first.inline and first.preview() == "Hello, Ada!" and first.where == f"{where}[0]"
    assert image.kind == IMAGE and not image.inline and image.tags == ("role:x",)
    assert audio.kind == AUDIO and audio.preview() == "content on the server (block/raw)"
    assert found.note() == f"3 blocks at {where}"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "text",
        [],
        [1, 2],
        {"items": BLOCKS},
        [{"id": "w-1", "handle": "ws"}],  # workspaces have ids, not content
        [*BLOCKS, {"name": "not a block"}],  # every item must be one
        {"taskId": "t", "state": "running"},
    ],
)
def test_other_values_hold_no_blocks(value):
    assert not find_blocks(value)


def test_a_single_block_and_an_ephemeral_one():
    single = find_blocks({"id": "b-9", "mimeType": "text/markdown", "text": "# Hi"})
    assert len(single.blocks) == 1 and single.blocks[0].kind == MARKDOWN
    ephemeral = find_blocks([{"contentURL": "https://cdn.example/x.png", "mimeType": "image/png"}])
    block = ephemeral.blocks[0]
    assert block.block_id is None and not block.fetchable and block.label().endswith("$[0]")
    assert "contentURL" in block.preview()


def test_a_long_list_is_listed_up_to_the_limit():
    items = [{"id": f"b-{i}", "text": f"t{i}"} for i in range(MAX_BLOCKS + 5)]
    found = find_blocks({"blocks": items})
    assert len(found.blocks) == MAX_BLOCKS and found.total == MAX_BLOCKS + 5
    assert found.note() == f"The first {MAX_BLOCKS:,} of {MAX_BLOCKS + 5:,} blocks are listed."


def test_kinds_suffixes_and_signatures():
    assert kind_of("text/markdown") == MARKDOWN and kind_of("application/json") == TEXT
    assert kind_of("image/jpeg") == IMAGE and kind_of("audio/wav; rate=8000") == AUDIO
    assert kind_of("application/pdf") == BYTES and kind_of(None) == BYTES
    assert kind_of(None, has_text=True) == TEXT
    assert suffix_for("audio/mp3") == ".mp3" and suffix_for("x/unknown") == ".bin"
    assert sniff_mime(PNG) == "image/png" and sniff_mime(b"ID3\x03") == "audio/mpeg"
    assert sniff_mime(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "audio/wav"
    assert sniff_mime(b"plain") is None


def test_fetched_content_reads_by_type():
    text = block_content("héllo".encode(), "text/plain; charset=utf-8")
    assert (text.kind, text.text, text.mime_type, text.size) == (TEXT, "héllo", "text/plain", 6)
    image = block_content(PNG, "application/octet-stream")
    assert image.kind == IMAGE and image.mime_type == "image/png"  # by its signature
    typed = block_content(b"\x00\x01", None, Block("$[0]", "b", mime_type="audio/ogg"))
    assert typed.kind == AUDIO and typed.mime_type == "audio/ogg"  # the block's own type
    other = block_content(b"\x00\x01\x02", "application/zip")
    assert other.kind == BYTES and other.text is None
    long = block_content(b"a" * (MAX_TEXT_CHARS + 10), "text/markdown")
    assert long.cut and len(long.text or "") == MAX_TEXT_CHARS and long.size == MAX_TEXT_CHARS + 10


def test_inline_text_needs_no_fetch():
    block = find_blocks(BLOCKS).blocks[0]
    content = inline_content(block)
    assert content is not None and content.text == "Hello, Ada!" and content.kind == TEXT
    assert inline_content(find_blocks(BLOCKS).blocks[1]) is None  # an image is fetched
