"""The queue of what a window builds after its first paint (ui/window_pieces.py), and the
deferred main window built on it."""

from __future__ import annotations

from PySide6.QtCore import QObject

from shipexplorer.ui.window_pieces import PieceQueue


def test_pieces_wait_then_come_one_per_turn_in_order(qtbot):
    owner = QObject()
    queue = PieceQueue(owner, deferred=True)
    done: list[str] = []
    queue.add(lambda: done.append("a"))
    queue.add(lambda: queue.add_next([lambda: done.append("b1"), lambda: done.append("b2")]))
    queue.add(lambda: done.append("c"))
    assert done == [] and not queue.is_empty()
    with qtbot.waitSignal(queue.built, timeout=5000):
        queue.build_soon()
    assert done == ["a", "b1", "b2", "c"] and queue.is_empty()
    queue.add(lambda: done.append("late"))  # once built, a piece is built at once
    assert done[-1] == "late"


def test_a_named_piece_is_built_when_asked_for_and_only_once():
    owner = QObject()
    queue = PieceQueue(owner, deferred=True)
    done: list[str] = []
    queue.add(lambda: done.append("other"))
    queue.add(lambda: queue.add_next([lambda: done.append("dock 2")], "docks"), "docks")
    queue.build_now("docks")
    assert done == ["dock 2"]
    queue.build_now("docks")
    queue.finish()
    assert done == ["dock 2", "other"]


def test_a_queue_not_deferred_builds_at_once():
    owner = QObject()
    queue = PieceQueue(owner, deferred=False)
    done: list[int] = []
    queue.add(lambda: done.append(1))
    queue.add_next([lambda: done.append(2)])
    assert done == [1, 2] and queue.is_empty()


def test_a_deferred_window_builds_its_docks_after_and_on_access(make_explorer, qtbot):
    setup = make_explorer(docks=True)
    window = setup.window
    assert window.is_built() and window.docks is not None  # the fixture's window: all at once
    from shipexplorer.ui.main_window import MainWindow

    deferred = MainWindow(
        setup.profiles,
        window._credentials,
        explorer=setup.explorer,
        runner=setup.runner,
        queries=window._queries,
        docks=window._dock_services,
        exports=window._exports,
        defer=True,
    )
    qtbot.addWidget(deferred)
    assert deferred.docks_if_built() is None and deferred.present_action is not None
    assert deferred.docks_if_built() is None  # the switch alone was built
    docks = deferred.docks  # asked for: built now, every dock
    assert docks is not None and len(docks.docks) == 3
    files = [a.text() for a in deferred._file_menu.actions()]
    assert files.index("&Save request…") < files.index("&Quit")  # above Quit, as before
    with qtbot.waitSignal(deferred.built, timeout=5000):
        deferred.build_rest_soon()
    assert deferred.is_built()
