"""Signed URLs served by the emulator itself: ``workspace/createSignedUrl`` and ``/_signed/``.

The official client (2.17.34, ``data/workspace.py``, ``utils/signed_urls.py``) posts
``workspace/createSignedUrl {"bucket", "filepath", "operation", "expiresInMinutes"}`` with a
bucket of ``exports | imports | userData | pluginData | appData`` and an operation ``Read`` or
``Write``, and expects ``{"data": {"bucket", "filepath", "operation", "expiresInMinutes",
"signedUrl"}}``. It then uploads with ``PUT`` (``Content-Type: application/octet-stream``,
success is 200 or 204) and downloads with ``GET``, with no key: the URL is the permission. A
missing object is answered 404 with S3's ``<Code>NoSuchKey</Code>``, which the client looks for.

Here a signed URL is ``{base}_signed/{token}`` on the emulator's own 127.0.0.1 port; the token
names (workspace, bucket, path, operation, expiry). Objects and tokens are kept in the state
file (records of kinds ``object`` and ``signed-url``), so a URL made before a restart still works
until it expires.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from shipexplorer.emulator.envelopes import ApiError
from shipexplorer.emulator.operations import ApiContext, _str, operation
from shipexplorer.emulator.replies import Reply
from shipexplorer.emulator.store import EXTENSIONS, Store

SIGNED_PREFIX = "/_signed/"
BUCKETS = ("exports", "imports", "userData", "pluginData", "appData")
OPERATIONS = ("Read", "Write")
DEFAULT_MINUTES = 60
MAX_MINUTES = 7 * 24 * 60


class SignedObjects:
    """Objects stored through signed URLs, and the live tokens (a store extension)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.objects: dict[str, bytes] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        if store.state is not None:
            for key, _ws, _body, data in store.state.read_records("object"):
                self.objects[key] = data or b""
            now = time.time()
            for token, _ws, body, _data in store.state.read_records("signed-url"):
                if isinstance(body, dict) and body.get("expires", 0) > now:
                    self.tokens[token] = body

    def sign(self, ws_id: str, bucket: str, path: str, op: str, minutes: int) -> str:
        token = secrets.token_urlsafe(24)
        grant = {
            "workspace": ws_id,
            "bucket": bucket,
            "path": path,
            "operation": op,
            "expires": time.time() + minutes * 60,
        }
        with self.store.lock:
            self.tokens[token] = grant
            if self.store.state is not None:
                self.store.state.put_record("signed-url", token, ws_id, grant, None)
        return token

    def put(self, grant: dict[str, Any], data: bytes) -> None:
        key = _key(grant)
        with self.store.lock:
            self.objects[key] = data
            if self.store.state is not None:
                self.store.state.put_record("object", key, grant["workspace"], {}, data)

    def get(self, grant: dict[str, Any]) -> bytes | None:
        with self.store.lock:
            return self.objects.get(_key(grant))

    def forget_workspace(self, workspace_id: str) -> None:
        with self.store.lock:
            for key in [k for k in self.objects if k.startswith(f"{workspace_id}/")]:
                del self.objects[key]
            for token in [t for t, g in self.tokens.items() if g["workspace"] == workspace_id]:
                del self.tokens[token]


def _key(grant: dict[str, Any]) -> str:
    return f"{grant['workspace']}/{grant['bucket']}/{grant['path']}"


def objects_of(store: Store) -> SignedObjects:
    return store.extension("signed-objects")


EXTENSIONS["signed-objects"] = SignedObjects


@operation("workspace/createSignedUrl")
def create_signed_url(ctx: ApiContext, body: dict[str, Any]) -> Any:
    bucket, path, op = _str(body, "bucket"), _str(body, "filepath"), _str(body, "operation")
    if bucket not in BUCKETS:
        raise ApiError(400, f"'bucket' must be one of {', '.join(BUCKETS)}.", code="BadRequest")
    if op not in OPERATIONS:
        raise ApiError(400, "'operation' must be Read or Write.", code="BadRequest")
    if not path or path.startswith("/") or ".." in path.split("/"):
        raise ApiError(400, "'filepath' must be a relative path.", code="BadRequest")
    minutes = body.get("expiresInMinutes")
    minutes = DEFAULT_MINUTES if minutes is None else minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MAX_MINUTES:
        raise ApiError(400, f"'expiresInMinutes' must be 1 to {MAX_MINUTES}.", code="BadRequest")
    token = objects_of(ctx.store).sign(ctx.workspace().id, bucket, path, op, minutes)
    base = ctx.app_base if ctx.app_base.endswith("/") else ctx.app_base + "/"
    return {
        "bucket": bucket,
        "filepath": path,
        "operation": op,
        "expiresInMinutes": minutes,
        "signedUrl": f"{base}{SIGNED_PREFIX.strip('/')}/{token}",
    }


def _s3_error(status: int, code: str, message: str) -> Reply:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{message}</Message></Error>"
    )
    return Reply(status=status, body=body.encode("utf-8"), content_type="application/xml")


def serve(store: Store, verb: str, token: str, body: bytes) -> Reply:
    """Answer ``GET`` / ``PUT`` on ``/_signed/{token}`` (no key needed: the token is one)."""
    objects = objects_of(store)
    with store.lock:
        grant = objects.tokens.get(token)
    if grant is None or grant["expires"] < time.time():
        return _s3_error(403, "AccessDenied", "The signed URL is unknown or has expired.")
    if verb == "PUT":
        if grant["operation"] != "Write":
            return _s3_error(403, "AccessDenied", "This signed URL is for reading.")
        objects.put(grant, body)
        return Reply(status=200, body=b"", content_type="application/xml")
    if verb in ("GET", "HEAD"):
        if grant["operation"] != "Read":
            return _s3_error(403, "AccessDenied", "This signed URL is for writing.")
        data = objects.get(grant)
        if data is None:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return Reply(body=data, content_type="application/octet-stream")
    return _s3_error(405, "MethodNotAllowed", f"{verb} is not allowed on a signed URL.")
