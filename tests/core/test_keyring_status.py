"""The secure / not-secure verdict on keyring backends."""

from __future__ import annotations

import keyring.backends.fail
import keyring.backends.null
from keyring.backends.chainer import ChainerBackend

from shipexplorer.core.keyring_status import assess_backend, current_verdict, how_to_enable
from tests.memory_keyring import MemoryKeyring


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend (judged by its name)."""


class LowPriorityKeyring(MemoryKeyring):
    priority = 0.5  # type: ignore[assignment]


def test_fail_and_null_backends_are_not_secure():
    for backend in (keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()):
        verdict = assess_backend(backend)
        assert not verdict.secure
        assert verdict.backend.startswith("keyring.backends.")


def test_plaintext_and_unrecommended_backends_are_not_secure():
    assert not assess_backend(PlaintextKeyring()).secure
    verdict = assess_backend(LowPriorityKeyring())
    assert not verdict.secure and "priority 0.5" in verdict.reason


def test_a_recommended_backend_is_secure():
    verdict = assess_backend(MemoryKeyring())
    assert verdict.secure
    assert verdict.backend.endswith("MemoryKeyring")


def test_a_chain_is_as_secure_as_its_best_member():
    class GoodChain(ChainerBackend):
        backends = [keyring.backends.null.Keyring(), MemoryKeyring()]

    class BadChain(ChainerBackend):
        backends = [keyring.backends.null.Keyring()]

    assert assess_backend(GoodChain()).secure
    assert not assess_backend(BadChain()).secure


def test_current_verdict_reads_the_selected_backend(memory_keyring):
    assert current_verdict().backend.endswith("MemoryKeyring")


def test_hints_name_each_platforms_store():
    assert "Keychain" in how_to_enable("darwin")
    assert "Credential Manager" in how_to_enable("win32")
    assert "gnome-keyring" in how_to_enable("linux")
