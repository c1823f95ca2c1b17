"""The emulator's state, in memory and thread-safe: the user, workspaces, instances, tasks, blocks.

One lock guards everything; every operation is short. Lookups that fail raise
:class:`~shipexplorer.emulator.envelopes.ApiError` with Steamship's failed-status form. Given a
:class:`~shipexplorer.emulator.state.StateFile`, the store starts from what the file holds and
writes every change through to it (memory stays the source of every answer).

An instance's ``initStatus`` is derived from its creation time and its package (see
:meth:`Instance.init_status`); blocks (the content packages answer, served by ``block/raw``) are
kept up to :data:`MAX_BLOCKS`, the oldest let go first.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shipexplorer.emulator.envelopes import ApiError
from shipexplorer.emulator.local_packages import restore_packages, restored_url
from shipexplorer.emulator.packages import CATALOGUE
from shipexplorer.emulator.packages.base import ArgumentError, Package, validate_config
from shipexplorer.emulator.state import LoadedState, StateFile
from shipexplorer.emulator.task_faults import TaskPollFaults
from shipexplorer.emulator.tasks import Failure, Schedule, Task, iso_utc

DEFAULT_WORKSPACE = "default"
DEFAULT_PAGE_SIZE = 100
MAX_TASKS = 100_000
MAX_BLOCKS = 10_000
#: ``initStatus`` values, as the official client's ``InvocableInitStatus`` spells them
NOT_NEEDED, INITIALIZING, COMPLETE, FAILED_INIT = "notNeeded", "initializing", "complete", "failed"
_NAMESPACE = uuid.UUID("6f7c2d4e-5b1a-4c3e-9a8f-0d2e1b3c4a5f")
#: State that other modules keep beside the store (the engine APIs' files, tags...): a maker per
#: name, run for each new store (see :meth:`Store.extension`); an extension may have
#: ``forget_workspace(workspace_id)``, called when a workspace is deleted.
EXTENSIONS: dict[str, Callable[[Store], Any]] = {}


def new_id() -> str:
    return str(uuid.uuid4()).upper()


def stable_id(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name)).upper()


def package_id(handle: str) -> str:
    return stable_id(f"package:{handle}")


def package_version_id(handle: str) -> str:
    return stable_id(f"package-version:{handle}:1.0.0")


@dataclass
class Workspace:
    id: str
    handle: str
    created_at: str = field(default_factory=lambda: iso_utc(time.time()))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "handle": self.handle, "createdAt": self.created_at}


def parse_iso(text: str) -> float:
    """Epoch seconds of an ISO-8601 time like ``2026-11-28T09:10:40.123Z`` (now if unreadable)."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        return time.time()


@dataclass
class Instance:
    id: str
    handle: str
    package: type[Package]
    config: dict[str, Any]
    workspace: Workspace
    user_id: str
    user_handle: str
    created_at: str = ""
    created_wall: float | None = None  # epoch seconds (from created_at when not given)
    local_url: str | None = None  # a package served from a folder: its local server

    def __post_init__(self) -> None:
        if self.created_wall is None:
            self.created_wall = parse_iso(self.created_at) if self.created_at else time.time()
        if not self.created_at:
            self.created_at = iso_utc(self.created_wall)

    def init_duration(self) -> float | None:
        """Seconds its initialisation takes (None: it needs none)."""
        return self.package.init_seconds(self.package.effective_config(self.config))

    def init_seconds_left(self, now: float | None = None) -> float:
        duration = self.init_duration()
        if duration is None or self.created_wall is None:
            return 0.0
        return max(0.0, self.created_wall + duration - (time.time() if now is None else now))

    def init_status(self, now: float | None = None) -> str:
        """``notNeeded``, ``initializing`` (for the package's init time after its creation),
        then ``complete``, or ``failed`` for a package whose initialisation fails."""
        if self.init_duration() is None:
            return NOT_NEEDED
        if self.init_seconds_left(now) > 0:
            return INITIALIZING
        return FAILED_INIT if self.package.init_failure else COMPLETE

    def to_json(self, app_base: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "handle": self.handle,
            "packageId": package_id(self.package.handle),
            "packageHandle": self.package.handle,
            "packageVersionId": package_version_id(self.package.handle),
            "packageVersionHandle": "1.0.0",
            "userHandle": self.user_handle,
            "userId": self.user_id,
            "invocationURL": f"{app_base}{self.workspace.handle}/{self.handle}/",
            "config": self.config,
            "workspaceId": self.workspace.id,
            "workspaceHandle": self.workspace.handle,
            "initStatus": self.init_status(),
            "createdAt": self.created_at,
        } | (
            {"localDevelopmentURL": self.local_url, "packageVersionHandle": "local-development!"}
            if self.local_url
            else {}
        )


@dataclass
class Block:
    """A piece of content a package answered (text, markdown, an image, audio): its JSON is the
    official client's ``Block``; ``block/raw`` serves ``data`` with ``mime_type``."""

    id: str
    file_id: str
    workspace_id: str
    index: int
    text: str
    mime_type: str
    data: bytes = field(repr=False)
    created_at: str = field(default_factory=lambda: iso_utc(time.time()))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fileId": self.file_id,
            "text": self.text,
            "tags": [],
            "index": self.index,
            "mimeType": self.mime_type,
            "publicData": False,
            "streamState": None,
            "requestId": None,
            "url": None,
            "contentURL": None,
        }


def not_found(what: str, key: Any) -> ApiError:
    return ApiError(
        404,
        f"{what} {key!r} was not found.",
        code="ObjectNotFound",
        suggestion="Check the spelling.",
    )


def paginate(items: list[Any], page_size: Any, page_token: Any) -> tuple[list[Any], str | None]:
    """One page of ``items`` and the token of the next page (None at the end)."""
    if page_size is None:
        page_size = DEFAULT_PAGE_SIZE
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise ApiError(
            400,
            f"pageSize must be a positive integer, got {page_size!r}.",
            code="BadRequest",
            suggestion="Send a pageSize of 1 or more, or none.",
        )
    start = 0
    if page_token:
        try:
            start = int(base64.urlsafe_b64decode(str(page_token).encode()).decode().split(":")[1])
        except (ValueError, IndexError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"Invalid pageToken {page_token!r}.", code="BadRequest") from exc
    end = start + page_size
    token = (
        base64.urlsafe_b64encode(f"offset:{end}".encode()).decode() if end < len(items) else None
    )
    return items[start:end], token


class Store:
    """Users, workspaces, package instances and tasks, guarded by one lock.

    ``state`` (optional) is the file the store starts from and writes every change to;
    :attr:`meta` holds small facts kept with the state (such as whether the demo instances
    were made).
    """

    def __init__(self, user_handle: str, state: StateFile | None = None) -> None:
        self.lock = threading.RLock()
        self.user_id = stable_id(f"user:{user_handle}")
        self.user_handle = user_handle
        self.workspaces: dict[str, Workspace] = {}
        self.instances: dict[str, Instance] = {}
        self.tasks: OrderedDict[str, Task] = OrderedDict()
        self.blocks: OrderedDict[str, Block] = OrderedDict()
        self.task_poll_faults = TaskPollFaults()
        self.meta: dict[str, str] = {}
        self.local_packages: dict[str, type[Package]] = {}  # served from folders (package/create)
        self.state = state
        self._unended: set[str] = set()  # tasks whose end the state file does not know yet
        if state is not None:
            self._load(state.open())
        self.create_workspace(DEFAULT_WORKSPACE)
        self.extensions: dict[str, Any] = {}
        for name in list(EXTENSIONS):
            self.extension(name)

    def extension(self, name: str) -> Any:
        """The extra state named ``name`` (made, from the state file, on first use)."""
        with self.lock:
            if name not in self.extensions:
                self.extensions[name] = EXTENSIONS[name](self)
            return self.extensions[name]

    def _load(self, loaded: LoadedState) -> None:
        """Start from what a state file held (rows it cannot use are skipped)."""
        self.meta.update(loaded.meta)
        restore_packages(self)
        for row in loaded.workspaces:
            if self.find_workspace(handle=row["handle"]) is None:
                ws = Workspace(row["id"], row["handle"], row["created_at"])
                self.workspaces[ws.id] = ws
        for row in loaded.instances:
            ws = self.workspaces.get(row["workspace_id"])
            package = CATALOGUE.get(row["package_handle"]) or self.local_packages.get(
                row["package_handle"]
            )
            if ws is None or package is None or self.find_instance(ws, handle=row["handle"]):
                continue
            inst = Instance(
                row["id"],
                row["handle"],
                package,
                row["config"],
                ws,
                self.user_id,
                self.user_handle,
                row["created_at"],
            )
            inst.local_url = restored_url(self, inst.id)
            self.instances[inst.id] = inst
        for row in loaded.blocks[-MAX_BLOCKS:]:
            block = Block(
                row["id"],
                row["file_id"],
                row["workspace_id"],
                row["idx"],
                row["text"],
                row["mime_type"],
                row["data"],
                row["created_at"],
            )
            self.blocks[block.id] = block
        for task in loaded.tasks[-MAX_TASKS:]:
            task.user_id = self.user_id
            self.tasks[task.task_id] = task
        if len(loaded.tasks) > MAX_TASKS and self.state is not None:
            self.state.forget_tasks(t.task_id for t in loaded.tasks[:-MAX_TASKS])

    def set_meta(self, key: str, value: str) -> None:
        """Keep a small fact with the state."""
        with self.lock:
            self.meta[key] = value
            if self.state is not None:
                self.state.put_meta(key, value)

    def close(self) -> None:
        """Write what the state file should know at a stop (which tasks ended), then close it."""
        with self.lock:
            state, self.state = self.state, None
            if state is None:
                return
            ended = [t for t in self._unended if t in self.tasks and self.tasks[t].ended()]
            self._unended.clear()
        state.close(ended)

    def user_json(self) -> dict[str, Any]:
        return {"id": self.user_id, "handle": self.user_handle}

    # Workspaces
    def create_workspace(self, handle: str | None, fetch_if_exists: bool = True) -> Workspace:
        with self.lock:
            if handle is None:
                handle = f"workspace-{uuid.uuid4().hex[:8]}"
            existing = self.find_workspace(handle=handle)
            if existing is not None:
                if fetch_if_exists:
                    return existing
                raise ApiError(
                    409,
                    f"A workspace with handle {handle!r} already exists.",
                    code="ObjectExists",
                    suggestion="Pass fetchIfExists: true.",
                )
            ws = Workspace(new_id(), handle)
            self.workspaces[ws.id] = ws
            if self.state is not None:
                self.state.put_workspace(ws)
            return ws

    def find_workspace(self, id: str | None = None, handle: str | None = None) -> Workspace | None:
        with self.lock:
            if id is not None:
                ws = self.workspaces.get(id)
                if ws is None or (handle is not None and ws.handle != handle):
                    return None
                return ws
            for ws in self.workspaces.values():
                if ws.handle == handle:
                    return ws
            return None

    def get_workspace(self, id: str | None = None, handle: str | None = None) -> Workspace:
        ws = self.find_workspace(id, handle)
        if ws is None:
            raise not_found("Workspace", id if id is not None else handle)
        return ws

    def list_workspaces(self, descending: bool) -> list[Workspace]:
        with self.lock:
            items = list(self.workspaces.values())
        return items[::-1] if descending else items

    def delete_workspace(self, id: str | None, handle: str | None = None) -> Workspace:
        with self.lock:
            ws = self.get_workspace(id, handle)
            if ws.handle == DEFAULT_WORKSPACE:
                raise ApiError(400, "The default workspace cannot be deleted.", code="BadRequest")
            del self.workspaces[ws.id]
            for inst in [i for i in self.instances.values() if i.workspace is ws]:
                del self.instances[inst.id]
            for block in [b for b in self.blocks.values() if b.workspace_id == ws.id]:
                del self.blocks[block.id]
            for ext in self.extensions.values():
                forget = getattr(ext, "forget_workspace", None)
                if forget is not None:
                    forget(ws.id)
            if self.state is not None:
                self.state.delete_workspace(ws.id)
            return ws

    # Package instances
    def create_instance(
        self,
        workspace: Workspace,
        package: type[Package],
        handle: str | None,
        config: Any,
        fetch_if_exists: bool,
    ) -> Instance:
        try:
            validate_config(package.config_template, config)
            package.check_config(package.effective_config(config))
        except ArgumentError as exc:
            raise ApiError(
                400,
                f"Invalid config for package {package.handle!r}: {exc.message}",
                code="InvalidConfig",
                suggestion="Match the package's configTemplate (see package/get).",
            ) from exc
        with self.lock:
            if handle is None:
                handle = f"{package.handle}-{uuid.uuid4().hex[:8]}"
            existing = self.find_instance(workspace, handle=handle)
            if existing is not None:
                if fetch_if_exists and existing.package is package:
                    return existing
                raise ApiError(
                    409,
                    f"A package instance with handle {handle!r} already exists "
                    f"in workspace {workspace.handle!r}.",
                    code="ObjectExists",
                )
            inst = Instance(
                new_id(),
                handle,
                package,
                dict(config or {}),
                workspace,
                self.user_id,
                self.user_handle,
            )
            self.instances[inst.id] = inst
            if self.state is not None:
                self.state.put_instance(inst)
            return inst

    def find_instance(
        self, workspace: Workspace | None, id: str | None = None, handle: str | None = None
    ) -> Instance | None:
        with self.lock:
            if id is not None:
                inst = self.instances.get(id)
                if inst is None or (workspace is not None and inst.workspace is not workspace):
                    return None
                return inst
            for inst in self.instances.values():
                if inst.handle == handle and (workspace is None or inst.workspace is workspace):
                    return inst
            return None

    def get_instance(
        self, workspace: Workspace | None, id: str | None, handle: str | None
    ) -> Instance:
        inst = self.find_instance(workspace, id, handle)
        if inst is None:
            raise not_found("Package instance", id if id is not None else handle)
        return inst

    def list_instances(self, workspace: Workspace | None, descending: bool) -> list[Instance]:
        with self.lock:
            items = [
                i for i in self.instances.values() if workspace is None or i.workspace is workspace
            ]
        return items[::-1] if descending else items

    def delete_instance(
        self, workspace: Workspace | None, id: str | None, handle: str | None
    ) -> Instance:
        with self.lock:
            inst = self.get_instance(workspace, id, handle)
            del self.instances[inst.id]
            if self.state is not None:
                self.state.delete_instance(inst.id)
            return inst

    # Packages
    def get_package(self, id: str | None = None, handle: str | None = None) -> type[Package]:
        for package in [*CATALOGUE.values(), *self.local_packages.values()]:
            if package.handle == handle or (id is not None and package_id(package.handle) == id):
                return package
        raise not_found("Package", id if id is not None else handle)

    def package_json(self, package: type[Package]) -> dict[str, Any]:
        return {
            "id": package_id(package.handle),
            "handle": package.handle,
            "userId": self.user_id,
            "description": package.description,
            "readme": package.readme,
            "isPublic": True,
            "profile": package.manifest(),
            "createdAt": "2023-01-01T00:00:00.000Z",
        }

    # Blocks
    def create_blocks(
        self, workspace_id: str, file_id: str, items: Iterable[tuple[str, str, bytes | None]]
    ) -> list[Block]:
        """Keep blocks of one file: ``(text, mime type, raw bytes or None for the text)``."""
        made = [
            Block(new_id(), file_id, workspace_id, index, text, mime, data or text.encode("utf-8"))
            for index, (text, mime, data) in enumerate(items)
        ]
        with self.lock:
            for block in made:
                self.blocks[block.id] = block
            dropped = []
            while len(self.blocks) > MAX_BLOCKS:
                dropped.append(self.blocks.popitem(last=False)[0])
            if self.state is not None:
                self.state.put_blocks(made, dropped)
        return made

    def get_block(self, block_id: Any) -> Block:
        with self.lock:
            block = self.blocks.get(block_id) if isinstance(block_id, str) else None
        if block is None:
            raise ApiError(
                404,
                f"Block {block_id!r} was not found.",
                code="ObjectNotFound",
                suggestion="Use the id of a block a package answered.",
            )
        return block

    # Tasks
    def create_task(
        self,
        workspace_id: str,
        schedule: Schedule,
        output: Any = None,
        failure: Failure | None = None,
        input: str | None = None,
        task_type: str = "internalApi",
    ) -> Task:
        task = Task(
            new_id(), self.user_id, workspace_id, schedule, output, failure, input, task_type
        )
        with self.lock:
            self.tasks[task.task_id] = task
            dropped = []
            while len(self.tasks) > MAX_TASKS:
                dropped.append(self.tasks.popitem(last=False)[0])
            if self.state is not None:
                self.state.put_task(task, dropped)
                self._unended.difference_update(dropped)
                if not task.ended():
                    self._unended.add(task.task_id)
        return task

    def get_task(self, task_id: Any) -> Task:
        with self.lock:
            task = self.tasks.get(task_id) if isinstance(task_id, str) else None
            if task is not None and task.task_id in self._unended and task.ended():
                self._unended.discard(task.task_id)  # seen in its final state: the file notes it
                if self.state is not None:
                    self.state.end_tasks([task.task_id])
        if task is None:
            raise ApiError(
                404,
                f"Task {task_id!r} was not found.",
                code="ObjectNotFound",
                suggestion="Check the task id; tasks live as long as the emulator.",
            )
        return task
