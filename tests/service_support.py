"""Building the profile and key services over a test's own folder, as several suites need."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from shipexplorer.core.profiles import ProfileStore
from shipexplorer.services.credentials import CredentialService, KeyVault
from shipexplorer.services.profile_service import ProfileService
from shipexplorer.services.workers import WorkerPool


def profile_services(
    pool: WorkerPool,
    folder: Path,
    *,
    file: str = "profiles.json",
    environ: Mapping[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[CredentialService, ProfileService]:
    """Keys and profiles whose file, home (for ~/.steamship.json) and environment are the test's."""
    credentials = CredentialService(pool, KeyVault(timeout=timeout))
    profiles = ProfileService(
        ProfileStore(folder / file), credentials, pool, home=folder, environ=dict(environ or {})
    )
    return credentials, profiles
