"""A local, Steamship-compatible HTTP server with demo packages (no Qt).

Used by ``shipexplorer --local``, by the tests and benchmarks, and runnable alone as
``shipexplorer-emulator``::

    from shipexplorer.emulator import Emulator, DEMO_API_KEY

    with Emulator(port=0) as emu:
        print(emu.api_base, emu.app_base)

Modules: :mod:`.emulator` (the Emulator class), :mod:`.server` (HTTP, routing, faults on the
wire), :mod:`.operations` (the ``/api/v1/`` operations), :mod:`.apps` (package method calls),
:mod:`.store` (state), :mod:`.state` (the state kept in a SQLite file across runs,
``Emulator(state=...)``), :mod:`.tasks` (clock-driven tasks), :mod:`.envelopes` (bodies per
dialect), :mod:`.packages` (the demo packages), :mod:`.demo` (the demo instances a new state
starts with, ``Emulator(seed_demo=True)``), :mod:`.cli` (the console entry point),
:mod:`.child` (the emulator in a child process, as ``--local`` runs it), :mod:`.defaults` (the
demo key, the port and the addresses every emulator shares, light to import).

The engine APIs (issue 19): :mod:`.ops_tasks` (task operations, dependencies, method calls as
tasks), :mod:`.ops_files` and :mod:`.files` (files and blocks, with their tags), :mod:`.ops_tags`,
:mod:`.tag_query` (the tag filter language), :mod:`.ops_signed_urls` (signed URLs served on the
emulator's own port). Their docstrings note the request and answer shapes the official client uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shipexplorer.emulator.defaults import DEFAULT_PORT, DEMO_API_KEY

if TYPE_CHECKING:
    from shipexplorer.emulator.emulator import Emulator
    from shipexplorer.emulator.server import RecordedRequest

__all__ = ["DEFAULT_PORT", "DEMO_API_KEY", "Emulator", "RecordedRequest"]


def __getattr__(name: str) -> Any:
    """``Emulator`` and ``RecordedRequest`` load the server when first asked for: a process that
    only names the demo key (the window's, whose emulator runs in a child) does not load it."""
    if name == "Emulator":
        from shipexplorer.emulator.emulator import Emulator

        return Emulator
    if name == "RecordedRequest":
        from shipexplorer.emulator.server import RecordedRequest

        return RecordedRequest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
