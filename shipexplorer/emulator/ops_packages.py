"""API operations for packages served from a folder: ``package/create``, ``package/update``, and
``package/instance/create`` with a ``localDevelopmentURL``.

``package/create {"handle", "profile", "isPublic", "fetchIfExists"}`` makes (or fetches) a
package of the user's own, as the official CLI's ``ship run local`` does before it serves one;
a demo package's handle is taken. ``package/update {"id", "description", "profile",
"readme"}`` keeps its manifest current. ``package/get`` (in :mod:`.operations`) finds both kinds.

``package/instance/create`` with a ``localDevelopmentURL`` (which must be a loopback address)
makes an instance whose calls are forwarded there (:mod:`.local_forward`); fetching an existing
one points it at the new URL, so a package served again on another port keeps its instance.
Without one, the operation is the ordinary one. This module is imported by :mod:`.operations`,
after its own operations, so its registrations take their place.
"""

from __future__ import annotations

from typing import Any

from shipexplorer.emulator import local_packages, operations
from shipexplorer.emulator.envelopes import ApiError
from shipexplorer.emulator.local_packages import LOCAL_VERSION_HANDLE, LocalPackage
from shipexplorer.emulator.operations import ApiContext, operation
from shipexplorer.emulator.packages import CATALOGUE

_plain_instance_create = operations.OPERATIONS["package/instance/create"]


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ApiError(400, f"'{key}' must be a string.", code="BadRequest")
    return value or None


def _local_package(ctx: ApiContext, id: str | None, handle: str | None) -> type[LocalPackage]:
    package = ctx.store.get_package(id, handle)
    if not issubclass(package, LocalPackage):
        raise ApiError(
            403,
            f"Package {package.handle!r} is one of the emulator's demo packages; "
            "it cannot be changed.",
            code="Forbidden",
            suggestion="Give your package another handle in steamship.json.",
        )
    return package


@operation("package/create")
def package_create(ctx: ApiContext, body: dict[str, Any]) -> Any:
    handle = _text(body, "handle")
    if not handle:
        raise ApiError(400, "package/create needs a 'handle'.", code="BadRequest")
    store = ctx.store
    with store.lock:
        if handle in CATALOGUE:
            raise ApiError(
                409,
                f"The handle {handle!r} belongs to one of the emulator's demo packages.",
                code="ObjectExists",
                suggestion="Give your package another handle in steamship.json.",
            )
        existing = store.local_packages.get(handle)
        if existing is not None:
            if body.get("fetchIfExists") is not True:
                raise ApiError(
                    409,
                    f"A package with handle {handle!r} already exists.",
                    code="ObjectExists",
                    suggestion="Pass fetchIfExists: true.",
                )
            return {"package": store.package_json(existing)}
        package = local_packages.make_package(
            handle, body.get("profile"), _text(body, "description"), _text(body, "readme")
        )
        store.local_packages[handle] = package
        local_packages.save_packages(store)
        return {"package": store.package_json(package)}


@operation("package/update")
def package_update(ctx: ApiContext, body: dict[str, Any]) -> Any:
    package_id_, handle = _text(body, "id"), _text(body, "handle")
    if not package_id_ and not handle:
        raise ApiError(400, "package/update needs an 'id'.", code="BadRequest")
    with ctx.store.lock:
        package = _local_package(ctx, package_id_, handle)
        local_packages.update_package(package, body)
        local_packages.save_packages(ctx.store)
        return {"package": ctx.store.package_json(package)}


@operation("package/instance/create")
def instance_create(ctx: ApiContext, body: dict[str, Any]) -> Any:
    url = _text(body, "localDevelopmentURL")
    if url is None:
        handle, package_id = _text(body, "packageHandle"), _text(body, "packageId")
        if (handle or package_id) and issubclass(
            ctx.store.get_package(package_id, handle), LocalPackage
        ):
            raise ApiError(
                400,
                f"Package {handle or package_id!r} runs from its folder on this computer; "
                "an instance of it needs the localDevelopmentURL of its local server.",
                code="BadRequest",
                suggestion="Serve the package folder (File > Serve a package folder…).",
            )
        return _plain_instance_create(ctx, body)
    url = local_packages.check_loopback_url(url)
    package_id_, handle = _text(body, "packageId"), _text(body, "packageHandle")
    if not package_id_ and not handle:
        raise ApiError(
            400,
            "package/instance/create needs a 'packageHandle' or a 'packageId'.",
            code="BadRequest",
        )
    package = _local_package(ctx, package_id_, handle)
    ws_id = _text(body, "workspaceId")
    ws = ctx.store.get_workspace(id=ws_id) if ws_id else ctx.workspace()
    fetch = body.get("fetchIfExists") is True
    inst = ctx.store.create_instance(ws, package, _text(body, "handle"), body.get("config"), fetch)
    with ctx.store.lock:
        if inst.local_url != url:
            inst.local_url = url
            local_packages.save_url(ctx.store, inst.id, url)
    answer = inst.to_json(ctx.app_base)
    answer["packageVersionHandle"] = LOCAL_VERSION_HANDLE
    return {"packageInstance": answer}
