"""Demos (recipes), and errors and progress in plain words for an audience.

A *demo* (a recipe) is a saved request marked for demo mode. Its ``presentation`` is
``{"title", "description"}`` and, optionally, ``"examples"`` (a JSON text: a list of objects, the
example inputs the presenter clicks to fill the form; ``"exampleNames"``, a JSON list of their
captions), ``"layout"`` (``"chat"`` for a transcript
and an input line, else a form) and ``"labels"`` (a JSON text: argument name to plain label).
Every value stays a string, so files written here still load in older versions, and old files
(title and description only) load here. :func:`recipes_from` lists them from a saved-requests
snapshot and :func:`mark_as_recipe` marks one. :func:`plain_error`, :func:`plain_failure` and
:func:`strip_technical` turn an error answer's text or a task's messages into sentences without
addresses, ids, codes, headers, tracebacks or argument names. Pure Python apart from the store it
is handed; no widgets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from shipexplorer.core.saved_files import RequestSpec, Snapshot

FORM, CHAT = "form", "chat"
#: the most example inputs kept for one demo
MAX_EXAMPLES = 8
#: argument names a chat demo types its question into, in order of preference
CHAT_ARGUMENTS = ("prompt", "question", "message", "query", "text")


@dataclass(frozen=True)
class Recipe:
    """A saved request shown in demo mode: ``rel`` is its file in the saved folder;
    ``examples`` the example inputs (objects), ``layout`` :data:`FORM` or :data:`CHAT`,
    ``labels`` plain labels for argument names."""

    rel: str
    title: str
    description: str
    spec: RequestSpec
    examples: tuple[dict[str, Any], ...] = ()
    layout: str = FORM
    labels: tuple[tuple[str, str], ...] = ()
    example_names: tuple[str, ...] = ()

    def label(self, name: str) -> str:
        """The plain label of argument ``name`` (see :func:`field_label`)."""
        return field_label(name, dict(self.labels))

    @property
    def instance(self) -> str:
        return self.spec.instance or ""

    @property
    def method(self) -> str:
        return self.spec.method.lstrip("/")

    @property
    def subtitle(self) -> str:
        """``"greeter · greet"``: what the recipe calls, in words the audience may see."""
        return " · ".join(part for part in (self.instance, self.method) if part)


def recipes_from(snapshot: Snapshot | None) -> list[Recipe]:
    """The recipes of a saved-requests snapshot, in the folder's order (broken files skipped)."""
    found: list[Recipe] = []
    for entry in snapshot.entries if snapshot is not None else ():
        spec = entry.spec
        if spec is None or spec.presentation is None:
            continue
        found.append(recipe_of(entry.rel, spec, PurePosixPath(entry.rel).stem))
    return found


def recipe_of(rel: str, spec: RequestSpec, fallback_title: str = "") -> Recipe:
    """The :class:`Recipe` of a saved request marked for demos (whatever its ``presentation``
    holds: unknown keys are ignored, broken examples or labels are left out). Never raises."""
    shown: Mapping[str, Any] = spec.presentation or {}
    title = _text(shown.get("title")).strip() or spec.name or fallback_title
    layout = CHAT if _text(shown.get("layout")).strip().lower() == CHAT else FORM
    labels = parse_labels(_text(shown.get("labels")))
    return Recipe(
        rel,
        title,
        _text(shown.get("description")).strip(),
        spec,
        parse_examples(_text(shown.get("examples"))),
        layout,
        tuple(sorted(labels.items())),
        parse_names(_text(shown.get("exampleNames"))),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_list(text: str) -> list[Any]:
    """The JSON list ``text`` holds; [] for an empty text, bad JSON or anything but a list."""
    try:
        value = json.loads(text) if text and text.strip() else []
    except (ValueError, RecursionError):
        return []
    return value if isinstance(value, list) else []


def parse_examples(text: str) -> tuple[dict[str, Any], ...]:
    """The example inputs a recipe's ``examples`` text holds: the objects of a JSON list (other
    items, and anything past :data:`MAX_EXAMPLES`, left out); () for anything else."""
    return tuple(item for item in _json_list(text) if isinstance(item, dict))[:MAX_EXAMPLES]


def encode_examples(examples: Iterable[Mapping[str, Any]]) -> str:
    """Example inputs as the recipe stores them (a JSON text; "" for none)."""
    kept = [dict(item) for item in examples][:MAX_EXAMPLES]
    return json.dumps(kept, ensure_ascii=False) if kept else ""


def parse_names(text: str) -> tuple[str, ...]:
    """A recipe's ``exampleNames`` text as captions (texts only; () for anything else)."""
    names = (item.strip() if isinstance(item, str) else "" for item in _json_list(text))
    return tuple(names)[:MAX_EXAMPLES]


def parse_labels(text: str) -> dict[str, str]:
    """A recipe's ``labels`` text as ``{argument: label}`` (texts only; {} for anything else)."""
    try:
        value = json.loads(text) if text and text.strip() else {}
    except (ValueError, RecursionError):
        return {}
    if not isinstance(value, dict):
        return {}
    return {k: v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}


def field_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A plain label for argument ``name``: the recipe's own, else the name in words
    (``image_size`` reads "Image size", ``contextId`` "Context id")."""
    if labels and labels.get(name):
        return labels[name]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").replace("-", " ")
    words = " ".join(words.split()).lower()
    return words[:1].upper() + words[1:] if words else name


def chat_argument(names: Iterable[str]) -> str | None:
    """Which of a method's argument ``names`` a chat demo types into (None: no chat)."""
    present = list(names)
    return next((name for name in CHAT_ARGUMENTS if name in present), None)


def as_recipe(
    spec: RequestSpec,
    title: str,
    description: str = "",
    *,
    examples: Iterable[Mapping[str, Any]] | None = None,
    layout: str | None = None,
    labels: Mapping[str, str] | None = None,
    example_names: Iterable[str] | None = None,
) -> RequestSpec:
    """``spec`` marked for demos (a blank title means the request's name). Examples, layout and
    labels it had are kept unless new ones are given."""
    shown = {k: v for k, v in (spec.presentation or {}).items() if isinstance(v, str)}
    shown.update({"title": title.strip() or spec.name, "description": description.strip()})
    if examples is not None:
        shown["examples"] = encode_examples(examples)
    if layout is not None:
        shown["layout"] = CHAT if layout == CHAT else FORM
    if example_names is not None:
        names = [str(name) for name in example_names][:MAX_EXAMPLES]
        shown["exampleNames"] = json.dumps(names, ensure_ascii=False) if any(names) else ""
    if labels is not None:
        shown["labels"] = json.dumps(dict(labels), ensure_ascii=False) if labels else ""
    return replace(spec, presentation={k: v for k, v in shown.items() if v or k == "description"})


def mark_as_recipe(
    store: Any,
    spec: RequestSpec,
    title: str,
    description: str = "",
    *,
    rel: str | None = None,
    examples: Iterable[Mapping[str, Any]] | None = None,
) -> str:
    """Mark a saved request for demos; returns its ``rel``.

    With ``rel`` the file there is rewritten (``store.overwrite``); without it ``spec`` is saved as
    a new request (``store.save``). Raises what the store raises (``SavedRequestError``).
    """
    marked = as_recipe(spec, title, description, examples=examples)
    return store.overwrite(rel, marked) if rel else store.save(marked)


def unmark_recipe(store: Any, rel: str, spec: RequestSpec) -> str:
    """Take a saved request out of presentation mode (the request itself stays)."""
    return store.overwrite(rel, replace(spec, presentation=None))


# -- plain words --------------------------------------------------------------------------------

_URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"')\]]*", re.IGNORECASE)
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
# A long token that mixes letters and digits reads as an id or a key, never as a word.
_TOKEN = re.compile(r"\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}\b")
_HOST_PORT = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\blocalhost:\d+\b", re.I)
_TECH_LINE = re.compile(
    r"^\s*(?:(?:Request|Code|Location|Task id|State|Retry after)\s*:|HTTP \d|Body as received|"
    r"File \"|> |< |[A-Za-z-]+:\s*Bearer)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t]{2,}")

#: the API layer's error titles as a sentence for an audience
_HEADLINES = {
    "cancelled": "The run was stopped.",
    "connection refused": "The service could not be reached.",
    "could not connect": "The service could not be reached.",
    "host name not found": "The service could not be reached.",
    "network error": "The connection to the service failed.",
    "connection dropped": "The connection to the service was lost.",
    "TLS error": "A secure connection to the service could not be made.",
    "insecure connection refused": "A secure connection to the service could not be made.",
    "timeout": "The service took too long to answer.",
    "connect timeout": "The service took too long to answer.",
    "read timeout": "The service took too long to answer.",
    "write timeout": "The service took too long to answer.",
    "deadline exceeded": "The service took too long to answer.",
    "no free connection": "Too much is running at once.",
    "rate limited": "The service is busy: too many requests right now.",
    "server error": "The service reported a problem.",
    "HTTP error": "The service reported a problem.",
    "task failed": "The job failed.",
    "redirect not followed": "The service answered from another address.",
    "inconsistent response": "The service's answer could not be understood.",
    "display error": "The answer could not be shown.",
}
GENERIC_HEADLINE = "Something went wrong."


@dataclass(frozen=True)
class PlainError:
    """An error for an audience: a headline, what happened and what to do, in sentences."""

    headline: str
    message: str = ""
    suggestion: str = ""

    def text(self) -> str:
        return "\n".join(part for part in (self.headline, self.message, self.suggestion) if part)


def strip_technical(text: str) -> str:
    """``text`` without addresses, ids, long tokens, tracebacks or protocol lines."""
    kept: list[str] = []
    for line in (text or "").splitlines():
        if line.lstrip().startswith("Traceback"):
            break  # all that follows is the stack
        if _TECH_LINE.match(line):
            continue
        line = _URL.sub("", line)
        line = _UUID.sub("", line)
        line = _TOKEN.sub("", line)
        line = _HOST_PORT.sub("", line)
        line = _SPACES.sub(" ", line).strip()
        line = re.sub(r"\s+([.,;:!?])", r"\1", line)
        line = re.sub(r"\(\s*\)|\[\s*\]|“\s*”|\"\s*\"", "", line).strip()
        if line and any(ch.isalnum() for ch in line):
            kept.append(line)
    return "\n".join(kept)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def plain_error(error_title: str | None, body_text: str = "", *, max_lines: int = 3) -> PlainError:
    """An error answer's title and text in plain words (see :class:`PlainError`).

    Lines "Suggestion: …" and "What to check: …" become the suggestion; request lines, codes,
    headers and bodies are left out; what remains is cut to ``max_lines`` lines.
    """
    title = (error_title or "").strip()
    headline = _HEADLINES.get(title) or _HEADLINES.get(title.lower()) or GENERIC_HEADLINE
    message: list[str] = []
    suggestion: list[str] = []
    for line in (body_text or "").splitlines():
        stripped = line.strip()
        if stripped.lower().startswith("body as received") or stripped.startswith("Traceback"):
            break
        lower = stripped.lower()
        for prefix in ("suggestion:", "what to check:"):
            if lower.startswith(prefix):
                suggestion.append(stripped[len(prefix) :].strip())
                break
        else:
            if stripped.startswith(("Unexpected error (", "Could not show the answer (")):
                continue  # a bug's type name means nothing to an audience
            message.append(stripped)
    clean_message = strip_technical("\n".join(message)).splitlines()[:max_lines]
    clean_suggestion = strip_technical("\n".join(suggestion)).splitlines()[:max_lines]
    return PlainError(
        headline,
        " ".join(_sentence(line) for line in clean_message),
        " ".join(_sentence(line) for line in clean_suggestion),
    )


#: what a presenter can try when the package's own advice is for developers
TRY_AGAIN = "Try it again, or pick another example."
_ASSIGNMENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\s*=")
_CODEISH = re.compile(r"`|\{|\}|\b[a-z]+_[a-z_]+\b|\b[a-z]+[A-Z][A-Za-z]*\b")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")


def _speaks_code(sentence: str, names: Iterable[str]) -> bool:
    """Whether a sentence names an argument, sets one (``fail=false``) or reads as code."""
    if _ASSIGNMENT.search(sentence) or _CODEISH.search(sentence):
        return True
    lower = sentence.lower()
    return any(re.search(rf"\b{re.escape(name.lower())}\b", lower) for name in names if name)


def for_audience(text: str, names: Iterable[str] = ()) -> str:
    """``text`` without technical lines (:func:`strip_technical`) and without the sentences that
    name one of the arguments ``names``, set one or read as code."""
    names = list(names)
    kept = [
        sentence
        for line in strip_technical(text).splitlines()
        for sentence in _SENTENCES.split(line)
        if sentence.strip() and not _speaks_code(sentence, names)
    ]
    return " ".join(_sentence(sentence) for sentence in kept)


def plain_failure(message: str, suggestion: str, names: Iterable[str] = ()) -> PlainError:
    """A failed job for an audience: what happened and what the presenter can try, with no
    argument name in either (a package's "Start it again with fail=false" becomes
    :data:`TRY_AGAIN`)."""
    names = list(names)
    said = for_audience(message, names)
    advice = for_audience(suggestion, names)
    return PlainError("The job did not finish.", said, advice or TRY_AGAIN)


def body_summary(body_text: str, *, max_lines: int = 12) -> str:
    """A saved body as "name: value" lines for a method without a form (never raw JSON for an
    object); other bodies as short indented JSON, or the text itself."""
    try:
        value = json.loads(body_text) if body_text.strip() else {}
    except (ValueError, RecursionError):
        lines = body_text.splitlines()
    else:
        if isinstance(value, dict):
            if not value:
                return "No inputs."
            lines = [
                f"{key}: {item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)}"
                for key, item in value.items()
            ]
        else:
            lines = json.dumps(value, indent=2, ensure_ascii=False).splitlines()
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"… and {len(lines) - max_lines} more lines"]
    return "\n".join(line if len(line) <= 200 else line[:199] + "…" for line in lines)
