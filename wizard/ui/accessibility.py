"""Keyboard and screen-reader access: the flow diagram's steps as real focusable buttons,
explicit tab orders where Qt's creation order is wrong, a visible focus frame for the custom
widgets, and a high-contrast palette (what Windows' high-contrast themes hand to Qt)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea, QWidget

from wizard.core.model import FlowStep
from wizard.ui.text import step_state_word, tr

if TYPE_CHECKING:
    from PySide6.QtGui import QFocusEvent, QKeyEvent, QPainter

    from wizard.ui.diagram import FlowDiagram, StepView


def describe(widget: QWidget, name: str, description: str) -> None:
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)


def tab_chain(widgets: Iterable[QWidget | None]) -> None:
    """Tab visits `widgets` in this order (hidden or disabled ones are skipped by Qt)."""
    present = [w for w in widgets if w is not None]
    for first, second in pairwise(present):
        QWidget.setTabOrder(first, second)


def paint_focus_frame(widget: QWidget, painter: QPainter | None = None) -> None:
    """The style's own focus rectangle around `widget` (for widgets Qt does not frame)."""
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyle, QStyleOptionFocusRect

    own = painter is None
    painter = painter or QPainter(widget)
    option = QStyleOptionFocusRect()
    option.initFrom(widget)
    option.rect = widget.rect().adjusted(1, 1, -1, -1)
    option.backgroundColor = widget.palette().color(QPalette.ColorRole.Window)
    widget.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, option, painter, widget)
    pen = painter.pen()
    pen.setColor(widget.palette().color(QPalette.ColorRole.Highlight))
    pen.setWidthF(max(2.0, widget.fontMetrics().height() * 0.12))
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(widget.rect().adjusted(1, 1, -2, -2))
    if own:
        painter.end()


class FocusFollower(QObject):
    """Whatever Tab reaches inside a scrolling page is scrolled into view (Qt does that only
    when the focus moves between widgets of the same scroll area)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self._following = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self.follow)  # ends with this object (the window's child)
            self._following = True

    def detach(self) -> None:
        """Stop following (the window is shutting down; see SigninDoctorWindow.shutdown)."""
        app = QApplication.instance()
        if self._following and isinstance(app, QApplication):
            self._following = False
            app.focusChanged.disconnect(self.follow)

    @Slot(QWidget, QWidget)
    def follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not self.window.isAncestorOf(new):
            return
        parent = new.parentWidget()
        while parent is not None and parent is not self.window:
            if isinstance(parent, QScrollArea):
                # After the page has laid out (a page that just appeared is not yet); not at
                # all if the widget goes first (a new run replaces the Checking page's rows).
                QTimer.singleShot(0, new, partial(_ensure_visible, parent, new))
                return
            parent = parent.parentWidget()


def _ensure_visible(area: QScrollArea, widget: QWidget) -> None:
    if widget.isVisible() and widget.hasFocus():
        area.ensureWidgetVisible(widget)


# -- the diagram's steps -------------------------------------------------------------------


class StepButton(QAbstractButton):
    """One step of the diagram as a keyboard stop and a button for screen readers. It lies
    over the step's box and paints only a focus frame; mouse clicks fall through to the
    diagram, which hit-tests them itself."""

    def __init__(self, diagram: FlowDiagram, index: int) -> None:
        super().__init__(diagram)
        self.diagram = diagram
        self.index = index
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setObjectName(f"step-{index + 1}")
        self.clicked.connect(self._activate)

    def set_view(self, view: StepView, total: int) -> None:
        state = step_state_word(view.state)
        name = tr("Step {n} of {total}: {label} — {state}").format(
            n=self.index + 1, total=total, label=view.label, state=state
        )
        self.setText(name)
        describe(
            self,
            name,
            tr("{detail}. Press Enter to see what was checked for this step.").format(
                detail=view.detail
            ),
        )
        self.setToolTip(name)

    def sizeHint(self) -> QSize:
        return self.size()

    def paintEvent(self, _event: object) -> None:
        if self.hasFocus():
            paint_focus_frame(self)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        keyboard = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
        views = self.diagram.views()
        if event.reason() in keyboard and self.index < len(views):
            self.diagram.select(views[self.index].step)  # the ring follows the keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Up):
            step = 1 if key in (Qt.Key.Key_Right, Qt.Key.Key_Down) else -1
            buttons = [b for b in self.diagram.findChildren(StepButton) if b.isVisible()]
            buttons.sort(key=lambda b: b.index)
            target = self.index + step
            if 0 <= target < len(buttons):
                buttons[target].setFocus(Qt.FocusReason.TabFocusReason)
        else:
            super().keyPressEvent(event)

    def _activate(self) -> None:
        views = self.diagram.views()
        if self.index < len(views):
            step = views[self.index].step
            self.diagram.select(step)
            self.diagram.stepClicked.emit(step.value)


class StepButtons(QObject):
    """Keeps one StepButton over each box of `diagram` (rebuilt when the steps change,
    moved when the diagram is resized or re-laid out)."""

    def __init__(self, diagram: FlowDiagram) -> None:
        super().__init__(diagram)
        self.diagram = diagram
        self.buttons = [StepButton(diagram, i) for i in range(len(FlowStep))]
        for button in self.buttons:
            button.hide()
        # Tab reaches the steps, not the picture as a whole (arrows still work on it).
        diagram.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        tab_chain([diagram, *self.buttons])
        diagram.installEventFilter(self)
        diagram.stepsChanged.connect(self.sync)

    def sync(self) -> None:
        views = self.diagram.views()
        for button, view in zip(self.buttons, views, strict=False):
            button.set_view(view, len(views))
            button.setGeometry(self.diagram.step_rect(view.step).toAlignedRect())
            button.show()
        for button in self.buttons[len(views) :]:
            button.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.diagram and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.sync()
        return False

    def detach(self) -> None:
        self.diagram.removeEventFilter(self)

    def first(self) -> StepButton:
        return self.buttons[0]

    def last(self) -> StepButton:
        return self.buttons[-1]


# -- high contrast ---------------------------------------------------------------------------


def high_contrast_palette(dark: bool = True) -> QPalette:
    """Windows' "High Contrast Black" (or "White") system colours as a Qt palette: what Qt
    receives from the system when such a theme is on."""
    from PySide6.QtGui import QColor

    if dark:
        window, text, highlight, hl_text, link, grey = (
            "#000000",
            "#ffffff",
            "#1aebff",
            "#000000",
            "#ffff00",
            "#3ff23f",
        )
    else:
        window, text, highlight, hl_text, link, grey = (
            "#ffffff",
            "#000000",
            "#37006e",
            "#ffffff",
            "#00009f",
            "#600000",
        )
    palette = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: window,
        roles.WindowText: text,
        roles.Base: window,
        roles.AlternateBase: window,
        roles.Text: text,
        roles.Button: window,
        roles.ButtonText: text,
        roles.BrightText: text,
        roles.Highlight: highlight,
        roles.HighlightedText: hl_text,
        roles.Link: link,
        roles.LinkVisited: link,
        roles.PlaceholderText: text,
        roles.ToolTipBase: window,
        roles.ToolTipText: text,
        roles.Light: text,
        roles.Midlight: text,
        roles.Mid: text,
        roles.Dark: text,
        roles.Shadow: text,
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(grey))
    return palette


def describe_wizard_buttons(window: Any) -> None:
    """Names and descriptions for the wizard's own buttons (their words change per page;
    what they do does not)."""
    from PySide6.QtWidgets import QWizard

    which = QWizard.WizardButton
    for button_id, description in (
        (which.BackButton, tr("Goes back to the previous step.")),
        (which.NextButton, tr("Goes on to the next step.")),
        (which.FinishButton, tr("Closes Sign-in Doctor.")),
        (which.CancelButton, tr("Stops the checks if they are running; otherwise closes.")),
        (which.CustomButton1, tr("Watches your next sign-in attempt and explains what fails.")),
    ):
        button = window.button(button_id)
        if button is not None:
            button.setAccessibleDescription(description)
