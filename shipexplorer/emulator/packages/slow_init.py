"""The ``slow-init`` and ``broken-init`` demo packages: instances that take a while to initialise.

A real package's instance runs its initialisation after ``package/instance/create``: meanwhile
``initStatus`` is ``initializing`` and the official client's ``use()`` polls
``package/instance/get`` until it changes. Here the time comes from the instance config
(``seconds``) and the status is derived from the instance's creation time, so it survives a
restart. ``broken-init`` ends ``failed``; its methods then answer the failure.

Both list their argument kinds in the short spelling (``str``, ``Optional[str]``, ``int``).
"""

from typing import Any

from shipexplorer.emulator.packages.base import ArgumentError, Package, method

MAX_INIT_SECONDS = 600.0
BOTH = ("GET", "POST")


def _seconds_template(default: float) -> dict[str, dict[str, Any]]:
    return {
        "seconds": {
            "type": "number",
            "default": default,
            "description": (
                f"How long an instance takes to initialise (0 to {MAX_INIT_SECONDS:g} s)."
            ),
        }
    }


class SlowInitPackage(Package):
    """A package whose instances take a few seconds to initialise before they answer."""

    handle = "slow-init"
    description = "Instances take a few seconds to initialise (initStatus), then answer."
    readme = (
        "# slow-init\n\nAn instance reports `initStatus: initializing` for `seconds` (config, "
        "default 3) after it is created, then `complete`. Methods answer 503 until then.\n\n"
        "`ask(question, detail=None, times=1)` answers text; `status` answers the init timing.\n"
    )
    kind_spelling = "name"
    config_template = _seconds_template(3)

    @classmethod
    def init_seconds(cls, config: dict[str, Any]) -> float | None:
        return float(config.get("seconds") or 0)

    @classmethod
    def check_config(cls, config: dict[str, Any]) -> None:
        seconds = config.get("seconds") or 0
        if not 0 <= seconds <= MAX_INIT_SECONDS:
            raise ArgumentError(
                f"Config key 'seconds' must be between 0 and {MAX_INIT_SECONDS:g}, got {seconds}."
            )

    @method("ask", verbs=BOTH)
    def ask(self, question: str, detail: str | None = None, times: int = 1) -> str:
        """Answer `question` (`times` times, 1 to 10), with `detail` when given."""
        if not 1 <= times <= 10:
            raise ArgumentError(f"times must be between 1 and 10, got {times}.")
        answer = f"Initialised and ready: you asked {question!r}."
        if detail:
            answer += f" ({detail})"
        return " ".join([answer] * times)

    @method("status", verbs=BOTH)
    def status(self) -> dict:
        """Return the instance's init status, how long it took and when it was created."""
        inst = self.ctx.instance
        return {
            "initStatus": inst.init_status(),
            "seconds": inst.init_duration(),
            "createdAt": inst.created_at,
        }


class BrokenInitPackage(SlowInitPackage):
    """A package whose instances fail to initialise: initStatus ends 'failed'."""

    handle = "broken-init"
    description = "Instances initialise for a moment, then fail (initStatus 'failed')."
    readme = (
        "# broken-init\n\nAn instance reports `initStatus: initializing` for `seconds` (config, "
        "default 1), then `failed`. Its methods answer the failure: the model file is missing.\n"
    )
    config_template = _seconds_template(1)
    init_failure = (
        "the package could not load its model: the file 'model.bin' is missing from the "
        "package version."
    )
