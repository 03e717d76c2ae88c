"""A wrapped label keeps its height per width (layouts ask again and again): what it answers
is what Qt measures for the label as it is now, after every change that moves the lines."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from wizard.ui import language
from wizard.ui.widgets import label

WIDTHS = (80, 160, 400)


def measured(widget: QLabel) -> list[int]:
    return [QLabel.heightForWidth(widget, w) for w in WIDTHS]  # Qt's own, never kept


def answered(widget: QLabel) -> list[int]:
    return [widget.heightForWidth(w) for w in WIDTHS]


def test_the_kept_height_follows_text_font_and_margins(qtbot):
    for selectable in (False, True):
        widget = label("Short.", selectable=selectable)
        qtbot.addWidget(widget)
        short = answered(widget)
        assert short == measured(widget)
        widget.setText("A much longer sentence that wraps onto several lines at these widths.")
        assert answered(widget) == measured(widget) and answered(widget) != short
        font = QFont(widget.font())
        font.setPointSizeF(font.pointSizeF() * 2)
        before = answered(widget)
        widget.setFont(font)
        assert answered(widget) == measured(widget) and answered(widget) != before
        before = answered(widget)
        widget.setContentsMargins(0, 10, 0, 10)
        assert answered(widget) == measured(widget) and answered(widget) != before
        widget.setIndent(30)
        assert answered(widget) == measured(widget)


def test_japanese_lines_are_kept_as_they_are_broken(qtbot):
    language.install("ja")
    try:
        widget = label("ブラウザーのサインイン画面が開かないときは、もう一度お試しください。")
        qtbot.addWidget(widget)
        assert answered(widget) == measured(widget)
        assert answered(widget)[0] > answered(widget)[-1]  # narrower: more lines
    finally:
        language.install("en")
