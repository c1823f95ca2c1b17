"""Accessibility pass: every interactive control of every window and dialog has a name and a
keyboard path; every menu command has a shortcut or a mnemonic.

The rule, per widget (hidden ones included: a hidden page is shown later):

* **Interactive controls** are buttons (``QAbstractButton``: push, tool, check, radio), line
  edits, combo boxes, spin boxes, text edits (``QTextEdit``, ``QPlainTextEdit``), item views
  (tree, table, list), tab bars, sliders and key-sequence edits. The parts Qt builds inside one
  control are not controls of their own: a combo box's or spin box's line edit and popup, a line
  edit's clear button, an item view's headers, corner button and cell editors, scroll bars, a
  toolbar's overflow button, a tab bar's close buttons, a dock's title-bar buttons, and any
  popup list (a completer's, a combo box's): keys reach them through the control that owns them.
* **Named** means one of: ``accessibleName()`` is set; or, for a button, it shows text (its
  mnemonic ``&`` removed), which Qt exposes as the button's name on every platform; or a
  ``QLabel`` among the control's siblings has the control as its ``buddy()`` (what
  ``QFormLayout.addRow("Label", field)`` sets up; Qt names the control after that label), or the
  control's parent is a titled ``QGroupBox`` (Qt uses the title). A combo box's current text does
  not count, although Qt on Linux reports it as the name: it is the value, not what the box is for.
  A tab bar is named when it or its ``QTabWidget`` has an accessible name.
* **Keyboard path**: a control that takes input must accept Tab focus (its focus policy includes
  ``TabFocus``). A toolbar's button may be out of the Tab chain (Qt's own default) when its action
  has a shortcut or is also in a menu.
* **Docks** are reached by their toggle action, which must have a shortcut or be in a menu.
* **Menu commands**: every action in the menu bar's menus (and submenus) has a shortcut or a
  mnemonic (``&`` before a letter); a submenu's title has a mnemonic.

Failures list every offender with its class, objectName and parent chain, so that a widget added
anywhere (by anyone) shows up by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from shipexplorer.core.profiles import Profile
from shipexplorer.core.steamship_import import ImportCandidate, ImportScan
from shipexplorer.ui.instances.create_instance_dialog import CreateInstanceDialog
from shipexplorer.ui.profiles.import_dialog import ImportDialog
from shipexplorer.ui.profiles.profile_dialog import ProfileDialog
from tests.ui.conftest import settings_for

CONTROLS: tuple[type[QWidget], ...] = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QTextEdit,
    QPlainTextEdit,
    QAbstractItemView,
    QTabBar,
    QAbstractSlider,
    QKeySequenceEdit,
)
# Composites whose inner widgets are parts of one control, not controls of their own.
COMPOSITES: tuple[type[QWidget], ...] = (
    QComboBox,
    QAbstractSpinBox,
    QLineEdit,
    QKeySequenceEdit,
    QHeaderView,
    QAbstractItemView,  # headers, the table's corner button, cell editors
    QTabBar,  # Qt's close buttons on tabs (closing by keys is the tab widget's shortcut)
)
# Qt's own buttons on toolbars and dock title bars: the dock is reached by its toggle action.
QT_INTERNAL_NAMES = {
    "qt_toolbar_ext_button",
    "qt_menubar_ext_button",
    "qt_dockwidget_closebutton",
    "qt_dockwidget_floatbutton",
}
_MNEMONIC = re.compile(r"&[^&\s]")


def _is_part_of_composite(widget: QWidget) -> bool:
    if isinstance(widget, (QScrollBar, QHeaderView)):
        return True
    if widget.objectName() in QT_INTERNAL_NAMES:
        return True
    if widget.window().windowType() == Qt.WindowType.Popup:
        return True  # a completer's or combo box's list: keys go through the control that owns it
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, COMPOSITES):
            return True
        if parent.isWindow():
            # a combo box's popup is a window of its own, parented to the combo box
            return parent.parentWidget() is not None and _is_part_of_composite(parent)
        parent = parent.parentWidget()
    return False


def _controls(root: QWidget) -> Iterable[QWidget]:
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, CONTROLS) and not _is_part_of_composite(widget):
            yield widget


def _visible_text(button: QAbstractButton) -> str:
    return button.text().replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _buddy_text(widget: QWidget) -> str:
    parent = widget.parentWidget()
    if parent is None:
        return ""
    for child in parent.children():
        if isinstance(child, QLabel) and child.buddy() is widget and child.text().strip():
            return child.text()
    if isinstance(parent, QGroupBox):
        return parent.title()
    return ""


def is_named(widget: QWidget) -> bool:
    if widget.accessibleName().strip():
        return True
    if isinstance(widget, QAbstractButton) and _visible_text(widget):
        return True
    if isinstance(widget, QTabBar):
        owner = widget.parentWidget()
        return isinstance(owner, QTabWidget) and bool(owner.accessibleName().strip())
    return bool(_buddy_text(widget).strip())


def _action_reachable(action: QAction | None) -> bool:
    if action is None:
        return False
    if not action.shortcut().isEmpty():
        return True
    return any(isinstance(o, QMenu) for o in action.associatedObjects())


def has_keyboard_path(widget: QWidget) -> bool:
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return True
    if isinstance(widget, QToolButton):
        return _action_reachable(widget.defaultAction())
    return False


def describe(widget: QWidget) -> str:
    """``Class "objectName" (text) in Parent "name" > ...``: enough to find the widget's code."""

    def one(w: QWidget) -> str:
        cls = type(w).__name__
        qt = w.metaObject().className()
        name = f' "{w.objectName()}"' if w.objectName() else ""
        label = w.accessibleName() or (w.windowTitle() if w.isWindow() else "")
        return f"{cls}{'' if cls == qt else f'[{qt}]'}{name}" + (f" '{label}'" if label else "")

    chain = []
    parent = widget.parentWidget()
    while parent is not None:
        chain.append(one(parent))
        parent = parent.parentWidget()
    hints = []
    if isinstance(widget, QAbstractButton) and widget.toolTip():
        hints.append(f"tooltip {widget.toolTip()!r}")
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        hints.append(f"placeholder {widget.placeholderText()!r}")
    hint = f" ({'; '.join(hints)})" if hints else ""
    return f"{one(widget)}{hint} in {' > '.join(chain) or '(no parent)'}"


def offenders(root: QWidget) -> list[str]:
    found = [
        f"dock not reachable by keyboard (its toggle action has no shortcut and is in no menu): "
        f"{describe(dock)}"
        for dock in [root, *root.findChildren(QDockWidget)]
        if isinstance(dock, QDockWidget) and not _action_reachable(dock.toggleViewAction())
    ]
    for widget in _controls(root):
        problems = []
        if not is_named(widget):
            problems.append("no accessible name")
        if not has_keyboard_path(widget):
            problems.append("no keyboard focus (focus policy lacks TabFocus)")
        if problems:
            found.append(f"{', '.join(problems)}: {describe(widget)}")
    return found


def menu_offenders(window: QMainWindow) -> list[str]:
    found: list[str] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.isSeparator() or (isinstance(action, QWidgetAction) and not action.text()):
                continue
            where = f"{path} > {action.text() or '(no text)'}"
            if action.menu() is not None:
                if not _MNEMONIC.search(action.text()):
                    found.append(f"submenu without a mnemonic: {where}")
                walk(action.menu(), where)
            elif action.shortcut().isEmpty() and not _MNEMONIC.search(action.text()):
                found.append(f"no shortcut and no mnemonic: {where}")

    for action in window.menuBar().actions():
        if action.menu() is None:
            continue
        if not _MNEMONIC.search(action.text()):
            found.append(f"menu without a mnemonic: {action.text()!r}")
        walk(action.menu(), action.text())
    return found


# Offenders in modules this test's author does not own, each with the fix asked of the owner.
# The test fails on any offender not listed here, and on a listed one that no longer offends (so
# the list only shrinks): remove an entry together with its fix.
AWAITING_FIX: dict[str, str] = {}


def _fail_on(found: list[str], what: str, *, known: Iterable[str] = ()) -> None:
    known = set(known)
    new = [f for f in found if f not in AWAITING_FIX]
    fixed = [k for k in known if k not in found]
    message = []
    if new:
        message.append(f"{len(new)} {what}:\n  " + "\n  ".join(new))
    if fixed:
        message.append("fixed, so remove from AWAITING_FIX:\n  " + "\n  ".join(fixed))
    if message:
        pytest.fail("\n".join(message), pytrace=False)


def _checked(root: QWidget, minimum: int) -> list[str]:
    """The offenders under ``root``, after making sure the walk saw ``minimum`` controls."""
    count = sum(1 for _ in _controls(root))
    assert count >= minimum, f"only {count} controls found under {describe(root)}"
    return offenders(root)


# -- the rule itself can fail ------------------------------------------------------------------


def test_the_rule_catches_nameless_and_unfocusable_controls(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    QLineEdit(root).setObjectName("nameless-edit")
    icon_only = QToolButton(root)
    icon_only.setObjectName("icon-only")
    blocked = QComboBox(root)
    blocked.setAccessibleName("Blocked")
    blocked.addItem("current text is not a name")
    blocked.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    named = QLineEdit(root)
    label = QLabel("&Name", root)
    label.setBuddy(named)
    QPushButton("&Send", root)  # named by its text
    found = offenders(root)
    assert len(found) == 3, found
    assert any('QLineEdit "nameless-edit"' in f and "no accessible name" in f for f in found)
    assert any('"icon-only"' in f for f in found)
    assert any("Blocked" in f and "TabFocus" in f and "no accessible name" not in f for f in found)
    assert all("in QWidget" in f for f in found)  # the parent chain is named


def test_the_dock_rule_wants_its_toggle_action_in_a_menu(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    dock = QDockWidget("Tasks", window)
    dock.setObjectName("tasks-dock")
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    found = offenders(window)
    assert len(found) == 1 and '"tasks-dock"' in found[0], found
    window.menuBar().addMenu("&View").addAction(dock.toggleViewAction())
    assert offenders(window) == []


def test_the_menu_rule_catches_a_command_without_shortcut_or_mnemonic(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = window.menuBar().addMenu("&File")
    menu.addAction(QAction("Plain", window))
    menu.addAction(QAction("&Mnemonic", window))
    keyed = QAction("Keyed", window)
    keyed.setShortcut("Ctrl+K")
    menu.addAction(keyed)
    menu.addMenu("Sub").addAction(QAction("&Fine", window))
    found = menu_offenders(window)
    assert len(found) == 2, found
    assert any("Plain" in f for f in found) and any("Sub" in f for f in found)


# -- the app's windows and dialogs --------------------------------------------------------------


def _explorer_with_answer(qtbot, make_explorer):
    setup = make_explorer(
        instances=[("echo", "e1", None), ("greeter", "g1", None)], catalog=True, docks=True
    )
    window = setup.window
    qtbot.waitUntil(lambda: window.sidebar.select_handle("e1"), timeout=5000)
    tab = window.tabs.current()
    qtbot.waitUntil(lambda: tab.panel.method_combo.count() > 0, timeout=5000)
    tab.panel.set_method("echo")
    tab.panel.body_edit.setPlainText('{"hello": ["world", 1, {"deep": true}]}')
    window.tabs.send()
    qtbot.waitUntil(lambda: not tab.running, timeout=5000)
    window.tabs.new_tab()  # a second tab: the tab bar shows
    return setup


def test_main_window_controls_are_named_and_reachable(qtbot, make_explorer):
    setup = _explorer_with_answer(qtbot, make_explorer)
    found = _checked(setup.window, 40)
    _fail_on(found, "main-window controls fail the accessibility rule")


def test_presentation_mode_controls_are_named_and_reachable(qtbot, make_explorer):
    setup = _explorer_with_answer(qtbot, make_explorer)
    setup.window.present_action.trigger()
    mode = setup.window.presentation.mode
    assert mode is not None and mode.isVisible()
    _fail_on(_checked(mode, 5), "presentation-mode controls fail the accessibility rule")
    setup.window.present_action.trigger()


def test_main_window_menu_commands_have_shortcuts_or_mnemonics(qtbot, make_explorer):
    setup = make_explorer(docks=True)
    found = menu_offenders(setup.window)
    known = [k for k in AWAITING_FIX if k.startswith("no shortcut and no mnemonic: &File")]
    _fail_on(found, "menu commands fail the keyboard rule", known=known)


def test_profile_dialog_controls_are_named_and_reachable(qtbot, make_explorer):
    setup = make_explorer()
    setup.window.open_profiles()
    dialog = setup.window.findChild(ProfileDialog)
    assert dialog is not None
    dialog.new_profile()
    _fail_on(_checked(dialog, 15), "profile-dialog controls fail the accessibility rule")


def test_import_dialog_controls_are_named_and_reachable(qtbot, make_explorer, emulator):
    setup = make_explorer()
    profile = Profile("imported", settings_for(emulator))
    scan = ImportScan([ImportCandidate(profile, None, "~/.steamship.json")], ["a problem"])
    dialog = ImportDialog(scan, setup.profiles, setup.window)
    dialog.show()
    _fail_on(_checked(dialog, 3), "import-dialog controls fail the accessibility rule")


def test_create_instance_dialog_controls_are_named_and_reachable(qtbot, make_explorer):
    setup = make_explorer(catalog=True)
    setup.window.open_create_instance()
    dialog = setup.window.findChild(CreateInstanceDialog)
    assert dialog is not None
    combo = dialog.package_combo
    qtbot.waitUntil(lambda: combo.findText("greeter") >= 0, timeout=5000)
    combo.setCurrentIndex(combo.findText("greeter"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: dialog.config_form.field("greeting") is not None, timeout=5000)
    found = _checked(dialog, 10)
    dialog.config_form.set_raw_mode(True)  # the raw JSON editor too
    found += [f for f in offenders(dialog) if f not in found]
    _fail_on(found, "create-instance-dialog controls fail the accessibility rule")


def test_every_top_level_window_left_open_is_checked_too(qtbot, make_explorer):
    """Windows the app opens by itself, parented or not, are walked as well (only those opened
    during this test: a window another test left behind is not this test's business)."""
    before = set(QApplication.topLevelWidgets())
    setup = _explorer_with_answer(qtbot, make_explorer)
    setup.window.open_profiles()
    setup.window.open_create_instance()
    found = []
    for top in set(QApplication.topLevelWidgets()) - before:
        if top.isVisible() and not isinstance(top, QMenu):
            found += offenders(top)
    _fail_on(sorted(set(found)), "controls in open windows fail the accessibility rule")


def test_the_text_areas_are_not_mistaken_for_composites(qtbot):
    # QTextEdit and QPlainTextEdit are scroll areas: their viewport is not a control, they are.
    root = QWidget()
    qtbot.addWidget(root)
    edit = QPlainTextEdit(root)
    assert isinstance(edit, QAbstractScrollArea)
    assert [type(w) for w in _controls(root)] == [QPlainTextEdit]
