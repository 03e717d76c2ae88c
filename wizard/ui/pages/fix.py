"""Fix: for each of the verdict's fixes, best first, either the exact steps (with copy
buttons) or a preview of what will change, Apply, live progress, an automatic re-check with
the new verdict, and Undo. Plans, applying and undoing run on worker threads."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout

from wizard.core.model import Diagnosis
from wizard.ui.pages.base import Page
from wizard.ui.pages.verdict import headline_kind
from wizard.ui.text import ltext, sentences, tr
from wizard.ui.threads import Task
from wizard.ui.widgets import Card, CopyField, Expander, icon_label, icon_size, label, set_icon

if TYPE_CHECKING:  # the fixes load with the first plan (on a worker thread), not at start-up
    from PySide6.QtWidgets import QPlainTextEdit

    from wizard.fixes.plan import FixPlan, FixResult
    from wizard.ui.fixing import PlannedFix


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
    """One fix: guidance steps, or preview + Apply + result + Undo."""

    def __init__(self, page: FixPage, planned: PlannedFix) -> None:
        from wizard.ui import fixing  # loaded already: the plans came from it

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
        if plan.summary:
            layout.addWidget(label(plan.summary, selectable=True))
        if not plan.applicable:
            layout.addWidget(label(plan.reason, muted=True))
        elif plan.reason and plan.guidance_only:
            layout.addWidget(
                label(tr("Not done automatically: {reason}").format(reason=plan.reason), muted=True)
            )
        for number, step in enumerate(plan.steps, 1):
            layout.addWidget(label(f"{number}. {step}", selectable=True))
        self.copy_fields = [
            CopyField(c, tr("Command {n}").format(n=i)) for i, c in enumerate(plan.commands, 1)
        ]
        for field in self.copy_fields:
            layout.addWidget(field)
        if planned.fix_id in fixing.TAKES_CERTIFICATE and not planned.automatic:
            pick = QPushButton(tr("Choose the certificate file…"))
            pick.setAccessibleDescription(
                tr("Pick the root certificate file your IT department gave you.")
            )
            pick.setAutoDefault(False)
            pick.clicked.connect(page.choose_certificate)
            row = QHBoxLayout()
            row.addWidget(pick)
            row.addStretch(1)
            layout.addLayout(row)
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
        if planned.automatic:
            from PySide6.QtGui import QFontDatabase
            from PySide6.QtWidgets import QPlainTextEdit

            layout.addWidget(label(tr("What will change:"), bold=True))
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
            layout.addWidget(preview)
            self.preview = preview
            if plan.restart:
                layout.addWidget(label(tr("Afterwards: ") + sentences(*plan.restart)))
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
        self.intro = label("")
        self.loading = label(tr("Preparing the steps…"), muted=True)
        self.cards_widget, self.cards_layout = self.column()
        content, column = self.column()
        column.addWidget(self.intro)
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

    def _clear(self) -> None:
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
    def apply(self, card: FixCard) -> None:
        if self._busy is not None or self.runner.is_running():
            return
        self._busy, self._mode = card, "apply"
        self._before = self.session.diagnosis
        if card.apply_button is not None:
            card.apply_button.setEnabled(False)
        card.show_progress(tr("Applying…"))
        from wizard.ui import fixing

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
        from wizard.ui import fixing

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

        self.session.env = env_after(self.session.env, result.env)
        card.show_result("pass", ltext(result.message))
        if card.undo_button is not None:
            card.undo_button.setVisible(not undoing)
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

    def _on_recheck(self, diagnosis: Diagnosis) -> None:
        if not self._rechecking:
            return
        self._rechecking = False
        card, self._busy = self._busy, None
        self.session.set_diagnosis(diagnosis)
        self.window_.verdict_page().refresh()
        if card is None:
            return
        before = self._before.verdict.cause if self._before is not None else None
        verdict = diagnosis.verdict
        if verdict.cause == before and before != "none":
            text = tr("Checked again: the problem is still there ({title}).")
        else:
            text = tr("Checked again: {title}.")
        card.progress.setVisible(False)
        card.show_result(headline_kind(verdict.cause), text.format(title=ltext(verdict.title)))

    def is_busy(self) -> bool:
        return self._busy is not None or self._rechecking

    def shutdown(self, timeout_s: float) -> bool:
        return self._worker.shutdown(timeout_s)
