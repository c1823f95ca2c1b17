"""File and block operations of the engine API (``file/*``, ``block/*``), over :mod:`.files`.

Request shapes, as the official client (2.17.34) sends them:

- ``file/create`` is JSON ``{"handle", "mimeType", "publicData", "type", "blocks"?, "tags"?}``
  with ``type`` ``none`` (an empty file), ``blocks`` (blocks given as JSON, each with its own
  ``tags``) or ``fileImporter`` (needs a plugin: refused here); with raw content (``type:
  file``) it is ``multipart/form-data``: the content in the part named ``file``, every other key
  a part of its own whose name spells its path the way Vapor reads it (``tags[0][kind]``,
  ``publicData`` = ``"true"``/``"false"``).
- ``block/create`` is JSON ``{"fileId", "text", "tags", "url", "mimeType", "uploadType",
  "publicData", "streaming"}``, or the same as multipart with the content in ``file``
  (``uploadType: file``). ``uploadType: url`` would make the engine fetch a URL: the local
  emulator refuses it (it never reaches out to the network).
- ``block/{id}/appendStream`` posts raw bytes; ``finishStream`` / ``abortStream`` end the stream.
- ``file/raw`` and ``block/raw`` (POST ``{"id"}``) answer the bytes with the exact MIME type
  (``text/plain``, ``image/png``: no charset). ``GET file/{id}/raw`` and ``GET block/{id}/raw``
  answer without a key when the object has ``publicData``, otherwise they need the key.
- ``file/query``, ``block/query`` take ``{"tagFilterQuery"}`` (see :mod:`.tag_query`) and answer
  ``{"files": [...]}`` / ``{"blocks": [...]}``; ``file/list`` pages like ``workspace/list``
  (an unreadable page token starts at the first page, as the engine does).
"""

from __future__ import annotations

import re
from typing import Any

from shipexplorer.emulator.envelopes import ApiError
from shipexplorer.emulator.files import BlockRecord, FileRecord, FileStore, files_of
from shipexplorer.emulator.operations import (
    RAW_BODY,
    ApiContext,
    _descending,
    _str,
    operation,
    operation_pattern,
    parse_body,
)
from shipexplorer.emulator.replies import Reply
from shipexplorer.emulator.store import paginate
from shipexplorer.emulator.tag_query import QueryError, parse

_KEY_PART = re.compile(r"\[([^\]]*)\]")
_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)
_NAME = re.compile(r'\bname="([^"]*)"')
ID = r"(?P<id>[^/]+)"
RAW_BODY.update({"file/create", "block/create"})  # JSON or multipart: read by form_body


def _bad(message: str, suggestion: str = "Check the request body.") -> ApiError:
    return ApiError(400, message, code="BadRequest", suggestion=suggestion)


# -- multipart ----------------------------------------------------------------------------------
def _set_path(target: dict[str, Any], name: str, value: Any) -> None:
    """Put ``value`` at Vapor's path ``a[b][0]`` (indices make lists)."""
    head = name.split("[", 1)[0]
    keys: list[str] = [head, *_KEY_PART.findall(name[len(head) :])]
    node: Any = target
    for key in keys[:-1]:
        child = node.get(key)
        if child is None:
            child = {}  # indices make dicts first; _listify turns them into lists
            node[key] = child
        node = child
    node[keys[-1]] = value


def _listify(value: Any) -> Any:
    """Dicts whose keys are all digits become lists (``tags[0][kind]`` -> a list)."""
    if isinstance(value, dict):
        value = {k: _listify(v) for k, v in value.items()}
        if value and all(k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
    return value


def _scalar(text: str) -> Any:
    return {"true": True, "false": False}.get(text, text)


def _multipart(content_type: str, raw: bytes) -> list[tuple[str, bytes]]:
    """The ``(name, bytes)`` parts of a ``multipart/form-data`` body (RFC 7578)."""
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise _bad("The multipart body has no boundary.")
    delimiter = b"--" + (match.group(1) or match.group(2)).encode("latin-1")
    chunks = raw.split(delimiter)
    if len(chunks) < 3:
        raise _bad("The multipart body could not be read.")
    parts = []
    for chunk in chunks[1:-1]:  # before the first delimiter: preamble; after the last: "--"
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        chunk = chunk[:-2] if chunk.endswith(b"\r\n") else chunk
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            if line.lower().startswith("content-disposition:"):
                name = _NAME.search(line)
                if name is not None:
                    parts.append((name.group(1), data))
    return parts


def form_body(ctx: ApiContext) -> tuple[dict[str, Any], bytes | None]:
    """A request's fields and uploaded content: multipart (content in ``file``) or JSON."""
    content_type = ctx.headers.get("Content-Type", "")
    if not content_type.lower().startswith("multipart/"):
        return parse_body(ctx.raw_body), None
    fields: dict[str, Any] = {}
    content = None
    for name, data in _multipart(content_type, ctx.raw_body):
        if name == "file":
            content = data
        else:
            _set_path(fields, name, _scalar(data.decode("utf-8", errors="replace")))
    return _listify(fields), content


# -- helpers ------------------------------------------------------------------------------------
def _files(ctx: ApiContext) -> FileStore:
    return files_of(ctx.store)


def _file(ctx: ApiContext, body: dict[str, Any]) -> FileRecord:
    file_id, handle = _str(body, "id"), _str(body, "handle")
    if not file_id and not handle:
        raise _bad("Name the file with an 'id' or a 'handle'.")
    return _files(ctx).get_file(ctx.workspace().id, file_id, handle)


def _block(ctx: ApiContext, block_id: Any) -> BlockRecord:
    block = _files(ctx).find_block(block_id)
    if block is None or block.workspace_id != ctx.workspace().id:
        raise ApiError(
            404,
            f"Block {block_id!r} was not found.",
            code="ObjectNotFound",
            suggestion="Use the id of a block of this workspace.",
        )
    return block


def _list_of_dicts(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _bad(f"'{key}' must be a list of objects.")
    return value


def _page_tolerant(body: dict[str, Any], items: list[Any]) -> tuple[list[Any], str | None]:
    try:
        return paginate(items, body.get("pageSize"), body.get("pageToken"))
    except ApiError:
        if body.get("pageToken") and isinstance(body.get("pageSize"), (int, type(None))):
            size = body.get("pageSize")
            if size is None or (not isinstance(size, bool) and size > 0):
                return paginate(items, size, None)
        raise


def _query(body: dict[str, Any]) -> Any:
    try:
        return parse(body.get("tagFilterQuery") or "")
    except QueryError as exc:
        raise _bad(
            f"The tag filter query cannot be read: {exc}", "See the tag query syntax."
        ) from exc


def _raw_reply(data: bytes, mime: str | None) -> Reply:
    return Reply(body=data, content_type=mime or "application/octet-stream")


def _public_or_key(ctx: ApiContext, public: bool) -> None:
    if not ctx.authorized and not public:
        raise ApiError(
            403,
            "This content is not public.",
            code="Forbidden",
            suggestion="Send the API key, or make it public (publicData).",
        )


# -- files --------------------------------------------------------------------------------------
@operation("file/create")
def file_create(ctx: ApiContext, body: dict[str, Any]) -> Any:
    body, content = form_body(ctx)
    kind = body.get("type") or ("file" if content is not None else "none")
    if kind == "fileImporter":
        raise ApiError(
            400,
            "Importing a file needs a file importer plugin, which the local emulator cannot run.",
            code="NeedsPlugin",
            suggestion="Upload the content itself (File.create with content or blocks).",
        )
    if kind not in ("file", "blocks", "none"):
        raise _bad(f"Unknown file/create type {kind!r}.")
    if kind == "file" and content is None:
        raise _bad("A file/create of type 'file' needs the content in the part named 'file'.")
    record = _files(ctx).create_file(
        ctx.workspace().id,
        _str(body, "handle"),
        _str(body, "mimeType"),
        content if kind == "file" else None,
        bool(body.get("publicData")),
        _list_of_dicts(body, "blocks") if kind == "blocks" else [],
        _list_of_dicts(body, "tags"),
        _str(body, "filename"),
    )
    return {"file": _files(ctx).file_json(record)}


@operation("file/get")
def file_get(ctx: ApiContext, body: dict[str, Any]) -> Any:
    return {"file": _files(ctx).file_json(_file(ctx, body))}


@operation("file/delete")
def file_delete(ctx: ApiContext, body: dict[str, Any]) -> Any:
    record = _file(ctx, body)
    answer = _files(ctx).file_json(record)
    _files(ctx).delete_file(record)
    return {"file": answer}


@operation("file/update")
def file_update(ctx: ApiContext, body: dict[str, Any]) -> Any:
    record = _file(ctx, body)
    if "publicData" in body:
        _files(ctx).set_file_public(record, bool(body["publicData"]))
    return {"file": _files(ctx).file_json(record)}


@operation("file/list")
def file_list(ctx: ApiContext, body: dict[str, Any]) -> Any:
    items = _files(ctx).list_files(ctx.workspace().id, _descending(body))
    page, token = _page_tolerant(body, items)
    return {"files": [_files(ctx).file_json(f) for f in page], "nextPageToken": token}


@operation("file/query")
def file_query(ctx: ApiContext, body: dict[str, Any]) -> Any:
    matches = _query(body)
    store = _files(ctx)
    ws_id = ctx.workspace().id
    wanted = {t.file_id for t in store.workspace_tags(ws_id) if matches(t)}
    files = [f for f in store.list_files(ws_id, descending=False) if f.id in wanted]
    return {"files": [store.file_json(f) for f in files]}


@operation("file/raw")
def file_raw(ctx: ApiContext, body: dict[str, Any]) -> Any:
    return _raw_reply(*_files(ctx).file_raw(_file(ctx, body)))


@operation_pattern(f"file/{ID}/raw", get=True)
def file_raw_by_path(ctx: ApiContext, body: dict[str, Any]) -> Any:
    record = _files(ctx).get_file(None, ctx.params["id"])
    _public_or_key(ctx, record.public_data)
    return _raw_reply(*_files(ctx).file_raw(record))


# -- blocks -------------------------------------------------------------------------------------
@operation("block/create")
def block_create(ctx: ApiContext, body: dict[str, Any]) -> Any:
    body, content = form_body(ctx)
    file_id = _str(body, "fileId")
    if not file_id:
        raise _bad("block/create needs a 'fileId'.")
    if body.get("uploadType") == "url" or (body.get("url") and content is None):
        raise ApiError(
            400,
            "The local emulator does not fetch content from URLs.",
            code="NoNetwork",
            suggestion="Upload the content itself (Block.create with content).",
        )
    record = _files(ctx).get_file(ctx.workspace().id, file_id)
    if isinstance(body.get("tags"), (list, type(None))):
        _list_of_dicts(body, "tags")
    block = _files(ctx).add_block(record, body, content)
    return {"block": _files(ctx).block_json(block)}


@operation("block/get")
def block_get(ctx: ApiContext, body: dict[str, Any]) -> Any:
    block_id = _str(body, "id")
    if not block_id:
        raise _bad("block/get needs an 'id'.")
    mine = _files(ctx).find_block(block_id)
    if mine is None:  # a block a package answered
        return {"block": ctx.store.get_block(block_id).to_json()}
    return {"block": _files(ctx).block_json(_block(ctx, block_id))}


@operation("block/raw")
def block_raw(ctx: ApiContext, body: dict[str, Any]) -> Any:
    """The block's content as it is, with its MIME type."""
    block_id = _str(body, "id")
    if not block_id:
        raise _bad("block/raw needs an 'id'.")
    mine = _files(ctx).find_block(block_id)
    if mine is None:  # a block a package answered: text gets a charset
        block = ctx.store.get_block(block_id)
        mime = block.mime_type
        if mime.startswith("text/") and "charset" not in mime:
            mime += "; charset=utf-8"
        return Reply(body=block.data, content_type=mime)
    return _raw_reply(mine.raw(), mine.mime_type)


@operation_pattern(f"block/{ID}/raw", get=True)
def block_raw_by_path(ctx: ApiContext, body: dict[str, Any]) -> Any:
    block = _files(ctx).find_block(ctx.params["id"])
    if block is None:
        raise ApiError(404, f"Block {ctx.params['id']!r} was not found.", code="ObjectNotFound")
    _public_or_key(ctx, block.public_data)
    return _raw_reply(block.raw(), block.mime_type)


@operation("block/delete")
def block_delete(ctx: ApiContext, body: dict[str, Any]) -> Any:
    block = _block(ctx, _str(body, "id"))
    answer = _files(ctx).block_json(block)
    _files(ctx).delete_block(block)
    return answer


@operation("block/update")
def block_update(ctx: ApiContext, body: dict[str, Any]) -> Any:
    block = _block(ctx, _str(body, "id"))
    if "publicData" in body:
        _files(ctx).update_block(block, public_data=bool(body["publicData"]))
    return {"block": _files(ctx).block_json(block)}


@operation("block/list")
def block_list(ctx: ApiContext, body: dict[str, Any]) -> Any:
    blocks = _files(ctx).list_blocks(ctx.workspace().id, _str(body, "fileId"))
    return {"blocks": [_files(ctx).block_json(b) for b in blocks]}


@operation("block/query")
def block_query(ctx: ApiContext, body: dict[str, Any]) -> Any:
    matches = _query(body)
    store = _files(ctx)
    ws_id = ctx.workspace().id
    wanted = {t.block_id for t in store.workspace_tags(ws_id) if t.block_id and matches(t)}
    blocks = [b for b in store.list_blocks(ws_id, None) if b.id in wanted]
    return {"blocks": [store.block_json(b) for b in blocks]}


@operation_pattern(f"block/{ID}/appendStream", raw_body=True)
def block_append_stream(ctx: ApiContext, body: dict[str, Any]) -> Any:
    block = _block(ctx, ctx.params["id"])
    _files(ctx).append_stream(block, ctx.raw_body)
    return {}


@operation_pattern(f"block/{ID}/finishStream")
def block_finish_stream(ctx: ApiContext, body: dict[str, Any]) -> Any:
    block = _block(ctx, ctx.params["id"])
    _files(ctx).update_block(block, stream_state="complete")
    return {}


@operation_pattern(f"block/{ID}/abortStream")
def block_abort_stream(ctx: ApiContext, body: dict[str, Any]) -> Any:
    block = _block(ctx, ctx.params["id"])
    _files(ctx).update_block(block, stream_state="aborted")
    return {}
