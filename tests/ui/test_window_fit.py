"""The window fits the screen it opens on (1280x720 and up), whatever the docks do.

Issue 13: the window opened 998 px tall on any screen (a dock's minimum size forced it), grew to
1175 px when a failed task was selected (word-wrapped failure texts), the body editor was one line
tall and no splitter moved (every pane was held at its minimum). Here the full window (docks, an
answer, a failed task) is fitted to a 1280x720 and a 1366x768 screen area and checked: its frame
is inside the area, no visible widget is below its minimum size or outside the window, each dock
state leaves the window's size alone, the body editor shows several lines and every splitter can
move both ways. A last test starts the app itself in a child process on an offscreen screen of
each size, with a saved geometry bigger than the screen and off it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QDockWidget,
    QLayout,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from shipexplorer.core.window_state import WindowState
from shipexplorer.ui.main_window import DEFAULT_SIZE
from shipexplorer.ui.widgets.screen_fit import clamp_rect
from shipexplorer.ui.widgets.splitter_sizes import editor_height
from tests.ui.test_explorer_window import _fill, _ready, _send

SCREENS = {"1280x720": QRect(0, 0, 1280, 720), "1366x768": QRect(0, 0, 1366, 768)}
#: the body editor shows at least this many lines at 1280x720
EDITOR_LINES = 6
#: a failure text long enough to wrap over many lines in the task detail
LONG = "The slow job failed on purpose after its second step, as the request asked. " * 12


def _settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def _effective_minimum(widget: QWidget) -> QSize:
    """The size a layout keeps ``widget`` at, at least: an explicit minimum, else the minimum
    size hint (nothing in a direction whose policy is Ignored)."""
    hint, explicit, policy = widget.minimumSizeHint(), widget.minimumSize(), widget.sizePolicy()
    ignored = QSizePolicy.Policy.Ignored
    width = explicit.width() or (
        0 if policy.horizontalPolicy() == ignored else max(0, hint.width())
    )
    height = explicit.height() or (
        0 if policy.verticalPolicy() == ignored else max(0, hint.height())
    )
    return QSize(width, height)


def _scrolled(widget: QWidget, window: QWidget) -> bool:
    """Inside a scroll area's viewport: may lie outside what shows (scrolled away)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and grand.viewport() is parent:
            return True
        parent = grand
    return False


def _name(widget: QWidget) -> str:
    chain = []
    while widget is not None:
        label = widget.accessibleName() or widget.objectName()
        chain.append(type(widget).__name__ + (f" '{label}'" if label else ""))
        widget = widget.parentWidget()
    return " < ".join(chain[:5])


def _in_layout(layout: QLayout | None, widget: QWidget) -> bool:
    if layout is None:
        return False
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item.widget() is widget or _in_layout(item.layout(), widget):
            return True
    return False


def _laid_out(widget: QWidget) -> bool:
    """Placed by a layout or a splitter (which keep it at its minimum at least), or a dock;
    not a part a control places itself (a combo box's line edit, a table's header)."""
    parent = widget.parentWidget()
    return (
        isinstance(parent, QSplitter)
        or isinstance(widget, QDockWidget)
        or (parent is not None and _in_layout(parent.layout(), widget))
    )


def _tabbed_away(window: QWidget) -> list[QWidget]:
    """Docks behind another dock's tab (QMainWindow moves them out of sight, still "visible")."""
    if not isinstance(window, QMainWindow):
        return []
    return [
        dock
        for dock in window.findChildren(QDockWidget)
        if window.tabifiedDockWidgets(dock) and dock.visibleRegion().isEmpty()
    ]


def clipped(window: QWidget) -> list[str]:
    """Every visible widget of ``window`` (not of its floating docks) that is smaller than its
    minimum, empty, or not inside the window."""
    found = []
    area = window.rect()
    away = _tabbed_away(window)
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if any(dock is widget or dock.isAncestorOf(widget) for dock in away):
            continue
        size = widget.size()
        if _laid_out(widget):
            minimum = _effective_minimum(widget)
            if size.width() < minimum.width() or size.height() < minimum.height():
                found.append(f"{_name(widget)}: {size.toTuple()} < minimum {minimum.toTuple()}")
            elif size.isEmpty():
                found.append(f"{_name(widget)}: empty {size.toTuple()}")
        if not _scrolled(widget, window):
            rect = QRect(widget.mapTo(window, QPoint(0, 0)), size)
            if not area.contains(rect):
                found.append(f"{_name(widget)}: {rect.getRect()} outside {area.getRect()}")
    return found


def assert_fits(window: QMainWindow, screen: QRect, what: str) -> None:
    frame = window.frameGeometry()
    assert screen.contains(frame), f"{what}: frame {frame.getRect()} not in {screen.getRect()}"
    hint = window.minimumSizeHint()
    assert hint.width() <= screen.width() and hint.height() <= screen.height(), (
        f"{what}: the window's minimum {hint.toTuple()} exceeds {screen.size().toTuple()}"
    )
    problems = clipped(window)
    assert not problems, f"{what}: clipped widgets:\n  " + "\n  ".join(problems)


def _splitters_move(window: QMainWindow) -> list[str]:
    """Every visible splitter of the window whose handle cannot move both ways."""
    stuck = []
    for splitter in window.findChildren(QSplitter):
        if not splitter.isVisible() or splitter.window() is not window or splitter.count() < 2:
            continue
        for index in range(1, splitter.count()):
            low, high = splitter.getRange(index)
            position = splitter.handle(index).pos()
            at = position.x() if splitter.orientation().name == "Horizontal" else position.y()
            if not (low < at < high):
                stuck.append(
                    f"{splitter.objectName() or _name(splitter)} handle {index}: at {at}, "
                    f"range {low}..{high}, sizes {splitter.sizes()}"
                )
    return stuck


def _open_on(window: QMainWindow, screen: QRect) -> None:
    """What the window does on a screen whose available area is ``screen``: its default size
    there, fitted in, the docks at their share."""
    window.resize(DEFAULT_SIZE.boundedTo(screen.size()))
    window.fit_to_screen(screen)
    window.docks.start_small()


@pytest.fixture
def failed_task_setup(qtbot, make_explorer):
    """A window with its docks, an answer in the current tab and a failed task."""
    setup = make_explorer(instances=[("slow-job", "s", None), ("echo", "e", None)], docks=True)
    tab = _ready(qtbot, setup, "s")
    _fill(tab, "start", json.dumps({"seconds": 0.2, "steps": 1, "fail": True}))
    _send(qtbot, setup)
    tracker = setup.docks.tracker
    qtbot.waitUntil(lambda: any(t.state == "failed" for t in tracker.tasks()), timeout=15_000)
    return setup


@pytest.mark.parametrize("size", sorted(SCREENS))
def test_the_window_and_every_dock_state_fit_the_screen(qtbot, failed_task_setup, size):
    setup, screen = failed_task_setup, SCREENS[size]
    window = setup.window
    _open_on(window, screen)
    _settle(qtbot)
    assert_fits(window, screen, "at the start")
    start = window.size()
    docks = window.docks.docks
    shown = [d for d in docks if d.isVisible() and d not in _tabbed_away(window)]
    assert len(shown) == 1 and not shown[0].isFloating(), "the docks start tabbed together"
    area = shown[0].height()
    assert area <= window.height() * 0.3, f"the docks take {area} of {window.height()} px"
    assert not _splitters_move(window), _splitters_move(window)

    # a failed task with long texts selected in the task panel
    panel = window.docks.task_panel
    failed = next(t for t in setup.docks.tracker.tasks() if t.state == "failed")
    failed.status_message, failed.status_suggestion = LONG, LONG
    assert panel.select_task(failed.task_id)
    panel.detail.show_task(failed)
    assert panel.detail.failure_box.isVisibleTo(panel.detail)
    _settle(qtbot)
    assert window.size() == start, "selecting a failed task resized the window"
    assert_fits(window, screen, "a failed task selected")

    # each dock floating, then closed, then back
    for dock in docks:
        for state in ("floating", "closed"):
            if state == "floating":
                dock.show()
                dock.setFloating(True)
            else:
                dock.setFloating(False)
                dock.close()
            _settle(qtbot)
            assert window.size() == start, f"{dock.windowTitle()} {state} resized the window"
            assert_fits(window, screen, f"{dock.objectName()} {state}")
        dock.show()
        _settle(qtbot)
    # every dock shown, tabbed again in the bottom area
    for dock in docks[1:]:
        window.tabifyDockWidget(docks[0], dock)
    _settle(qtbot)
    assert all(d.isVisible() or window.tabifiedDockWidgets(d) for d in docks)
    assert window.size() == start
    assert_fits(window, screen, "all docks tabbed")


def test_the_body_editor_shows_several_lines_at_1280x720(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)], docks=True)
    window = setup.window
    tab = _ready(qtbot, setup, "e")
    _open_on(window, SCREENS["1280x720"])
    _settle(qtbot)
    editor = tab.panel.body_edit
    needed = editor_height(editor, EDITOR_LINES)
    assert editor.height() >= needed, f"the editor is {editor.height()} px, {needed} needed"
    assert tab.response.height() >= tab.response.minimumSizeHint().height()
    assert not _splitters_move(window), _splitters_move(window)
    # a new tab starts the same way
    second = window.tabs.new_tab()
    _settle(qtbot)
    assert second.panel.body_edit.height() >= needed


@pytest.mark.parametrize(
    ("geometry", "what"),
    [
        (QRect(0, 0, 2400, 1600), "bigger than the screen"),
        (QRect(3000, 2000, 900, 600), "off the screen"),
        (QRect(-700, -400, 1000, 700), "half off the screen"),
    ],
)
def test_a_restored_geometry_is_clamped_to_the_screen(qtbot, make_explorer, geometry, what):
    setup = make_explorer(docks=True)
    window = setup.window
    state = WindowState(geometry=WindowState.encode(geometry_blob(geometry)))
    screen = SCREENS["1280x720"]
    window.restore_state(state, available=screen)
    _settle(qtbot)
    assert screen.contains(window.frameGeometry()), (what, window.frameGeometry().getRect())
    assert_fits(window, screen, what)


def geometry_blob(frame: QRect, screen_width: int = 2560) -> bytes:
    """What ``QWidget.saveGeometry()`` (format 3.0) writes for a window with this frame on a
    screen ``screen_width`` wide: a saved geometry from a bigger screen, made by hand (a window
    here could not be given it: the platform keeps windows on its screen)."""
    data = QByteArray()
    stream = QDataStream(data, QIODevice.OpenModeFlag.WriteOnly)
    stream.setVersion(QDataStream.Version.Qt_4_0)
    stream.writeUInt32(0x1D9D0CB)
    stream.writeUInt16(3)
    stream.writeUInt16(0)
    for rect in (frame, frame):  # the frame and the normal geometry
        stream << rect
    stream.writeInt32(0)  # the screen number
    stream.writeUInt8(0)  # not maximized
    stream.writeUInt8(0)  # not full screen
    stream.writeInt32(screen_width)
    stream << frame  # the geometry
    return bytes(data.data())


def test_the_blob_is_what_qt_reads(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    width = QApplication.primaryScreen().geometry().width()
    assert widget.restoreGeometry(QByteArray(geometry_blob(QRect(10, 20, 300, 200), width)))
    assert widget.size() == QSize(300, 200)


def test_clamp_rect_shrinks_and_moves_in():
    screen = QRect(0, 30, 1280, 690)
    assert clamp_rect(QRect(100, 100, 800, 600), screen) == QRect(100, 100, 800, 600)
    assert clamp_rect(QRect(0, 0, 1100, 998), screen) == QRect(0, 30, 1100, 690)
    assert clamp_rect(QRect(900, 500, 800, 600), screen) == QRect(480, 120, 800, 600)
    assert clamp_rect(QRect(-50, -50, 3000, 3000), screen) == screen


def test_the_clip_rule_catches_squeezed_and_outlying_widgets(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(400, 300)
    holder = QWidget(window)  # placed by hand, so nothing stops it from being too small
    layout = QVBoxLayout(holder)
    tall = QWidget(holder)
    tall.setObjectName("tall")
    tall.setMinimumHeight(900)
    layout.addWidget(tall)
    holder.setGeometry(0, 0, 200, 200)
    outlying = QWidget(window)
    outlying.setObjectName("outlying")
    outlying.setGeometry(350, 250, 100, 100)
    window.show()
    _settle(qtbot)
    found = clipped(window)
    assert any("'tall'" in f for f in found), found  # the layout lets it spill out, not shrink
    assert any("'outlying'" in f and "outside" in f for f in found), found
    holder.setGeometry(0, 0, 200, 1000)
    outlying.setGeometry(0, 0, 10, 10)
    window.resize(400, 1100)
    _settle(qtbot)
    assert clipped(window) == []


# -- the app itself on an offscreen screen of each size ----------------------------------------

_CHILD = textwrap.dedent(
    """
    import json, os, sys
    from PySide6.QtCore import QRect, QTimer
    from PySide6.QtWidgets import QApplication
    from shipexplorer import app

    qt = QApplication([sys.argv[0]])
    context = app.AppContext()
    services = app.build_services(context)
    window = app.build_window(context, services)
    if sys.argv[1] == "save-big":  # a geometry saved on a bigger screen, partly off this one
        from shipexplorer.core.window_state import WindowState, WindowStateStore
        from shipexplorer.services import paths
        blob = bytes.fromhex(sys.argv[2])
        WindowStateStore(paths.window_state_file()).save(
            WindowState(geometry=WindowState.encode(blob))
        )
        os._exit(0)
    window.show()
    def report():
        tab = window.tabs.current()
        frame = window.frameGeometry()
        print(json.dumps({
            "frame": frame.getRect(),
            "available": window.screen().availableGeometry().getRect(),
            "editor": tab.panel.body_edit.height(),
            "line": tab.panel.body_edit.fontMetrics().lineSpacing(),
            "docks": max(d.height() for d in window.docks.docks if d.isVisible()),
        }))
        qt.quit()
    QTimer.singleShot(600, report)
    qt.exec()
    sys.stdout.flush()
    os._exit(0)  # a measurement only: no need to wait for the services' jobs
    """
)


@pytest.mark.parametrize("size", sorted(SCREENS))
def test_the_app_opens_inside_an_offscreen_screen_of_that_size(tmp_path, size):
    screen = SCREENS[size]
    config = tmp_path / "screens.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "fit",
                        "x": 0,
                        "y": 0,
                        "width": screen.width(),
                        "height": screen.height(),
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "SHIPEXPLORER_HOME": str(tmp_path / "home"),
    }
    big = geometry_blob(QRect(-300, 200, 2400, 1500))
    for run in ("open", "save-big", "open again"):
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, run.split()[0], big.hex()],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        if run == "save-big":
            continue
        facts = json.loads(done.stdout.strip().splitlines()[-1])
        available = QRect(*facts["available"])
        assert available == screen, facts
        assert available.contains(QRect(*facts["frame"])), (run, facts)
        assert facts["docks"] <= screen.height() * 0.3, facts
        assert facts["editor"] >= 5 * facts["line"], facts
