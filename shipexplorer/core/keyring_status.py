"""Which keyring backend is in use and whether it counts as secure storage for API keys.

The verdict is shared by ``--diagnose`` and, later, the credentials service. Plaintext and null
backends, the ``fail`` backend, and any backend whose priority keyring itself calls "not
recommended" (below 1) count as *no secure storage*: the key then lives in memory only.
"""

from __future__ import annotations

from dataclasses import dataclass

# Backends that never count as secure, by qualified name.
_INSECURE = {
    "keyring.backends.fail.Keyring": "no keyring backend was found (is a Secret Service running?)",
    "keyring.backends.null.Keyring": "the null backend stores nothing",
}


@dataclass(frozen=True)
class KeyringVerdict:
    """What keyring would use, and whether shipexplorer may keep keys there."""

    backend: str
    secure: bool
    reason: str


def _qualified_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


def _backend_priority(backend: object) -> float | None:
    try:
        return float(type(backend).priority)  # type: ignore[attr-defined]
    except Exception:  # a backend that is not viable raises from its priority
        return None


def assess_backend(backend: object) -> KeyringVerdict:
    """Judge one keyring backend instance (chainer backends are judged by their members)."""
    from keyring.backends.chainer import ChainerBackend

    name = _qualified_name(backend)
    if isinstance(backend, ChainerBackend):
        verdicts = [assess_backend(member) for member in backend.backends]
        secure = [v for v in verdicts if v.secure]
        if secure:
            return KeyringVerdict(name, True, f"chains a secure backend: {secure[0].backend}")
        return KeyringVerdict(name, False, "no secure backend in the chain")
    if name in _INSECURE:
        return KeyringVerdict(name, False, _INSECURE[name])
    if name.startswith("keyrings.alt") or "plaintext" in name.lower():
        return KeyringVerdict(name, False, "it keeps keys in a file, not in an OS keyring")
    priority = _backend_priority(backend)
    if priority is None:
        return KeyringVerdict(name, False, "the backend is not usable in this environment")
    if priority < 1:
        return KeyringVerdict(name, False, f"keyring does not recommend it (priority {priority:g})")
    return KeyringVerdict(name, True, f"OS keyring (priority {priority:g})")


def current_verdict() -> KeyringVerdict:
    """The verdict for the backend keyring selects now. May talk to D-Bus: not on the GUI thread."""
    import keyring

    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # keyring's own selection failing is itself a verdict
        return KeyringVerdict("unavailable", False, f"keyring could not load a backend: {exc}")
    return assess_backend(backend)


def how_to_enable(platform: str) -> str:
    """A one-line hint on getting a secure keyring on this platform (``sys.platform``)."""
    if platform.startswith("darwin"):
        return "macOS Keychain is used automatically; check that the login keychain is unlocked."
    if platform.startswith("win"):
        return "Windows Credential Manager is used automatically; check that it is not disabled."
    return (
        "Install and start a Secret Service (gnome-keyring or KWallet) in your desktop session, "
        "with a D-Bus session bus; then restart shipexplorer."
    )
