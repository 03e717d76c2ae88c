"""The sign-in flow as five boxes: sign-in page in the browser -> the browser returns to this
computer -> Codex receives it -> Codex completes sign-in with OpenAI -> saved. Each box wears
its state in the words of wizard.core.steps ("OK" only for a step a check went through;
"Ready", "Needs a look"); the failing step is highlighted with an icon and the words "Problem
here", untested steps are grey and dashed. Click (or Left/Right + Enter) a step for its evidence.

Boxes sit side by side when there is room and stack top to bottom when there is not (large
text, narrow windows), so no label is ever clipped."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QTextLayout,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from wizard.core.model import FlowStep, Verdict
from wizard.core.steps import STEPS
from wizard.ui import theme
from wizard.ui.line_breaking import line_texts, paragraph, widest_word
from wizard.ui.text import step_state_word, tr

ZWSP = "\u200b"  # lets long addresses wrap after "/" and "." instead of mid-word
_CENTER = Qt.AlignmentFlag.AlignHCenter
_LEFT = Qt.AlignmentFlag.AlignLeft
MIN_BOX_UNITS = 6.5  # narrower boxes than this many line heights: stack them vertically
_KIND = {"ok": "pass", "ready": "pass", "warn": "warn", "fail": "fail", "untested": "skip"}


def breakable(text: str) -> str:
    return text.replace("/", "/" + ZWSP).replace(".", "." + ZWSP)


@dataclass(frozen=True)
class StepView:
    step: FlowStep
    label: str
    detail: str  # what a person recognises: the address in the browser, the file on disk
    state: str  # one of wizard.core.steps.STATES


def step_states(verdict: Verdict | None) -> dict[FlowStep, str]:
    states = dict.fromkeys(STEPS, "untested")
    if verdict is not None:
        states.update(verdict.steps)
    return states


@dataclass
class _Box:
    rect: QRectF
    circle: QRectF
    label: QRectF
    detail: QRectF
    badge: QPointF  # left end of the badge's vertical middle
    alignment: Qt.AlignmentFlag
    label_text: QTextLayout  # the label's lines, laid out for the label's width
    detail_text: QTextLayout


_Layout = tuple[float, list[_Box], bool]  # height, boxes, stacked


class FlowDiagram(QWidget):
    stepClicked = Signal(str)  # FlowStep value
    stepsChanged = Signal()  # new steps (their keyboard buttons follow: wizard.ui.accessibility)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._views: list[StepView] = []
        self._selected: int | None = None
        self._boxes: list[_Box] = []
        self.vertical = False
        # Layout and icons are worked out once per size/font/texts, not on every paint:
        # layouts ask for heightForWidth many times, and an icon is an SVG rendering. The
        # texts are known before the states (wizard.ui.pages.verdict lays them out while the
        # checks run), and a state changes no box's size.
        self._texts_key: tuple[tuple[str, str], ...] = ()
        self._layouts: dict[tuple[int, str, tuple[tuple[str, str], ...]], _Layout] = {}
        self._widest: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        self._font_set: tuple[str, tuple[QFont, QFont, QFont]] | None = None
        self._unit_key: str | None = None
        self._unit_value = 0.0
        self._pixmaps: dict[tuple[str, int, int, float], QPixmap] = {}
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(tr("Sign-in steps"))

    # -- data ---------------------------------------------------------------------------
    def set_steps(self, views: list[StepView]) -> None:
        self._views = list(views)
        self._texts_key = tuple(self._texts(v, i) for i, v in enumerate(self._views, 1))
        self._selected = None
        self.setAccessibleDescription(
            "; ".join(f"{i}. {v.label}: {step_state_word(v.state)}" for i, v in enumerate(views, 1))
        )
        self.updateGeometry()
        self.update()
        self.stepsChanged.emit()

    def views(self) -> list[StepView]:
        return list(self._views)

    def state_of(self, step: FlowStep) -> str:
        return next(v.state for v in self._views if v.step == step)

    def select(self, step: FlowStep | None) -> None:
        self._selected = next((i for i, v in enumerate(self._views) if v.step == step), None)
        self.update()

    def selected(self) -> FlowStep | None:
        return self._views[self._selected].step if self._selected is not None else None

    def label_lines(self, step: FlowStep) -> list[str]:
        """The lines a step's label is drawn in (as laid out for the current width)."""
        self._layout(self.width())
        index = next(i for i, v in enumerate(self._views) if v.step == step)
        return line_texts(self._boxes[index].label_text)

    def step_rect(self, step: FlowStep) -> QRectF:
        """Where a step is drawn (widget coordinates), for hit-testing and tests."""
        self._layout(self.width())
        index = next(i for i, v in enumerate(self._views) if v.step == step)
        return QRectF(self._boxes[index].rect)

    # -- geometry -----------------------------------------------------------------------
    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        key = self.font().key()
        if self._font_set is None or self._font_set[0] != key:
            base = QFont(self.font())
            small = QFont(base)
            small.setPointSizeF(base.pointSizeF() * 0.88)
            bold = QFont(base)
            bold.setBold(True)
            self._font_set = (key, (base, small, bold))
        return self._font_set[1]

    def _unit(self) -> float:
        font = self.font()
        key = font.key()
        if key != self._unit_key:
            self._unit_key, self._unit_value = key, QFontMetricsF(font).height()
        return self._unit_value

    def _texts(self, view: StepView, number: int) -> tuple[str, str]:
        return f"{number}. {view.label}", breakable(view.detail)

    def _paragraphs(
        self, width: float, alignment: Qt.AlignmentFlag
    ) -> list[tuple[QTextLayout, QTextLayout]]:
        """Each step's label and detail laid out by Qt in lines of `width`."""
        base, small, _bold = self._fonts()
        width = max(10.0, width)
        return [
            (paragraph(label, base, width, alignment), paragraph(detail, small, width, alignment))
            for label, detail in self._texts_key
        ]

    def _widest_word(self) -> float:
        """The widest word (a phrase, in Japanese) of any label or detail: a box narrower than
        that would break it (the same at every width)."""
        key = (self.font().key(), self._texts_key)
        widest = self._widest.get(key)
        if widest is None:
            base, small, _bold = self._fonts()
            widths = [0.0]
            for label, detail in self._texts_key:
                widths += [widest_word(label, base), widest_word(detail, small)]
            if len(self._widest) >= 4:
                self._widest.clear()
            widest = self._widest[key] = max(widths)
        return widest

    def _layout(self, width: int) -> float:
        """Lay the boxes out for `width`; returns the height needed (kept until the width,
        the font or the texts change)."""
        key = (width, self.font().key(), self._texts_key)
        known = self._layouts.get(key)
        if known is None:
            height = self._compute_layout(width)
            if len(self._layouts) >= 8:
                self._layouts.clear()
            self._layouts[key] = (height, self._boxes, self.vertical)
            return height
        height, self._boxes, self.vertical = known
        return height

    def _compute_layout(self, width: int) -> float:
        n = max(1, len(self._views))
        u = self._unit()
        margin, gap, pad, d = u * 0.3, u * 1.4, u * 0.5, u * 2.4
        badge_h = u * 1.3
        box_w = (width - 2 * margin - (n - 1) * gap) / n
        self.vertical = box_w < u * MIN_BOX_UNITS or box_w - u < self._widest_word()
        self._boxes = []
        if not self.vertical:
            inner = box_w - u
            texts = self._paragraphs(inner, _CENTER)
            label_h = max((t[0].boundingRect().height() for t in texts), default=0.0)
            detail_h = max((t[1].boundingRect().height() for t in texts), default=0.0)
            box_h = pad + d + u * 0.3 + label_h + u * 0.2 + detail_h + u * 0.4 + badge_h + pad
            for i, (label_text, detail_text) in enumerate(texts):
                rect = QRectF(margin + i * (box_w + gap), margin, box_w, box_h)
                circle = QRectF(rect.center().x() - d / 2, rect.top() + pad, d, d)
                text_left = rect.left() + u * 0.5
                label = QRectF(text_left, circle.bottom() + u * 0.3, inner, label_h)
                detail = QRectF(text_left, label.bottom() + u * 0.2, inner, detail_h)
                badge = QPointF(rect.center().x(), rect.bottom() - pad - badge_h / 2)
                self._boxes.append(
                    _Box(rect, circle, label, detail, badge, _CENTER, label_text, detail_text)
                )
            return box_h + 2 * margin
        full = width - 2 * margin
        inner = full - d - u * 1.6
        y = margin
        gap = u * 1.1
        for label_text, detail_text in self._paragraphs(inner, _LEFT):
            label_h = label_text.boundingRect().height()
            detail_h = detail_text.boundingRect().height()
            text_h = label_h + u * 0.1 + detail_h + u * 0.2 + badge_h
            box_h = pad + max(d, text_h) + pad
            rect = QRectF(margin, y, full, box_h)
            circle = QRectF(rect.left() + pad, rect.top() + pad, d, d)
            text_left = circle.right() + u * 0.6
            label = QRectF(text_left, rect.top() + pad, inner, label_h)
            detail = QRectF(text_left, label.bottom() + u * 0.1, inner, detail_h)
            badge = QPointF(text_left, detail.bottom() + u * 0.2 + badge_h / 2)
            self._boxes.append(
                _Box(rect, circle, label, detail, badge, _LEFT, label_text, detail_text)
            )
            y += box_h + gap
        return y - gap + margin

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return int(self._layout(width)) + 1

    def sizeHint(self) -> QSize:
        width = int(self._unit() * 40)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        # Stacked boxes fit any sensible width; the height follows from heightForWidth (the
        # least of it: side by side, at a width where every word fits).
        width = int(self._unit() * 12)
        return QSize(width, self.heightForWidth(int(self._unit() * 80)))

    # -- painting -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        self._layout(self.width())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        for i, (view, box) in enumerate(zip(self._views, self._boxes, strict=True)):
            if i:
                self._arrow(painter, self._boxes[i - 1], box, palette)
            self._box(painter, view, i + 1, box, palette, selected=i == self._selected)
        painter.end()

    def _arrow(self, painter: QPainter, before: _Box, after: _Box, palette: QPalette) -> None:
        u = self._unit()
        color = theme.muted(palette)
        pen = QPen(color, max(1.5, u * 0.1))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        head = u * 0.35
        if self.vertical:
            x = before.circle.center().x()
            start, end = before.rect.bottom() + u * 0.15, after.rect.top() - u * 0.15
            tip = [
                QPointF(x, end),
                QPointF(x - head * 0.8, end - head),
                QPointF(x + head * 0.8, end - head),
            ]
            line = (QPointF(x, start), QPointF(x, end - head * 0.5))
        else:
            y = before.circle.center().y()
            start, end = before.rect.right() + u * 0.2, after.rect.left() - u * 0.2
            tip = [
                QPointF(end, y),
                QPointF(end - head, y - head * 0.8),
                QPointF(end - head, y + head * 0.8),
            ]
            line = (QPointF(start, y), QPointF(end - head * 0.5, y))
        painter.setPen(pen)
        painter.drawLine(*line)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(QPolygonF(tip))

    def _box(
        self,
        painter: QPainter,
        view: StepView,
        number: int,
        box: _Box,
        palette: QPalette,
        selected: bool,
    ) -> None:
        base, _small, bold = self._fonts()
        u = self._unit()
        text = palette.color(QPalette.ColorRole.Text)
        grey = theme.muted(palette)
        kind = _KIND[view.state]
        tone = theme.accent(kind, palette)
        untested = view.state == "untested"

        fill = QColor(palette.color(QPalette.ColorRole.Base))
        if view.state == "fail":
            tint = QColor(tone)
            tint.setAlphaF(0.14)
            fill = _blend(fill, tint)
        pen = QPen(grey if untested else tone)
        strong = 0.28 if theme.is_high_contrast(palette) else 0.16
        pen.setWidthF(u * (strong if view.state == "fail" else 0.08))
        if untested:
            pen.setStyle(Qt.PenStyle.DashLine)
        radius = u * 0.5
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(box.rect.adjusted(1, 1, -1, -1), radius, radius)
        if view.state == "fail":
            _hatch_band(painter, box, tone, u, vertical=self.vertical)
        if selected:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), u * 0.14))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.rect.adjusted(-2, -2, 2, 2), radius + 2, radius + 2)

        ring = QColor(grey if untested else tone)
        ring.setAlphaF(0.18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ring)
        painter.drawEllipse(box.circle)
        icon_color = tone if view.state == "fail" else (grey if untested else text)
        size = int(u * 1.4)
        pixmap = self._icon(f"step-{view.step.value}", size, icon_color)
        center = box.circle.center()
        painter.drawPixmap(QPointF(center.x() - size / 2, center.y() - size / 2), pixmap)

        painter.setPen(grey if untested else text)
        box.label_text.draw(painter, box.label.topLeft())
        painter.setPen(grey)
        box.detail_text.draw(painter, box.detail.topLeft())

        # The badge: icon + word, so the state never depends on colour alone.
        word = step_state_word(view.state)
        font = bold if view.state == "fail" else base
        icon = int(u * 1.0)
        total = icon + u * 0.3 + QFontMetricsF(font).horizontalAdvance(word)
        left = box.badge.x() - total / 2 if box.alignment == _CENTER else box.badge.x()
        middle = box.badge.y()
        theme.status_icon(kind).paint(painter, int(left), int(middle - icon / 2), icon, icon)
        painter.setFont(font)
        painter.setPen(tone if view.state == "fail" else (grey if untested else text))
        area = QRectF(left + icon + u * 0.3, middle - u, box.rect.right() - left, u * 2)
        painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, word)

    def _icon(self, name: str, size: int, color: QColor) -> QPixmap:
        dpr = self.devicePixelRatioF()
        key = (name, size, color.rgba(), dpr)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            if len(self._pixmaps) >= 64:  # palettes and sizes come and go; a few stay
                self._pixmaps.clear()
            pixmap = self._pixmaps[key] = theme.tinted_pixmap(name, size, color, dpr)
        return pixmap

    def warm_up(self) -> None:
        """Draw the step icons once in every state's colour before the first paint (the
        first SVG rendering also loads the drawing classes)."""
        palette = self.palette()
        size = int(self._unit() * 1.4)
        colors = (
            theme.accent(_KIND["fail"], palette),
            theme.muted(palette),
            palette.color(QPalette.ColorRole.Text),
        )
        for step in STEPS:
            for color in colors:
                self._icon(f"step-{step.value}", size, color)

    # -- interaction --------------------------------------------------------------------
    def _index_at(self, pos: QPointF) -> int | None:
        self._layout(self.width())
        return next((i for i, b in enumerate(self._boxes) if b.rect.contains(pos)), None)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event.position())
        if index is None:
            super().mousePressEvent(event)
            return
        self._activate(index)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self._index_at(event.position())
        if index is None:
            self.unsetCursor()
            self.setToolTip("")
            return
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        view = self._views[index]
        self.setToolTip(
            tr("{label}: {state}. Click to see what was checked.").format(
                label=view.label, state=step_state_word(view.state)
            )
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._views:
            super().keyPressEvent(event)
            return
        last = len(self._views) - 1
        current = self._selected
        forward = (Qt.Key.Key_Right, Qt.Key.Key_Down)
        backward = (Qt.Key.Key_Left, Qt.Key.Key_Up)
        if event.key() in forward:
            self._selected = 0 if current is None else min(last, current + 1)
            self.update()
        elif event.key() in backward:
            self._selected = 0 if current is None else max(0, current - 1)
            self.update()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if current is not None:
                self._activate(current)
        else:
            super().keyPressEvent(event)

    def _activate(self, index: int) -> None:
        self._selected = index
        self.update()
        self.stepClicked.emit(self._views[index].step.value)


def _hatch_band(painter: QPainter, box: _Box, color: QColor, u: float, vertical: bool) -> None:
    """Diagonal stripes along the failing box's leading edge: the step stands out without
    colour (high contrast, grey-scale print) and never under its text."""
    band = u * 0.42
    inset = u * 0.12
    rect = box.rect.adjusted(inset + 1, inset + 1, -inset - 1, -inset - 1)
    area = (
        QRectF(rect.left(), rect.top(), band, rect.height())
        if vertical
        else QRectF(rect.left(), rect.top(), rect.width(), band)
    )
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(color, Qt.BrushStyle.BDiagPattern))
    painter.drawRoundedRect(area, u * 0.2, u * 0.2)
    painter.restore()


def _blend(base: QColor, over: QColor) -> QColor:
    a = over.alphaF()
    return QColor.fromRgbF(
        base.redF() * (1 - a) + over.redF() * a,
        base.greenF() * (1 - a) + over.greenF() * a,
        base.blueF() * (1 - a) + over.blueF() * a,
    )
