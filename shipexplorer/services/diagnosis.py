"""What ``shipexplorer --diagnose`` prints (:func:`shipexplorer.diagnostics.report`: versions, Qt
platform, key storage verdict, folders), for the window's Help > About.

Judging the keyring may talk to D-Bus, so the text is gathered on a thread of its own and delivered
on the GUI thread by :attr:`Diagnosis.ready`. The thread emits on one relay object that lives as
long as the process, so a dialog closed while the facts are being gathered is never emitted on.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

_ids = itertools.count(1)


def diagnosis_text() -> str:
    """The ``--diagnose`` text (never a key)."""
    from shipexplorer.diagnostics import report

    return report()


class _Relay(QObject):
    """Carries (request id, text) from the gathering threads to the GUI thread."""

    done = Signal(int, str)


_relay: _Relay | None = None


def _the_relay() -> _Relay:
    """The one relay, made on first use on the GUI thread and never deleted."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


class Diagnosis(QObject):
    """Gathers the diagnosis text off the GUI thread.

    Signals:
        ready(str): the text (or, when gathering failed, a sentence saying why).
    """

    ready = Signal(str)

    def __init__(
        self, gather: Callable[[], str] = diagnosis_text, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._gather = gather
        self._waiting: set[int] = set()
        _the_relay().done.connect(self._arrived)

    def request(self) -> None:
        """Gather the text now; :attr:`ready` delivers it."""
        request_id = next(_ids)
        self._waiting.add(request_id)
        relay, gather = _the_relay(), self._gather

        def work() -> None:
            try:
                text = gather()
            except Exception as exc:  # a broken keyring backend, say: tell it, do not crash
                text = f"Could not gather the facts: {exc}"
            relay.done.emit(request_id, text)

        threading.Thread(target=work, name="diagnosis", daemon=True).start()

    @Slot(int, str)
    def _arrived(self, request_id: int, text: str) -> None:
        if request_id in self._waiting:
            self._waiting.discard(request_id)
            self.ready.emit(text)
