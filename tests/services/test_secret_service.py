"""Against the real Secret Service (gnome-keyring under a D-Bus session, as .ci/run starts it).

Skipped where no Secret Service is reachable, unless SHIPEXPLORER_REQUIRE_SECRET_SERVICE=1 (set by
.ci/run), in which case its absence fails the run.
"""

from __future__ import annotations

import base64
import json
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


def _read_in_fresh_process(user: str) -> str | None:
    """What a new Python process, with keyring's own backend choice, reads for ``user``."""
    env = dict(os.environ)
    env.pop("PYTHON_KEYRING_BACKEND", None)
    code = (
        "import json, sys, keyring\n"
        "print(json.dumps(keyring.get_password(sys.argv[1], sys.argv[2])))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, "shipexplorer", user],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_key_vault_saves_renames_and_deletes_in_the_secret_service(
    secret_service, app_home: Path, caplog
):
    from shipexplorer.services.credentials import KeyVault

    caplog.set_level("DEBUG")
    canary = f"ss-CANARY-{uuid.uuid4()}"
    old = f"test-profile-{uuid.uuid4().hex[:8]}"
    new = f"{old}-renamed"
    vault = KeyVault(timeout=20)
    verdict = vault.probe()
    assert verdict.secure, verdict
    assert verdict.backend == "keyring.backends.SecretService.Keyring"
    try:
        vault.set(old, canary)
        assert _read_in_fresh_process(old) == canary
        assert vault.rename(old, new) is True
        assert _read_in_fresh_process(old) is None
        assert _read_in_fresh_process(new) == canary
        vault.delete(new)
        assert _read_in_fresh_process(new) is None
        vault.delete(new)  # deleting a missing key is fine
    finally:
        for user in (old, new):
            if keyring.get_password("shipexplorer", user) is not None:
                keyring.delete_password("shipexplorer", user)
    forms = [canary, base64.b64encode(canary.encode()).decode(), urllib.parse.quote(canary)]
    assert not any(form in caplog.text for form in forms)
    for path in app_home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(form.encode() in data for form in forms), path


def test_credential_service_on_the_secret_service(secret_service, worker_pool, qtbot):
    from shipexplorer.services.credentials import CredentialService, KeyVault

    canary = f"ss-CANARY-{uuid.uuid4()}"
    user = f"test-profile-{uuid.uuid4().hex[:8]}"
    service = CredentialService(worker_pool, KeyVault(timeout=20))
    emitted: list = []
    service.problem.connect(lambda *args: emitted.append(args))
    try:
        with qtbot.waitSignal(service.modeChanged, timeout=30_000) as mode:
            service.start()
        assert mode.args[0] is True, mode.args
        with qtbot.waitSignal(service.keySaved, timeout=30_000):
            service.save_key(user, canary)
        assert _read_in_fresh_process(user) == canary
        fresh = CredentialService(worker_pool, KeyVault(timeout=20))
        with qtbot.waitSignal(fresh.keyLoaded, timeout=30_000) as loaded:
            fresh.load_key(user)
        assert loaded.args == [user, True] and fresh.key_for(user) == canary
        with qtbot.waitSignal(fresh.keyForgotten, timeout=30_000):
            fresh.forget_key(user)
        assert _read_in_fresh_process(user) is None
        assert emitted == []
    finally:
        if keyring.get_password("shipexplorer", user) is not None:
            keyring.delete_password("shipexplorer", user)


def test_the_apps_keyring_child_stores_in_the_secret_service(
    secret_service, app_home: Path, monkeypatch
):
    """The app's vault reaches the keyring through a child process (core/keyring_child.py):
    the child picks the Secret Service by itself, and what it stores a fresh process reads."""
    from shipexplorer.core.keyring_child import ChildKeyVault

    canary = f"ss-CANARY-{uuid.uuid4()}"
    user = f"test-profile-{uuid.uuid4().hex[:8]}"
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    vault = ChildKeyVault(timeout=20)
    try:
        verdict = vault.probe()
        assert verdict.secure and verdict.backend == "keyring.backends.SecretService.Keyring"
        vault.set(user, canary)
        assert _read_in_fresh_process(user) == canary
        assert vault.get(user) == canary
        vault.delete(user)
        assert _read_in_fresh_process(user) is None
    finally:
        vault.close()
        if keyring.get_password("shipexplorer", user) is not None:
            keyring.delete_password("shipexplorer", user)
    for path in app_home.rglob("*"):
        if path.is_file():
            assert canary.encode() not in path.read_bytes(), path
