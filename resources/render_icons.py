"""Render the application icon's PNG sizes and the bundles' .ico and .icns from the one SVG.

    python resources/render_icons.py

The SVG (shipexplorer/resources/icons/shipexplorer.svg) is the source. Its PNGs go next to it,
inside the package (the window and Linux desktops use them); the Windows .ico and macOS .icns go
here, in resources/, because only the PyInstaller bundles need them. Both container formats are
written by hand with PNG-compressed entries (Windows Vista+ and macOS 10.7+ read those), so no tool
beyond Qt's SVG renderer is needed. Run it after changing the SVG and commit the outputs.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shipexplorer.resources import ICON_SIZES, icon_path  # noqa: E402

HERE = Path(__file__).resolve().parent
# ICNS entry types holding PNG data, by pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}
ICO_SIZES = (16, 32, 48, 64, 128, 256)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A multi-size .ico whose entries are PNGs (ICONDIR, ICONDIRENTRY[], data)."""
    sizes = sorted(pngs)
    out = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    for size in sizes:
        side = 0 if size >= 256 else size  # 0 means 256
        out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(pngs[size]), offset)
        offset += len(pngs[size])
    return out + b"".join(pngs[size] for size in sizes)


def icns(pngs: dict[int, bytes]) -> bytes:
    """An .icns of PNG entries ('icns', total length, then type, length, data per entry)."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for size in sorted(pngs)
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(icon_path()))
    if not renderer.isValid():
        print(f"cannot read {icon_path()}", file=sys.stderr)
        return 1
    sizes = sorted(set(ICON_SIZES) | set(ICO_SIZES) | set(ICNS_TYPES))
    pngs = {size: render_png(renderer, size) for size in sizes}
    for size in ICON_SIZES:
        icon_path(size).write_bytes(pngs[size])
    (HERE / "shipexplorer.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (HERE / "shipexplorer.icns").write_bytes(icns({s: pngs[s] for s in ICNS_TYPES}))
    for path in [icon_path(s) for s in ICON_SIZES] + [HERE / "shipexplorer.ico"]:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")
    print(f"resources/shipexplorer.icns: {(HERE / 'shipexplorer.icns').stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
