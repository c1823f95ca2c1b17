"""Variables: ``{{name}}`` in a request's instance, method and body, and where values come from.

No Qt. A reference is ``{{name}}`` with a name of letters, digits, ``_``, ``-`` and ``.`` that
starts with a letter or ``_``. Values come from layers; the first that has the name wins:
``--var`` (a run's overrides), the request's (tab's) own variables, what captures of earlier
requests set, the saved-request folder's ``variables.json``, then the profile's variables.
``{{STEAMSHIP_API_KEY}}`` is the one secret: its value is the sending profile's key, filled in at
send time and never shown (:func:`masked` is what a tooltip or a line of output says instead).

:func:`substitute` fills references in: in a body, a reference inside a JSON string gets the value
escaped as that string needs (quotes, backslashes, newlines), and one outside a string gets the
value as it is (``"count": {{n}}`` with ``n`` = ``3``). Unknown names are left as they are;
:func:`unknown_names` lists them so a send can be refused before anything leaves.

The folder's file is ``{"kind": "saved-request-variables", "schemaVersion": 1, "variables":
{name: value}}`` (sorted keys, indent 2): readable, diffable, fit for git; a damaged one is moved
aside and :attr:`VariablesRead.problem` says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from shipexplorer.core import storage
from shipexplorer.core.key_reference import KEY_REFERENCE

KEY_NAME = KEY_REFERENCE[2:-2]  # "STEAMSHIP_API_KEY"
#: the names whose value is a secret: shown masked, never written
SECRET_NAMES = frozenset({KEY_NAME})
SECRET_MASK = "••••••••"

FILE_NAME = "variables.json"
KIND = "saved-request-variables"
SCHEMA_VERSION = 1

NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_NAME_RE = re.compile(rf"^{NAME}$")
_REFERENCE_RE = re.compile(r"\{\{(" + NAME + r")\}\}")

OVERRIDE, TAB, CAPTURED, FOLDER, PROFILE, BUILTIN = (
    "override",
    "tab",
    "captured",
    "folder",
    "profile",
    "built-in",
)
#: how a message names each layer
LAYER_WORDS = {
    OVERRIDE: "--var",
    TAB: "this request",
    CAPTURED: "a capture",
    FOLDER: "the saved requests' folder",
    PROFILE: "the profile",
    BUILTIN: "the profile's key",
}


@dataclass(frozen=True)
class Reference:
    """One ``{{name}}`` in a text: ``start``/``end`` index the whole ``{{...}}``."""

    name: str
    start: int
    end: int


def is_name(text: str) -> bool:
    """True for a name a reference may use."""
    return bool(_NAME_RE.match(text))


def references(text: str) -> list[Reference]:
    """Every ``{{name}}`` in ``text``, in order."""
    if "{{" not in text:
        return []
    return [Reference(m.group(1), m.start(), m.end()) for m in _REFERENCE_RE.finditer(text)]


def names_in(*texts: str | None) -> list[str]:
    """The distinct names referenced in ``texts``, in order of first use."""
    seen: dict[str, None] = {}
    for text in texts:
        for ref in references(text or ""):
            seen.setdefault(ref.name, None)
    return list(seen)


def reference_at(text: str, position: int) -> Reference | None:
    """The reference whose ``{{...}}`` covers ``position`` (a hover), if any."""
    for ref in references(text):
        if ref.start <= position < ref.end:
            return ref
    return None


def _string_spans(text: str) -> list[tuple[int, int]]:
    """Where JSON-like string literals are in ``text`` (from the opening quote to the closing one,
    or to the end of an unclosed one). A plain scan: no need for the text to be valid JSON."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] != '"':
            i += 1
            continue
        start = i
        i += 1
        while i < n and text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        spans.append((start, min(i, n)))
        i += 1
    return spans


def _escaped(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def substitute(text: str, values: Mapping[str, str], *, json_body: bool = False) -> str:
    """``text`` with each ``{{name}}`` that ``values`` knows replaced by its value (others stay).

    With ``json_body``, a reference inside a string literal gets the value JSON-escaped."""
    refs = references(text)
    if not refs:
        return text
    spans = _string_spans(text) if json_body else []
    out: list[str] = []
    last = 0
    span_index = 0
    for ref in refs:
        value = values.get(ref.name)
        if value is None:
            continue
        while span_index < len(spans) and spans[span_index][1] < ref.start:
            span_index += 1
        inside = (
            span_index < len(spans)
            and spans[span_index][0] < ref.start
            and ref.end <= spans[span_index][1]
        )
        out.append(text[last : ref.start])
        out.append(_escaped(value) if inside else value)
        last = ref.end
    out.append(text[last:])
    return "".join(out)


def masked(name: str, value: str | None) -> str | None:
    """What may be shown for ``name``'s value: the mask for a secret."""
    if value is None:
        return None
    return SECRET_MASK if name in SECRET_NAMES else value


@dataclass(frozen=True)
class Resolved:
    """A name's value and the layer it came from (:data:`TAB`, :data:`FOLDER`, ...)."""

    name: str
    value: str
    layer: str

    @property
    def secret(self) -> bool:
        return self.name in SECRET_NAMES

    def shown(self) -> str:
        """The value as a tooltip or a line of output may show it (masked for a secret)."""
        return SECRET_MASK if self.secret else self.value

    def describe(self) -> str:
        """``{{name}} = value (from the profile)``, masked for a secret."""
        return f"{{{{{self.name}}}}} = {self.shown()} (from {LAYER_WORDS[self.layer]})"


@dataclass(frozen=True)
class VariableScope:
    """The layers in precedence order: ``overrides`` (``--var``), the request's (tab's) own,
    ``captured`` (set by captures of earlier requests), the folder's file, the profile's. ``key``
    is the sending profile's key (None: not loaded, or not known here: the reference then stays
    for the request runner to fill)."""

    tab: Mapping[str, str] = field(default_factory=dict)
    folder: Mapping[str, str] = field(default_factory=dict)
    profile: Mapping[str, str] = field(default_factory=dict)
    key: str | None = field(default=None, repr=False)
    captured: Mapping[str, str] = field(default_factory=dict)
    overrides: Mapping[str, str] = field(default_factory=dict)

    def layers(self) -> tuple[tuple[str, Mapping[str, str]], ...]:
        return (
            (OVERRIDE, self.overrides),
            (TAB, self.tab),
            (CAPTURED, self.captured),
            (FOLDER, self.folder),
            (PROFILE, self.profile),
        )

    def resolve(self, name: str) -> Resolved | None:
        if name in SECRET_NAMES:
            return Resolved(name, self.key, BUILTIN) if self.key else None
        for layer, values in self.layers():
            value = values.get(name)
            if value is not None:
                return Resolved(name, value, layer)
        return None

    def knows(self, name: str) -> bool:
        """True when ``name`` has a value, or is the key (filled in at send time)."""
        return name in SECRET_NAMES or self.resolve(name) is not None

    def names(self) -> list[str]:
        """Every name with a value, sorted, the key's included (for completion)."""
        found = set(SECRET_NAMES)
        for _layer, values in self.layers():
            found.update(values)
        return sorted(found)

    def values(self, *, with_key: bool = True) -> dict[str, str]:
        """One flat mapping, the winning value of each name."""
        merged: dict[str, str] = {}
        for _layer, values in reversed(self.layers()):
            merged.update(values)
        for name in SECRET_NAMES:
            merged.pop(name, None)
        if with_key and self.key:
            merged[KEY_NAME] = self.key
        return merged

    def with_tab(self, values: Mapping[str, str]) -> VariableScope:
        """This scope with ``values`` as the request's own layer."""
        return replace(self, tab=dict(values))

    def with_captured(self, values: Mapping[str, str]) -> VariableScope:
        """This scope with ``values`` added to the captured layer."""
        return replace(self, captured={**self.captured, **values})

    def unknown(self, *texts: str | None) -> list[str]:
        """The names referenced in ``texts`` that have no value here."""
        return [name for name in names_in(*texts) if not self.knows(name)]

    def fill(self, text: str, *, json_body: bool = False, with_key: bool = True) -> str:
        return substitute(text, self.values(with_key=with_key), json_body=json_body)


def unknown_names(scope: VariableScope, *texts: str | None) -> list[str]:
    return scope.unknown(*texts)


def refusal(names: Iterable[str]) -> str:
    """The sentence a refused send shows for unknown variables."""
    names = list(names)
    listed = ", ".join(f"{{{{{n}}}}}" for n in names)
    if len(names) == 1:
        return (
            f"Not sent: the variable {listed} has no value. Give it one in Variables… "
            "(this tab, the saved requests' folder or the profile), or correct its name."
        )
    return (
        f"Not sent: the variables {listed} have no value. Give them values in Variables… "
        "(this tab, the saved requests' folder or the profile), or correct their names."
    )


# -- values as data (a tab's draft, a profile, the folder's file) --------------------------------


def clean(values: object) -> dict[str, str]:
    """A ``{name: value}`` mapping as read from a file: entries with a bad name, a value that is
    not text or a secret's name are dropped."""
    if not isinstance(values, Mapping):
        return {}
    return {
        k: v
        for k, v in values.items()
        if isinstance(k, str) and is_name(k) and isinstance(v, str) and k not in SECRET_NAMES
    }


def problems(values: Mapping[str, str]) -> list[str]:
    """What is wrong with values a user typed (empty when fine), one sentence each."""
    found = []
    for name in values:
        if not is_name(name):
            found.append(
                f"“{name}” is not a variable name: use letters, digits, _ - and ., "
                "starting with a letter or _."
            )
        elif name in SECRET_NAMES:
            found.append(f"{name} is the profile's key: it is filled in at send time.")
    return found


@dataclass(frozen=True)
class VariablesRead:
    """What :func:`read_folder_file` found: the values and a sentence for the user, if any."""

    values: dict[str, str]
    problem: str | None = None
    read_only: bool = False


def folder_file(folder: Path) -> Path:
    return Path(folder) / FILE_NAME


def read_folder_file(folder: Path) -> VariablesRead:
    """The folder's ``variables.json`` (none: no values). Never raises; a damaged file is moved
    aside and said so."""
    read = storage.read_versioned_json(
        folder_file(folder), kind=KIND, current_version=SCHEMA_VERSION
    )
    if read.status is storage.ReadStatus.MISSING:
        return VariablesRead({})
    if read.data is None:
        return VariablesRead({}, read.message)
    raw = read.data.get("variables")
    values = clean(raw)
    problem = read.message
    if raw is not None and not isinstance(raw, Mapping):
        problem = f"{folder_file(folder)}: “variables” should be an object of texts."
    return VariablesRead(values, problem, read_only=read.status is storage.ReadStatus.NEWER)


def to_bytes(values: Mapping[str, str]) -> bytes:
    return storage.dump_json(
        {"kind": KIND, "schemaVersion": SCHEMA_VERSION, "variables": dict(sorted(values.items()))}
    )


def write_folder_file(folder: Path, values: Mapping[str, str]) -> None:
    """Write the folder's file atomically (secrets' names refused). Raises ``ValueError`` for a
    bad name, ``OSError`` when it cannot be written."""
    found = problems(values)
    if found:
        raise ValueError(found[0])
    storage.atomic_write_bytes(folder_file(folder), to_bytes(values))


def parse_assignment(text: str) -> tuple[str, str]:
    """``name=value`` (``--var``) as a pair; raises ``ValueError`` with a sentence."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not is_name(name):
        raise ValueError(f"--var wants name=value with a variable name, not “{text}”.")
    if name in SECRET_NAMES:
        raise ValueError(f"{name} cannot be set with --var: it is the profile's key.")
    return name, value
