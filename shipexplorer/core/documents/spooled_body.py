"""The views of a spooled body (one too big to hold), opened on a worker.

No Qt. :func:`open_spooled` completes a :class:`~.answer.Answer` whose body is in a
file (``body_file``): a :class:`~.text_source.TextSource` over the file for the Raw view and, for
JSON, the child-process :class:`~.json_document.JsonDocument` (:mod:`~.process_document`) for the
Tree view and filter, and the pretty-printed first part of the body for the Pretty view, with a
note saying so. A JSON body up to the threshold (a spooled body above
:data:`~.process_pool.POOL_THRESHOLD`) is parsed and pretty-printed by the shared worker pool
instead (:mod:`~.pooled_document`): no child of its own, and no parse in this process.
"""

from __future__ import annotations

from dataclasses import replace

from shipexplorer.api.cancel import CancelToken
from shipexplorer.core.documents.answer import (
    HTML,
    JSON,
    MARKDOWN,
    MAX_SHOWN_CHARS,
    TEXT,
    Answer,
    format_size,
)
from shipexplorer.core.documents.json_document import SPOOL_THRESHOLD
from shipexplorer.core.documents.process_document import ProcessDocument
from shipexplorer.core.documents.text_source import TextSource


def open_spooled(
    p: Answer, *, cancel: CancelToken | None = None, threshold: int | None = None
) -> Answer:
    """Open a spooled body's views (blocking: a worker): the text source over the file and, for
    JSON, the child-process document and the pretty-printed first part for the Pretty view.

    An answer without ``body_file`` (or not a text kind) is returned as it is. A JSON body
    that does not parse is shown as text, with the reason in ``shown_note``. Cancelled while
    opening: what was opened is closed and ``api.Cancelled`` raised.
    """
    if p.body_file is None or p.kind not in (JSON, TEXT, MARKDOWN, HTML):
        return p
    limit = SPOOL_THRESHOLD if threshold is None else threshold
    # the child parses the JSON while this thread indexes the lines
    pending = None
    if p.kind == JSON and p.size > limit:
        pending = ProcessDocument.begin(path=p.body_file)
    try:
        source = TextSource.from_file(p.body_file, cancel=cancel)
        p = replace(p, text_source=source)
        shown_of = f"of {format_size(p.size)}"
        if p.kind == JSON:
            try:
                if pending is not None:
                    pending, waiting = None, pending
                    document = waiting.finish(cancel)
                    text = document.value_json((), indent=2, limit=MAX_SHOWN_CHARS)
                else:  # parsed and pretty-printed by the shared worker processes
                    # imported here: the process machinery stays out of the first paint
                    from shipexplorer.core.documents.pooled_document import open_pooled

                    document, text = open_pooled(p.body_file, MAX_SHOWN_CHARS, cancel=cancel)
            except ValueError as exc:
                note = f"{exc} Shown as text; the Raw view holds all of it."
                return replace(p, kind=TEXT, body_text=_first_text(source), shown_note=note)
            p = replace(p, document=document)
            if len(text) < MAX_SHOWN_CHARS:
                return replace(p, body_text=text, truncated=False, shown_note="")
            shown = format_size(len(text.encode()))
            note = (
                f"Showing the first {shown} {shown_of}, pretty-printed; "
                "the Tree and Raw views hold all of it."
            )
            return replace(p, body_text=text, truncated=True, shown_note=note)
        text = _first_text(source)
        note = f"Showing the first {format_size(len(text.encode()))} {shown_of}; "
        note += "the Raw view holds all of it."
        return replace(p, body_text=text, truncated=True, shown_note=note)
    except BaseException:
        if pending is not None:
            pending.abandon()
        p.close()
        raise


def _first_text(source: TextSource) -> str:
    lines: list[str] = []
    size = 0
    for index in range(source.line_count()):
        lines.append(source.line(index))
        size += len(lines[-1]) + 1
        if size >= MAX_SHOWN_CHARS:
            break
    return "\n".join(lines)[:MAX_SHOWN_CHARS]


__all__ = ["open_spooled"]
