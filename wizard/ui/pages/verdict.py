"""Verdict: the sign-in flow with the failing step highlighted, one plain sentence of cause,
what to do next, ONE primary action, and the evidence behind a "Details" expander."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QStyle, QVBoxLayout, QWidget, QWizard

from wizard.app.session import cause_title
from wizard.core.findings import CheckFailure
from wizard.core.model import CheckResult, Diagnosis, FlowStep, Target, Verdict
from wizard.core.steps import STEPS, step_number
from wizard.ui.accessibility import tab_chain
from wizard.ui.pacing import AfterPaint
from wizard.ui.pages.base import Page
from wizard.ui.text import localized, ltext, status_word, step_label, step_state_word, tr
from wizard.ui.widgets import Card, Expander, icon_label, icon_size, label, set_icon

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent

    from wizard.ui.diagram import StepView


def headline_kind(cause: str) -> str:
    return {"none": "pass", "unknown": "warn"}.get(cause, "fail")


def plain_summary(diagnosis: Diagnosis) -> str:
    """The cause in one plain sentence. For `unknown` the core lists what it observed,
    including raw messages of broken checks; the main view names only the checks."""
    verdict = diagnosis.verdict
    if verdict.cause != "unknown":
        return ltext(verdict.summary)
    observed = [r for r in (diagnosis.result(i) for i in verdict.evidence) if r is not None]
    if not observed:
        return tr("Some checks could not run, so Sign-in Doctor cannot name a cause.")
    names = ", ".join(f"{ltext(r.title)} ({status_word(r.status).lower()})" for r in observed)
    return tr("Some checks did not pass, but none of them proves a known cause: {names}.").format(
        names=names
    )


class VerdictPage(Page):
    key = "verdict"

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setTitle(tr("Result"))
        self.setButtonText(QWizard.WizardButton.NextButton, tr("Share…"))
        # Nothing is running to cancel here: the button ends the session, and says so.
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("Close"))
        self._route = "share"
        self._after_paint = AfterPaint(self)
        self._filled_for: Diagnosis | None = None  # the diagnosis shown by fill_ahead
        window.plansReady.connect(self._plans_ready)

    def build(self) -> None:
        # The page's own widget kinds and the diagram load with the page, not at start-up.
        from PySide6.QtWidgets import (
            QGridLayout,
            QHBoxLayout,
            QPushButton,
            QSizePolicy,
            QTextBrowser,
        )

        from wizard.ui.accessibility import StepButtons
        from wizard.ui.checked_panel import CheckedPanel
        from wizard.ui.diagram import FlowDiagram

        u = self.fontMetrics().height()

        self.card = Card()
        self.card.setObjectName("verdict-card")
        self.icon = icon_label("pass", icon_size(self, 2.2))
        self.headline = label("", scale=1.3, bold=True, selectable=True)
        self.headline.setAccessibleName(tr("Verdict"))
        self.case = label("", muted=True, selectable=True)
        self.diagram = FlowDiagram()
        self.diagram.stepClicked.connect(self.show_step)
        self.summary = label("", scale=1.05, selectable=True)
        self.summary.setAccessibleName(tr("Cause"))
        # How the error message the user pasted relates to what was found.
        self.pasted = label("", selectable=True)
        self.pasted.setAccessibleName(tr("About your error message"))
        self.next_action = label("", selectable=True, rich=True)
        self.next_action.setAccessibleName(tr("What to do next"))
        self.also = label("", muted=True, selectable=True)
        from wizard.ui.after_fix import AfterFixPanel

        self.after_fix = AfterFixPanel(self.window_, "verdict")
        self.primary = QPushButton()
        self.primary.setDefault(True)
        self.primary.clicked.connect(self.act)
        self.primary.setMinimumHeight(int(u * 2.0))
        self.primary.setMinimumWidth(int(u * 10))
        self.primary.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)

        head = QGridLayout()
        head.setHorizontalSpacing(int(u * 0.7))
        head.setVerticalSpacing(0)
        head.addWidget(self.icon, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.headline, 0, 1)
        head.addWidget(self.case, 1, 1)
        head.setColumnStretch(1, 1)
        action_row = QHBoxLayout()
        action_row.addWidget(self.primary)
        action_row.addStretch(1)
        card_layout = QVBoxLayout(self.card)
        card_layout.setSpacing(int(u * 0.6))
        card_layout.setContentsMargins(int(u), int(u), int(u), int(u))
        card_layout.addLayout(head)
        card_layout.addWidget(self.diagram)
        card_layout.addWidget(self.summary)
        card_layout.addWidget(self.pasted)
        card_layout.addWidget(self.next_action)
        card_layout.addWidget(self.also)
        card_layout.addWidget(self.after_fix)
        card_layout.addLayout(action_row)

        self.details_view = QTextBrowser()
        self.details_view.setOpenExternalLinks(False)
        self.details_view.setAccessibleName(tr("Details"))
        self.details_view.setMinimumHeight(int(u * 12))
        self.details = Expander(tr("Details"), self.details_view)
        self.details_view.setAccessibleDescription(
            tr("The checks behind the result, with their technical details.")
        )
        self.details.button.setAccessibleDescription(
            tr("Shows or hides the technical details of the checks.")
        )
        # Each step of the picture is a keyboard stop (Enter or Space shows its evidence);
        # then the after-fix panel or the one action, then Details (which Qt would otherwise
        # put before its button).
        self.steps = StepButtons(self.diagram)

        self.checked = CheckedPanel()
        content, column = self.column()
        column.addWidget(self.card)
        column.addWidget(self.checked)
        column.addWidget(self.details)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.area = self.scrolled(content)
        layout.addWidget(self.area)
        tab_chain(
            [
                self.steps.last(),
                *self.after_fix.buttons(),
                self.primary,
                self.details.button,
                self.details_view,
            ]
        )

    def detach(self) -> None:
        """Stop watching (the window is shutting down; see SigninDoctorWindow.shutdown)."""
        self._after_paint.cancel()
        if self.is_built():
            self.steps.detach()

    def preparation(self) -> list[Callable[[], None]]:
        """Small steps that make the page ready before it is shown (the window runs them
        while the checks run): the modules it needs, its widgets, their style."""

        def load_modules() -> None:
            import html  # noqa: F401

            import wizard.core.pasted
            import wizard.report.trust_table
            import wizard.ui.accessibility
            import wizard.ui.checked_panel
            import wizard.ui.diagram  # noqa: F401

        return [load_modules, self.ensure_built, self.ensurePolished]

    def warm_up(self) -> None:
        """Before the first paint: the picture's icons, and its boxes laid out (their texts
        are the target's; only their states wait for the verdict). The window calls it while
        the checks run."""
        self.ensure_built()
        self.diagram.warm_up()
        if not self.diagram.views():  # (a quick diagnosis may have shown its own already)
            self.diagram.set_steps(self._step_views(self.session.target, None))
        self.diagram.sizeHint()
        self.diagram.minimumSizeHint()

    def fill_ahead(self) -> list[Callable[[], None]]:
        """Steps for the moment the Checking page shows its last result before turning here
        (the window runs them): the content for the diagnosis, then its style and sizes, so
        turning to the page is showing and painting it."""

        def fill() -> None:
            if self.window_.currentPage() is not self:  # (else it shows its content already)
                self.refresh(plan=False)
                self._filled_for = self.session.diagnosis

        def polish() -> None:
            if self._filled_for is None:
                return
            self.ensurePolished()
            self.sizeHint()
            # While the page is hidden, a label that changed inside a widget with a layout of
            # its own (the card) does not reach the layouts above it: Qt carries that up on a
            # LayoutRequest, which a hidden widget's layout ignores, so they would answer
            # `measure` with the sizes they had before, asking no label. Each widget updating
            # its geometry makes them ask again.
            for child in self.area.widget().findChildren(QWidget):
                child.updateGeometry()

        def measure(with_bar: bool) -> None:
            if self._filled_for is None:
                return
            # Every page gets the page frame's width; the content the area's, with or
            # without its scroll bar: each label keeps its height for those widths.
            shown = self.window_.currentPage()
            width = shown.width() if shown is not None else self.width()
            bar = self.area.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            self.area.widget().heightForWidth(width - bar if with_bar else width)

        return [fill, polish, lambda: measure(with_bar=False), lambda: measure(with_bar=True)]

    # -- content ------------------------------------------------------------------------
    def initializePage(self) -> None:
        self.ensure_built()
        if self._filled_for is not self.session.diagnosis:
            self.refresh(plan=False)
        self._filled_for = None  # (coming back to the page shows it as it is then)
        # The fix plans are worked out on a worker thread, once the page is on the screen.
        self._after_paint.arm(self.primary, self.window_.request_plans)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The keyboard starts on the one action (Shift+Tab reaches the steps of the picture),
        # also when Back returns here (QWizard initializes a page only on the way forward).
        QTimer.singleShot(0, self, self._focus_primary)

    def _focus_primary(self) -> None:
        if self.window_.currentPage() is self:
            self.first_stop().setFocus(Qt.FocusReason.OtherFocusReason)

    def first_stop(self) -> QWidget:
        return self.primary if self.primary.isVisibleTo(self) else self.after_fix.action()

    def refresh(self, plan: bool = True) -> None:
        import html

        diagnosis = self.session.diagnosis
        if diagnosis is None:
            return
        self.ensure_built()
        verdict = diagnosis.verdict
        kind = headline_kind(verdict.cause)
        set_icon(self.icon, kind, self.icon.width())
        self.icon.setAccessibleName(
            {"pass": tr("No problem found"), "warn": tr("Unclear"), "fail": tr("Problem found")}[
                kind
            ]
        )
        self.headline.setText(ltext(verdict.title))
        self.case.setText(tr("Case {case_id}").format(case_id=self.session.case_id))
        self.diagram.set_steps(self._step_views(diagnosis.target, verdict))
        self.summary.setText(plain_summary(diagnosis))
        self.checked.show_checks(diagnosis)
        from wizard.core.pasted import relation

        related = relation(self.session.decoded, verdict)
        self.pasted.setText(ltext(related))
        self.pasted.setVisible(related is not None)
        self.next_action.setText(
            "<b>"
            + html.escape(tr("What to do:"))
            + "</b> "
            + html.escape(ltext(verdict.next_action))
        )
        also = [ltext(cause_title(c)) for c in verdict.also]
        self.also.setText(tr("Also found: {causes}.").format(causes="; ".join(also)))
        self.also.setVisible(bool(also))
        self._set_primary(self._primary_text(verdict.fixes, None))
        self.show_after_fix()
        self.diagram.select(verdict.flow_step)
        self._render_details(None)
        if plan:
            self.window_.request_plans()

    def show_after_fix(self) -> None:
        """After a fix the panel says what to do now, instead of the verdict's advice."""
        if not self.is_built():
            return
        self.after_fix.refresh()
        waiting = self.session.after_fix is not None
        self.next_action.setVisible(not waiting)
        self.primary.setVisible(not waiting)  # the panel's button is the one action now
        if waiting and self.window_.currentPage() is self and not self.after_fix.hasFocus():
            self.after_fix.action().setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_primary(self, text: str) -> None:
        self.primary.setText(text)
        self.primary.setAccessibleName(text)
        diagnosis = self.session.diagnosis
        self.primary.setAccessibleDescription(
            tr("Opens the steps that fix this problem.")
            if diagnosis is not None and diagnosis.verdict.fixes
            else tr("Opens the page where you save the report for your help desk.")
        )

    def _plans_ready(self) -> None:
        diagnosis = self.session.diagnosis
        if diagnosis is not None and self.is_built() and self.window_.plans_current():
            self._set_primary(self._primary_text(diagnosis.verdict.fixes, self.session.planned))

    def _step_views(self, target: Target, verdict: Verdict | None) -> list[StepView]:
        from wizard.ui.diagram import StepView, step_states

        port = target.callback_ports[0]
        auth_file = self.session.profile["codex_files"]["auth"]
        details = {
            FlowStep.AUTHORIZE: target.host,
            FlowStep.CALLBACK: urlsplit(self.session.profile.redirect_uri(port)).netloc,
            FlowStep.LISTENER: tr("Codex on port {port}").format(port=port),
            FlowStep.TOKEN_EXCHANGE: f"{target.host}{self.session.profile['token_path']}",
            FlowStep.STORE: auth_file,
        }
        states = step_states(verdict)
        return [StepView(s, step_label(s), details[s], states[s]) for s in STEPS]

    @staticmethod
    def _primary_text(fixes: tuple[str, ...], planned: list[Any] | None) -> str:
        if not fixes:
            return tr("Get help from your help desk")
        if planned and any(p.one_click for p in planned):
            return tr("Fix it")
        return tr("Show me how")

    def primary_settled(self) -> bool:
        """True once the button's word reflects the fix plans (for the unattended picture)."""
        return self.window_.plans_current()

    # -- actions ------------------------------------------------------------------------
    def act(self) -> None:
        diagnosis = self.session.diagnosis
        self._route = "fix" if diagnosis is not None and diagnosis.verdict.fixes else "share"
        self.window_.next()
        self._route = "share"

    def nextId(self) -> int:
        return self.window_.page_id(self.window_.jump_to or self._route)

    def show_step(self, step_value: str) -> None:
        step = FlowStep(step_value)
        self.diagram.select(step)
        self._render_details(step)
        self.details.set_open(True)

    # -- details (technical words live here) ---------------------------------------------
    def _render_details(self, step: FlowStep | None) -> None:
        import html

        diagnosis = self.session.diagnosis
        if diagnosis is None:
            return
        parts: list[str] = []
        if step is not None:
            number = step_number(step)
            state = step_state_word(self.diagram.state_of(step))
            parts.append(
                f"<h3>{html.escape(tr('Step {n}').format(n=number))}: "
                f"{html.escape(step_label(step))} — {html.escape(state)}</h3>"
            )
            results = self.session.step_results(step)
            if not results:
                parts.append(
                    "<p>"
                    + html.escape(
                        tr(
                            "No check on this computer can test this step; it happens in "
                            "your browser and at OpenAI."
                        )
                    )
                    + "</p>"
                )
            parts.extend(_result_html(r, technical=True) for r in results)
        else:
            evidence = self.session.evidence_results()
            if evidence:
                parts.append(f"<h3>{html.escape(tr('Why Sign-in Doctor thinks so'))}</h3>")
                parts.extend(_result_html(r, technical=True) for r in evidence)
            verdict = diagnosis.verdict
            parts.append(f"<h3>{html.escape(tr('Technical summary'))}</h3>")
            parts.append(
                "<p>"
                + html.escape(
                    f"cause={verdict.cause}; flow_step="
                    f"{verdict.flow_step.value if verdict.flow_step else '-'}; "
                    f"fixes={', '.join(verdict.fixes) or '-'}; "
                    f"target={diagnosis.target.auth_url}; "
                    f"callback_ports={', '.join(map(str, diagnosis.target.callback_ports))}"
                )
                + "</p>"
            )
            parts.append(f"<h3>{html.escape(tr('Every check'))}</h3>")
            parts.extend(_result_html(r, technical=False) for r in diagnosis.checks)
        parts.append(
            "<p><i>"
            + html.escape(tr("Click a step in the picture above to see what was checked for it."))
            + "</i></p>"
        )
        self.details_view.setHtml("".join(parts))


def _result_html(result: CheckResult, technical: bool) -> str:
    import html

    word = status_word(result.status)
    head = (
        f"<p><b>[{html.escape(word)}] {html.escape(ltext(result.title))}</b><br>"
        f"{html.escape(ltext(result.summary))}</p>"
    )
    head += _trust_html(result)
    failure = result.typed(CheckFailure)
    broke = failure.traceback if failure is not None else None
    if broke and not technical:  # a broken check keeps its traceback for the help desk
        return head + "<pre style='white-space: pre-wrap'>" + html.escape(str(broke)) + "</pre>"
    if not technical or not result.evidence:
        return head
    lines = []
    for key, value in localized(dict(result.evidence)).items():
        if key in TABLED:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=2)
        lines.append(f"{key}: {text}")
    return head + "<pre style='white-space: pre-wrap'>" + html.escape("\n".join(lines)) + "</pre>"


TABLED = ("trust", "matrix")  # shown as the table of _trust_html, not as raw data


def _trust_html(result: CheckResult) -> str:
    """Which certificates trust the connection: a table, Codex's own row last and bold."""
    import html

    from wizard.report.trust_table import HEADINGS, trust_rows

    rows = localized(trust_rows(result.findings))
    if not rows:
        return ""
    cell = "<td style='padding: 2px 8px'>{}</td>"
    head = "".join(
        f"<th align='left' style='padding: 2px 8px'>{html.escape(ltext(HEADINGS[k]))}</th>"
        for k in ("set", "trusted", "why")
    )
    body = []
    for row in rows:
        label = html.escape(str(row["label"]))
        if row["origin"]:
            label += f"<br><small>{html.escape(str(row['origin']))}</small>"
        word = html.escape(f"{row['icon']} {ltext(row['word'])}")
        cells = [label, f"<b>{word}</b>" if row["codex"] else word, html.escape(str(row["why"]))]
        if row["codex"]:
            cells[0] = f"<b>{cells[0]}</b>"
        body.append("<tr>" + "".join(cell.format(c) for c in cells) + "</tr>")
    caption = html.escape(ltext(HEADINGS["caption"]))
    return (
        f"<p><b>{caption}</b></p><table border='1' cellspacing='0' cellpadding='3'>"
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )
