"""The keyring in a short-lived child process, so that the window's process never imports it.

Choosing keyring's backend imports about a hundred modules (plugin discovery through
importlib_metadata, then D-Bus, secretstorage and cryptography's compiled library): about 10 MB
that the window's process would keep for good after reading one key at start-up.
:class:`ChildKeyVault` is a :class:`~shipexplorer.core.keyvault.KeyVault` whose keyring calls
run in ``python -m shipexplorer.core.keyring_child`` instead (``shipexplorer keyring`` in a frozen
bundle). The child lives while it is used and ends :data:`LINGER_S` seconds after its last call.

Protocol: one JSON line per request on the child's stdin (``{"op": "probe" | "get" | "set" |
"delete", "profile": ..., "key": ...}``) and one per answer on its stdout: ``{"value": ...}``,
``{"verdict": [backend, secure, reason]}`` or ``{"problem": message, "retryable": bool}``. The
child ends when its stdin closes, which the system also does when the app ends in any way. A key
crosses the pipe and nothing else: the child logs nothing and its stderr is discarded (a
backend's error could carry the key; the vault scrubs what it reports).

Without a secure backend the vault keeps keys in this process's memory, as the base class does:
they never reach the child.
"""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import sys
import threading
from typing import IO, Any

from shipexplorer.api.cancel import CancelToken
from shipexplorer.child_process import child_command, child_env
from shipexplorer.core.call_timeout import CallCancelled, CallTimedOut, run_with_timeout
from shipexplorer.core.keyring_status import KeyringVerdict
from shipexplorer.core.keyvault import DEFAULT_TIMEOUT, KEYRING_SERVICE, KeyringProblem, KeyVault

log = logging.getLogger(__name__)

#: the child ends this long after its last call (start-up's probe and key read share one child)
LINGER_S = 2.0
#: what a child's start (an interpreter, then keyring's imports) adds to a call's timeout
START_ALLOWANCE_S = 10.0
#: ``shipexplorer <this>`` runs the child in a frozen bundle
FROZEN_COMMAND = "keyring"


def default_vault() -> KeyVault:
    """The app's vault: keyring in a child process, unless keyring is imported here already (a
    test gave it a backend, say): then there is nothing to keep out, and the vault uses it."""
    if "keyring" in sys.modules:
        return KeyVault()
    return ChildKeyVault()


class ChildKeyVault(KeyVault):
    """A :class:`KeyVault` whose keyring is reached through a child process."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        service: str = KEYRING_SERVICE,
        command: list[str] | None = None,
        linger: float = LINGER_S,
        start_allowance: float = START_ALLOWANCE_S,
    ) -> None:
        super().__init__(timeout=timeout, service=service)
        self.linger = linger
        self.start_allowance = start_allowance
        self._command = command or child_command("shipexplorer.core.keyring_child", FROZEN_COMMAND)
        self._process: subprocess.Popen[str] | None = None
        self._idle: threading.Timer | None = None
        self._calls = 0  # an idle timer ends the child only if no call came after it was set

    @property
    def child_pid(self) -> int | None:
        """The child's process id while it runs (tests)."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def probe(self, token: CancelToken | None = None) -> KeyringVerdict:
        with self._lock:
            answer = self._ask({"op": "probe"}, "checking the keyring", token)
            backend, secure, reason = answer["verdict"]
            verdict = KeyringVerdict(str(backend), bool(secure), str(reason))
            self.verdict = verdict
            log.info(
                "key storage: %s (%s), through a child process",
                "secure" if verdict.secure else "session only",
                verdict,
            )
            return verdict

    def _ready(self, token: CancelToken | None) -> bool:
        if self.verdict is None:
            self.probe(token)
        return bool(self.verdict and self.verdict.secure)

    def _read(self, profile: str, token: CancelToken | None) -> str | None:
        what = f"reading the key of profile {profile!r}"
        value = self._ask({"op": "get", "profile": profile}, what, token)["value"]
        return None if value is None else str(value)

    def _write(self, profile: str, key: str, token: CancelToken | None) -> None:
        what = f"saving the key of profile {profile!r}"
        self._ask({"op": "set", "profile": profile, "key": key}, what, token)

    def _remove(self, profile: str, token: CancelToken | None) -> None:
        what = f"deleting the key of profile {profile!r}"
        self._ask({"op": "delete", "profile": profile}, what, token)

    def close(self) -> None:
        """Let the child end now rather than :attr:`linger` seconds after its last call; never
        waits (a call stuck on an unlock prompt holds the lock, and the app may be quitting)."""
        process, self._process = self._process, None
        idle, self._idle = self._idle, None
        if idle is not None:
            idle.cancel()
        if process is not None and process.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                process.stdin.close()  # it ends by itself; subprocess reaps it later

    # -- the child ---------------------------------------------------------------------------

    def _ask(self, request: dict[str, Any], what: str, token: CancelToken | None) -> dict:
        """Send one request and wait for its answer (a child that does not answer in time, or
        whose call is cancelled, is killed)."""
        request = {**request, "service": self.service, "timeout": self.timeout}
        try:
            answer = run_with_timeout(
                lambda: self._exchange(request),
                self.timeout + self.start_allowance,
                what,
                token=token,
            )
        except CallTimedOut as exc:
            self._end(kill=True)
            message = (
                f"The keyring did not answer within {self.timeout:g} s "
                f"(an unlock prompt may be waiting) while {what}."
            )
            raise KeyringProblem(message, retryable=True) from exc
        except CallCancelled:
            self._end(kill=True)
            raise
        if "problem" in answer:
            raise KeyringProblem(str(answer["problem"]), bool(answer.get("retryable", True)))
        return answer

    def _exchange(self, request: dict[str, Any]) -> dict:
        process = self._started()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
        except (OSError, ValueError):  # the pipe broke, or it was closed by a kill meanwhile
            line = ""
        if not line:
            self._end(kill=True)
            raise KeyringProblem("The keyring's helper process ended unexpectedly.", True)
        self._end_later()
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise KeyringProblem(
                "The keyring's helper process answered something unexpected.", True
            )
        return answer

    def _started(self) -> subprocess.Popen[str]:
        self._calls += 1
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if self._process is not None and self._process.poll() is None:
            return self._process
        try:
            self._process = subprocess.Popen(
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=child_env(),
                text=True,
                encoding="utf-8",
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError as exc:
            raise KeyringProblem(
                f"The keyring's helper process could not be started ({exc.strerror or exc}).", True
            ) from exc
        return self._process

    def _end_later(self) -> None:
        calls = self._calls

        def idle() -> None:
            with self._lock:
                if self._calls == calls:
                    self._end(kill=False)

        self._idle = threading.Timer(self.linger, idle)
        self._idle.daemon = True
        self._idle.start()

    def _end(self, *, kill: bool) -> None:
        process, self._process = self._process, None
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        if process is None:
            return
        if kill:
            process.kill()
        elif process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()  # the child ends by itself
        try:
            process.wait(3.0)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(3.0)
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError, ValueError):
                    pipe.close()


# -- in the child ------------------------------------------------------------------------------


def answer(vault: KeyVault, request: dict[str, Any]) -> dict[str, Any]:
    """The answer to one request, run on the child's in-process ``vault``."""
    op, profile = request.get("op"), str(request.get("profile", ""))
    try:
        if op == "probe":
            verdict = vault.probe()
            return {"verdict": [verdict.backend, verdict.secure, verdict.reason]}
        if op == "get":
            return {"value": vault.get(profile)}
        if op == "set":
            vault.set(profile, str(request.get("key", "")))
            return {"value": None}
        if op == "delete":
            vault.delete(profile)
            return {"value": None}
    except KeyringProblem as problem:
        return {"problem": problem.message, "retryable": problem.retryable}
    except Exception:  # nothing unexpected may end the child without an answer
        return {"problem": "The keyring failed unexpectedly.", "retryable": True}
    return {
        "problem": "The keyring's helper process was asked something unknown.",
        "retryable": False,
    }


def serve(lines: IO[str], out: IO[str]) -> None:
    """Answer requests line by line until ``lines`` ends."""
    vault: KeyVault | None = None
    for line in lines:
        try:
            request = json.loads(line)
        except ValueError:
            request = {}
        if not isinstance(request, dict):
            request = {}
        if vault is None:
            timeout = float(request.get("timeout", DEFAULT_TIMEOUT))
            vault = KeyVault(timeout=timeout, service=str(request.get("service", KEYRING_SERVICE)))
        out.write(json.dumps(answer(vault, request)) + "\n")
        out.flush()


def main() -> int:
    logging.disable(logging.CRITICAL)  # the child writes nothing but its answers
    serve(sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["ChildKeyVault", "default_vault", "serve"]
