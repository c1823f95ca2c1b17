"""Guards against known defects of the Qt binding that the app cannot work around."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    flag = Signal(bool)
    labelled = Signal(str, bool)


def test_emitting_bools_keeps_their_reference_counts(qapp):
    # PySide6 6.12.0 decrements True/False once per emission; on Python 3.11 the interpreter then
    # aborts ("bool_dealloc"), usually at exit. Python 3.12+ makes bools immortal (count fixed).
    emitter = _Emitter()
    received: list[bool] = []
    emitter.labelled.connect(lambda _text, value: received.append(value))
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        emitter.flag.emit(True)
        emitter.labelled.emit("x", False)
    received.clear()
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert after[0] >= before[0] - 5 and after[1] >= before[1] - 5, (before, after)
