"""Fix: for each of the verdict's fixes, best first, either the exact steps (with copy
buttons) or a preview of what will change, Apply, live progress, an automatic re-check with
the new verdict, and Undo. Plans, applying and undoing run on worker threads."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget, QWizard

from wizard.core.model import Diagnosis
from wizard.ui.accessibility import tab_chain
from wizard.ui.pages.base import Page
from wizard.ui.pages.verdict import headline_kind
from wizard.ui.text import ltext, sentences, tr
from wizard.ui.threads import Task
from wizard.ui.widgets import Card, CopyField, Expander, icon_label, icon_size, label, set_icon

if TYPE_CHECKING:  # the fixes load with the first plan (on a worker thread), not at start-up
    from PySide6.QtWidgets import QPlainTextEdit

    from wizard.app.fixing import PlannedFix
    from wizard.fixes.plan import FixPlan, FixResult


def shown_plan(plan: FixPlan) -> FixPlan:
    """The plan's words in the window's language, for display only: Apply uses the plan as
    planned (the undo journal keeps its English title)."""
    return replace(
        plan,
        title=ltext(plan.title),
        summary=ltext(plan.summary),
        reason=ltext(plan.reason),
        steps=tuple(ltext(s) for s in plan.steps),
        restart=tuple(ltext(s) for s in plan.restart),
        actions=tuple(ltext(a) for a in plan.actions),
        files=tuple(replace(f, preview=ltext(f.preview)) if f.preview else f for f in plan.files),
    )


def preview_text(plan: FixPlan) -> str:
    """Exactly what will change: NAME=VALUE per variable, other actions, then each file (a
    diff, or the fix's own summary of a generated file such as a certificate bundle)."""
    parts: list[str] = []
    if plan.env:
        lines = [f"  {ltext(e.render())}" for e in plan.env]
        parts.append("\n".join([tr("Variables for your user account:"), *lines]))
    if plan.actions:
        parts.append("\n".join(f"- {a}" for a in plan.actions))
    for edit in plan.files:
        shown = getattr(edit, "preview", None) or edit.diff() or tr("(no change)")
        parts.append(tr("File {path}:").format(path=edit.shown_as) + "\n" + shown)
    return "\n\n".join(parts)


def open_url(url: str) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl(url))


class FixCard(Card):
    """One fix. The main card speaks plainly: what it does, the step a person takes first
    (choose the certificate file), Apply (or "End NAME"), what to do afterwards. Paths,
    setting ids, commands, fingerprints and the exact preview live under Details."""

    def __init__(self, page: FixPage, planned: PlannedFix) -> None:
        from wizard.app import fixing  # loaded already: the plans came from it

        super().__init__()
        self.page = page
        self.planned = planned
        plan = shown_plan(planned.plan)
        self.setObjectName(f"fix-{planned.fix_id}")
        self.setAccessibleName(plan.title)
        u = self.fontMetrics().height()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(int(u), int(u * 0.8), int(u), int(u * 0.8))
        layout.addWidget(label(plan.title, scale=1.15, bold=True))
        details: list[QWidget] = []  # what goes under Details, in order
        wants_file = planned.fix_id in fixing.TAKES_CERTIFICATE and not planned.automatic
        headline = ltext(planned.plan.headline)
        if headline:
            layout.addWidget(label(headline, selectable=True))
            details.append(label(plan.summary, selectable=True))
        elif plan.summary:
            layout.addWidget(label(plan.summary, selectable=True))
        if not plan.applicable:
            layout.addWidget(label(plan.reason, muted=True))
        elif plan.reason and plan.guidance_only:
            reason = label(
                tr("Not done automatically: {reason}").format(reason=plan.reason), muted=True
            )
            if wants_file:  # the button says it plainly; why, under Details
                details.append(reason)
            else:
                layout.addWidget(reason)
        self.pick: QPushButton | None = None
        if wants_file:
            # The person's first step, in plain words; the manual way is under Details.
            self.pick = QPushButton(tr("Choose the certificate file IT gave you…"))
            self.pick.setAccessibleDescription(
                tr("Pick the root certificate file your IT department gave you.")
            )
            self.pick.setAutoDefault(False)
            self.pick.clicked.connect(page.choose_certificate)
            row = QHBoxLayout()
            row.addWidget(self.pick)
            row.addStretch(1)
            layout.addLayout(row)
        steps = [label(f"{n}. {step}", selectable=True) for n, step in enumerate(plan.steps, 1)]
        if wants_file or (headline and planned.automatic):
            details.extend(steps)
        else:
            for step in steps:
                layout.addWidget(step)
        self.copy_fields = [
            CopyField(c, tr("Command {n}").format(n=i)) for i, c in enumerate(plan.commands, 1)
        ]
        details.extend(self.copy_fields)
        if planned.fix_id == "status-page":
            url = str(page.session.profile["status_page"])
            open_button = QPushButton(tr("Open the status page"))
            open_button.setAccessibleDescription(tr("Opens OpenAI's status page in your browser."))
            open_button.setAutoDefault(False)
            open_button.clicked.connect(lambda: open_url(url))
            row = QHBoxLayout()
            row.addWidget(open_button)
            row.addStretch(1)
            layout.addLayout(row)

        self.apply_button: QPushButton | None = None
        self.undo_button: QPushButton | None = None
        self.progress = label("", muted=True)
        self.progress.setVisible(False)
        self.result_icon = icon_label("pass", icon_size(self, 1.4))
        self.result_icon.setVisible(False)
        self.result = label("", selectable=True)
        self.result.setVisible(False)
        self.error_view = label("", selectable=True, muted=True)
        self.error_details = Expander(tr("Details"), self.error_view)
        self.error_details.setVisible(False)
        self.preview: QPlainTextEdit | None = None
        self.afterwards: QLabel | None = None  # (the after-fix panel says it once applied)
        if planned.automatic:
            from PySide6.QtGui import QFontDatabase
            from PySide6.QtWidgets import QPlainTextEdit

            details.append(label(tr("What will change:"), bold=True))
            preview = QPlainTextEdit(preview_text(plan))
            preview.setReadOnly(True)
            preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            preview.setAccessibleName(tr("What will change"))
            preview.setAccessibleDescription(tr("Exactly what Apply changes on this computer."))
            preview.setTabChangesFocus(True)
            lines = preview.fontMetrics().lineSpacing()
            preview.setMinimumHeight(int(lines * 4))
            preview.setMaximumHeight(int(lines * 12))
            details.append(preview)
            self.preview = preview
            if plan.restart:
                self.afterwards = label(tr("Afterwards: ") + sentences(*plan.restart))
                layout.addWidget(self.afterwards)
            if planned.consent:
                self.apply_button = QPushButton(tr("End {name}").format(name=planned.consent))
                self.apply_button.setAccessibleName(self.apply_button.text())
                self.apply_button.setAccessibleDescription(
                    tr("Asks you first, then ends that program and checks again.")
                )
            else:
                self.apply_button = QPushButton(tr("Apply"))
                self.apply_button.setAccessibleName(tr("Apply: {title}").format(title=plan.title))
                self.apply_button.setAccessibleDescription(
                    tr("Makes the change shown above, then checks again. You can undo it.")
                )
            self.apply_button.clicked.connect(lambda: page.apply(self))
            self.undo_button = QPushButton(tr("Undo"))
            self.undo_button.setAccessibleName(tr("Undo: {title}").format(title=plan.title))
            self.undo_button.setAccessibleDescription(
                tr("Puts back exactly what was there before, then checks again.")
            )
            self.undo_button.setAutoDefault(False)
            self.undo_button.setVisible(False)
            self.undo_button.clicked.connect(lambda: page.undo(self))
            row = QHBoxLayout()
            row.addWidget(self.apply_button)
            row.addWidget(self.undo_button)
            row.addStretch(1)
            layout.addLayout(row)
        result_row = QHBoxLayout()
        result_row.addWidget(self.result_icon)
        result_row.addWidget(self.result, 1)
        layout.addWidget(self.progress)
        layout.addLayout(result_row)
        layout.addWidget(self.error_details)
        self.details: Expander | None = None
        if details:
            box, column = page.column()
            for widget in details:
                column.addWidget(widget)
            self.details = Expander(tr("Details"), box)
            self.details.button.setAccessibleName(tr("Details: {title}").format(title=plan.title))
            layout.addWidget(self.details)

    def show_progress(self, text: str) -> None:
        self.progress.setText(text)
        self.progress.setVisible(True)

    def show_result(self, kind: str, text: str) -> None:
        set_icon(self.result_icon, kind, self.result_icon.width())
        self.result_icon.setVisible(True)
        self.result.setText(text)
        self.result.setVisible(True)

    def show_error(self, text: str, technical: str) -> None:
        self.show_result("fail", text)
        self.error_view.setText(technical)
        self.error_details.setVisible(bool(technical))


class FixPage(Page):
    key = "fix"
    # A fix was applied ("fix") or undone ("undo"): the re-check that follows is its "after".
    changeApplied = Signal(str, str)  # trigger, fix id

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setTitle(tr("How to fix it"))
        # Nothing is running to cancel here: the button ends the session, and says so.
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("Close"))
        self.cards: dict[str, FixCard] = {}
        self._shown_for: Diagnosis | None = None
        window.plansReady.connect(self._plans_ready)
        self._worker = Task(self)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_applied)
        self._worker.failed.connect(self._on_apply_failed)
        self._busy: FixCard | None = None
        self._mode = "apply"
        self._rechecking = False
        self._before: Diagnosis | None = None
        window.runner.finished.connect(self._on_recheck)

    def build(self) -> None:
        from wizard.ui.after_fix import AfterFixPanel

        self.intro = label("")
        self.after_fix = AfterFixPanel(self.window_, "fix")
        self.loading = label(tr("Preparing the steps…"), muted=True)
        self.cards_widget, self.cards_layout = self.column()
        content, column = self.column()
        column.addWidget(self.intro)
        column.addWidget(self.after_fix)
        column.addWidget(self.loading)
        column.addWidget(self.cards_widget)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scrolled(content))

    def initializePage(self) -> None:
        self.ensure_built()
        diagnosis = self.session.diagnosis
        self._clear()
        if diagnosis is None:
            return
        nothing_wrong = diagnosis.verdict.cause == "none"
        self.setTitle(tr("What to do next") if nothing_wrong else tr("How to fix it"))
        self.intro.setText(ltext(diagnosis.verdict.next_action))
        self.show_after_fix()
        self.loading.setVisible(True)
        self._shown_for = None
        if self.window_.plans_current():
            self._plans_ready()
        else:
            self.window_.request_plans()

    def _plans_ready(self) -> None:
        if self.window_.currentPage() is not self or self._shown_for is not None:
            return
        if not self.window_.plans_current():
            return
        self._shown_for = self.session.diagnosis
        self._show_plans(self.session.planned or [])

    def _place_after_fix(self, card: FixCard | None) -> None:
        """Under the card of the fix just applied; at the top of the page otherwise."""
        if card is not None:
            layout = card.layout()
            assert isinstance(layout, QVBoxLayout)
            at = layout.indexOf(card.details) if card.details is not None else -1
            layout.insertWidget(at, self.after_fix)  # (before Details; -1: at the end)
            # A moved widget joins the end of the Tab chain; Tab reaches it where it is drawn.
            tab_chain([card.error_details.button, *self.after_fix.buttons()])
            if card.afterwards is not None:
                card.afterwards.setVisible(self.session.after_fix is None)
        elif self.after_fix.parent() is not self.intro.parent():
            column = self.intro.parentWidget().layout()
            assert isinstance(column, QVBoxLayout)
            column.insertWidget(column.indexOf(self.intro) + 1, self.after_fix)
        # A moved widget is shown again only by a queued call; show it now, as it stands.
        self.after_fix.refresh()

    def _clear(self) -> None:
        self._place_after_fix(None)  # (it is not deleted with its card)
        for card in self.cards.values():
            card.setParent(None)
            card.deleteLater()
        self.cards = {}

    def _show_plans(self, planned: list[PlannedFix]) -> None:
        self.loading.setVisible(False)
        self._clear()
        ordered = [p for p in planned if p.plan.applicable] + [
            p for p in planned if not p.plan.applicable
        ]
        for item in ordered:
            card = FixCard(self, item)
            self.cards[item.fix_id] = card
            self.cards_layout.addWidget(card)
            card.show()  # now, not one event later (what a layout does on a shown page)
        # The keyboard starts on the one action: Apply of the best fix, when it is one click.
        first = next(iter(self.cards.values()), None)
        if first is not None and first.apply_button is not None and self.session.after_fix is None:
            first.apply_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if not ordered:
            self.intro.setText(
                tr(
                    "There is nothing to change on this computer. Share the report with your "
                    "help desk or OpenAI support."
                )
            )

    def choose_certificate(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        name, _filter = QFileDialog.getOpenFileName(
            self,
            tr("Choose your organisation's root certificate"),
            "",
            tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if name:
            self.use_certificate(Path(name))

    def use_certificate(self, path: Path) -> None:
        """Plan again with this root certificate file (what the CLI calls --extra-ca)."""
        self.session.extra_ca = path
        self._shown_for = None
        self.loading.setVisible(True)
        self.window_.replan()

    def plans_ready(self) -> bool:
        return self._shown_for is not None and self.is_built() and not self.loading.isVisible()

    # -- apply / undo / re-check -------------------------------------------------------
    def show_after_fix(self) -> None:
        """The after-fix panel speaks instead of the verdict's advice while it is shown."""
        if not self.is_built():
            return
        self.after_fix.refresh()
        self.intro.setVisible(self.session.after_fix is None)

    def apply(self, card: FixCard) -> None:
        if self._busy is not None or self.runner.is_running():
            return
        if card.planned.consent:
            self._ask_consent(card)
            return
        self._start_apply(card)

    def _ask_consent(self, card: FixCard) -> None:
        """Ending a program needs the person's yes, by name (the CLI's --confirm-process)."""
        from PySide6.QtWidgets import QMessageBox

        from wizard.ui.line_breaking import phrased

        name = card.planned.consent
        box = QMessageBox(self)
        box.setObjectName("consent")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("End {name}?").format(name=name))
        # (the box's own labels: their Japanese words held together too)
        box.setText(phrased(tr("End {name}?").format(name=name)))
        box.setInformativeText(
            phrased(
                tr(
                    "Sign-in Doctor ends {name} so that Codex can use the port. Anything unsaved "
                    "in {name} is lost."
                ).format(name=name)
            )
        )
        end = box.addButton(tr("End {name}").format(name=name), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(end)

        def answered() -> None:
            if box.clickedButton() is end:
                self._start_apply(card)

        box.finished.connect(answered)
        self.consent_box = box
        box.open()

    def _start_apply(self, card: FixCard) -> None:
        if self._busy is not None or self.runner.is_running():
            return
        self._busy, self._mode = card, "apply"
        self._before = self.session.diagnosis
        if card.apply_button is not None:
            card.apply_button.setEnabled(False)
        card.show_progress(tr("Applying…"))
        from wizard.app import fixing

        session, planned, report = self.session, card.planned, self._worker.report
        self._worker.start(lambda: fixing.apply_planned(session, planned, report))

    def undo(self, card: FixCard) -> None:
        if self._busy is not None or self.runner.is_running():
            return
        self._busy, self._mode = card, "undo"
        self._before = self.session.diagnosis
        if card.undo_button is not None:
            card.undo_button.setEnabled(False)
        card.show_progress(tr("Undoing…"))
        from wizard.app import fixing

        session = self.session
        self._worker.start(lambda: fixing.undo_last(session))

    def _on_progress(self, message: object) -> None:
        if self._busy is not None:
            self._busy.show_progress(ltext(message))

    def _on_applied(self, result: FixResult) -> None:
        card = self._busy
        if card is None:
            return
        undoing = self._mode == "undo"
        if not result.applied:
            self._busy = None
            card.progress.setVisible(False)
            card.show_result("warn", ltext(result.message))
            button = card.undo_button if undoing else card.apply_button
            if button is not None:
                button.setEnabled(True)
            return

        from wizard.fixes.apply import env_after

        self.session.note_fix(result, undone=undoing)
        self.session.env = env_after(self.session.env, result.env)
        card.show_result("pass", ltext(result.message))
        if card.undo_button is not None:
            # Files and variables can be put back; an ended program cannot be restarted.
            plan = card.planned.plan
            card.undo_button.setVisible(not undoing and bool(plan.files or plan.env))
            card.undo_button.setEnabled(True)
        if card.apply_button is not None:
            card.apply_button.setEnabled(undoing)
        card.show_progress(tr("Checking again…"))
        self.changeApplied.emit("undo" if undoing else "fix", card.planned.fix_id)
        self._rechecking = True
        self.runner.start(self.session)

    def _on_apply_failed(self, error: object) -> None:
        card, self._busy = self._busy, None
        if card is None:
            return
        from wizard.fixes.apply import error_text

        reason = error_text(error) if isinstance(error, BaseException) else str(error)
        card.show_error(tr("Nothing was changed."), ltext(reason))
        if card.apply_button is not None:
            card.apply_button.setEnabled(True)

    def check_again(self) -> None:
        """Check again after the step a fix asked for (reload the editor, a new terminal)."""
        if self._busy is not None or self.runner.is_running():
            return
        self._mode, self._rechecking = "check", True
        self.runner.start(self.session)
        self.window_.after_fix_changed()

    def _on_recheck(self, diagnosis: Diagnosis) -> None:
        if not self._rechecking:
            return
        self._rechecking = False
        card, self._busy = self._busy, None
        before = self._before.verdict.cause if self._before is not None else None
        self.session.set_diagnosis(diagnosis)
        verdict = diagnosis.verdict
        self._follow_up(card, before, verdict.cause)
        self.window_.verdict_page().refresh()
        self.window_.after_fix_changed()
        if card is None:
            return
        if self._mode == "apply" and self.session.after_fix is not None:
            kind = "pass" if self.session.after_fix.fixed else "warn"
            text = (
                tr("Checked again: {title}.")
                if self.session.after_fix.fixed
                else tr("Changed on this computer.")
            )
        elif verdict.cause == before and before != "none":
            kind, text = "fail", tr("Checked again: the problem is still there ({title}).")
        else:
            kind, text = headline_kind(verdict.cause), tr("Checked again: {title}.")
        card.progress.setVisible(False)
        card.show_result(kind, text.format(title=ltext(verdict.title)))
        self._place_after_fix(card)

    def _follow_up(self, card: FixCard | None, before: str | None, after: str) -> None:
        """What the person does next (Session.after_fix), from the fix and the re-check."""
        from wizard.ui.after_fix import AfterFix

        pending = self.session.after_fix
        if self._mode == "undo":
            self.session.after_fix = None
        elif self._mode == "apply" and card is not None and before is not None:
            restart = sentences(*shown_plan(card.planned.plan).restart)
            still = after == before and before != "none"
            if after == "none" or (still and restart):
                self.session.after_fix = AfterFix(card.planned.fix_id, restart, not still, before)
            else:  # it failed (the card says so), or the next problem leads now
                self.session.after_fix = None
        elif pending is not None and after == "none":  # Check again, after the step
            self.session.after_fix = AfterFix(pending.fix_id, "", True, pending.cause)
        elif pending is not None and after != pending.cause:
            self.session.after_fix = None

    def is_busy(self) -> bool:
        return self._busy is not None or self._rechecking

    def shutdown(self, timeout_s: float) -> bool:
        return self._worker.shutdown(timeout_s)
