"""Keys in the keyring or in session memory: the vault, the service, and the canary."""

from __future__ import annotations

import itertools
import logging
import sys
import threading
import time
import uuid
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.errors import InitError, KeyringLocked, PasswordSetError
from PySide6.QtCore import QTimer

from shipexplorer.core.keyring_status import how_to_enable
from shipexplorer.services.credentials import (
    KEYRING_SERVICE,
    CredentialService,
    KeyringProblem,
    KeyVault,
    check_key,
    max_key_bytes,
)
from tests.canary import assert_not_in_files, assert_not_in_text, logged_text
from tests.memory_keyring import MemoryKeyring

SIGNALS = ("modeChanged", "keyLoaded", "keySaved", "keyForgotten", "keyRenamed", "problem")


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend (judged by its name)."""


class LowPriorityKeyring(MemoryKeyring):
    priority = 0.5  # type: ignore[assignment]


def _spy_on_set(backend) -> list:
    """Record calls of ``backend.set_password`` (an instance attribute: the class is unchanged)."""
    calls: list = []
    original = backend.set_password

    def spy(*args):
        calls.append(args)
        return original(*args)

    backend.set_password = spy
    return calls


@pytest.fixture
def canary(caplog, app_home: Path):
    """A key to look for: after the test it must be in no log and no file (raw, base64, URL)."""
    caplog.set_level(logging.DEBUG)
    key = f"ss-CANARY-{uuid.uuid4()}"
    yield key
    logged = logged_text(caplog)
    assert logged, "nothing was logged: the check would prove nothing"
    assert_not_in_text(key, logged, "the log")
    assert_not_in_files(key, [app_home])


@pytest.fixture
def make_service(worker_pool):
    """Build a CredentialService whose every signal argument is recorded in ``.emitted``."""

    def make(vault: KeyVault | None = None) -> CredentialService:
        service = CredentialService(worker_pool, vault or KeyVault(timeout=5))
        service.emitted = []  # type: ignore[attr-defined]
        for name in SIGNALS:
            getattr(service, name).connect(
                lambda *args, name=name: service.emitted.append((name, args))  # type: ignore[attr-defined]
            )
        return service

    return make


def _assert_not_emitted(service: CredentialService, key: str) -> None:
    assert service.emitted, "the test emitted nothing to check"  # type: ignore[attr-defined]
    assert key not in repr(service.emitted)  # type: ignore[attr-defined]


# check_key --------------------------------------------------------------------------------------


def test_check_key_accepts_a_plain_key():
    assert check_key("ss-0123456789ABCDEF") is None
    assert check_key("x" * 5000, platform="linux") is None
    assert check_key("x" * 1280, platform="win32") is None


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("", "empty"),
        ("ss-abc\n", "line break"),
        ("ss-\r\nabc", "line break"),
        ("ss abc", "space or tab"),
        ("\tss-abc", "space or tab"),
    ],
)
def test_check_key_names_the_paste_error(key, words):
    message = check_key(key, platform="linux")
    assert message is not None and words in message
    if key:
        assert "paste error" in message


def test_check_key_says_the_windows_limit_plainly():
    assert max_key_bytes("win32") == 2560
    assert max_key_bytes("linux") is None and max_key_bytes("darwin") is None
    message = check_key("k" * 1281, platform="win32")  # stored as UTF-16: 2,562 bytes
    assert message == (
        "Windows Credential Manager stores at most 2,560 bytes; this key is 2,562 bytes "
        "(as stored, UTF-16)."
    )


# KeyVault on a secure (in-memory) keyring ------------------------------------------------------


def test_vault_set_get_delete_rename(memory_keyring, canary):
    vault = KeyVault(timeout=5)
    assert vault.probe().secure and vault.secure
    vault.set("prod", canary)
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "prod"): canary}
    assert vault.get("prod") == canary
    assert vault.rename("prod", "production") is True
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "production"): canary}
    assert vault.rename("nothing", "else") is False
    vault.delete("production")
    vault.delete("production")  # a missing key is fine
    assert vault.get("production") is None
    assert memory_keyring.passwords == {}


def test_vault_rename_loses_nothing_when_the_copy_fails(memory_keyring, canary):
    class RefusingKeyring(MemoryKeyring):
        def set_password(self, service, username, password):
            if username == "new":
                raise PasswordSetError("disk full")
            super().set_password(service, username, password)

    backend = RefusingKeyring()
    vault = KeyVault(timeout=5, backend=backend)
    vault.set("old", canary)
    with pytest.raises(KeyringProblem) as info:
        vault.rename("old", "new")
    assert "saving the key of profile 'new'" in info.value.message
    assert "disk full" in info.value.message and info.value.retryable
    assert canary not in info.value.message
    assert backend.passwords == {(KEYRING_SERVICE, "old"): canary}


def test_vault_messages_never_contain_the_key(canary):
    class Blabbing(MemoryKeyring):
        def set_password(self, service, username, password):
            raise PasswordSetError(f"cannot store {password!r}")

    with pytest.raises(KeyringProblem) as info:
        KeyVault(timeout=5, backend=Blabbing()).set("p", canary)
    assert canary not in str(info.value) and "[key]" in str(info.value)


@pytest.mark.parametrize("error", [InitError("Prompt dismissed"), KeyringLocked("no")])
def test_vault_reports_a_locked_keyring(error):
    class Locked(MemoryKeyring):
        def get_password(self, service, username):
            raise error

    with pytest.raises(KeyringProblem) as info:
        KeyVault(timeout=5, backend=Locked()).get("p")
    assert info.value.message == "The keyring is locked; unlock it and retry."
    assert info.value.retryable


def test_vault_says_what_failed_on_other_errors():
    class Broken(MemoryKeyring):
        def get_password(self, service, username):
            raise ConnectionResetError("bus went away")

    with pytest.raises(KeyringProblem) as info:
        KeyVault(timeout=5, backend=Broken()).get("staging")
    assert info.value.message == (
        "The keyring failed while reading the key of profile 'staging': bus went away"
    )


# Session-only mode: nothing is ever written ---------------------------------------------------


def _insecure_backends():
    return [
        pytest.param(keyring.backends.fail.Keyring, id="fail"),
        pytest.param(keyring.backends.null.Keyring, id="null"),
        pytest.param(PlaintextKeyring, id="plaintext"),
        pytest.param(LowPriorityKeyring, id="low-priority"),
    ]


@pytest.mark.parametrize("backend_class", _insecure_backends())
def test_vault_without_a_secure_backend_keeps_keys_in_memory(backend_class, canary):
    backend = backend_class()
    calls = _spy_on_set(backend)
    keyring.set_keyring(backend)
    vault = KeyVault(timeout=5)
    assert vault.probe().secure is False
    vault.set("prod", canary)
    assert vault.get("prod") == canary
    assert vault.rename("prod", "p2") and vault.get("p2") == canary and vault.get("prod") is None
    vault.delete("p2")
    assert vault.get("p2") is None
    assert calls == []
    assert getattr(backend, "passwords", {}) == {}


@pytest.mark.parametrize("backend_class", _insecure_backends())
def test_service_without_a_secure_backend_works_for_the_session(
    backend_class, make_service, qtbot, canary
):
    backend = backend_class()
    calls = _spy_on_set(backend)
    keyring.set_keyring(backend)
    service = make_service()
    with qtbot.waitSignal(service.modeChanged, timeout=3000) as mode:
        service.start()
    secure, explanation = mode.args
    assert secure is False and service.is_secure is False
    assert how_to_enable(sys.platform) in explanation
    with qtbot.waitSignal(service.keySaved, timeout=3000):
        service.save_key("prod", canary)
    assert service.key_for("prod") == canary and service.has_key("prod")
    with qtbot.waitSignal(service.keyLoaded, timeout=3000) as loaded:
        service.load_key("prod")
    assert loaded.args == ["prod", True]
    assert calls == [] and getattr(backend, "passwords", {}) == {}
    _assert_not_emitted(service, canary)


# The service on a secure keyring ---------------------------------------------------------------


def test_service_round_trip(memory_keyring, make_service, qtbot, canary):
    service = make_service()
    assert service.is_secure is None
    with qtbot.waitSignal(service.modeChanged, timeout=3000) as mode:
        service.start()
    assert mode.args[0] is True and "OS keyring" in mode.args[1]
    with qtbot.waitSignal(service.keySaved, timeout=3000) as saved:
        service.save_key("prod", canary)
        assert service.key_for("prod") == canary  # usable at once
    assert saved.args == ["prod"]
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "prod"): canary}

    fresh = make_service()  # a restart: the key comes back from the keyring
    assert fresh.key_for("prod") is None
    with qtbot.waitSignal(fresh.keyLoaded, timeout=3000) as loaded:
        fresh.load_key("prod")
    assert loaded.args == ["prod", True] and fresh.key_for("prod") == canary

    with qtbot.waitSignal(fresh.keyRenamed, timeout=3000) as renamed:
        fresh.rename_key("prod", "production")
    assert renamed.args == ["prod", "production"]
    assert fresh.key_for("production") == canary and fresh.key_for("prod") is None
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "production"): canary}

    with qtbot.waitSignal(fresh.keyForgotten, timeout=3000):
        fresh.forget_key("production")
    assert not fresh.has_key("production") and memory_keyring.passwords == {}
    with qtbot.waitSignal(fresh.keyLoaded, timeout=3000) as loaded:
        fresh.load_key("production")
    assert loaded.args == ["production", False]
    _assert_not_emitted(service, canary)
    _assert_not_emitted(fresh, canary)


def test_calls_run_in_order(memory_keyring, make_service, qtbot, canary):
    service = make_service()
    with qtbot.waitSignal(service.keyLoaded, timeout=3000) as loaded:
        service.save_key("a", canary + "-1")
        service.save_key("a", canary)
        service.rename_key("a", "b")
        service.load_key("b")
    assert loaded.args == ["b", True]
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "b"): canary}
    _assert_not_emitted(service, canary)


def test_a_session_key_is_never_persisted(memory_keyring, make_service, qtbot, canary):
    service = make_service()
    service.set_session_key("Local emulator", canary)
    assert service.key_for("Local emulator") == canary
    with qtbot.waitSignal(service.keyLoaded, timeout=3000) as loaded:
        service.load_key("Local emulator")
    assert loaded.args == ["Local emulator", True]
    assert memory_keyring.passwords == {}
    _assert_not_emitted(service, canary)


def test_a_malformed_key_is_refused_before_storing(memory_keyring, make_service, qtbot, canary):
    service = make_service()
    with qtbot.waitSignal(service.problem, timeout=3000) as problem:
        service.save_key("prod", canary + "\n")
    profile, message, retryable = problem.args
    assert profile == "prod" and "line break" in message and retryable is False
    assert not service.has_key("prod") and memory_keyring.passwords == {}
    _assert_not_emitted(service, canary)


# Slow and locked keyrings ----------------------------------------------------------------------


class SlowKeyring(MemoryKeyring):
    """get_password hangs (as on an unanswered unlock prompt) until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service, username):
        self.release.wait(30)
        return super().get_password(service, username)


@pytest.fixture
def slow_keyring():
    backend = SlowKeyring()
    keyring.set_keyring(backend)
    yield backend
    backend.release.set()  # lets the abandoned daemon thread end


def test_a_slow_keyring_does_not_block_the_gui_thread(slow_keyring, make_service, qtbot):
    service = make_service(KeyVault(timeout=0.3))
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: beats.append(time.monotonic()))
    heartbeat.start()
    try:
        with qtbot.waitSignal(service.problem, timeout=5000) as problem:
            began = time.monotonic()
            service.load_key("prod")
            assert time.monotonic() - began < 0.05  # load_key itself returns at once
    finally:
        heartbeat.stop()
    profile, message, retryable = problem.args
    assert profile == "prod" and retryable is True
    assert message == (
        "The keyring did not answer within 0.3 s (an unlock prompt may be waiting) "
        "while reading the key of profile 'prod'."
    )
    assert len(beats) >= 10, beats
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert max(gaps) < 0.15, max(gaps)


def test_a_locked_keyring_gives_a_retry_that_works(memory_keyring, make_service, qtbot, canary):
    class Lockable(MemoryKeyring):
        locked = True

        def get_password(self, service, username):
            if self.locked:
                raise InitError("Prompt dismissed")
            return super().get_password(service, username)

    backend = Lockable()
    backend.passwords[(KEYRING_SERVICE, "prod")] = canary
    keyring.set_keyring(backend)
    service = make_service()
    with qtbot.waitSignal(service.problem, timeout=3000) as problem:
        service.load_key("prod")
    assert problem.args == ["prod", "The keyring is locked; unlock it and retry.", True]
    assert not service.has_key("prod")
    backend.locked = False  # the user unlocked it
    with qtbot.waitSignal(service.keyLoaded, timeout=3000) as loaded:
        service.retry()
    assert loaded.args == ["prod", True] and service.key_for("prod") == canary
    _assert_not_emitted(service, canary)


def test_a_failed_save_keeps_the_key_for_the_session_and_retries(
    memory_keyring, make_service, qtbot, canary
):
    class Flaky(MemoryKeyring):
        fail = True

        def set_password(self, service, username, password):
            if self.fail:
                raise KeyringLocked("Failed to unlock the collection!")
            super().set_password(service, username, password)

    backend = Flaky()
    keyring.set_keyring(backend)
    service = make_service()
    with qtbot.waitSignal(service.problem, timeout=3000) as problem:
        service.save_key("prod", canary)
    assert problem.args[2] is True and service.key_for("prod") == canary
    with qtbot.waitSignal(service.keyLoaded, timeout=3000):
        service.load_key("prod")  # finds nothing stored, but keeps the typed key
    assert service.key_for("prod") == canary
    backend.fail = False
    with qtbot.waitSignal(service.keySaved, timeout=3000):
        service.retry()
    assert backend.passwords == {(KEYRING_SERVICE, "prod"): canary}
    _assert_not_emitted(service, canary)


def test_a_probe_that_times_out_is_reported_and_can_be_retried(make_service, qtbot, monkeypatch):
    gate = threading.Event()
    import shipexplorer.core.keyvault as keyvault

    real = keyvault.current_verdict

    def slow_verdict():
        gate.wait(30)
        return real()

    monkeypatch.setattr(keyvault, "current_verdict", slow_verdict)
    service = make_service(KeyVault(timeout=0.2))
    try:
        with qtbot.waitSignal(service.problem, timeout=3000) as problem:
            service.start()
        assert problem.args[0] == "" and problem.args[2] is True
        assert "did not answer within 0.2 s" in problem.args[1]
        assert service.is_secure is None
    finally:
        gate.set()
    with qtbot.waitSignal(service.modeChanged, timeout=3000) as mode:
        service.retry()
    assert mode.args[0] is True and service.is_secure is True


def test_a_saved_key_replaces_a_session_key(memory_keyring, make_service, qtbot, canary):
    service = make_service()
    service.set_session_key("demo", "ss-demo-key")
    with qtbot.waitSignal(service.keySaved, timeout=3000):
        service.save_key("demo", canary)
    assert service.key_for("demo") == canary
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "demo"): canary}
    _assert_not_emitted(service, canary)
