"""Builds a :class:`PackageCatalog` over a fresh emulator, the way the app does (for the catalog
and create-instance dialog tests)."""

from __future__ import annotations

from dataclasses import dataclass

from shipexplorer.api import SteamshipClient
from shipexplorer.core.profiles import local_profile
from shipexplorer.services.catalog import PackageCatalog
from shipexplorer.services.client_provider import ClientProvider
from shipexplorer.services.workers import WorkerPool
from tests.service_support import profile_services


@dataclass
class CatalogHarness:
    emulator: object
    pool: WorkerPool
    clients: ClientProvider
    catalog: PackageCatalog

    def close(self, qtbot) -> None:
        """After the test: wait for the pool's jobs to end (failing if they do not), close the
        clients made."""
        qtbot.waitUntil(lambda: self.pool.active_jobs() == 0, timeout=5000)
        self.clients.close()

    def creates(self) -> int:
        """How many ``package/instance/create`` requests the emulator received."""
        return sum(r.path.endswith("package/instance/create") for r in self.emulator.requests)

    def client(self) -> SteamshipClient:
        """A client of the test's own, used on the test's thread (never by the app's code)."""
        return SteamshipClient(self.clients.settings())


def make_catalog(emulator, worker_pool, tmp_path) -> CatalogHarness:
    credentials, profiles = profile_services(worker_pool, tmp_path)
    profiles.add_builtin(local_profile(emulator.api_base, emulator.app_base), "demo-key")
    clients = ClientProvider(profiles, credentials)
    return CatalogHarness(emulator, worker_pool, clients, PackageCatalog(clients, worker_pool))
