"""The user's choice of light or dark: follow the system, or force one (no Qt here).

The choice is stored with the other preferences; :mod:`shipexplorer.ui.style.theme` turns it into
a palette.
"""

from __future__ import annotations

SYSTEM = "system"
LIGHT = "light"
DARK = "dark"
CHOICES = (SYSTEM, LIGHT, DARK)
#: the words the Preferences dialog shows for each choice
LABELS = {SYSTEM: "Follow the system", LIGHT: "Light", DARK: "Dark"}


def parse_theme(value: object) -> str:
    """A known choice from a stored value; anything else follows the system."""
    if isinstance(value, str) and value.strip().lower() in CHOICES:
        return value.strip().lower()
    return SYSTEM


def wants_dark(choice: str, system_dark: bool) -> bool:
    """Whether the window is dark under ``choice`` when the system is dark or not."""
    choice = parse_theme(choice)
    if choice == SYSTEM:
        return system_dark
    return choice == DARK


__all__ = ["CHOICES", "DARK", "LABELS", "LIGHT", "SYSTEM", "parse_theme", "wants_dark"]
