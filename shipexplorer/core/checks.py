"""Checks and captures of a saved request, and their verdicts on an answer. No Qt.

A **check** says what an answer must be: its HTTP status is (or is not) a number; a JSONPath
finds something, finds a value equal to one given, or finds text matching a regular expression;
the task the request started ends in a state within some seconds. A **capture** sets a variable
from the answer with a JSONPath (``$.data.packageInstance.handle``), so the next request can say
``{{greeter}}``. JSONPath is RFC 9535 through ``python-jsonpath`` (the library the response
viewer's filter already uses), applied to the answer's body as received: JSON parsed, any other
text as one string (``$`` is the whole text).

In a saved request's file they are two optional lists (absent when empty, so older files and
files without checks read and write as before)::

    "checks": [{"check": "status is", "value": 200},
               {"check": "matches", "path": "$.data", "value": "^Hello"},
               {"check": "task ends", "value": "succeeded", "within": 30}],
    "captures": [{"variable": "greeter", "path": "$.data.packageInstance.handle"}]

:func:`evaluate` gives one :class:`Verdict` per check, with words saying why it held or not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shipexplorer.core import variables
from shipexplorer.core.storage import type_name

STATUS_IS = "status is"
STATUS_IS_NOT = "status is not"
EXISTS = "exists"
EQUALS = "equals"
MATCHES = "matches"
TASK_ENDS = "task ends"
KINDS = (STATUS_IS, STATUS_IS_NOT, EXISTS, EQUALS, MATCHES, TASK_ENDS)
PATH_KINDS = frozenset({EXISTS, EQUALS, MATCHES})
TASK_STATES = ("succeeded", "failed")
DEFAULT_WITHIN = 30.0
_SHOWN = 60  # characters of a value a sentence shows


class CheckError(ValueError):
    """A check or capture that cannot be used; the message is one sentence for the user."""


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = json.dumps(text, ensure_ascii=False) if isinstance(value, str) else text
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _compile(path: str) -> Any:
    import jsonpath  # on first use: most requests have no checks

    try:
        return jsonpath.compile(path.strip())
    except jsonpath.JSONPathError as exc:
        first = str(exc).strip().splitlines()
        reason = first[0] if first else "syntax"
        raise CheckError(f"“{path}” is not valid JSONPath ({reason}).") from None


def find(path: str, body: Any) -> list[Any]:
    """The values ``path`` finds in ``body`` (a string body has no children: only ``$`` finds
    it). Raises :class:`CheckError` for a path that is not JSONPath."""
    compiled = _compile(path)
    if isinstance(body, str):  # python-jsonpath would read a str as JSON text
        return [body] if path.strip() == "$" else []
    import jsonpath

    try:
        return [match.obj for match in compiled.finditer(body)]
    except jsonpath.JSONPathError as exc:
        reason = str(exc).splitlines()[0]
        raise CheckError(f"“{path}” could not be applied ({reason}).") from None


@dataclass(frozen=True)
class Check:
    """One check: ``kind`` is one of :data:`KINDS`; ``path`` for the JSONPath kinds; ``value``
    the status, the expected value, the pattern or the task state; ``within`` seconds for
    :data:`TASK_ENDS`."""

    kind: str
    value: Any = None
    path: str = ""
    within: float | None = None

    def describe(self) -> str:
        if self.kind in (STATUS_IS, STATUS_IS_NOT):
            return f"{self.kind} {self.value}"
        if self.kind == EXISTS:
            return f"{self.path} exists"
        if self.kind == EQUALS:
            return f"{self.path} equals {_short(self.value)}"
        if self.kind == MATCHES:
            return f"{self.path} matches /{self.value}/"
        return f"task ends {self.value} within {self.within_seconds():g} s"

    def within_seconds(self) -> float:
        return DEFAULT_WITHIN if self.within is None else float(self.within)

    def problems(self) -> list[str]:
        """What makes this check unusable (empty when fine)."""
        if self.kind not in KINDS:
            return [f"“{self.kind}” is not a kind of check ({', '.join(KINDS)})."]
        if self.kind in (STATUS_IS, STATUS_IS_NOT):
            if isinstance(self.value, bool) or not isinstance(self.value, int):
                return [f"“{self.describe()}”: the status should be a whole number such as 200."]
            return []
        if self.kind == TASK_ENDS:
            if self.value not in TASK_STATES:
                return [f"A task check wants the state succeeded or failed, not {self.value!r}."]
            within = self.within_seconds()
            if isinstance(self.within, bool) or not 0 < within <= 24 * 3600:
                return ["A task check's time should be a number of seconds above 0."]
            return []
        try:
            _compile(self.path or "")
        except CheckError as exc:
            return [str(exc)]
        if self.kind == MATCHES:
            if not isinstance(self.value, str):
                return [f"“{self.path} matches”: the pattern should be text."]
            try:
                re.compile(self.value)
            except re.error as exc:
                return [f"“{self.value}” is not a regular expression ({exc})."]
        return []

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"check": self.kind, "value": self.value}
        if self.kind in PATH_KINDS:
            data["path"] = self.path
        if self.kind == EXISTS:
            data.pop("value")
        if self.kind == TASK_ENDS:
            data["within"] = self.within_seconds()
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Check:
        if not isinstance(data, Mapping):
            raise ValueError(f"a check should be an object, not {type_name(data)}")
        kind = data.get("check")
        if kind not in KINDS:
            raise ValueError(f"a check's “check” should be one of: {', '.join(KINDS)}")
        path = data.get("path", "")
        if not isinstance(path, str):
            raise ValueError(f"a check's path should be text, not {type_name(path)}")
        within = data.get("within")
        if within is not None and (isinstance(within, bool) or not isinstance(within, int | float)):
            raise ValueError(f"a check's “within” should be seconds, not {type_name(within)}")
        if kind == TASK_ENDS and within is None:
            within = DEFAULT_WITHIN
        value = None if kind == EXISTS else data.get("value")
        return cls(kind, value, path if kind in PATH_KINDS else "", within)


@dataclass(frozen=True)
class Capture:
    """Set ``variable`` to what ``path`` finds in the answer (text as it is, else JSON)."""

    variable: str
    path: str

    def problems(self) -> list[str]:
        if not variables.is_name(self.variable):
            return [f"“{self.variable}” is not a variable name."]
        if self.variable in variables.SECRET_NAMES:
            return [f"{self.variable} cannot be captured: it is the profile's key."]
        try:
            _compile(self.path)
        except CheckError as exc:
            return [str(exc)]
        return []

    def to_dict(self) -> dict[str, str]:
        return {"variable": self.variable, "path": self.path}

    @classmethod
    def from_dict(cls, data: Any) -> Capture:
        if not isinstance(data, Mapping):
            raise ValueError(f"a capture should be an object, not {type_name(data)}")
        name, path = data.get("variable"), data.get("path")
        if not isinstance(name, str) or not isinstance(path, str):
            raise ValueError("a capture wants a “variable” and a “path”, both text")
        return cls(name, path)


def checks_from(data: Any) -> tuple[Check, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ValueError(f"checks should be a list, not {type_name(data)}")
    return tuple(Check.from_dict(item) for item in data)


def captures_from(data: Any) -> tuple[Capture, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise ValueError(f"captures should be a list, not {type_name(data)}")
    return tuple(Capture.from_dict(item) for item in data)


@dataclass(frozen=True)
class Observed:
    """What a send got: the HTTP status (None: no answer), the body (parsed JSON, text, or None),
    and the task's end (its state, None when it did not end in time or there was no task, and
    how many seconds it took)."""

    status: int | None
    body: Any = None
    task_state: str | None = None
    task_seconds: float | None = None
    had_task: bool = False
    error: str | None = None  # a sentence when nothing answered (connection, refused send)


@dataclass(frozen=True)
class Verdict:
    """One check's outcome: ``held``, and ``why`` in words."""

    check: Check
    held: bool
    why: str

    def line(self) -> str:
        return f"{'held' if self.held else 'FAILED'}: {self.check.describe()}: {self.why}"


def _status(check: Check, seen: Observed) -> Verdict:
    if seen.status is None:
        return Verdict(check, False, seen.error or "no answer came")
    same = seen.status == check.value
    held = same if check.kind == STATUS_IS else not same
    return Verdict(check, held, f"the status was {seen.status}")


def _path(check: Check, seen: Observed) -> Verdict:
    if seen.status is None:
        return Verdict(check, False, seen.error or "no answer came")
    try:
        found = find(check.path, seen.body)
    except CheckError as exc:
        return Verdict(check, False, str(exc))
    if check.kind == EXISTS:
        if found:
            return Verdict(check, True, f"found {_short(found[0])}")
        return Verdict(check, False, "nothing found there")
    if not found:
        return Verdict(check, False, "nothing found there")
    if check.kind == EQUALS:
        if any(value == check.value and type(value) is type(check.value) for value in found):
            return Verdict(check, True, "equal")
        return Verdict(check, False, f"found {_short(found[0])}")
    try:
        pattern = re.compile(str(check.value))
    except re.error as exc:
        return Verdict(check, False, f"the pattern is not valid ({exc})")
    for value in found:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if pattern.search(text):
            return Verdict(check, True, f"found {_short(value)}")
    return Verdict(check, False, f"found {_short(found[0])}, which does not match")


def _task(check: Check, seen: Observed) -> Verdict:
    if not seen.had_task:
        return Verdict(check, False, seen.error or "the answer was not a task")
    within = check.within_seconds()
    if seen.task_state is None:
        return Verdict(check, False, f"the task had not ended after {within:g} s")
    took = f" after {seen.task_seconds:.1f} s" if seen.task_seconds is not None else ""
    if seen.task_state != check.value:
        return Verdict(check, False, f"the task ended {seen.task_state}{took}")
    if seen.task_seconds is not None and seen.task_seconds > within:
        return Verdict(check, False, f"the task ended {seen.task_state}{took}, too late")
    return Verdict(check, True, f"the task ended {seen.task_state}{took}")


def evaluate(checks: Iterable[Check], seen: Observed) -> list[Verdict]:
    """One verdict per check, in order."""
    verdicts = []
    for check in checks:
        problems = check.problems()
        if problems:
            verdicts.append(Verdict(check, False, problems[0]))
        elif check.kind in (STATUS_IS, STATUS_IS_NOT):
            verdicts.append(_status(check, seen))
        elif check.kind == TASK_ENDS:
            verdicts.append(_task(check, seen))
        else:
            verdicts.append(_path(check, seen))
    return verdicts


def capture(captures: Iterable[Capture], body: Any) -> tuple[dict[str, str], list[str]]:
    """The values ``captures`` take from ``body``, and a sentence for each that found nothing.
    Text is taken as it is; any other value as compact JSON."""
    values: dict[str, str] = {}
    missed: list[str] = []
    for item in captures:
        problems = item.problems()
        if problems:
            missed.append(problems[0])
            continue
        try:
            found = find(item.path, body)
        except CheckError as exc:
            missed.append(str(exc))
            continue
        if not found:
            missed.append(f"{{{{{item.variable}}}}} was not set: {item.path} found nothing.")
            continue
        value = found[0]
        values[item.variable] = (
            value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        )
    return values, missed


def task_timeout(checks: Iterable[Check]) -> float | None:
    """How long to wait for a task: the longest task check's time (None: no task check)."""
    times = [c.within_seconds() for c in checks if c.kind == TASK_ENDS]
    return max(times) if times else None


def parse_body(raw: bytes | None, content_type: str | None = None) -> Any:
    """An answer's body as checks see it: JSON parsed when it is JSON, else the text."""
    if raw is None:
        return None
    text = raw.decode("utf-8", "replace")
    if content_type and "json" not in content_type.lower():
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text
