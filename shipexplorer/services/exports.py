"""What leaves the app as text: exports of a call (curl, Python, HTTPie), a task's curl polling
loop, curl import, and masking of keys in text shown or copied. Widgets ask here; the logic stays
in ``api/``.

The exports always write ``$STEAMSHIP_API_KEY`` for the key: the connection's key typed into a
body becomes the reference ``{{STEAMSHIP_API_KEY}}`` first, which every export writes as that
variable. As a second guard, a text that still holds the connection's key (or any other key the
app knows) is refused here (``ValueError`` with one sentence for the user).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from shipexplorer.api import export as api_export
from shipexplorer.api.curl_import import CurlImportError, parse_curl
from shipexplorer.api.export import EXPORT_KINDS, CallExport
from shipexplorer.api.redact import holds_secret as _holds_secret
from shipexplorer.api.redact import redact
from shipexplorer.core import key_reference
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.services.key_guard import KeyGuard

if TYPE_CHECKING:
    from shipexplorer.api import ConnectionSettings
    from shipexplorer.services.client_provider import ClientProvider

__all__ = [
    "EXPORT_KINDS",
    "CallExport",
    "CurlImportError",
    "ExportService",
    "KeyGuard",
    "export_text",
    "holds_secret",
    "import_curl",
    "mask_secrets",
    "task_curl_loop",
]


def mask_secrets(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with each of ``secrets`` (in any of its spellings) replaced by a mask."""
    return redact(text, tuple(secrets))


def holds_secret(text: str, secret: str | None) -> bool:
    """True when ``text`` holds ``secret`` in any spelling :func:`mask_secrets` masks."""
    return _holds_secret(text, secret)


def export_text(
    kind: str, call: CallExport, settings: ConnectionSettings, other_keys: Iterable[str] = ()
) -> str:
    """``call`` as ``kind`` ("curl", "python" or "httpie") over ``settings``; ``ValueError``
    with the reason (a bad body, an unknown kind, or a text that would hold the key or one of
    ``other_keys``). The connection's key typed into the body is written as
    ``$STEAMSHIP_API_KEY``, like the reference ``{{STEAMSHIP_API_KEY}}``."""
    if settings.api_key and key_reference.holds_key(call.body, (settings.api_key,)):
        call = replace(call, body=key_reference.replace_keys(call.body, (settings.api_key,)))
    text = api_export.export_call(kind, call, settings)
    if holds_secret(text, settings.api_key):
        raise ValueError("The export would have held the API key; nothing was copied.")
    if key_reference.holds_key(text, other_keys):
        raise ValueError(
            "The export would have held the API key of another profile; nothing was copied."
        )
    return text


def task_curl_loop(settings: ConnectionSettings, task_id: str) -> str:
    """A shell loop polling the task ``task_id`` with curl until it ends; ``ValueError`` when
    the text would hold the key."""
    text = api_export.curl_task_poll(settings, task_id)
    if holds_secret(text, settings.api_key):
        raise ValueError("The curl loop would hold the API key, so it was not copied.")
    return text


def import_curl(command: str, app_base: str | None = None) -> RequestSpec:
    """The request a ``curl`` command line makes (a package-method call, ``app_base`` the app
    base it is read against); :class:`CurlImportError` with one sentence when it is not one."""
    return RequestSpec(**parse_curl(command, app_base))


class ExportService(QObject):
    """Exports, curl import and key masking over the current connection of ``clients`` (None:
    no profile). Built once by ``app.py``; widgets are handed it."""

    def __init__(self, clients: ClientProvider | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clients = clients
        #: which keys the app knows, and requests checked for them (saved requests, drafts)
        self.key_guard = KeyGuard(clients)

    def _settings(self) -> ConnectionSettings | None:
        return self._clients.settings() if self._clients is not None else None

    def export(self, kind: str, call: CallExport) -> str:
        """``call`` as ``kind`` over the current connection; ``ValueError`` with the reason."""
        settings = self._settings()
        if settings is None:
            raise ValueError("There is no connection profile to export against.")
        return export_text(kind, call, settings, self.key_guard.known_keys())

    def import_curl(self, command: str) -> RequestSpec:
        """``command`` read against the current app base; :class:`CurlImportError` with the
        reason when it cannot be read."""
        settings = self._settings()
        return import_curl(command, settings.app_base if settings is not None else None)

    def mask_current_key(self, text: str) -> str:
        """``text`` with the current profile's key masked (for text an audience sees)."""
        settings = self._settings()
        return mask_secrets(text, (settings.api_key,) if settings is not None else ())

    def known_keys(self) -> tuple[str, ...]:
        """The current profile's key and every profile's loaded key (never to be written)."""
        return self.key_guard.known_keys()
