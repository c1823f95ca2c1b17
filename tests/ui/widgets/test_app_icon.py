"""The application icon: every packaged size is there and loads; the bundles' icon files and the
desktop entry agree with it."""

from __future__ import annotations

import configparser
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

from shipexplorer.resources import ICON_NAME, ICON_SIZES, icon_path, icon_paths
from shipexplorer.ui.widgets.app_icon import app_icon

RESOURCES = Path(__file__).resolve().parents[3] / "resources"


def test_every_png_size_is_packaged_and_has_its_size():
    for size in ICON_SIZES:
        image = QImage(str(icon_path(size)))
        assert not image.isNull(), icon_path(size)
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    assert len(icon_paths()) == len(ICON_SIZES) + 1


def test_the_svg_is_valid_and_square():
    renderer = QSvgRenderer(str(icon_path()))
    assert renderer.isValid()
    assert renderer.defaultSize() == QSize(256, 256)


def test_app_icon_offers_every_size(qapp):
    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} >= set(ICON_SIZES)
    assert icon.pixmap(QSize(100, 100)).width() == 100  # any other size scales


def test_an_unknown_size_is_refused():
    try:
        icon_path(17)
    except ValueError as exc:
        assert "16" in str(exc)
    else:
        raise AssertionError("icon_path(17) should be refused")


def test_the_ico_and_icns_hold_png_entries():
    ico = (RESOURCES / "shipexplorer.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind) == (0, 1) and count >= 6
    for index in range(count):
        entry = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * index)
        length, offset = entry[-2:]
        assert ico[offset : offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + length <= len(ico)
    icns = (RESOURCES / "shipexplorer.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack_from(">I", icns, 4)[0] == len(icns)


def test_desktop_entry_and_metainfo_name_the_same_app_and_icon():
    desktop_files = list(RESOURCES.glob("*.desktop"))
    metainfo_files = list(RESOURCES.glob("*.metainfo.xml"))
    assert len(desktop_files) == 1 and len(metainfo_files) == 1
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(desktop_files[0], encoding="utf-8")
    assert entry["Desktop Entry"]["Icon"] == ICON_NAME
    assert entry["Desktop Entry"]["Exec"].split()[0] == "shipexplorer"
    component = ET.parse(metainfo_files[0]).getroot()
    app_id = component.findtext("id")
    assert desktop_files[0].name == f"{app_id}.desktop"
    assert metainfo_files[0].name == f"{app_id}.metainfo.xml"
    assert component.find("launchable").text == desktop_files[0].name
