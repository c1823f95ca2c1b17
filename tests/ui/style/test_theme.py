"""The theme: the Preferences force light or dark (or follow the desktop), the change applies
live (palette, the app style sheet's badges, highlighter, icons), and the choice is stored with
the other preferences."""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from shipexplorer.core.documents.answer import Answer
from shipexplorer.core.theme_choice import parse_theme, wants_dark
from shipexplorer.services.preferences import Preferences, PreferenceService, saved_theme
from shipexplorer.ui.profiles.preferences_dialog import PreferencesDialog
from shipexplorer.ui.response.response_view import ResponseView
from shipexplorer.ui.style import colors, icons, sheets, theme
from shipexplorer.ui.widgets.json_highlighter import JsonHighlighter


def choose(prefs: PreferenceService, choice: str) -> None:
    prefs.update(replace(prefs.current, theme=choice))


def centre_colour(widget) -> str:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return image.pixelColor(3, image.height() // 2).name()


def test_the_choice_is_parsed_and_stored():
    assert parse_theme("Dark") == "dark" and parse_theme("purple") == "system"
    assert parse_theme(None) == "system"
    assert wants_dark("system", True) and not wants_dark("light", True)
    assert wants_dark("dark", False)
    assert Preferences.from_dict({"theme": "LIGHT"}).theme == "light"
    assert Preferences.from_dict({"theme": 3}).theme == "system"
    assert Preferences().theme == "system"


def test_a_forced_theme_applies_live(qtbot, app_theme):
    theme_, prefs = app_theme
    view = ResponseView()
    qtbot.addWidget(view)
    view.show_answer(Answer("text", "200 OK", status=200, body_text="hi"))
    view.resize(500, 300)
    view.show()
    choose(prefs, "light")
    assert not colors.is_dark() and theme_.dark is False
    assert view.status_label.property("badge") == colors.SUCCESS
    light_fill = colors.semantic_fill(colors.SUCCESS).name()
    assert centre_colour(view.status_label) == light_fill
    choose(prefs, "dark")
    assert colors.is_dark() and theme_.dark is True
    # the new palette reaches existing widgets on the event loop's next turns
    qtbot.waitUntil(
        lambda: view.palette().color(view.palette().ColorRole.Window).lightness() < 128,
        timeout=2000,
    )
    dark_fill = colors.semantic_fill(colors.SUCCESS).name()
    assert dark_fill != light_fill
    assert centre_colour(view.status_label) == dark_fill  # the badge followed, unasked


def test_system_choice_follows_the_desktop(qtbot, app_theme, monkeypatch):
    theme_, prefs = app_theme
    choose(prefs, "system")
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    theme_._system_changed()  # as QStyleHints.colorSchemeChanged calls it
    assert colors.is_dark()
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    theme_._system_changed()
    assert not colors.is_dark()
    choose(prefs, "dark")
    theme_._system_changed()  # a forced theme ignores the desktop
    assert colors.is_dark()


def test_highlighter_and_icons_follow_the_theme(qtbot, app_theme):
    from PySide6.QtWidgets import QPlainTextEdit

    _theme, prefs = app_theme
    choose(prefs, "light")
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    JsonHighlighter(edit.document())
    edit.setPlainText('{"key": 1}')
    button = QPushButton("Send")
    qtbot.addWidget(button)
    icons.bind(button, "send")
    icons.load()

    def key_colour() -> str:
        formats = edit.document().firstBlock().layout().formats()
        return next(f.format.foreground().color().name() for f in formats if f.start == 1)

    def icon_colours() -> set[str]:
        image = button.icon().pixmap(32, 32).toImage()
        return {
            image.pixelColor(x, y).name()
            for x in range(32)
            for y in range(32)
            if image.pixelColor(x, y).alpha() == 255
        }

    assert key_colour() == colors.syntax("key").name()
    assert colors.semantic(colors.INFO).name() in icon_colours()
    light_key = key_colour()
    edit.show()
    choose(prefs, "dark")
    assert key_colour() == colors.syntax("key").name() != light_key
    assert colors.semantic(colors.INFO).name() in icon_colours()  # made again, in dark colours


def test_the_dialog_previews_saves_and_undoes(qtbot, app_theme, tmp_path):
    _theme, prefs = app_theme
    choose(prefs, "light")
    dialog = PreferencesDialog(prefs)
    qtbot.addWidget(dialog)
    assert dialog.theme.accessibleName() == "Theme"
    assert [dialog.theme.itemData(i) for i in range(dialog.theme.count())] == [
        "system",
        "light",
        "dark",
    ]
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    assert colors.is_dark()  # shown at once
    dialog.reject()
    assert not colors.is_dark() and prefs.current.theme == "light"  # undone
    dialog = PreferencesDialog(prefs)
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.accept()
    assert prefs.current.theme == "dark" and colors.is_dark()


def test_the_choice_is_written_with_the_preferences(qtbot, worker_pool, tmp_path):
    path = tmp_path / "preferences.json"
    service = PreferenceService(worker_pool, path)
    service.load()
    service.update(replace(service.current, theme="dark"))
    qtbot.waitUntil(path.exists, timeout=5000)
    assert json.loads(path.read_text())["theme"] == "dark"
    assert PreferenceService(None, path).load().theme == "dark"


def test_the_first_frame_takes_the_saved_choice_without_touching_the_file(tmp_path):
    path = tmp_path / "preferences.json"
    assert saved_theme(path) == "system"  # no file yet
    path.write_text(json.dumps({"kind": "preferences", "schemaVersion": 1, "theme": "Dark"}))
    assert saved_theme(path) == "dark"
    path.write_text(json.dumps({"kind": "history", "theme": "dark"}))
    assert saved_theme(path) == "system"  # not a preferences file
    path.write_text("{broken")
    assert saved_theme(path) == "system"
    # a damaged file stays where it is: the service reports it and moves it aside once it loads
    assert path.read_text() == "{broken" and list(tmp_path.iterdir()) == [path]


def test_the_frame_is_painted_in_the_saved_choice(qtbot, app_theme, monkeypatch):
    theme_, _prefs = app_theme
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    theme.install(QApplication.instance(), choice="dark")
    assert theme_.dark is True and colors.is_dark()
    theme.install(QApplication.instance(), choice="system")  # judged by the desktop's palette
    assert theme_.dark is theme.palette_is_dark(QApplication.instance().palette()) is False


def test_marked_widgets_have_sheets_of_their_own_and_no_app_sheet(qtbot, app_theme):
    """No app-wide sheet (under one, Qt keeps render rules for every widget: about 6 MB for
    the window at rest); a marked widget's own sheet is in its role's colours, and follows a
    theme change."""
    theme_, _prefs = app_theme
    assert QApplication.instance().styleSheet() == ""
    label, plain = QLabel("x"), QLabel("y")
    qtbot.addWidget(label)
    qtbot.addWidget(plain)
    for role in colors.ROLES:
        sheets.badge(label, role)
        colour = colors.semantic(role, QApplication.palette()).name()
        assert colour in label.styleSheet() and "border-radius" in label.styleSheet()
    sheets.badge(label, None)
    sheets.muted(label)
    assert label.styleSheet() == sheets.own_sheet(label, QApplication.palette())
    assert "border" not in label.styleSheet()
    assert plain.styleSheet() == ""
    before = label.styleSheet()
    theme_.set_choice("light" if theme_.dark else "dark")
    assert label.styleSheet() != before
    assert label.styleSheet() == sheets.own_sheet(label, QApplication.palette())
    assert plain.styleSheet() == ""
    assert Qt.ColorScheme.Dark is not None  # Qt 6.5+ (QStyleHints.colorScheme)
