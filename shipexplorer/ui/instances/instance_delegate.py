"""How a row of the "Package instances" list is drawn: a coloured state dot (ready,
initialising, failed), the handle in bold, then package, version and state in smaller, muted
type. The row's text stays the model's two lines (what tests and screen readers read); this
delegate only draws them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from shipexplorer.ui.style import colors
from shipexplorer.ui.style.metrics import font, space

#: the item's init state ("ready", "initialising", "failed", "")
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
#: init state: the dot's role
STATE_ROLES = {
    "ready": colors.SUCCESS,
    "initialising": colors.WARNING,
    "failed": colors.DANGER,
}
_DOT = 8

Index = QModelIndex | QPersistentModelIndex


def state_role(state: str | None) -> str:
    """The semantic role of an instance's init state (neutral when unknown)."""
    return STATE_ROLES.get(state or "", colors.NEUTRAL)


class InstanceDelegate(QStyledItemDelegate):
    """Draws an instance row: state dot, handle, then "package version · state"."""

    def _lines(self, index: Index) -> tuple[str, str]:
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        first, _, second = text.partition("\n")
        return first, second

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        title = QFontMetrics(font(bold=True)).height()
        detail = QFontMetrics(font("caption")).height()
        return QSize(space(40), title + detail + space(3))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted_role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        rect = opt.rect.adjusted(space(2), space(1), -space(2), -space(1))
        title_font, detail_font = font(bold=True), font("caption")
        title_h = QFontMetrics(title_font).height()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dot_role = state_role(index.data(STATE_ROLE))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors.semantic(dot_role, palette))
        dot_y = rect.top() + (title_h - _DOT) // 2
        painter.drawEllipse(rect.left(), dot_y, _DOT, _DOT)
        left = rect.left() + _DOT + space(2)
        first, second = self._lines(index)
        painter.setFont(title_font)
        painter.setPen(palette.color(text_role))
        title_rect = QRect(left, rect.top(), rect.right() - left, title_h)
        elided = QFontMetrics(title_font).elidedText(
            first, Qt.TextElideMode.ElideRight, title_rect.width()
        )
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignVCenter, elided)
        painter.setFont(detail_font)
        painter.setPen(palette.color(muted_role))
        width, below = rect.right() - left, rect.height() - title_h
        detail_rect = QRect(left, rect.top() + title_h, width, below)
        elided = QFontMetrics(detail_font).elidedText(
            second, Qt.TextElideMode.ElideRight, detail_rect.width()
        )
        painter.drawText(detail_rect, Qt.AlignmentFlag.AlignVCenter, elided)
        painter.restore()


__all__ = ["STATE_ROLE", "STATE_ROLES", "InstanceDelegate", "state_role"]
