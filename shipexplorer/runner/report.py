"""What a run prints (one line per request, a live progress line on a terminal) and its JUnit
XML. Every text goes through :meth:`Console.safe`, which masks the key in any spelling."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from shipexplorer.core import key_reference
from shipexplorer.core.storage import atomic_write_bytes
from shipexplorer.core.variables import SECRET_MASK
from shipexplorer.runner.execute import Outcome


def mask_keys(text: str, keys: Sequence[str | None]) -> str:
    """``text`` with every spelling of ``keys`` masked."""
    hits = key_reference.find_keys(text, keys)
    for hit in reversed(hits):
        text = text[: hit.start] + SECRET_MASK + text[hit.end :]
    return text


def summary(outcome: Outcome) -> str:
    """``PASS  greet  200  0.05 s  2/2 checks held`` (the task's end when there was one)."""
    held = sum(v.held for v in outcome.verdicts)
    total = len(outcome.verdicts)
    status = str(outcome.status) if outcome.status is not None else "---"
    parts = [
        "PASS" if outcome.passed else "FAIL",
        outcome.name,
        status,
        f"{outcome.seconds:.2f} s",
        f"{held}/{total} checks held" if total else "no checks",
    ]
    if outcome.task_state:
        parts.insert(3, f"task {outcome.task_state}")
    return "  ".join(parts)


class Console:
    """Prints results to ``out``; on a terminal a progress line is redrawn in place."""

    def __init__(self, out: TextIO | None = None, keys: Sequence[str | None] = ()) -> None:
        self.out = out if out is not None else sys.stdout
        self.keys = tuple(keys)
        isatty = getattr(self.out, "isatty", None)
        self.live = bool(isatty and isatty())
        self._progress = False

    def safe(self, text: str) -> str:
        return mask_keys(text, self.keys)

    def _clear(self) -> None:
        if self._progress:
            self.out.write("\r\x1b[K")
            self._progress = False

    def progress(self, index: int, total: int, name: str, doing: str = "sending") -> None:
        """``[2/3] greet: sending…`` redrawn in place (a terminal only)."""
        if not self.live:
            return
        self._clear()
        self.out.write(self.safe(f"[{index}/{total}] {name}: {doing}…"))
        self.out.flush()
        self._progress = True

    def line(self, text: str) -> None:
        self._clear()
        self.out.write(self.safe(text) + "\n")
        self.out.flush()

    def result(self, outcome: Outcome) -> None:
        self.line(summary(outcome))
        for failure in outcome.failures():
            self.line(f"    {failure}")


def write_junit(
    path: Path, outcomes: Sequence[tuple[str, Outcome]], seconds: float, console: Console
) -> None:
    """JUnit XML: one testsuite, one testcase per request, a ``failure`` for each that failed
    (the checks' verdicts in ``system-out``)."""
    failed = sum(not o.passed for _group, o in outcomes)
    suites = ET.Element("testsuites", tests=str(len(outcomes)), failures=str(failed))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="shipexplorer run",
        tests=str(len(outcomes)),
        failures=str(failed),
        errors="0",
        time=f"{seconds:.3f}",
    )
    for group, outcome in outcomes:
        case = ET.SubElement(
            suite,
            "testcase",
            name=console.safe(outcome.name),
            classname=console.safe(group),
            time=f"{outcome.seconds:.3f}",
        )
        if not outcome.passed:
            failures = outcome.failures()
            failure = ET.SubElement(case, "failure", message=console.safe(failures[0]))
            failure.text = console.safe("\n".join(failures))
        lines = [summary(outcome)] + [v.line() for v in outcome.verdicts]
        ET.SubElement(case, "system-out").text = console.safe("\n".join(lines))
    ET.indent(suites)
    data = ET.tostring(suites, encoding="utf-8", xml_declaration=True) + b"\n"
    atomic_write_bytes(path, data)
