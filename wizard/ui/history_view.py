"""The window's side of the run history: every diagnosis and every re-check after a fix is
kept (redacted, on worker threads: wizard.report.history), and the Share page shows what
changed ("Before the fix: ... -> After the fix: ...")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from wizard.app.session import cause_title
from wizard.core.model import Diagnosis
from wizard.ui.text import local_time, ltext, status_word, tr
from wizard.ui.threads import Task
from wizard.ui.widgets import Card, icon_label, icon_size, label

MAX_CHANGED = 6  # check lines shown under the before/after


class HistoryKeeper(QObject):
    """Loads the stored runs once (off the GUI thread), records each new one and writes it
    in the background, one file at a time."""

    changed = Signal()

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.session = window.session
        self.runs: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []
        self._trigger: tuple[str, str | None] = ("check", None)
        self._loader = Task(self)
        self._loader.finished.connect(self._on_loaded)
        self._loader.failed.connect(lambda _e: None)
        self._writer = Task(self)
        self._writer.finished.connect(self._write_next)
        self._writer.failed.connect(self._write_next)
        self._load_started = False
        # Connected after the pages: they have taken the new diagnosis into the session.
        window.runner.finished.connect(self._on_diagnosis)
        window.runner.cancelled.connect(self._forget_trigger)
        window.runner.failed.connect(self._forget_trigger)
        window.page_by_key("fix").changeApplied.connect(self._on_change)

    def load(self) -> None:
        """Read the stored runs on a worker thread (the window asks once it has painted)."""
        if self._load_started:
            return
        self._load_started = True
        env = self.session.env

        def job() -> list[dict[str, Any]]:
            from wizard.report.history import history_dir, load_runs

            return load_runs(history_dir(env))

        self._loader.start(job)

    # -- recording ---------------------------------------------------------------------
    def _on_change(self, trigger: str, fix_id: str) -> None:
        self._trigger = (trigger, fix_id)

    def _forget_trigger(self, *_args: object) -> None:
        self._trigger = ("check", None)

    def _on_diagnosis(self, diagnosis: Diagnosis) -> None:
        trigger, fix = self._trigger
        self._trigger = ("check", None)
        if self.session.diagnosis is not diagnosis:
            return  # nobody took this run (e.g. it was replaced by a restart)
        self.record(diagnosis, trigger, fix)

    def record(self, diagnosis: Diagnosis, trigger: str = "check", fix: str | None = None) -> None:
        from wizard.report.history import run_record

        self.load()  # (a diagnosis before the first paint: the stored runs come now)
        record = run_record(
            diagnosis,
            self.session.case_id,
            trigger=trigger,
            fix=fix,
            home_hints=[str(self.session.env.home)],
        )
        self.runs.append(record)
        self._pending.append(record)
        self.changed.emit()
        if not self._writer.is_running():
            self._write_next()

    def _write_next(self, *_args: object) -> None:
        if not self._pending or self._writer.is_running():
            return
        from wizard.report.history import history_dir, save_run

        record = self._pending.pop(0)
        folder = history_dir(self.session.env)
        self._writer.start(lambda: save_run(folder, record))

    def _on_loaded(self, runs: list[dict[str, Any]]) -> None:
        seen = {(r.get("saved_at"), r.get("case_id")) for r in runs}
        self.runs = list(runs) + [
            r for r in self.runs if (r.get("saved_at"), r.get("case_id")) not in seen
        ]
        self.changed.emit()

    # -- reading -----------------------------------------------------------------------
    def current(self, case_id: str) -> Mapping[str, Any] | None:
        return next((r for r in reversed(self.runs) if r.get("case_id") == case_id), None)

    def before_after(self, case_id: str) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
        after = self.current(case_id)
        if after is None:
            return None
        from wizard.report.history import previous_run

        before = previous_run(self.runs, after)
        return (before, after) if before is not None else None

    def is_idle(self) -> bool:
        loading = not self._load_started or self._loader.is_running()
        return not self._pending and not self._writer.is_running() and not loading

    def shutdown(self, timeout_s: float) -> bool:
        ok = self._loader.shutdown(timeout_s)
        ok = self._writer.shutdown(timeout_s) and ok
        # Whatever is still queued is written now: a run is never lost on close.
        while self._pending:
            from wizard.report.history import history_dir, save_run

            record = self._pending.pop(0)
            try:
                save_run(history_dir(self.session.env), record)
            except OSError:
                break
        return ok


# -- the Share page's before/after -----------------------------------------------------------


def _kind(cause: str) -> str:
    return {"none": "pass", "unknown": "warn"}.get(cause, "fail")


def labels_for(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, str]:
    trigger = after.get("trigger")
    if trigger == "fix":
        return tr("Before the fix"), tr("After the fix")
    if trigger == "undo":
        return tr("Before undoing"), tr("After undoing")
    return tr("Last time ({when})").format(when=local_time(str(before.get("saved_at", "")))), tr(
        "Now"
    )


def verdict_title(record: Mapping[str, Any]) -> str:
    verdict = record.get("verdict") or {}
    cause = str(verdict.get("cause", ""))
    title = ltext(cause_title(cause)) if cause else ""
    return title if title and title != cause else str(verdict.get("title", cause))


def changed_checks(
    before: Mapping[str, Any], after: Mapping[str, Any], titles: Mapping[str, str] | None = None
) -> list[str]:
    """'Secure connection: Problem → OK' for each check whose status changed (`titles`: the
    checks' names in the window's language, by id; the stored English ones otherwise)."""
    titles = titles or {}
    old = {c.get("id"): c for c in before.get("checks") or ()}
    lines = []
    for check in after.get("checks") or ():
        was = old.get(check.get("id"))
        if was is None or was.get("status") == check.get("status"):
            continue
        lines.append(
            tr("{check}: {before} → {after}").format(
                # saved in English: the check titles' catalog entries translate them
                check=tr(str(check.get("title", check.get("id"))), "checks"),
                before=_word(str(was.get("status"))),
                after=_word(str(check.get("status"))),
            )
        )
    return lines


def _word(status: str) -> str:
    from wizard.core.model import Status

    try:
        return status_word(Status(status))
    except ValueError:
        return status


class BeforeAfterView(Card):
    """Two rows, icon + word + verdict, and the checks whose status changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QGridLayout

        super().__init__(parent)
        self.setObjectName("before-after")
        self.setAccessibleName(tr("Before and after"))
        u = self.fontMetrics().height()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(int(u), int(u * 0.8), int(u), int(u * 0.8))
        layout.addWidget(label(tr("Before and after"), scale=1.15, bold=True))
        grid = QGridLayout()
        grid.setHorizontalSpacing(int(u * 0.5))
        size = icon_size(self, 1.2)
        self.before_icon = icon_label("fail", size)
        self.after_icon = icon_label("pass", size)
        self.before = label("", selectable=True)
        self.after = label("", selectable=True)
        top = Qt.AlignmentFlag.AlignTop
        grid.addWidget(self.before_icon, 0, 0, top)
        grid.addWidget(self.before, 0, 1)
        grid.addWidget(self.after_icon, 1, 0, top)
        grid.addWidget(self.after, 1, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.changes = label("", selectable=True, muted=True)
        layout.addWidget(self.changes)
        self.setVisible(False)

    def show_runs(
        self,
        pair: tuple[Mapping[str, Any], Mapping[str, Any]] | None,
        titles: Mapping[str, str] | None = None,
    ) -> None:
        if pair is None:
            self.setVisible(False)
            return
        before, after = pair
        first, second = labels_for(before, after)
        from wizard.ui.widgets import set_icon

        for icon, text, record, heading in (
            (self.before_icon, self.before, before, first),
            (self.after_icon, self.after, after, second),
        ):
            kind = _kind(str((record.get("verdict") or {}).get("cause", "")))
            set_icon(icon, kind, icon.width())
            word = {"pass": tr("OK"), "warn": tr("Unclear"), "fail": tr("Problem")}[kind]
            line = tr("{heading}: {word} — {title}").format(
                heading=heading, word=word, title=verdict_title(record)
            )
            text.setText(line)
            text.setAccessibleName(line)
            icon.setAccessibleName(word)
        lines = changed_checks(before, after, titles)
        shown = lines[:MAX_CHANGED] + (
            [tr("… and {n} more").format(n=len(lines) - MAX_CHANGED)]
            if len(lines) > MAX_CHANGED
            else []
        )
        self.changes.setText("\n".join(shown))
        self.changes.setVisible(bool(shown))
        self.setAccessibleDescription(" ".join([self.before.text(), self.after.text(), *shown]))
        self.setVisible(True)
