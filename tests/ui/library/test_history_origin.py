"""The history dock after real calls to the emulator: at first it lists only what the user sent;
the app's own listings and ``__dir__`` calls appear with the switch, and a spooled answer shows
its true size."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from shipexplorer.services.request_runner import RequestRunner
from shipexplorer.ui.library.history_panel import HistoryPanel
from shipexplorer.ui.library.history_table_model import METHOD, SIZE, size_text
from tests.services.test_history import make, send  # noqa: F401 (make is a fixture)


def methods(panel: HistoryPanel) -> list[str]:
    model = panel.model
    return [model.data(model.index(row, METHOD)) for row in range(model.rowCount())]


def test_the_app_s_own_calls_show_only_with_the_switch(qtbot, make):  # noqa: F811
    history, runner, explorer, _, _ = make()
    qtbot.waitUntil(lambda: explorer.instance("e") is not None, timeout=5000)
    with qtbot.waitSignal(explorer.methodsChanged, timeout=5000):
        explorer.load_methods(explorer.instance("e"))
    send(qtbot, runner, explorer, "e", "echo", '{"n": 1}')
    send(qtbot, runner, explorer, "e", "echo", '{"n": 2}')
    qtbot.waitUntil(history.idle, timeout=5000)
    panel = HistoryPanel(history)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and not panel.model.loading, timeout=5000)
    assert methods(panel) == ["POST echo", "POST echo"]
    qtbot.keyClick(panel.app_calls, Qt.Key.Key_Space)  # the switch, by the keyboard
    qtbot.waitUntil(lambda: panel.model.rowCount() > 2 and not panel.model.loading, timeout=5000)
    shown = methods(panel)
    assert "GET __dir__" in shown and "POST workspace/list" in shown
    assert "POST package/instance/list" in shown
    panel.app_calls.setChecked(False)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and not panel.model.loading, timeout=5000)
    # new calls of the app do not appear while the switch is off; the user's do
    with qtbot.waitSignal(explorer.methodsChanged, timeout=5000):
        explorer.load_methods(explorer.instance("e"), refresh=True)
    send(qtbot, runner, explorer, "e", "echo", '{"n": 3}')
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)
    qtbot.wait(300)
    assert methods(panel) == ["POST echo"] * 3


def test_a_spooled_answer_shows_its_true_size(qtbot, make, worker_pool, tmp_path):  # noqa: F811
    history, _, explorer, clients, _ = make()
    runner = RequestRunner(clients, worker_pool, spool_threshold=10_000, spool_dir=tmp_path / "sp")
    qtbot.waitUntil(lambda: explorer.instance("e") is not None, timeout=5000)
    answers: list = []
    runner.finished.connect(lambda _rid, answer: answers.append(answer))
    runner.send(explorer.instance("e"), "echo", json.dumps({"pad": "z" * 200_000}))
    qtbot.waitUntil(lambda: bool(answers), timeout=10000)
    answers[0].close()
    qtbot.waitUntil(history.idle, timeout=5000)
    panel = HistoryPanel(history)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1 and not panel.model.loading, timeout=5000)
    assert answers[0].size > 200_000
    assert panel.model.data(panel.model.index(0, SIZE)) == size_text(answers[0].size)
    assert panel.model.entry(0).response_size == answers[0].size
