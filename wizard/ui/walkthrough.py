"""Help-desk walkthrough: for an agent talking someone through Sign-in Doctor on the phone.

When it is on, every page shows at its top the case number, which step of five this is, a
short script to read aloud that names the buttons by the words on them (taken from the
buttons themselves, so it follows the language), a button that copies the summary, and one
that shows exactly what the report will contain before anything is saved. It is switched on
with a check box on the Welcome page or the "Walkthrough" button on every other page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from wizard.core.steps import step_number
from wizard.ui.accessibility import tab_chain
from wizard.ui.pacing import AfterPaint
from wizard.ui.text import ltext, sentences, status_word, step_state_word, tr
from wizard.ui.theme import tinted_pixmap
from wizard.ui.widgets import label

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

    from wizard.ui.pages.base import Page
    from wizard.ui.window import SigninDoctorWindow

W = QWizard.WizardButton
PAGE_KEYS = ("welcome", "checking", "verdict", "fix", "share")


def step_name(key: str) -> str:
    """The five steps by short names (the walkthrough's "Step 2 of 5: Checking")."""
    return {
        "welcome": tr("Start"),
        "checking": tr("Checking"),
        "verdict": tr("Result"),
        "fix": tr("Fix"),
        "share": tr("Share"),
    }[key]


def button_words(button: QAbstractButton) -> str:
    """A button's text as a person reads it: without the keyboard-mnemonic ampersand."""
    return re.sub(r"&(.)", r"\1", button.text()).strip()


@dataclass
class Script:
    lines: list[str]
    buttons: list[QAbstractButton] = field(default_factory=list)  # named in the lines

    def text(self) -> str:
        return "\n".join(f"{n}. {line}" for n, line in enumerate(self.lines, 1))


def _click(button: QAbstractButton, where: str = "") -> str:
    words = button_words(button)
    if where == "bottom":
        return tr("Click the button that says “{button}” at the bottom of the window.").format(
            button=words
        )
    return tr("Click the button that says “{button}”.").format(button=words)


def script_for(window: SigninDoctorWindow, key: str) -> Script:
    """What the agent reads out on page `key` (the page must be the current one, so the
    wizard's buttons carry that page's words)."""
    return {
        "welcome": _welcome,
        "checking": _checking,
        "verdict": _verdict,
        "fix": _fix,
        "share": _share,
    }[key](window)


def _welcome(window: SigninDoctorWindow) -> Script:
    start = window.button(W.NextButton)
    return Script(
        [
            tr("Look for the window called “{title}”.").format(title=window.windowTitle()),
            tr(
                "If you saw an error message, copy it and paste it into the big box. This is "
                "optional."
            ),
            _click(start, "bottom"),
        ],
        [start],
    )


def _checking(window: SigninDoctorWindow) -> Script:
    page: Any = window.page_by_key("checking")
    lines = [
        tr("Wait a few seconds while the checks run. Nothing on your computer is changed."),
        sentences(
            tr("Each line turns to “{ok}”, “{warning}” or “{problem}”.").format(
                ok=status_word_for("pass"),
                warning=status_word_for("warn"),
                problem=status_word_for("fail"),
            ),
            tr("Read me the lines that say “{problem}”.").format(problem=status_word_for("fail")),
        ),
    ]
    buttons: list[QAbstractButton] = []
    if page.stop_button.isVisibleTo(page):
        lines.append(
            tr("If nothing moves for a minute, click “{stop}”.").format(
                stop=button_words(page.stop_button)
            )
        )
        buttons.append(page.stop_button)
    if page.again_button.isVisibleTo(page):
        lines.append(
            tr("To run the checks again, click “{again}”.").format(
                again=button_words(page.again_button)
            )
        )
        buttons.append(page.again_button)
    lines.append(tr("When every check is done, the result opens by itself."))
    return Script(lines, buttons)


def status_word_for(value: str) -> str:
    from wizard.core.model import Status

    return status_word(Status(value))


def _verdict(window: SigninDoctorWindow) -> Script:
    page: Any = window.page_by_key("verdict")
    lines = [
        tr("Read me the large line at the top. It says: “{headline}”.").format(
            headline=page.headline.text()
        )
    ]
    # The picture's marks in its own words: the failing step, then any that need a look.
    for view in page.diagram.views():
        if view.state in ("fail", "warn"):
            lines.append(
                tr("In the picture, step {n} “{step}” is marked “{marker}”.").format(
                    n=step_number(view.step),
                    step=view.label,
                    marker=step_state_word(view.state),
                )
            )
    lines.append(_click(page.primary))
    lines.append(
        tr("If I ask for the details, click “{details}” below it.").format(
            details=button_words(page.details.button)
        )
    )
    return Script(lines, [page.primary, page.details.button])


def _fix(window: SigninDoctorWindow) -> Script:
    page: Any = window.page_by_key("fix")
    onward = window.button(W.NextButton)
    if not page.plans_ready():
        return Script([tr("Wait a moment while the steps are prepared.")], [])
    lines: list[str] = []
    buttons: list[QAbstractButton] = []
    cards = list(page.cards.values())
    apply_card = next(
        (c for c in cards if c.apply_button is not None and c.apply_button.isEnabled()), None
    )
    undo_card = next(
        (c for c in cards if c.undo_button is not None and c.undo_button.isVisibleTo(c)), None
    )
    after = page.after_fix
    if window.session.after_fix is not None and after.isVisible():
        lines.append(after.text.text())
        action = after.action()
        lines.append(tr("Then click “{button}”.").format(button=button_words(action)))
        buttons.append(action)
    elif apply_card is not None:
        lines.append(
            tr(
                "Look at the box “{title}”. “{details}” in it shows exactly what will change."
            ).format(
                title=ltext(apply_card.planned.plan.title),
                details=button_words(apply_card.details.button),
            )
        )
        lines.append(
            tr("Click “{apply}” in that box, then wait until it says it checked again.").format(
                apply=button_words(apply_card.apply_button)
            )
        )
        buttons.append(apply_card.apply_button)
    elif cards and cards[0].pick is not None:
        first = cards[0]
        lines.append(
            tr("In the box “{title}”, click “{pick}” and choose the file IT sent you.").format(
                title=ltext(first.planned.plan.title), pick=button_words(first.pick)
            )
        )
        buttons.append(first.pick)
    elif cards:
        first = cards[0]
        lines.append(
            tr("Follow the numbered steps in the box “{title}”.").format(
                title=ltext(first.planned.plan.title)
            )
        )
        if first.copy_fields and first.details is not None:
            details = first.details.button
            lines.append(
                tr(
                    "To copy a command, click “{details}” in that box, then “{copy}” next to it."
                ).format(
                    details=button_words(details), copy=button_words(first.copy_fields[0].button)
                )
            )
            buttons.append(details)
    if undo_card is not None and undo_card.undo_button is not None:
        lines.append(
            tr("To put everything back as it was, click “{undo}”.").format(
                undo=button_words(undo_card.undo_button)
            )
        )
        buttons.append(undo_card.undo_button)
    lines.append(
        tr("When you are done, click “{next}” at the bottom of the window.").format(
            next=button_words(onward)
        )
    )
    buttons.append(onward)
    return Script(lines, buttons)


def _share(window: SigninDoctorWindow) -> Script:
    page: Any = window.page_by_key("share")
    close = window.button(W.FinishButton)
    return Script(
        [
            tr("Read me the case number: {case_id}.").format(case_id=window.session.case_id),
            tr(
                "Click “{save}” to save the report, or click “{copy}” and paste the summary "
                "into our chat or e-mail."
            ).format(save=button_words(page.save_button), copy=button_words(page.copy_button)),
            tr("When you are done, click “{close}”.").format(close=button_words(close)),
        ],
        [page.save_button, page.copy_button, close],
    )


# -- the panel -------------------------------------------------------------------------------


class WalkthroughPanel(QFrame):
    """The walkthrough's box at the top of one page."""

    def __init__(self, walkthrough: Walkthrough, key: str) -> None:
        super().__init__()
        self.walkthrough = walkthrough
        self.key = key
        self.setObjectName(f"walkthrough-{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setAutoFillBackground(True)
        self.setAccessibleName(tr("Help-desk walkthrough"))
        u = self.fontMetrics().height()
        self.heading = label("", bold=True, selectable=True)
        self.heading.setAccessibleName(tr("Case and step"))
        self.script_label = label("", selectable=True)
        self.script_label.setAccessibleName(tr("What to read aloud"))
        self.copy_button = QPushButton(tr("Copy summary"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.setAccessibleName(tr("Copy the case summary"))
        self.copy_button.setAccessibleDescription(
            tr("Copies the case number and the result, to paste into the ticket.")
        )
        self.copy_button.clicked.connect(self.copy_summary)
        self.preview_button = QPushButton(tr("Preview the report…"))
        self.preview_button.setAutoDefault(False)
        self.preview_button.setAccessibleDescription(
            tr("Shows the report files exactly as they would be saved, with items you can hide.")
        )
        self.preview_button.clicked.connect(self.open_preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(int(u * 0.7), int(u * 0.5), int(u * 0.7), int(u * 0.5))
        layout.setSpacing(int(u * 0.3))
        layout.addWidget(self.heading)
        layout.addWidget(self.script_label)
        layout.addLayout(buttons)
        self.script = Script([])

    def focusables(self) -> list[QWidget]:
        return [self.copy_button, self.preview_button]

    def open_preview(self) -> None:
        from wizard.ui.redaction_preview import open_preview  # the report stack, on demand

        open_preview(self.walkthrough.window)

    def refresh(self) -> None:
        window = self.walkthrough.window
        number = PAGE_KEYS.index(self.key) + 1
        heading = tr("Case {case_id} · Step {n} of {total}: {page}").format(
            case_id=self.walkthrough.case_id_for(self.key),
            n=number,
            total=len(PAGE_KEYS),
            page=step_name(self.key),
        )
        self.heading.setText(heading)
        self.script = script_for(window, self.key)
        self.script_label.setText(tr("Read aloud:") + "\n" + self.script.text())
        self.setAccessibleDescription(heading)
        has_result = window.session.diagnosis is not None and self.key not in (
            "welcome",
            "checking",
        )
        self.preview_button.setVisible(has_result)  # there is a report once checks are done

    def summary(self) -> str:
        window = self.walkthrough.window
        draft = window.case_draft.draft()
        if draft is not None and self.key not in ("welcome", "checking"):
            from wizard.ui.pages.share import summary_text

            return summary_text(draft.final_document())
        return tr("Sign-in Doctor - case {case_id} - step {n} of {total}: {page}").format(
            case_id=self.walkthrough.case_id_for(self.key),
            n=PAGE_KEYS.index(self.key) + 1,
            total=len(PAGE_KEYS),
            page=step_name(self.key),
        )

    def copy_summary(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(self.summary())
        self.copy_button.setText(tr("Copied"))

    def reset_copy(self) -> None:
        self.copy_button.setText(tr("Copy summary"))


class PanelArea(QScrollArea):
    """Holds a page's panel at the top of the page: as tall as the panel needs, but never
    more than `MAX_SHARE` of the page, so with large text the page itself stays usable
    (the panel then scrolls on its own)."""

    MAX_SHARE = 0.4

    def __init__(self, panel: WalkthroughPanel, page: QWidget) -> None:
        super().__init__()
        self.page = page
        self.setObjectName(f"walkthrough-area-{panel.key}")
        self.setWidget(panel)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVisible(False)
        page.installEventFilter(self)

    def fit(self) -> None:
        panel = self.widget()
        if panel is None or not self.page.height():
            return
        width = max(1, self.width() or self.page.width())
        needed = panel.heightForWidth(width)
        if needed < 0:
            needed = panel.sizeHint().height()
        cap = max(self.fontMetrics().height() * 4, int(self.page.height() * self.MAX_SHARE))
        height = min(needed, cap)
        if self.height() != height:
            self.setFixedHeight(height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.page and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            QTimer.singleShot(0, self, self.fit)
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            QTimer.singleShot(0, self, self.fit)


class _OnDemand(dict[str, Any]):
    """Panels (or their areas) by page key, each made the first time it is asked for."""

    def __init__(self, make: Callable[[str], None]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: str) -> Any:
        if key not in PAGE_KEYS:
            raise KeyError(key)
        self._make(key)
        return dict.__getitem__(self, key)


class Walkthrough(QObject):
    """Each page's panel is made when the walkthrough is first switched on (or the page makes
    its content while it is on), or when something asks for it: the window does not pay for
    five hidden panels at start-up."""

    toggled = Signal(bool)

    def __init__(self, window: SigninDoctorWindow) -> None:
        super().__init__(window)
        self.window = window
        self.enabled = False
        self.panels: dict[str, WalkthroughPanel] = _OnDemand(self._make_panel)
        self.areas: dict[str, PanelArea] = _OnDemand(self._make_panel)
        self._toggle_icon: tuple[str, int] = ("", 0)
        self._icon_after_paint = AfterPaint(self)
        self.checkbox = QCheckBox(tr("Help-desk walkthrough"))
        self.checkbox.setToolTip(tr("For when someone from your help desk guides you by phone."))
        self.checkbox.setObjectName("walkthrough-toggle")
        self.checkbox.setAccessibleName(tr("Help-desk walkthrough"))
        self.checkbox.setAccessibleDescription(
            tr("Shows the case number, the step you are on and words to read aloud on every page.")
        )
        self.checkbox.toggled.connect(self.set_enabled)

    def set_enabled(self, on: bool) -> None:
        if on == self.enabled:
            return
        self.enabled = on
        self.window.session.walkthrough = on
        self._sync_toggles()
        if on:
            for key in PAGE_KEYS:
                if self.window.page_by_key(key).is_built():
                    self.add_panel(self.window.page_by_key(key), key)
        for area in self.areas.values():
            area.setVisible(on)
        self.refresh()
        self.toggled.emit(on)

    def _sync_toggles(self) -> None:
        for toggle in (self.checkbox, self.window.button(W.CustomButton2)):
            if toggle.isChecked() != self.enabled:
                toggle.blockSignals(True)
                toggle.setChecked(self.enabled)
                toggle.blockSignals(False)

    def case_id_for(self, key: str) -> str:
        """The number that is (or will be) on this page's result."""
        session = self.window.session
        checking: Any = self.window.page_by_key("checking")
        waiting = key == "welcome" or (key == "checking" and not checking.isComplete())
        if waiting or session.diagnosis is None:
            return session.upcoming_case_id()
        return session.case_id

    def refresh(self, *_args: object) -> None:
        if not self.enabled:
            return
        key = self.window.current_key()
        panel = self.panels.get(key)
        if panel is not None:
            panel.refresh()
            self.areas[key].fit()
            place_panel_last(self.window, self.window.page_by_key(key), panel)
            if not panel.isAncestorOf(QApplication.focusWidget()):
                self.areas[key].verticalScrollBar().setValue(0)

    # -- the button row: words when it has room; else the toggle's icon only, then short words
    def fit_toggle(self) -> None:
        window = self.window
        toggle = window.button(W.CustomButton2)
        if toggle is None:
            return
        words = tr("Walkthrough")
        if toggle.text() != words:
            window.setButtonText(W.CustomButton2, words)
        watch = tr("Watch a sign-in…")
        if window.buttonText(W.CustomButton1) != watch:
            window.setButtonText(W.CustomButton1, watch)
        if not toggle.isVisible():
            return  # (Welcome: the check box instead; its icon is drawn when it shows)
        palette = window.palette()
        colour = palette.color(QPalette.ColorRole.ButtonText)
        size = max(16, round(toggle.fontMetrics().height() * 0.9))  # grows with the text
        if self._toggle_icon != (colour.name(), size):
            self._toggle_icon = (colour.name(), size)
            toggle.setIconSize(QSize(size, size))
            # The icon is an SVG drawing: the button appears at once, with room for it, and
            # gets the drawing when it has painted (the page it came with paints first).
            blank = QPixmap(size, size)
            blank.fill(Qt.GlobalColor.transparent)
            toggle.setIcon(QIcon(blank))
            self._icon_after_paint.arm(toggle, partial(self._draw_toggle_icon, colour, size))
        if self._row_overflows():
            window.setButtonText(W.CustomButton2, "")
        if self._row_overflows():  # (200 % on a small screen, in Japanese)
            window.setButtonText(W.CustomButton1, tr("Watch…"))

    def _row_overflows(self) -> bool:
        from PySide6.QtWidgets import QStyle

        window = self.window
        style = window.style()
        spacing = max(6, style.pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing))
        margins = 2 * max(9, style.pixelMetric(QStyle.PixelMetric.PM_LayoutLeftMargin))
        shown = [
            b
            for which in W
            if which not in (W.NoButton, W.NButtons, W.Stretch)
            and (b := window.button(which)) is not None
            and b.isVisible()
        ]
        needed = sum(b.sizeHint().width() for b in shown) + spacing * len(shown) + margins
        return needed > window.width()

    def _draw_toggle_icon(self, colour: QColor, size: int) -> None:
        toggle = self.window.button(W.CustomButton2)
        if toggle is not None and self._toggle_icon == (colour.name(), size):
            dpr = self.window.devicePixelRatioF()
            toggle.setIcon(QIcon(tinted_pixmap("walkthrough", size, colour, dpr)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kinds = (
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.FontChange,
            QEvent.Type.PaletteChange,
        )
        if watched is self.window and event.type() in kinds:
            QTimer.singleShot(0, self, self.fit_toggle)
        return False

    def current_panel(self) -> WalkthroughPanel | None:
        return self.panels.get(self.window.current_key())

    def detach(self) -> None:
        """Stop watching the window and its pages (it is shutting down: the window may be
        freed later, by Python's garbage collector, when these objects are half gone)."""
        self.window.removeEventFilter(self)
        self._icon_after_paint.cancel()
        for area in self.areas.values():
            area.page.removeEventFilter(area)

    def _make_panel(self, key: str) -> None:
        page = self.window.page_by_key(key)
        page.ensure_built()  # (while on, that adds the panel already)
        self.add_panel(page, key)

    def page_built(self, page: Page) -> None:
        """`page` has just made its content: it gets its panel now if the walkthrough is on."""
        if self.enabled:
            self.add_panel(page, page.key)

    def add_panel(self, page: QWidget, key: str) -> None:
        """The panel at the top of `page` (a page with content). Shown while the walkthrough
        is on."""
        if key in self.panels or key not in PAGE_KEYS:
            return
        panel = WalkthroughPanel(self, key)
        self.panels[key] = panel
        layout = page.layout()
        assert isinstance(layout, QVBoxLayout)
        area = PanelArea(panel, page)
        self.areas[key] = area
        layout.insertWidget(0, area)
        if self.enabled:  # (else `refresh` puts its buttons in the Tab order when it is on)
            place_panel_last(self.window, page, panel)
            area.setVisible(True)

    def _page_changed(self, _id: int) -> None:
        QTimer.singleShot(0, self, self.fit_toggle)  # the other buttons' words changed
        panel = self.current_panel()
        if panel is not None:
            panel.reset_copy()
        self.refresh()


def attach(window: SigninDoctorWindow) -> Walkthrough:
    """Add the walkthrough to every page of `window`, its toggles, and the tab order."""
    walkthrough = Walkthrough(window)
    welcome: Any = window.page_by_key("welcome")
    welcome.layout().addWidget(walkthrough.checkbox)

    window.setOption(QWizard.WizardOption.HaveCustomButton2, True)
    window.setButtonText(W.CustomButton2, tr("Walkthrough"))
    toggle = window.button(W.CustomButton2)
    toggle.setCheckable(True)
    toggle.setAccessibleName(tr("Help-desk walkthrough"))
    toggle.setAccessibleDescription(walkthrough.checkbox.accessibleDescription())
    toggle.setToolTip(tr("Help-desk walkthrough"))
    toggle.toggled.connect(walkthrough.set_enabled)
    window.installEventFilter(walkthrough)

    tab_chain(window.wizard_buttons())
    window.currentIdChanged.connect(walkthrough._page_changed)
    window.plansReady.connect(walkthrough.refresh)
    window.case_draft.changed.connect(walkthrough.refresh)
    runner = window.runner
    for signal in (runner.finished, runner.cancelled, runner.failed, runner.checkStarted):
        signal.connect(walkthrough.refresh)
    if window.session.walkthrough:  # the same session in a window built again
        walkthrough.set_enabled(True)
    return walkthrough


def place_panel_last(window: QWidget, page: QWidget, panel: WalkthroughPanel) -> None:
    """The panel's buttons come after the page's own controls: the page opens with the
    person's first step focused (the error box, the one action), and the agent's helpers
    are still one Tab away. Redone when a page adds controls (fix cards, check rows)."""
    own = _page_focusables(window, page, panel)
    if own:
        tab_chain([own[-1], *panel.focusables()])


def _page_focusables(window: QWidget, page: QWidget, panel: QWidget) -> list[QWidget]:
    """The page's Tab stops in their current order (the panel's excluded)."""
    found: list[QWidget] = []
    widget = window.nextInFocusChain()
    for _ in range(2000):
        if widget is window:
            break
        if (
            page.isAncestorOf(widget)
            and not panel.isAncestorOf(widget)
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(widget, QScrollArea)
        ):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found
