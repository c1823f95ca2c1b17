"""Memory figures from Linux's ``/proc`` for the benchmarks (0 where there is no ``/proc``)."""

from __future__ import annotations

import contextlib


def status(key: str, pid: int | str = "self") -> int:
    """A ``/proc/<pid>/status`` figure in bytes (0 when unknown: not Linux)."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reset_peak() -> None:
    """``VmHWM`` := ``VmRSS`` for this process (Linux >= 4.0), so a later peak is this run's."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
