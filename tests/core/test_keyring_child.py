"""The keyring in a child process (core/keyring_child.py): what the vault does through it, how
long the child lives, and what becomes of a child that hangs, dies or blabs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from shipexplorer.api.cancel import CancelToken
from shipexplorer.core.call_timeout import CallCancelled
from shipexplorer.core.keyring_child import ChildKeyVault, default_vault
from shipexplorer.core.keyvault import KeyringProblem, KeyVault

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def canary() -> str:
    return f"ss-CANARY-{uuid.uuid4()}"


@pytest.fixture
def child_backend(monkeypatch):
    """Name the child's keyring backend (the child reads ``PYTHON_KEYRING_BACKEND``)."""

    def use(name: str) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", name)

    return use


@pytest.fixture
def vaults():
    made: list[ChildKeyVault] = []

    def make(**kwargs) -> ChildKeyVault:
        kwargs.setdefault("timeout", 20)
        made.append(ChildKeyVault(**kwargs))
        return made[-1]

    yield make
    for vault in made:
        vault.close()


def test_keys_are_kept_through_one_child_process(child_backend, vaults, canary):
    child_backend("tests.memory_keyring.MemoryKeyring")
    vault = vaults(linger=30)
    verdict = vault.probe()
    assert verdict.secure and verdict.backend == "tests.memory_keyring.MemoryKeyring"
    pid = vault.child_pid
    assert pid is not None and pid != os.getpid()
    assert vault.get("p") is None
    vault.set("p", canary)
    assert vault.get("p") == canary
    assert vault.rename("p", "q") is True
    assert vault.get("p") is None and vault.get("q") == canary
    vault.delete("q")
    vault.delete("q")  # a missing key is fine
    assert vault.get("q") is None
    assert vault.child_pid == pid  # one child served them all


def test_the_child_ends_after_its_last_call_and_comes_back(qtbot, child_backend, vaults, canary):
    child_backend("tests.memory_keyring.MemoryKeyring")
    vault = vaults(linger=0.3)
    vault.set("p", canary)
    first = vault.child_pid
    assert first is not None
    qtbot.waitUntil(lambda: vault.child_pid is None, timeout=10_000)
    # a later call starts another child (a memory backend forgets with its process)
    assert vault.get("p") is None
    assert vault.child_pid not in (None, first)


def test_without_a_secure_backend_keys_stay_in_this_process(child_backend, vaults, canary):
    child_backend("keyring.backends.null.Keyring")
    vault = vaults(linger=30)
    assert vault.probe().secure is False
    vault.close()
    vault.set("p", canary)
    assert vault.get("p") == canary
    assert vault.child_pid is None  # the key never went to a child: none was started


def test_a_child_that_does_not_answer_is_killed(vaults):
    never = [sys.executable, "-c", "import time; time.sleep(60)"]
    vault = vaults(timeout=0.2, start_allowance=0.3, command=never)
    with pytest.raises(KeyringProblem) as info:
        vault.probe()
    assert "did not answer within 0.2 s" in info.value.message and info.value.retryable
    assert vault.child_pid is None


def test_a_cancelled_call_kills_the_child(vaults):
    token = CancelToken()
    never = [sys.executable, "-c", "import time; time.sleep(60)"]
    vault = vaults(timeout=30, command=never)
    token.cancel()
    with pytest.raises(CallCancelled):
        vault.probe(token)
    assert vault.child_pid is None


def test_a_backend_that_hangs_is_reported_by_the_child(child_backend, vaults):
    child_backend("tests.child_keyrings.Hanging")
    vault = vaults(timeout=0.5, linger=30)
    assert vault.probe().secure
    with pytest.raises(KeyringProblem) as info:
        vault.get("p")
    assert "did not answer within 0.5 s" in info.value.message


def test_a_child_that_dies_is_a_problem_and_the_next_call_starts_another(child_backend, vaults):
    child_backend("tests.child_keyrings.Crashing")
    vault = vaults(linger=30)
    assert vault.probe().secure
    with pytest.raises(KeyringProblem) as info:
        vault.get("p")
    assert info.value.message == "The keyring's helper process ended unexpectedly."
    assert vault.child_pid is None
    vault.verdict = None  # probe again: a new child answers
    assert vault.probe().secure and vault.child_pid is not None


def test_a_child_that_cannot_start_is_a_problem(vaults):
    vault = vaults(command=[str(ROOT / "no-such-program")])
    with pytest.raises(KeyringProblem) as info:
        vault.probe()
    assert info.value.message.startswith("The keyring's helper process could not be started")


def test_the_child_reports_a_locked_keyring(child_backend, vaults):
    child_backend("tests.child_keyrings.Locked")
    with pytest.raises(KeyringProblem) as info:
        vaults().get("p")
    assert info.value.message == "The keyring is locked; unlock it and retry."
    assert info.value.retryable


def test_the_childs_messages_never_contain_the_key(child_backend, vaults, canary):
    child_backend("tests.child_keyrings.Blabbing")
    with pytest.raises(KeyringProblem) as info:
        vaults().set("p", canary)
    assert canary not in str(info.value) and "[key]" in str(info.value)


def test_the_bundle_command_runs_the_child(child_backend, vaults, canary):
    """A frozen bundle runs ``shipexplorer keyring`` (here through the same ``app.main``)."""
    child_backend("tests.memory_keyring.MemoryKeyring")
    vault = vaults(command=[sys.executable, "-m", "shipexplorer", "keyring"])
    vault.set("p", canary)
    assert vault.get("p") == canary


def test_the_vaults_process_never_imports_keyring(canary):
    """What the child is for: the process that holds the vault keeps keyring out."""
    script = (
        "import json, sys\n"
        "from shipexplorer.core.keyring_child import ChildKeyVault, default_vault\n"
        "vault = default_vault()\n"
        "vault.set('p', sys.argv[1])\n"
        "print(json.dumps([type(vault).__name__, vault.get('p') == sys.argv[1],"
        " vault.secure, sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('keyring', 'secretstorage', 'jeepney', 'cryptography'))]))\n"
        "vault.close()\n"
    )
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="tests.memory_keyring.MemoryKeyring")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, "-c", script, canary],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    kind, read_back, secure, imported = json.loads(done.stdout)
    assert (kind, read_back, secure, imported) == ("ChildKeyVault", True, True, [])
    assert canary not in done.stderr


def test_a_process_that_has_keyring_already_uses_it_in_process():
    assert "keyring" in sys.modules  # the tests' memory keyring
    vault = default_vault()
    assert type(vault) is KeyVault
