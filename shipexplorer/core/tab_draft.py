"""A request tab as the drafts keep it: its request, the profile it sends with, its place among
the tabs, and the saved request it was opened from (so its title and modified mark come back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shipexplorer.core.saved_files import RequestSpec

#: the fields of a request that make a saved request "modified" when they differ
_REQUEST_FIELDS = (
    "instance",
    "workspace",
    "method",
    "verb",
    "body",
    "variables",
    "checks",
    "captures",
)


def same_request(a: RequestSpec, b: RequestSpec) -> bool:
    """True when ``a`` and ``b`` send the same request (names and notes aside)."""
    return all(getattr(a, name) == getattr(b, name) for name in _REQUEST_FIELDS)


@dataclass(frozen=True)
class TabDraft:
    """One tab: ``spec`` is its request; ``profile`` the profile it belongs to (None: whichever
    is current); ``position`` its index; ``current`` whether it was the shown tab; ``saved_rel``
    and ``saved_spec`` the saved request it shows (None: none); ``preview`` whether the next
    sidebar click may replace it."""

    spec: RequestSpec
    profile: str | None = None
    position: int = 0
    current: bool = False
    saved_rel: str | None = None
    saved_spec: RequestSpec | None = field(default=None, compare=False)
    preview: bool = False

    @property
    def modified(self) -> bool:
        """True when a tab of a saved request differs from what was saved."""
        return self.saved_spec is not None and not same_request(self.spec, self.saved_spec)

    def tab_dict(self) -> dict[str, Any]:
        """Everything but the request, as the draft file keeps it."""
        return {
            "profile": self.profile,
            "position": self.position,
            "current": self.current,
            "savedRel": self.saved_rel,
            "savedSpec": self.saved_spec.to_dict() if self.saved_spec else None,
            "preview": self.preview,
        }

    @classmethod
    def from_parts(cls, spec: RequestSpec, tab: Any) -> TabDraft:
        """Rebuild from a draft file's parts; an unreadable ``tab`` part gives a plain tab (the
        request itself is what matters), never an error."""
        if not isinstance(tab, dict):
            return cls(spec)
        saved = tab.get("savedSpec")
        try:
            saved_spec = RequestSpec.from_dict(saved) if isinstance(saved, dict) else None
        except ValueError:
            saved_spec = None
        position = tab.get("position")
        return cls(
            spec,
            profile=_text(tab.get("profile")),
            position=position if isinstance(position, int) and position >= 0 else 0,
            current=tab.get("current") is True,
            saved_rel=_text(tab.get("savedRel")),
            saved_spec=saved_spec,
            preview=tab.get("preview") is True,
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
