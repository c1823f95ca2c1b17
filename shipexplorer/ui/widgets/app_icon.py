"""The application icon as a QIcon, from the PNGs and SVG packaged in ``shipexplorer.resources``.

The integrator calls ``window.setWindowIcon(app_icon())`` (or ``app.setWindowIcon``). The PNG sizes
come first so small icons stay crisp; the SVG lets Qt scale to any other size when the svg
icon-engine plugin is present.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from shipexplorer.resources import ICON_SIZES, icon_path


def app_icon() -> QIcon:
    """shipexplorer's icon; an empty QIcon (never an error) if the files are missing."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = icon_path(size)
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    svg = icon_path()
    if svg.is_file():
        icon.addFile(str(svg))
    return icon
