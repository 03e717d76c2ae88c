"""The wizard window: pages declared as data, one diagnosis runner, the "Watch a sign-in"
action, and a clean shutdown of every thread it started."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget, QWizard

from wizard.ui import fixing, theme, walkthrough
from wizard.ui.accessibility import FocusFollower, describe_wizard_buttons
from wizard.ui.history_view import HistoryKeeper
from wizard.ui.pages.base import Page
from wizard.ui.pages.checking import CheckingPage
from wizard.ui.pages.fix import FixPage
from wizard.ui.pages.share import SharePage
from wizard.ui.pages.verdict import VerdictPage
from wizard.ui.pages.welcome import WelcomePage
from wizard.ui.redaction_preview import CaseDraftModel
from wizard.ui.runner import DiagnosisRunner
from wizard.ui.session import Session
from wizard.ui.text import tr
from wizard.ui.threads import Task
from wizard.ui.watch_dialog import WatchDialog

PAGES: tuple[type[Page], ...] = (WelcomePage, CheckingPage, VerdictPage, FixPage, SharePage)
WATCH_PAGES = ("verdict", "fix", "share")
MIN_SIZE = QSize(640, 480)  # fits a 1280x720 screen at 150 % and 1920x1080 at 200 %
DEFAULT_SIZE = QSize(860, 680)

W = QWizard.WizardButton


class SigninDoctorWindow(QWizard):
    plansReady = Signal()  # session.planned now belongs to session.diagnosis

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = DiagnosisRunner(self)
        self._planner = Task(self)
        self._planner.finished.connect(self._on_plans)
        self._planner.failed.connect(self._on_plans_failed)
        self.setWindowTitle(tr("Sign-in Doctor"))
        self.setWindowIcon(theme.icon("app"))
        self.setObjectName("sign-in-doctor")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(W.CustomButton1, tr("Watch a sign-in…"))
        self.button(W.CustomButton1).setAccessibleName(tr("Watch a sign-in"))
        self.customButtonClicked.connect(self._custom_button)
        self._ids: dict[str, int] = {}
        # What the case file will hold (the preview and the Share page save the same bytes).
        self.case_draft = CaseDraftModel(self.session, self)
        for index, page_class in enumerate(PAGES):
            page = page_class(self)
            self.setPage(index, page)
            self._ids[page_class.key] = index
        self.setStartId(0)
        self.setMinimumSize(MIN_SIZE)
        self.resize(DEFAULT_SIZE)
        self.currentIdChanged.connect(self._update_buttons)
        # After the pages: they take each new diagnosis into the session first.
        self.history = HistoryKeeper(self)
        share = self.page_by_key("share")
        assert isinstance(share, SharePage)
        self.history.changed.connect(share.show_history)
        self.walkthrough = walkthrough.attach(self)
        self._focus_follower = FocusFollower(self)
        describe_wizard_buttons(self)
        self._watch: WatchDialog | None = None
        self._planning_for: object = None
        self._plans_stale = False
        self._closing = False
        self._update_buttons(0)

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
        layout = [W.Stretch, W.BackButton, W.NextButton, W.FinishButton, W.CancelButton]
        if self.current_key() in WATCH_PAGES:
            layout = [W.CustomButton1, *layout]
        if self.current_key() != "welcome":  # Welcome has the walkthrough's check box
            layout = [W.CustomButton2, *layout]
        self.setButtonLayout(layout)

    # -- fix plans (they read files: worker thread) --------------------------------------
    def request_plans(self) -> None:
        diagnosis = self.session.diagnosis
        if diagnosis is None or self._planner.is_running():
            return
        if self.session.planned_for is diagnosis and self.session.planned is not None:
            self.plansReady.emit()
            return
        session, fixes = self.session, diagnosis.verdict.fixes
        self._planning_for = diagnosis
        self._plans_stale = False
        self._planner.start(lambda: fixing.plan_fixes(session, fixes))

    def replan(self) -> None:
        """Plans depend on more than the diagnosis (a picked certificate file): redo them."""
        self.session.planned = self.session.planned_for = None
        self._plans_stale = self._planner.is_running()
        self.request_plans()

    def plans_current(self) -> bool:
        return (
            self.session.planned is not None and self.session.planned_for is self.session.diagnosis
        )

    def _on_plans(self, planned: list[fixing.PlannedFix]) -> None:
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
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        # The title bar's close button always closes (QDialog routes it through reject()).
        self.runner.cancel()
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
        return self.history.shutdown(timeout_s) and ok
