"""The main window's dress: the toolbar's icons beside its labels (plus New tab and Save
request), and icons on the menus' main actions (the docks' once they are built). Icons are bound
now and drawn once the window is painted (:mod:`shipexplorer.ui.style.icons` loads the icon font
then), and again in new colours when the theme changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from shipexplorer.ui.style import icons
from shipexplorer.ui.style.metrics import space

if TYPE_CHECKING:
    from shipexplorer.ui.main_window import MainWindow


def dress_window(window: MainWindow) -> None:
    """Toolbar with text beside icons, and each main action's icon by meaning."""
    toolbar = window.toolbar
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setMovable(False)
    toolbar.layout().setSpacing(space(1))
    bindings: list[tuple[Any, str]] = [
        (window.profiles_action, "profile"),
        (window.shortcuts_action, "help"),
    ]
    if window.view is not None:
        bindings += [
            (window.new_workspace_action, "workspace"),
            (window.refresh_action, "refresh"),
            (window.create_instance_action, "create instance"),
        ]
        actions = window.request_actions
        toolbar.addSeparator()
        toolbar.addAction(actions.new_tab_action)
        bindings += [
            (actions.send_action, "send"),
            (actions.cancel_action, "cancel"),
            (actions.new_tab_action, "new tab"),
            (actions.close_tab_action, "close tab"),
        ]
    for action, name in bindings:
        icons.bind(action, name)
    if window.docks_if_built() is not None:
        dress_docks(window)
    icons.load_after_first_paint(window)


def dress_docks(window: MainWindow) -> None:
    """The docks' part (built after the first paint): Save request on the toolbar, icons on
    their toggles and on Preferences."""
    docks = window.docks_if_built()
    if docks is None:
        return
    window.toolbar.addAction(docks.save_action)
    bindings: list[tuple[Any, str]] = [
        (docks.save_action, "save"),
        (docks.preferences_action, "theme"),
    ]
    for dock, name in zip(docks.docks, ("tasks", "history", "saved"), strict=False):
        bindings.append((dock.toggleViewAction(), name))
    for action, name in bindings:
        icons.bind(action, name)


__all__ = ["dress_docks", "dress_window"]
