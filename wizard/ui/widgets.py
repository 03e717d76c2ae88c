"""Small building blocks shared by the pages: wrapped labels, a copyable command, a
"Details" expander, a card, and one status row (icon + word + title + summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QClipboard, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.core.model import Status
from wizard.ui import theme
from wizard.ui.line_breaking import NO_BREAK_SPACE, phrased, phrased_rich, unphrased
from wizard.ui.text import status_word, tr

if TYPE_CHECKING:
    from PySide6.QtGui import QFocusEvent, QPaintEvent

# (Widget kinds that only some pages use are imported where they are made: each costs the
# window's start-up time and memory the first time it is used.)


class PhrasedLabel(QLabel):
    """A QLabel whose Japanese lines break between words, not inside them (see
    wizard.ui.line_breaking); `text()` is the text as it was set.

    Its height for a width is kept: a wrapped QLabel lays its text out anew for every width a
    layout asks about, twice when it is selectable (its text document is laid out at that
    width and back), and one showing of a page asks many times, at a few widths."""

    def setText(self, text: str) -> None:
        rich = self.textFormat() == Qt.TextFormat.RichText
        super().setText(phrased_rich(text) if rich else phrased(text))

    def text(self) -> str:
        return unphrased(super().text())

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        key = (
            width,
            super().text(),
            self.font().key(),
            self.wordWrap(),
            self.textFormat().value,
            (margins.left(), margins.top(), margins.right(), margins.bottom()),
            self.indent(),
            self.margin(),
        )
        heights: dict[tuple[object, ...], int] = self.__dict__.setdefault("_heights", {})
        height = heights.get(key)
        if height is None:
            if len(heights) >= 8:
                heights.clear()
            height = heights[key] = super().heightForWidth(width)
        return height


def clean_copies(clipboard: QClipboard) -> None:
    """Text a person copies out of a label reaches the clipboard as written, without the
    joiners that hold its phrases together (a case number or an error message pasted into a
    search must match). Once per clipboard; only text copied from one of our labels."""
    if clipboard.property("signin-doctor-clean-copies"):
        return
    clipboard.setProperty("signin-doctor-clean-copies", True)

    def cleaned() -> None:
        text = clipboard.text()
        if unphrased(text) != text and any(
            text in QLabel.text(widget).replace(NO_BREAK_SPACE, " ")  # (as Qt copies it)
            for widget in QApplication.allWidgets()
            if isinstance(widget, PhrasedLabel)
        ):
            clipboard.setText(unphrased(text))

    clipboard.dataChanged.connect(cleaned)


def label(
    text: str = "",
    *,
    selectable: bool = False,
    scale: float = 1.0,
    bold: bool = False,
    muted: bool = False,
    rich: bool = False,
) -> QLabel:
    """A label that wraps (no clipped text at any width or scaling), between words."""
    widget = PhrasedLabel()
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    widget.setText(text)
    if rich:
        widget.setOpenExternalLinks(False)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if scale != 1.0 or bold:
        font = QFont(widget.font())
        if scale != 1.0:
            font.setPointSizeF(font.pointSizeF() * scale)
        font.setBold(bold)
        widget.setFont(font)
    if muted:
        widget.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return widget


def icon_label(kind: str, size: int) -> QLabel:
    widget = QLabel()
    widget.setFixedSize(size, size)
    set_icon(widget, kind, size)
    return widget


def set_icon(widget: QLabel, kind: str, size: int) -> None:
    widget.setPixmap(theme.status_icon(kind).pixmap(QSize(size, size), widget.devicePixelRatioF()))


def icon_size(widget: QWidget, factor: float = 1.0) -> int:
    return max(16, round(widget.fontMetrics().height() * factor))


class Card(QFrame):
    """A panel on the palette's Base colour: it follows light and dark mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)


class CopyField(QWidget):
    """An exact command or value, read-only, with a Copy button next to it."""

    copied = Signal(str)

    def __init__(self, value: str, name: str, parent: QWidget | None = None) -> None:
        from PySide6.QtGui import QFontDatabase
        from PySide6.QtWidgets import QLineEdit

        super().__init__(parent)
        self.field = QLineEdit(value)
        self.field.setReadOnly(True)
        self.field.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes to the Copy button
        self.field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.field.setAccessibleName(name)
        self.field.setCursorPosition(0)
        self.button = QPushButton(theme.icon("copy"), tr("Copy"))
        self.button.setAccessibleName(tr("Copy: {name}").format(name=name))
        self.button.setAccessibleDescription(
            tr("Copies this exactly, so you can paste it: {value}").format(value=value)
        )
        self.field.setAccessibleDescription(tr("The exact text to copy."))
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.copy)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.button)

    def copy(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(self.field.text())
        self.button.setText(tr("Copied"))
        self.copied.emit(self.field.text())


class Expander(QWidget):
    """A "Details" toggle over any content; closed by default (jargon lives in here)."""

    toggled = Signal(bool)

    def __init__(self, title: str, content: QWidget, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QToolButton

        super().__init__(parent)
        self.button = QToolButton()
        self.button.setText(title)
        self.button.setCheckable(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setArrowType(Qt.ArrowType.RightArrow)
        self.button.setAutoRaise(True)
        self.button.setAccessibleName(title)
        self.button.setAccessibleDescription(tr("Shows or hides more details."))
        self.button.toggled.connect(self.set_open)
        self.content = content
        content.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(content)

    def set_open(self, open_: bool) -> None:
        if self.button.isChecked() != open_:
            self.button.setChecked(open_)
            return
        self.button.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.content.setVisible(open_)
        self.toggled.emit(open_)

    def is_open(self) -> bool:
        return self.button.isChecked()


class StatusRow(QWidget):
    """One check on the Checking page: icon + status word (never colour alone), title and,
    once done, its one-line summary."""

    def __init__(
        self, check_id: str, title: str, word_width: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.check_id = check_id
        self.title_text = title
        self.size = icon_size(self, 1.15)
        self.icon = icon_label("pending", self.size)
        self.word = QLabel(tr("Waiting"))
        self.word.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.word.setMinimumWidth(word_width)
        self.title = label(title, bold=True)
        self.summary = label("", selectable=True, muted=True)
        self.summary.setVisible(False)
        text = QVBoxLayout()
        text.setSpacing(0)
        text.setContentsMargins(0, 0, 0, 0)
        text.addWidget(self.title)
        text.addWidget(self.summary)
        row = QHBoxLayout(self)
        row.setContentsMargins(3, 3, 3, 3)  # room for the keyboard focus frame
        top = Qt.AlignmentFlag.AlignTop
        row.addWidget(self.icon, 0, top)
        row.addWidget(self.word, 0, top)
        row.addLayout(text, 1)
        self.status: Status | None = None
        # A keyboard stop of its own, so each result can be read with Tab (and is framed).
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._describe(tr("Waiting"), tr("Not checked yet."))

    @staticmethod
    def word_width(widget: QWidget, statuses: tuple[Status, ...] | None = None) -> int:
        """Room for the longest status word, in bold, so titles line up in one column (of
        `statuses`' words only, when the rows show nothing else)."""
        from PySide6.QtGui import QFontMetrics

        font = QFont(widget.font())
        font.setBold(True)
        metrics = QFontMetrics(font)
        if statuses is None:
            words = [status_word(s) for s in Status] + [tr("Waiting"), tr("Checking…")]
        else:
            words = [status_word(s) for s in statuses]
        return max(metrics.horizontalAdvance(w) for w in words) + metrics.averageCharWidth()

    def running(self) -> None:
        set_icon(self.icon, "running", self.size)
        self.word.setText(tr("Checking…"))
        self.word.setForegroundRole(QPalette.ColorRole.WindowText)
        self._describe(tr("Checking"), tr("Being checked now."))

    def done(self, status: Status, summary: str) -> None:
        self.status = status
        set_icon(self.icon, status.value, self.size)
        self.word.setText(status_word(status))
        self.word.setForegroundRole(
            QPalette.ColorRole.PlaceholderText
            if status is Status.SKIP
            else QPalette.ColorRole.WindowText
        )
        font = QFont(self.word.font())
        font.setBold(status in (Status.FAIL, Status.ERROR, Status.WARN))
        self.word.setFont(font)
        self.summary.setText(summary)
        self.summary.setVisible(bool(summary))
        self._describe(status_word(status), summary)

    def _describe(self, word: str, summary: str = "") -> None:
        name = f"{self.title_text}: {word}"
        text = name + (f". {summary}" if summary else "")
        self.setAccessibleName(name)
        self.setAccessibleDescription(summary or word)
        for widget in (self.icon, self.word, self.title, self.summary):
            widget.setAccessibleName(text)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.hasFocus():
            from wizard.ui.accessibility import paint_focus_frame

            paint_focus_frame(self)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()


def hline() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
