"""Tag operations of the engine API (``tag/create``, ``tag/delete``, ``tag/query``, ``tag/list``).

Shapes, from the official client (2.17.34, ``data/tags/tag.py``): ``tag/create`` takes the tag's
camelCase JSON (``fileId``, ``blockId``, ``kind``, ``name``, ``value``, ``startIdx``, ``endIdx``)
and answers ``{"tag": {...}}``; a tag of a block belongs to that block's file. ``tag/delete``
takes ``{"id", "fileId", "blockId"}``; ``tag/query`` takes ``{"tagFilterQuery"}`` (see
:mod:`.tag_query`) and answers ``{"tags": [...]}``; ``tag/list`` takes ``{"fileId"?,
"blockId"?}``. The key-value store (``steamship.utils.kv_store``) is tags of kind
``kv-store-<name>`` on a file found with ``file/query``.
"""

from __future__ import annotations

from typing import Any

from shipexplorer.emulator.files import files_of
from shipexplorer.emulator.operations import ApiContext, _str, operation
from shipexplorer.emulator.ops_files import _query


@operation("tag/create")
def tag_create(ctx: ApiContext, body: dict[str, Any]) -> Any:
    tag = files_of(ctx.store).add_tag(ctx.workspace().id, body)
    return {"tag": tag.to_json()}


@operation("tag/delete")
def tag_delete(ctx: ApiContext, body: dict[str, Any]) -> Any:
    store = files_of(ctx.store)
    tag = store.get_tag(ctx.workspace().id, _str(body, "id"))
    store.delete_tag(tag)
    return {"tag": tag.to_json()}


@operation("tag/query")
def tag_query(ctx: ApiContext, body: dict[str, Any]) -> Any:
    matches = _query(body)
    tags = files_of(ctx.store).workspace_tags(ctx.workspace().id)
    return {"tags": [t.to_json() for t in tags if matches(t)]}


@operation("tag/list")
def tag_list(ctx: ApiContext, body: dict[str, Any]) -> Any:
    file_id, block_id = _str(body, "fileId"), _str(body, "blockId")
    tags = files_of(ctx.store).workspace_tags(ctx.workspace().id)
    if file_id:
        tags = [t for t in tags if t.file_id == file_id]
    if block_id:
        tags = [t for t in tags if t.block_id == block_id]
    return {"tags": [t.to_json() for t in tags]}
