"""What the request-body editor and the method form ask about a body, over the one body parser.

Thin functions over :mod:`~shipexplorer.core.documents.json_body`, so widgets hold no parsing or
shaping of their own: the check (the same parser :meth:`~.request_runner.RequestRunner.send`
refuses a body with), Format and Minify, Insert skeleton, completion at the cursor, argument
warnings, and which arguments a form field can hold. They run on the caller's thread: the editor
calls them for bodies small enough to check while typing (debounced), or when the user asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shipexplorer.api.methods import ArgSpec, MethodSpec
from shipexplorer.core import variables
from shipexplorer.core.documents import json_body
from shipexplorer.core.documents.json_body import BodyProblem, Completion

#: the argument kinds a form field can hold (text, numbers, true/false, one of a list)
FORM_KINDS = (*json_body.SIMPLE_TYPES, "enum")


def check_body(
    text: str, verb: str | None = None, values: Mapping[str, str] | None = None
) -> tuple[Any, BodyProblem | None]:
    """``(value, None)`` for a valid body (blank means ``{}``), else ``(None, problem)`` with the
    message a refused Send would give ("line L, column C: message"). With ``values``, the body
    is checked with its ``{{variables}}`` filled in (a name without a value as ``0``: Send
    refuses it anyway, naming it)."""
    if values is not None and "{{" in text:
        names = variables.names_in(text)
        filler = {name: "0" for name in names}
        filler.update({k: v for k, v in values.items() if k in filler})
        text = variables.substitute(text, filler, json_body=True)
    return json_body.check(text, verb)


def format_body(text: str) -> str:
    """``text`` pretty-printed (indent 2, keys in their order); ``ValueError`` when not JSON."""
    return json_body.format_json(text)


def minify_body(text: str) -> str:
    """``text`` without any space; ``ValueError`` when not JSON."""
    return json_body.minify_json(text)


def pretty_body(value: Any) -> str:
    """``value`` as the editor shows a body: indented by 2, non-ASCII kept."""
    return json_body.pretty(value)


def with_skeleton(text: str, spec: MethodSpec) -> str:
    """``text`` with every argument of ``spec``: the missing ones are added to a valid object with
    a typed placeholder; any other body (not JSON, not an object) gives way to the skeleton."""
    value, problem = json_body.check(text)
    filled = dict(value) if problem is None and isinstance(value, dict) else {}
    for arg in spec.args:
        filled.setdefault(arg.name, json_body.placeholder(arg))
    return json_body.pretty(filled)


def completion_at(text: str, offset: int, spec: MethodSpec | None) -> Completion:
    """What to offer at ``offset`` (a ``str`` index) of ``text`` for ``spec``."""
    return json_body.complete(text, offset, spec)


def body_warnings(value: Any, spec: MethodSpec | None) -> list[str]:
    """Hints about a valid body's arguments for ``spec`` (never reasons to refuse it)."""
    return json_body.warnings(value, spec)


def form_kind(arg: ArgSpec) -> str | None:
    """The kind of field (one of :data:`FORM_KINDS`) that holds ``arg``; None when no simple
    field can (a list, an object, an unknown type)."""
    kind = json_body.base_type(arg)[0]
    return kind if kind in FORM_KINDS else None
