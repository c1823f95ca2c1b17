"""The keys the app knows, and requests checked for them before they reach a file.

Rule: the active profile's key, and every stored profile's key the app has loaded (the local
emulator's demo key included), is never written to a file. Saved requests and drafts say
:data:`~shipexplorer.core.key_reference.KEY_REFERENCE` instead, which the request runner fills in
at send time. :class:`KeyGuard` is plain Python over a :class:`ClientProvider`: the saved-requests
panel asks it where a request holds a key (to offer the replacement), the tab session asks it for
drafts without keys. Keys come from the keyring asynchronously and are cached by the credentials
service: what is loaded is what is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from shipexplorer.api.redact import MASK
from shipexplorer.core import key_reference
from shipexplorer.core.key_reference import KEY_REFERENCE, KeyHit
from shipexplorer.core.saved_files import RequestSpec
from shipexplorer.core.tab_draft import TabDraft

if TYPE_CHECKING:
    from shipexplorer.services.client_provider import ClientProvider

__all__ = ["KEY_REFERENCE", "KeyFinding", "KeyGuard", "spec_findings", "spec_with_reference"]

#: the text fields of a request, with the words a message uses for them
_FIELDS = (
    ("body", "the body"),
    ("method", "the method"),
    ("instance", "the instance"),
    ("workspace", "the workspace"),
    ("name", "the name"),
    ("notes", "the notes"),
)


@dataclass(frozen=True)
class KeyFinding:
    """A key in field ``field`` of a request (``label`` names it for a message) at ``hit``."""

    field: str
    label: str
    hit: KeyHit

    @property
    def replaceable(self) -> bool:
        return self.hit.replaceable

    def where(self) -> str:
        """Where it is: "the body, line 2, column 13" (and how it is spelled, unless raw)."""
        form = "" if self.hit.form == key_reference.RAW else f" ({self.hit.form})"
        return f"{self.label}, {self.hit.where()}{form}"


def _texts(spec: RequestSpec) -> list[tuple[str, str, str]]:
    texts = [(field, label, getattr(spec, field) or "") for field, label in _FIELDS]
    for name, value in (spec.presentation or {}).items():
        texts.append((f"presentation.{name}", f"the presentation {name}", value))
    for name, value in (spec.variables or {}).items():
        texts.append((f"variables.{name}", f"the variable {name}", value))
    return texts


def spec_findings(spec: RequestSpec, keys: Iterable[str | None]) -> list[KeyFinding]:
    """Every place ``spec`` holds one of ``keys`` (the body first)."""
    keys = key_reference.usable_keys(keys)
    if not keys:
        return []
    return [
        KeyFinding(field, label, hit)
        for field, label, text in _texts(spec)
        for hit in key_reference.find_keys(text, keys)
    ]


def _without_keys(text: str, keys: tuple[str, ...], *, mask: bool) -> str:
    text = key_reference.replace_keys(text, keys)
    if mask and key_reference.holds_key(text, keys):  # an encoded key: the reference cannot
        hits = key_reference.find_keys(text, keys)  # stand for it, so it is masked
        for hit in reversed(hits):
            text = text[: hit.start] + MASK + text[hit.end :]
    return text


def spec_with_reference(
    spec: RequestSpec, keys: Iterable[str | None], *, mask: bool = False
) -> RequestSpec:
    """``spec`` with :data:`KEY_REFERENCE` wherever a text field spells one of ``keys`` raw (or
    JSON-escaped); with ``mask``, an encoded key left over is masked too. ``spec`` itself when
    it holds none."""
    keys = key_reference.usable_keys(keys)
    if not keys:
        return spec
    changes: dict[str, object] = {}
    for field, _label in _FIELDS:
        text = getattr(spec, field)
        if text and key_reference.holds_key(text, keys):
            changes[field] = _without_keys(text, keys, mask=mask)
    shown = spec.presentation
    if shown and any(key_reference.holds_key(v, keys) for v in shown.values()):
        changes["presentation"] = {k: _without_keys(v, keys, mask=mask) for k, v in shown.items()}
    own = spec.variables
    if own and any(key_reference.holds_key(v, keys) for v in own.values()):
        changes["variables"] = {k: _without_keys(v, keys, mask=mask) for k, v in own.items()}
    return replace(spec, **changes) if changes else spec


class KeyGuard:
    """Which keys ``clients`` knows (None: none), and requests checked or cleaned of them."""

    def __init__(self, clients: ClientProvider | None) -> None:
        self._clients = clients

    def known_keys(self) -> tuple[str, ...]:
        """The current profile's key and every profile's loaded key (GUI thread)."""
        clients = self._clients
        if clients is None:
            return ()
        settings = clients.settings()
        keys = [settings.api_key if settings is not None else None]
        profiles = getattr(clients, "profiles", None)
        credentials = getattr(clients, "credentials", None)
        if profiles is not None and credentials is not None:
            keys += [credentials.key_for(name) for name in profiles.names()]
        return key_reference.usable_keys(keys)

    def holds_key(self, text: str) -> bool:
        """True when ``text`` (a name, a title) holds a known key in any spelling."""
        keys = self.known_keys()
        return bool(keys) and key_reference.holds_key(text, keys)

    def findings(self, spec: RequestSpec) -> list[KeyFinding]:
        """Where ``spec`` holds a known key (empty: it may be written)."""
        return spec_findings(spec, self.known_keys())

    def with_reference(self, spec: RequestSpec) -> RequestSpec:
        """``spec`` with :data:`KEY_REFERENCE` for every known key spelled raw in it."""
        return spec_with_reference(spec, self.known_keys())

    def draft_without_keys(self, draft: TabDraft) -> TabDraft:
        """``draft`` as it may be written: the reference for a key typed raw, a mask for an
        encoded one. Costs a scan only when a key is known; ``draft`` itself when it holds none."""
        keys = self.known_keys()
        if not keys:
            return draft
        spec = spec_with_reference(draft.spec, keys, mask=True)
        saved = draft.saved_spec
        if saved is not None:
            saved = spec_with_reference(saved, keys, mask=True)
        if spec is draft.spec and saved is draft.saved_spec:
            return draft
        return replace(draft, spec=spec, saved_spec=saved)
