"""Packages a developer serves from a folder (``ship run local``), as the emulator knows them.

The official CLI creates (or fetches) its package through ``package/create`` and keeps its
manifest current through ``package/update``; an instance of it is made with
``package/instance/create`` and a ``localDevelopmentURL``, where the package's own local server
answers its methods. Here such a package is a :class:`LocalPackage` subclass made at run time
(one per handle, kept in :attr:`Store.local_packages`), so instances of it live in the store
like any other; their methods are forwarded (:mod:`.local_forward`).

What must survive a restart of ``--local`` is kept in the store's meta values (no schema
change): ``localPackages`` (handle -> description, readme, manifest) and ``localInstanceUrls``
(instance id -> its local server's URL).

Only loopback URLs are accepted (:func:`check_loopback_url`): the caller's key travels with
each forwarded call, and must never leave this computer.
"""

from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from shipexplorer.emulator.envelopes import ApiError
from shipexplorer.emulator.packages.base import Package

if TYPE_CHECKING:
    from shipexplorer.emulator.store import Store

#: the version handle the official client sends for an instance bound to a local server
LOCAL_VERSION_HANDLE = "local-development!"
PACKAGES_META = "localPackages"
URLS_META = "localInstanceUrls"
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class LocalPackage(Package):
    """A package whose code runs in a developer's own local server (see the module docstring).

    Its methods are not known here: every call of an instance is forwarded, ``__dir__``
    included. ``profile`` is the manifest the CLI sent (``steamship.json``)."""

    profile: dict[str, Any] = {}
    is_public: bool = False

    @classmethod
    def manifest(cls) -> dict[str, Any]:
        return dict(cls.profile)


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` names this computer only (``localhost``, ``127.x``, ``::1``)."""
    if not host:
        return False
    name = host.strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` is ``http://`` to a loopback host."""
    try:
        parts = urlsplit(url)
        return parts.scheme == "http" and is_loopback_host(parts.hostname)
    except ValueError:
        return False


def check_loopback_url(url: str) -> str:
    """``url`` normalised to end in ``/``, or an :class:`ApiError` when it is not loopback."""
    if not is_loopback_url(url):
        raise ApiError(
            400,
            f"The local emulator only forwards to a server on this computer; "
            f"localDevelopmentURL {url!r} is not a loopback http:// address.",
            code="BadRequest",
            suggestion="Serve the package on http://127.0.0.1:PORT/ or http://localhost:PORT/.",
        )
    return url if url.endswith("/") else url + "/"


def _template(profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    template = profile.get("configTemplate")
    if not isinstance(template, dict):
        return {}
    return {str(k): v for k, v in template.items() if isinstance(v, dict)}


def make_package(handle: str, profile: Any, description: Any = None, readme: Any = None) -> type:
    """A :class:`LocalPackage` class for ``handle`` with this manifest."""
    manifest = dict(profile) if isinstance(profile, dict) else {}
    name = "".join(part.capitalize() for part in handle.replace("_", "-").split("-")) or "Local"
    return type(
        f"{name}LocalPackage",
        (LocalPackage,),
        {
            "handle": handle,
            "description": str(description or manifest.get("description") or ""),
            "readme": str(readme or ""),
            "profile": manifest,
            "config_template": _template(manifest),
            "is_public": bool(manifest.get("public", False)),
        },
    )


def update_package(package: type[LocalPackage], body: dict[str, Any]) -> None:
    """Apply ``package/update`` fields (null ones are left as they are)."""
    profile = body.get("profile")
    if isinstance(profile, dict):
        package.profile = dict(profile)
        package.config_template = _template(package.profile)
        if not body.get("description"):
            package.description = str(profile.get("description") or package.description)
    if isinstance(body.get("description"), str):
        package.description = body["description"]
    if isinstance(body.get("readme"), str):
        package.readme = body["readme"]


# -- what the state keeps --------------------------------------------------------------------------
def _meta_json(store: Store, key: str) -> dict[str, Any]:
    try:
        value = json.loads(store.meta.get(key) or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def save_packages(store: Store) -> None:
    """Write the local packages to the store's meta values."""
    rows = {
        handle: {"description": p.description, "readme": p.readme, "profile": p.profile}
        for handle, p in store.local_packages.items()
    }
    store.set_meta(PACKAGES_META, json.dumps(rows, ensure_ascii=False, default=str))


def save_url(store: Store, instance_id: str, url: str | None) -> None:
    """Remember (or forget, with None) an instance's local server URL."""
    urls = _meta_json(store, URLS_META)
    if url is None:
        urls.pop(instance_id, None)
    else:
        urls[instance_id] = url
    store.set_meta(URLS_META, json.dumps(urls))


def restore_packages(store: Store) -> None:
    """Rebuild :attr:`Store.local_packages` from the meta values (at the store's start)."""
    for handle, row in _meta_json(store, PACKAGES_META).items():
        if isinstance(row, dict):
            store.local_packages[handle] = make_package(
                handle, row.get("profile"), row.get("description"), row.get("readme")
            )


def restored_url(store: Store, instance_id: str) -> str | None:
    """The saved local server URL of an instance (only a loopback one counts)."""
    url = _meta_json(store, URLS_META).get(instance_id)
    return url if isinstance(url, str) and is_loopback_url(url) else None
