"""Help menu: "Keyboard shortcuts" (F1) lists every key from the window's own actions, so it never
goes stale; "About shipexplorer" shows the version and what ``--diagnose`` prints. Both dialogs
fit 1280x720, name their controls and close with Esc."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from shipexplorer import __version__
from shipexplorer.diagnostics import report
from shipexplorer.ui.help.about_dialog import AboutDialog
from shipexplorer.ui.help.shortcuts_dialog import ShortcutsDialog, shortcut_rows
from tests.ui.test_accessibility import offenders

SMALL_SCREEN = QRect(0, 0, 1280, 720)


def _active(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


def _fits_and_closes_with_esc(qtbot, dialog) -> None:
    assert dialog.isVisible()
    frame = dialog.frameGeometry()
    assert frame.width() <= SMALL_SCREEN.width() and frame.height() <= SMALL_SCREEN.height()
    assert dialog.minimumSizeHint().height() <= SMALL_SCREEN.height()
    assert dialog.accessibleName()
    assert offenders(dialog) == []
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def test_the_help_menu_has_both_commands(qtbot, make_explorer):
    window = make_explorer(docks=True).window
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[-1] == "&Help"
    texts = [a.text() for a in window.help_menu.actions() if not a.isSeparator()]
    assert texts == ["&Keyboard shortcuts", "&About shipexplorer"]
    assert window.shortcuts_action.shortcut() == QKeySequence(Qt.Key.Key_F1)


def test_f1_lists_every_key_of_the_menus_and_panels(qtbot, make_explorer):
    setup = make_explorer(instances=[("echo", "e", None)], docks=True)
    window = setup.window
    _active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    listed = {row.command: row.keys.split(", ") for row in dialog.rows}
    for keys, command in [
        ("Ctrl+Return, Ctrl+Enter", "Request > Send"),
        ("Esc", "Request > Cancel"),
        ("Ctrl+L", "Request > Go to method"),
        ("Ctrl+T", "Request > New tab"),
        ("Ctrl+W", "Request > Close tab"),
        ("Alt+1", "View > Answer view > Tree"),
        ("Alt+4", "View > Answer view > Rendered"),
        ("F5", "File > Refresh"),
        ("F1", "Help > Keyboard shortcuts"),
        ("Ctrl+Shift+1", "View > Tasks"),
    ]:
        assert set(keys.split(", ")) <= set(listed.get(command, [])), (command, listed)
    places = {(row.command, row.where) for row in dialog.rows}
    assert ("Poll now", "Tasks") in places  # a dock's own key, where it works
    assert any(row.where == "Request body" for row in dialog.rows)  # the editor's keys
    # every menu command with a key is there
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.menu() is None and not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                assert any(keys in row.keys for row in dialog.rows), action.text()
    assert dialog.apply_filter("alt+") >= 4
    assert dialog.apply_filter("no such key anywhere") == 0
    dialog.filter_edit.clear()
    _fits_and_closes_with_esc(qtbot, dialog)


def test_the_list_is_read_from_the_window_when_it_opens(qtbot, make_explorer):
    window = make_explorer(docks=True).window
    added = QAction("&Frobnicate", window)
    added.setShortcut(QKeySequence("Ctrl+Alt+F"))
    window.help_menu.addAction(added)
    rows = shortcut_rows(window)
    assert any(r.command == "Help > Frobnicate" and r.keys == "Ctrl+Alt+F" for r in rows)
    assert len({(r.keys, r.command, r.where) for r in rows}) == len(rows)  # each once


def test_about_shows_the_version_and_the_diagnosis(qtbot, make_explorer):
    window = make_explorer(docks=True).window
    window.about_action.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None
    assert __version__ in dialog.title_label.text()
    qtbot.waitUntil(dialog.copy_button.isEnabled, timeout=10_000)
    text = dialog.text()
    for fact in (
        "Python",
        "Qt ",
        "PySide6",
        "httpx",
        "Key storage",
        "Config folder",
        "Data folder",
    ):
        assert fact in text, (fact, text)
    assert text == report()  # the same function as --diagnose
    dialog.copy()
    assert QApplication.clipboard().text() == text
    _active(qtbot, dialog)
    _fits_and_closes_with_esc(qtbot, dialog)


def test_about_survives_a_failing_diagnosis(qtbot):
    def broken() -> str:
        raise RuntimeError("no keyring today")

    dialog = AboutDialog(gather=broken)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.copy_button.isEnabled, timeout=5000)
    assert "no keyring today" in dialog.text()


def test_the_bare_window_has_the_help_menu_too(qtbot, make_explorer):
    from shipexplorer.ui.main_window import MainWindow

    setup = make_explorer()
    bare = MainWindow(setup.profiles, setup.window._credentials)
    qtbot.addWidget(bare)
    assert bare.help_menu is not None and bare.shortcuts_action.shortcut() == QKeySequence("F1")
