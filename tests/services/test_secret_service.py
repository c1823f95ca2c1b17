"""Against the real Secret Service (gnome-keyring under a D-Bus session, as .ci/run starts it).

Skipped where no Secret Service is reachable, unless SHIPEXPLORER_REQUIRE_SECRET_SERVICE=1 (set by
.ci/run), in which case its absence fails the run.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import keyring
import pytest

pytestmark = pytest.mark.secret_service


def _secret_service_or_skip():
    try:
        from keyring.backends.SecretService import Keyring

        Keyring.priority  # noqa: B018  (raises when the service is not usable)
        return Keyring()
    except Exception as exc:
        if os.environ.get("SHIPEXPLORER_REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail(f"a Secret Service is required here but not usable: {exc}")
        pytest.skip(f"no Secret Service reachable: {exc}")


@pytest.fixture
def secret_service():
    backend = _secret_service_or_skip()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_a_canary_key_round_trips_and_leaves_no_file_trace(secret_service, app_home: Path):
    canary = f"canary-{uuid.uuid4().hex}"
    user = f"test-profile-{uuid.uuid4().hex[:8]}"
    keyring.set_password("shipexplorer", user, canary)
    try:
        assert keyring.get_password("shipexplorer", user) == canary
    finally:
        keyring.delete_password("shipexplorer", user)
    assert keyring.get_password("shipexplorer", user) is None
    forms = [
        canary.encode(),
        base64.b64encode(canary.encode()),
        urllib.parse.quote(canary).encode(),
    ]
    for path in app_home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(form in data for form in forms), path


def test_diagnose_reports_the_secret_service_as_secure(secret_service, app_home: Path):
    env = dict(os.environ, SHIPEXPLORER_HOME=str(app_home))
    env.pop("PYTHON_KEYRING_BACKEND", None)
    out = subprocess.run(
        [sys.executable, "-m", "shipexplorer", "--diagnose"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert "keyring.backends.SecretService.Keyring" in out.stdout
    assert "Key storage   secure" in out.stdout
