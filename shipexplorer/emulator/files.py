"""The engine's files, blocks and tags, in memory and in the state file's records (no Qt).

What the official client (2.17.34) expects of them, read from its ``data/file.py``,
``data/block.py`` and ``data/tags/tag.py``:

- A **file** answers as ``{"file": {id, handle, mimeType, workspaceId, blocks, tags, filename,
  publicData, createdAt}}``; its ``blocks`` are the block JSONs in index order and its ``tags``
  only the file's own tags (those with no ``blockId``).
- A **block** answers as ``{"block": {id, fileId, text, tags, index, mimeType, publicData,
  streamState, requestId, url, contentURL}}``. Its raw content is its bytes (text blocks: the
  text as UTF-8) served with its MIME type; a block made from raw bytes that are UTF-8 text and
  have no other MIME type is ``text/plain`` with that text.
- A **tag** answers as ``{"tag": {id, fileId, blockId, kind, name, value, startIdx, endIdx,
  text}}``.

:class:`FileStore` is a store extension (``Store.extension("files")``): one per emulator, under
the store's lock, written through to the state file's records (kinds ``file``, ``block``,
``tag``) and read back from them at the next start.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from shipexplorer.emulator.envelopes import ApiError
from shipexplorer.emulator.store import EXTENSIONS, Store, new_id
from shipexplorer.emulator.tasks import iso_utc, request_id_for

TEXT = "text/plain"
BINARY = "application/octet-stream"


def _now() -> str:
    return iso_utc(time.time())


def missing(what: str, key: Any) -> ApiError:
    return ApiError(
        404, f"{what} {key!r} was not found.", code="ObjectNotFound", suggestion="Check the id."
    )


@dataclass
class TagRecord:
    id: str
    workspace_id: str
    file_id: str | None
    block_id: str | None = None
    kind: str | None = None
    name: str | None = None
    value: dict[str, Any] | None = None
    start_idx: int | None = None
    end_idx: int | None = None
    text: str | None = None
    created_at: str = field(default_factory=_now)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fileId": self.file_id,
            "blockId": self.block_id,
            "kind": self.kind,
            "name": self.name,
            "value": self.value,
            "startIdx": self.start_idx,
            "endIdx": self.end_idx,
            "text": self.text,
            "createdAt": self.created_at,
        }


@dataclass
class BlockRecord:
    id: str
    workspace_id: str
    file_id: str
    index: int
    text: str = ""
    mime_type: str | None = TEXT
    data: bytes | None = field(default=None, repr=False)  # raw content; None: the text
    public_data: bool = False
    url: str | None = None
    stream_state: str | None = None
    created_at: str = field(default_factory=_now)

    def raw(self) -> bytes:
        return self.data if self.data is not None else self.text.encode("utf-8")

    def body(self) -> dict[str, Any]:
        """What the state file keeps (everything but the bytes)."""
        body = asdict(self)
        body.pop("data")
        return body


@dataclass
class FileRecord:
    id: str
    workspace_id: str
    handle: str | None = None
    mime_type: str | None = None
    data: bytes | None = field(default=None, repr=False)  # the uploaded content, if any
    public_data: bool = False
    filename: str | None = None
    block_ids: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=_now)

    def body(self) -> dict[str, Any]:
        body = asdict(self)
        body.pop("data")
        return body


class FileStore:
    """Files, blocks and tags of every workspace (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lock = store.lock
        self.files: dict[str, FileRecord] = {}
        self.blocks: dict[str, BlockRecord] = {}
        self.tags: dict[str, TagRecord] = {}
        state = store.state
        if state is not None:
            for _id, _ws, body, data in state.read_records("file"):
                record = FileRecord(**body)
                record.data = data
                self.files[record.id] = record
            for _id, _ws, body, data in state.read_records("block"):
                block = BlockRecord(**body)
                block.data = data
                self.blocks[block.id] = block
            for _id, _ws, body, _data in state.read_records("tag"):
                tag = TagRecord(**body)
                self.tags[tag.id] = tag

    # -- writing through ---------------------------------------------------------------------------
    def _save_file(self, record: FileRecord) -> None:
        if self.store.state is not None:
            self.store.state.put_record(
                "file", record.id, record.workspace_id, record.body(), record.data
            )

    def _save_block(self, block: BlockRecord) -> None:
        if self.store.state is not None:
            self.store.state.put_record(
                "block", block.id, block.workspace_id, block.body(), block.data
            )

    def _save_tag(self, tag: TagRecord) -> None:
        if self.store.state is not None:
            self.store.state.put_record("tag", tag.id, tag.workspace_id, asdict(tag), None)

    def _forget(self, kind: str, ids: list[str]) -> None:
        if self.store.state is not None and ids:
            self.store.state.delete_records(kind, ids)

    def forget_workspace(self, workspace_id: str) -> None:
        """Drop everything of a deleted workspace."""
        with self.lock:
            for table in (self.files, self.blocks, self.tags):
                for key in [k for k, v in table.items() if v.workspace_id == workspace_id]:
                    del table[key]
            if self.store.state is not None:
                self.store.state.delete_workspace_records(workspace_id)

    # -- files -------------------------------------------------------------------------------------
    def create_file(
        self,
        workspace_id: str,
        handle: str | None,
        mime_type: str | None,
        data: bytes | None,
        public_data: bool,
        blocks: list[dict[str, Any]],
        tags: list[dict[str, Any]],
        filename: str | None = None,
    ) -> FileRecord:
        with self.lock:
            if handle and any(
                f.handle == handle and f.workspace_id == workspace_id for f in self.files.values()
            ):
                raise ApiError(
                    409,
                    f"A file with handle {handle!r} already exists in this workspace.",
                    code="ObjectExists",
                    suggestion="Use another handle, or none.",
                )
            if data is not None and mime_type is None:
                mime_type = sniff_mime(data)
            record = FileRecord(
                new_id(), workspace_id, handle, mime_type, data, public_data, filename
            )
            self.files[record.id] = record
            self._save_file(record)
            for spec in blocks:
                self.add_block(record, spec)
            for spec in tags:
                self.add_tag(workspace_id, {**spec, "fileId": record.id, "blockId": None})
            return record

    def get_file(
        self, workspace_id: str | None, file_id: str | None, handle: str | None = None
    ) -> FileRecord:
        with self.lock:
            record = self.files.get(file_id) if file_id else None
            if record is None and handle:
                record = next(
                    (
                        f
                        for f in self.files.values()
                        if f.handle == handle and f.workspace_id == workspace_id
                    ),
                    None,
                )
            if record is None or (workspace_id is not None and record.workspace_id != workspace_id):
                raise missing("File", file_id or handle)
            return record

    def list_files(self, workspace_id: str, descending: bool) -> list[FileRecord]:
        with self.lock:
            items = [f for f in self.files.values() if f.workspace_id == workspace_id]
        return items[::-1] if descending else items

    def delete_file(self, record: FileRecord) -> None:
        with self.lock:
            self.files.pop(record.id, None)
            block_ids = [b for b in record.block_ids if self.blocks.pop(b, None) is not None]
            tag_ids = [t.id for t in self.tags.values() if t.file_id == record.id]
            for tag_id in tag_ids:
                del self.tags[tag_id]
            self._forget("file", [record.id])
            self._forget("block", block_ids)
            self._forget("tag", tag_ids)

    def set_file_public(self, record: FileRecord, public: bool) -> None:
        with self.lock:
            record.public_data = public
            self._save_file(record)

    def file_json(self, record: FileRecord) -> dict[str, Any]:
        with self.lock:
            blocks = [self.block_json(self.blocks[b]) for b in record.block_ids if b in self.blocks]
            tags = [
                t.to_json()
                for t in self.tags.values()
                if t.file_id == record.id and t.block_id is None
            ]
        return {
            "id": record.id,
            "handle": record.handle,
            "mimeType": record.mime_type,
            "workspaceId": record.workspace_id,
            "blocks": blocks,
            "tags": tags,
            "filename": record.filename,
            "publicData": record.public_data,
            "createdAt": record.created_at,
        }

    def file_raw(self, record: FileRecord) -> tuple[bytes, str]:
        """A file's content and MIME type: what was uploaded, else its blocks' text."""
        with self.lock:
            if record.data is not None:
                return record.data, record.mime_type or sniff_mime(record.data)
            text = "\n".join(self.blocks[b].text for b in record.block_ids if b in self.blocks)
        return text.encode("utf-8"), record.mime_type or TEXT

    # -- blocks ------------------------------------------------------------------------------------
    def add_block(
        self, record: FileRecord, spec: dict[str, Any], data: bytes | None = None
    ) -> BlockRecord:
        """Append a block to a file: ``spec`` in the client's camelCase, ``data`` raw content."""
        with self.lock:
            text = spec.get("text")
            mime = spec.get("mimeType")
            if data is not None:
                if mime is None:
                    mime = sniff_mime(data)
                if text is None:
                    text = data.decode("utf-8") if mime.startswith("text/") else ""
                    if not mime.startswith("text/"):
                        text = ""
            block = BlockRecord(
                new_id(),
                record.workspace_id,
                record.id,
                len(record.block_ids),
                text or "",
                mime or TEXT,
                data,
                bool(spec.get("publicData")),
                spec.get("url"),
                "started" if spec.get("streaming") else None,
            )
            self.blocks[block.id] = block
            record.block_ids.append(block.id)
            self._save_block(block)
            self._save_file(record)
            for tag in spec.get("tags") or []:
                self.add_tag(record.workspace_id, {**tag, "fileId": record.id, "blockId": block.id})
            return block

    def find_block(self, block_id: Any) -> BlockRecord | None:
        with self.lock:
            return self.blocks.get(block_id) if isinstance(block_id, str) else None

    def delete_block(self, block: BlockRecord) -> None:
        with self.lock:
            self.blocks.pop(block.id, None)
            record = self.files.get(block.file_id)
            if record is not None and block.id in record.block_ids:
                record.block_ids.remove(block.id)
                self._save_file(record)
            tag_ids = [t.id for t in self.tags.values() if t.block_id == block.id]
            for tag_id in tag_ids:
                del self.tags[tag_id]
            self._forget("block", [block.id])
            self._forget("tag", tag_ids)

    def update_block(self, block: BlockRecord, **changes: Any) -> None:
        with self.lock:
            for name, value in changes.items():
                setattr(block, name, value)
            self._save_block(block)

    def append_stream(self, block: BlockRecord, chunk: bytes) -> None:
        with self.lock:
            if block.stream_state != "started":
                raise ApiError(
                    400,
                    f"Block {block.id!r} is not streaming.",
                    code="NotStreaming",
                    suggestion="Create the block with streaming: true.",
                )
            block.data = (block.data or b"") + chunk
            if (block.mime_type or "").startswith("text/"):
                block.text = block.data.decode("utf-8", errors="replace")
            self._save_block(block)

    def block_json(self, block: BlockRecord) -> dict[str, Any]:
        with self.lock:
            tags = [t.to_json() for t in self.tags.values() if t.block_id == block.id]
        return {
            "id": block.id,
            "fileId": block.file_id,
            "text": block.text,
            "tags": tags,
            "index": block.index,
            "mimeType": block.mime_type,
            "publicData": block.public_data,
            "streamState": block.stream_state,
            "requestId": request_id_for(block.id),
            "url": block.url,
            "contentURL": None,
        }

    def list_blocks(self, workspace_id: str, file_id: str | None) -> list[BlockRecord]:
        with self.lock:
            if file_id:
                record = self.get_file(workspace_id, file_id)
                return [self.blocks[b] for b in record.block_ids if b in self.blocks]
            return [b for b in self.blocks.values() if b.workspace_id == workspace_id]

    # -- tags --------------------------------------------------------------------------------------
    def add_tag(self, workspace_id: str, spec: dict[str, Any]) -> TagRecord:
        """A new tag from the client's camelCase JSON (its file, or block, must exist)."""
        with self.lock:
            file_id, block_id = spec.get("fileId"), spec.get("blockId")
            if block_id:
                block = self.find_block(block_id)
                if block is None or block.workspace_id != workspace_id:
                    raise missing("Block", block_id)
                file_id = block.file_id
            elif file_id:
                self.get_file(workspace_id, file_id)
            else:
                raise ApiError(
                    400,
                    "A tag needs a 'fileId' or a 'blockId'.",
                    code="BadRequest",
                    suggestion="Tag a file or a block.",
                )
            value = spec.get("value")
            tag = TagRecord(
                new_id(),
                workspace_id,
                file_id,
                block_id,
                spec.get("kind"),
                spec.get("name"),
                value if isinstance(value, dict) else None,
                spec.get("startIdx"),
                spec.get("endIdx"),
                spec.get("text"),
            )
            self.tags[tag.id] = tag
            self._save_tag(tag)
            return tag

    def get_tag(self, workspace_id: str, tag_id: Any) -> TagRecord:
        with self.lock:
            tag = self.tags.get(tag_id) if isinstance(tag_id, str) else None
            if tag is None or tag.workspace_id != workspace_id:
                raise missing("Tag", tag_id)
            return tag

    def delete_tag(self, tag: TagRecord) -> None:
        with self.lock:
            self.tags.pop(tag.id, None)
            self._forget("tag", [tag.id])

    def workspace_tags(self, workspace_id: str) -> list[TagRecord]:
        with self.lock:
            return [t for t in self.tags.values() if t.workspace_id == workspace_id]


def sniff_mime(data: bytes) -> str:
    """``text/plain`` for UTF-8 text, a few image types by their magic bytes, else binary."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return BINARY
    return TEXT


def files_of(store: Store) -> FileStore:
    """The store's files, blocks and tags."""
    return store.extension("files")


EXTENSIONS["files"] = FileStore
