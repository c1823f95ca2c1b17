"""Keeping a top-level window on its screen: a frame rectangle clamped into the screen's available
area (shrunk when bigger, moved in when off it), and that area for a window."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def clamp_rect(frame: QRect, available: QRect) -> QRect:
    """``frame`` shrunk to fit ``available`` and moved inside it (its size kept when it fits)."""
    width = min(frame.width(), available.width())
    height = min(frame.height(), available.height())
    x = min(max(frame.x(), available.left()), available.left() + available.width() - width)
    y = min(max(frame.y(), available.top()), available.top() + available.height() - height)
    return QRect(x, y, width, height)


def available_rect(window: QWidget) -> QRect:
    """The available geometry (without task bars and docks) of the screen ``window`` is on, or
    would open on: the screen under its centre, else its own screen, else the primary one."""
    screen = QGuiApplication.screenAt(window.geometry().center()) or window.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def frame_extra(window: QWidget) -> QSize:
    """What the window manager's frame adds to the window's own size (nothing before it shows)."""
    if not window.isVisible():
        return QSize(0, 0)
    frame, inner = window.frameGeometry(), window.geometry()
    return QSize(max(0, frame.width() - inner.width()), max(0, frame.height() - inner.height()))


def fit_window(window: QWidget, available: QRect | None = None) -> QRect:
    """Shrink and move ``window`` so that its frame lies inside ``available`` (by default the
    available geometry of its screen); returns the frame rectangle it asked for."""
    area = available if available is not None else available_rect(window)
    extra = frame_extra(window)
    frame = QRect(window.pos(), window.size() + extra)
    fitted = clamp_rect(frame, area)
    inner = fitted.size() - extra
    if inner != window.size():
        window.resize(inner)
    if fitted.topLeft() != window.pos():
        window.move(QPoint(fitted.topLeft()))
    return fitted
