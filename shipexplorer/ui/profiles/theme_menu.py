"""View ▸ Theme: follow the system, Light or Dark in one click (the same choice as the
Preferences dialog's, stored with the preferences and applied live)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from shipexplorer.core.theme_choice import CHOICES, DARK, LIGHT, SYSTEM
from shipexplorer.ui.style import icons

if TYPE_CHECKING:
    from shipexplorer.services.preferences import Preferences, PreferenceService

#: the menu's words for each choice, with their mnemonics
MENU_TEXT = {SYSTEM: "Follow the &system", LIGHT: "&Light", DARK: "&Dark"}


def theme_menu(preferences: PreferenceService, parent_menu: QMenu, owner: QWidget) -> QMenu:
    """Add the Theme submenu to ``parent_menu``; its checked entry follows the preferences."""
    menu = parent_menu.addMenu("T&heme")
    menu.menuAction().setToolTip("Light or dark windows, or as the desktop is set")
    icons.bind(menu.menuAction(), "theme")
    group = QActionGroup(menu)
    actions: dict[str, QAction] = {}
    for choice in CHOICES:
        action = QAction(MENU_TEXT[choice], owner)
        action.setCheckable(True)
        action.setData(choice)
        action.triggered.connect(
            lambda _checked=False, c=choice: preferences.update(
                replace(preferences.current, theme=c)
            )
        )
        group.addAction(action)
        menu.addAction(action)
        actions[choice] = action

    def check(chosen: Preferences) -> None:
        if chosen.theme in actions:
            actions[chosen.theme].setChecked(True)

    preferences.changed.connect(check)
    check(preferences.current)
    return menu


__all__ = ["theme_menu"]
