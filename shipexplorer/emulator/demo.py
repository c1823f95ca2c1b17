"""The demo instances a new local playground starts with: one of each demo package.

:func:`seed_demo` makes them in the ``default`` workspace once per state: the state remembers that
it did (``demoSeeded``), so instances a user deleted stay deleted at the next start. The app's
``--local`` asks for it (``Emulator(..., seed_demo=True)``); tests and the standalone emulator
do not, unless told.
"""

from __future__ import annotations

from shipexplorer.emulator.packages import CATALOGUE
from shipexplorer.emulator.store import DEFAULT_WORKSPACE, Instance, Store

#: (package handle, instance handle) of each demo instance, in the order they are made
DEMO_INSTANCES: tuple[tuple[str, str], ...] = (
    ("greeter", "greeter-1"),
    ("echo", "echo-1"),
    ("slow-job", "slow-job-1"),
    ("faults", "faults-1"),
    ("media", "media-1"),
    ("agent", "agent-1"),
    ("slow-init", "slow-init-1"),
)
SEEDED_KEY = "demoSeeded"


def seed_demo(store: Store) -> list[Instance]:
    """Make the demo instances in ``default`` unless this state had them once; returns those
    made (an instance of that handle that already exists is kept as it is)."""
    with store.lock:
        if store.meta.get(SEEDED_KEY):
            return []
        workspace = store.get_workspace(handle=DEFAULT_WORKSPACE)
        made = []
        for package_handle, handle in DEMO_INSTANCES:
            if store.find_instance(workspace, handle=handle) is not None:
                continue
            package = CATALOGUE[package_handle]
            made.append(store.create_instance(workspace, package, handle, None, True))
        store.set_meta(SEEDED_KEY, "1")
        return made
