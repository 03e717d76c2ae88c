"""The wizard window: pages declared as data, one diagnosis runner, the "Watch a sign-in"
action, and a clean shutdown of every thread it started."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from wizard.app.session import Session
from wizard.ui import theme, walkthrough
from wizard.ui.accessibility import FocusFollower, describe_wizard_buttons
from wizard.ui.case_draft import CaseDraftModel
from wizard.ui.history_view import HistoryKeeper
from wizard.ui.pacing import AfterPaint, Steps
from wizard.ui.pages.base import Page
from wizard.ui.pages.checking import CheckingPage
from wizard.ui.pages.done import DonePage
from wizard.ui.pages.fix import FixPage
from wizard.ui.pages.share import SharePage
from wizard.ui.pages.verdict import VerdictPage
from wizard.ui.pages.welcome import WelcomePage
from wizard.ui.planner import Planner, ThreadPlanner
from wizard.ui.runner import DiagnosisRunner, RunnerBase
from wizard.ui.screen_fit import fit_to_screen
from wizard.ui.text import tr
from wizard.ui.widgets import clean_copies

if TYPE_CHECKING:
    from wizard.app.fixing import PlannedFix
    from wizard.ui.watch_dialog import WatchDialog


def _freeze_startup_objects() -> None:
    """Everything made so far (modules, Qt's wrappers and enums) lives as long as the
    process: the cyclic garbage collector stops walking it again and again. Its full passes
    otherwise take tens of milliseconds, holding the GIL - a stall of the window."""
    if not _frozen:
        _frozen.append(True)
        gc.freeze()


_frozen: list[bool] = []

PAGES: tuple[type[Page], ...] = (
    WelcomePage,
    CheckingPage,
    VerdictPage,
    FixPage,
    SharePage,
    DonePage,
)
WATCH_PAGES = ("verdict", "fix", "share")
FIRST_PAINT_FALLBACK_MS = 3000  # a window that is made but not shown loads its history then
MIN_SIZE = QSize(640, 480)  # shrunk further on a screen with less room (screen_fit)
DEFAULT_SIZE = QSize(860, 680)

W = QWizard.WizardButton


class SigninDoctorWindow(QWizard):
    plansReady = Signal()  # session.planned now belongs to session.diagnosis
    # The checks in this process: the session's injected world (tests) stays usable.
    # ThisComputerWindow (wizard.ui.app) runs them, and makes the fix plans, in child
    # processes instead.
    runner_type: type[RunnerBase] = DiagnosisRunner
    planner_type: type[Planner] = ThreadPlanner

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = self.runner_type(self)
        self._planner = self.planner_type(self)
        self._planner.finished.connect(self._on_plans)
        self._planner.failed.connect(self._on_plans_failed)
        self.setWindowTitle(tr("Sign-in Doctor"))
        self.setWindowIcon(theme.icon("app"))
        self.setObjectName("sign-in-doctor")
        clean_copies(QGuiApplication.clipboard())
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(W.CustomButton1, tr("Watch a sign-in…"))
        self.button(W.CustomButton1).setAccessibleName(tr("Watch a sign-in"))
        self.customButtonClicked.connect(self._custom_button)
        self._ids: dict[str, int] = {}
        self.jump_to = ""  # the page the next "Next" goes to, when a button chose it
        # What the case file will hold (the preview and the Share page save the same bytes).
        self.case_draft = CaseDraftModel(self.session, self)
        # Each page makes its content when it is first shown (or read); the first one now.
        for index, page_class in enumerate(PAGES):
            page = page_class(self)
            self.setPage(index, page)
            self._ids[page_class.key] = index
        self.setStartId(0)
        self.page_by_key("welcome").ensure_built()
        fit_to_screen(self, DEFAULT_SIZE, MIN_SIZE)
        self._fitted = False
        self.currentIdChanged.connect(self._update_buttons)
        # After the pages: they take each new diagnosis into the session first.
        self.history = HistoryKeeper(self)
        share = self.page_by_key("share")
        assert isinstance(share, SharePage)
        self.history.changed.connect(share.show_history)  # (once the page has content)
        self.walkthrough = walkthrough.attach(self)
        self._prepared: Steps | None = None
        self._filling: Steps | None = None
        self.runner.checkStarted.connect(self._prepare_verdict)
        checking = self.page_by_key("checking")
        assert isinstance(checking, CheckingPage)
        checking.runFinished.connect(self._fill_verdict)
        # (A watcher, not a paintEvent of ours: that would put Python in every repaint.)
        self._first_paint = AfterPaint(self, fallback_ms=FIRST_PAINT_FALLBACK_MS)
        self._first_paint.arm(self, self._after_first_paint)
        self._focus_follower = FocusFollower(self)
        describe_wizard_buttons(self)
        self._watch: WatchDialog | None = None
        self._planning_for: object = None
        self._plans_stale = False
        self._closing = False
        self._button_layout: list[QWizard.WizardButton] = []
        self._update_buttons(0)

    # -- pages make their content on first use; work that can wait waits for the first paint
    def page_built(self, page: Page) -> None:
        """A page has just made its content (Page.ensure_built)."""
        keeper = getattr(self, "walkthrough", None)
        if keeper is not None:
            keeper.page_built(page)

    def wizard_buttons(self) -> list[QWidget]:
        """The wizard's own buttons in Tab order (walkthrough toggle first)."""
        order = (
            W.CustomButton2,
            W.CustomButton1,
            W.BackButton,
            W.NextButton,
            W.CommitButton,
            W.FinishButton,
            W.CancelButton,
        )
        return [b for b in (self.button(which) for which in order) if b is not None]

    def _after_first_paint(self) -> None:
        """What start-up does not need before the window is on the screen: the stored runs
        and the error decoder's patterns, each read on a worker thread."""
        _freeze_startup_objects()
        self.history.load()
        welcome = self.page_by_key("welcome")
        assert isinstance(welcome, WelcomePage)
        welcome.warm_up()

    def _prepare_verdict(self, *_args: object) -> None:
        """While the checks run, the Verdict page is made and polished in small steps, so
        showing it later is quick (it is the window's heaviest page)."""
        if self._prepared is not None:
            return
        verdict = self.verdict_page()
        self._prepared = Steps(self, [*verdict.preparation(), verdict.warm_up])

    def _fill_verdict(self, _diagnosis: object) -> None:
        """The diagnosis is in; the Checking page shows it a moment longer (ADVANCE_DELAY_MS):
        the Verdict page takes it meanwhile, in steps."""
        if self._filling is not None:
            self._filling.cancel()
        self._filling = Steps(self, self.verdict_page().fill_ahead())

    # -- navigation ---------------------------------------------------------------------
    def page_id(self, key: str) -> int:
        return self._ids[key]

    def page_by_key(self, key: str) -> Page:
        page = self.page(self._ids[key])
        assert isinstance(page, Page)
        return page

    def verdict_page(self) -> VerdictPage:
        page = self.page_by_key("verdict")
        assert isinstance(page, VerdictPage)
        return page

    def current_key(self) -> str:
        page = self.currentPage()
        return page.key if isinstance(page, Page) else ""

    def _update_buttons(self, _id: int) -> None:
        """Welcome has the walkthrough's check box; the other pages its toggle and "Watch a
        sign-in…", which only the pages in WATCH_PAGES show. QWizard hides and shows every
        button again when the layout is set (each a relayout and, on X11, a round trip to the
        X server for the pointer): it is set only when it changes."""
        self._focus_into_page()  # before the buttons move: a moved button passes the focus on
        layout = [W.Stretch, W.BackButton, W.NextButton, W.FinishButton, W.CancelButton]
        if self.current_key() != "welcome":
            layout = [W.CustomButton2, W.CustomButton1, *layout]
        if layout != self._button_layout:
            self._button_layout = layout
            self.setButtonLayout(layout)
        watch = self.button(W.CustomButton1)
        if watch.isVisibleTo(self) != (self.current_key() in WATCH_PAGES):
            watch.setVisible(self.current_key() in WATCH_PAGES)

    def _focus_into_page(self) -> None:
        """QWizard gives a new page's first control the focus, looking for it among the next
        100 widgets of the window's Tab order. A page that made its content just now has it
        at the end of that order, out of reach: it gets the same control here."""
        page = self.currentPage()
        focus = QApplication.focusWidget()
        if page is None or (focus is not None and page.isAncestorOf(focus)):
            return
        if isinstance(page, Page) and (first := page.first_stop()) is not None:
            first.setFocus()  # (no walk through every other page's widgets to find it)
            return
        widget = page.nextInFocusChain()
        while widget is not None and widget is not page and widget is not self:
            if (  # (Qt's flags are slow in Python: the other pages' widgets skip them)
                page.isAncestorOf(widget)
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.isVisibleTo(page)
            ):
                widget.setFocus()
                return
            widget = widget.nextInFocusChain()

    # -- after a fix: Check again, "Did sign-in work?" (wizard.ui.after_fix) -------------
    def check_again(self) -> None:
        self.page_by_key("fix").check_again()  # type: ignore[attr-defined]

    def after_fix_changed(self) -> None:
        self.page_by_key("fix").show_after_fix()  # type: ignore[attr-defined]
        self.verdict_page().show_after_fix()

    def sign_in_worked(self, worked: bool) -> None:
        """Yes: the Done page. No: back to the result (from Fix) or on to the case file."""
        self.session.after_fix = None
        self.after_fix_changed()
        if not worked and self.current_key() == "fix":
            self.back()
            return
        self.jump_to = "done" if worked else "share"
        try:
            self.next()
        finally:
            self.jump_to = ""

    # -- fix plans (they read files and the network: off the GUI thread) ------------------
    def request_plans(self) -> None:
        diagnosis = self.session.diagnosis
        if diagnosis is None or self._planner.is_running():
            return
        if self.session.planned_for is diagnosis and self.session.planned is not None:
            self.plansReady.emit()
            return
        self._planning_for = diagnosis
        self._plans_stale = False
        self._planner.start(self.session)

    def replan(self) -> None:
        """Plans depend on more than the diagnosis (a picked certificate file): redo them."""
        self.session.planned = self.session.planned_for = None
        self._plans_stale = self._planner.is_running()
        self.request_plans()

    def plans_current(self) -> bool:
        return (
            self.session.planned is not None and self.session.planned_for is self.session.diagnosis
        )

    def _on_plans(self, planned: list[PlannedFix]) -> None:
        if self._plans_stale or self._planning_for is not self.session.diagnosis:
            self.request_plans()  # a re-check or a picked file came meanwhile: plan again
            return
        self.session.planned, self.session.planned_for = planned, self._planning_for
        self.plansReady.emit()

    def _on_plans_failed(self, _error: object) -> None:
        self.session.planned, self.session.planned_for = [], self._planning_for
        self.plansReady.emit()

    # -- actions ------------------------------------------------------------------------
    def _custom_button(self, which: int) -> None:
        if which == W.CustomButton1.value or which == W.CustomButton1:
            self.open_watch()

    def open_watch(self) -> WatchDialog:
        if self._watch is None:
            from wizard.ui.watch_dialog import WatchDialog

            self._watch = WatchDialog(self.session, self)
        if self._watch.isVisible():
            self._watch.raise_()
            self._watch.activateWindow()
        else:
            self._watch.show()
        return self._watch

    def watch_dialog(self) -> WatchDialog | None:
        return self._watch

    def reject(self) -> None:
        """Cancel (or Escape) while checking stops the checks; otherwise it closes."""
        if not self._closing and self.runner.is_running() and self.current_key() == "checking":
            self.page_by_key("checking").stop()  # type: ignore[attr-defined]
            return
        self._planner.cancel()  # (closing: plans for no one)
        super().reject()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:  # now the frame is known: fit it, not a guess of it
            self._fitted = True
            fit_to_screen(self, DEFAULT_SIZE, MIN_SIZE)

    def closeEvent(self, event: QCloseEvent) -> None:
        # The title bar's close button always closes (QDialog routes it through reject()).
        self.runner.cancel()
        self._planner.cancel()
        self._closing = True
        try:
            super().closeEvent(event)
        finally:
            self._closing = False

    def shutdown(self, timeout_s: float = 10.0) -> bool:
        """Stop and join every thread this window started (app exit, test teardown)."""
        ok = self.runner.shutdown(timeout_s)
        ok = self._planner.shutdown(timeout_s) and ok
        for key in ("welcome", "fix", "share"):
            ok = self.page_by_key(key).shutdown(timeout_s) and ok  # type: ignore[attr-defined]
        if self._watch is not None:
            ok = self._watch.shutdown(timeout_s) and ok
        ok = self.history.shutdown(timeout_s) and ok
        self._first_paint.cancel()
        for steps in (self._prepared, self._filling):
            if steps is not None:
                steps.cancel()
        self._detach()
        return ok

    def _detach(self) -> None:
        """Python event filters and slots stop watching this window: after shutdown it may
        be freed by Python's garbage collector, which clears the Python side of its parts
        before Qt deletes them (and Qt still sends them events meanwhile)."""
        self.walkthrough.detach()
        self._focus_follower.detach()
        self.verdict_page().detach()
