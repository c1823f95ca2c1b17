"""Connection settings: bases, key, workspace, timeouts and the overall deadline.

The API key is kept out of ``repr`` and out of :meth:`ConnectionSettings.to_dict`.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

DEFAULT_API_BASE = "https://api.steamship.com/api/v1/"
DEFAULT_APP_BASE = "https://steamship.run/"
DEFAULT_WEB_BASE = "https://steamship.com/"

# The official client's substring test (steamship.utils.url.is_local), "/test:" included.
_LOCAL_MARKERS = ("localhost", "127.0.0.1", "0:0:0:0", "host.docker.internal", "/test:")


def is_local(url: str) -> bool:
    """True when ``url`` is "local" the way the official client decides it (a substring test).

    This only decides whether the user handle becomes a subdomain of the app base; it is *not* a
    security check (see :func:`is_loopback_url` for that).
    """
    return any(marker in url for marker in _LOCAL_MARKERS)


@functools.lru_cache(maxsize=256)
def is_loopback_host(host: str) -> bool:
    """True for a host name or address that can only mean this machine."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """True when the URL's host (parsed, not a substring test) is a loopback host."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return is_loopback_host(host)


def normalise_base(base: str) -> str:
    """Strip blanks and make sure a base URL ends in exactly one ``/``."""
    base = base.strip()
    return base if base.endswith("/") else base + "/"


@dataclass(frozen=True)
class ConnectionSettings:
    """Where and how to talk to Steamship.

    Timeouts are in seconds, per phase (``connect``, ``read``, ``write``, ``pool``); ``deadline``
    bounds a whole call (all phases, and all retries of an idempotent read). ``None`` disables a
    limit.

    TLS is verified against the OS trust store plus ``ca_file`` (a PEM file) when set. With
    ``use_system_proxy`` (the default) the system's settings apply too: ``HTTPS_PROXY``,
    ``HTTP_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` (see :mod:`shipexplorer.api.proxies`; loopback
    hosts always go direct) and the CA files named by ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``.
    """

    api_base: str = DEFAULT_API_BASE
    app_base: str = DEFAULT_APP_BASE
    web_base: str = DEFAULT_WEB_BASE
    api_key: str | None = field(default=None, repr=False)
    workspace_handle: str | None = None
    workspace_id: str | None = None
    connect_timeout: float | None = 10.0
    read_timeout: float | None = 60.0
    write_timeout: float | None = 60.0
    pool_timeout: float | None = 10.0
    deadline: float | None = 300.0
    ca_file: str | None = None
    max_retries: int = 3
    use_system_proxy: bool = True

    def __post_init__(self) -> None:
        for name in ("api_base", "app_base", "web_base"):
            object.__setattr__(self, name, normalise_base(getattr(self, name)))

    def replace(self, **changes: Any) -> ConnectionSettings:
        """A copy with some fields changed (bases are normalised again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field except the API key."""
        data = dataclasses.asdict(self)
        data.pop("api_key", None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, api_key: str | None = None) -> ConnectionSettings:
        """Build from :meth:`to_dict` output (unknown keys ignored); the key is passed apart."""
        names = {f.name for f in dataclasses.fields(cls)} - {"api_key"}
        return cls(api_key=api_key, **{k: v for k, v in data.items() if k in names})

    @property
    def has_key(self) -> bool:
        return bool(self.api_key)
