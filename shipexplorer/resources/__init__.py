"""The files shipped inside the package: the application icon as SVG and PNGs.

Paths only, no Qt, so anything (the window, the PyInstaller spec, a desktop-entry installer) can
ask where the icon is. The files are package data: a wheel, an sdist, an editable install and a
PyInstaller bundle all keep them next to this module.
"""

from __future__ import annotations

from pathlib import Path

ICON_NAME = "shipexplorer"
ICON_SIZES: tuple[int, ...] = (16, 32, 48, 64, 128, 256)
ICONS_DIR = Path(__file__).resolve().parent / "icons"


def icon_path(size: int | None = None) -> Path:
    """The SVG icon, or the PNG rendered at ``size`` pixels (one of :data:`ICON_SIZES`)."""
    if size is None:
        return ICONS_DIR / f"{ICON_NAME}.svg"
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon; sizes are {', '.join(map(str, ICON_SIZES))}")
    return ICONS_DIR / f"{ICON_NAME}-{size}.png"


def icon_paths() -> list[Path]:
    """Every PNG size, smallest first, then the SVG."""
    return [icon_path(size) for size in ICON_SIZES] + [icon_path()]
