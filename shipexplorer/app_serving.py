"""The composition of package serving: the service, pointing it at the ``--local`` emulator,
and the window's part (its menu action and Package log dock)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shipexplorer.app import Services
    from shipexplorer.emulator import Emulator
    from shipexplorer.emulator.child import EmulatorProcess
    from shipexplorer.services.package_server import PackageServer
    from shipexplorer.services.workers import WorkerPool
    from shipexplorer.ui.main_window import MainWindow


def package_server(pool: WorkerPool) -> PackageServer:
    """The service that serves a package folder (it remembers the last one chosen)."""
    from shipexplorer.services import paths
    from shipexplorer.services.package_server import PackageServer

    return PackageServer(pool, paths.app_paths().config / "package-serve.json")


def serve_folder(
    services: Services, emulator: Emulator | EmulatorProcess, folder: str, python: str
) -> None:
    """Point the package server at the emulator, and serve ``folder`` when one was given."""
    from shipexplorer.core.package_serve import ServeSettings
    from shipexplorer.emulator import DEMO_API_KEY

    server = services.package_server
    if server is None:
        return
    server.set_engine(emulator.api_base, emulator.app_base, DEMO_API_KEY)
    if folder:
        if services.serving is not None:
            services.serving.show_log()
        server.serve(ServeSettings(folder, python))


def install_serving(window: MainWindow, services: Services) -> None:
    """The window's part of package serving (its menu action and log dock)."""
    from shipexplorer.ui.packages.package_serving import install

    if services.package_server is not None:
        services.serving = install(window, services.package_server, services.explorer)


__all__ = ["install_serving", "package_server", "serve_folder"]
