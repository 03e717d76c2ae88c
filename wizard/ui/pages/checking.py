"""Checking: one row per check with live status, an overall progress bar, and Stop.

The diagnosis runs on QThreads (wizard.ui.runner); this page only paints what arrives."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.core.findings import CheckFailure
from wizard.core.model import CheckResult, Diagnosis, Status
from wizard.ui.accessibility import tab_chain
from wizard.ui.pages.base import Page
from wizard.ui.text import ltext, tr
from wizard.ui.widgets import StatusRow, label

ADVANCE_DELAY_MS = 500  # long enough to see the last row turn, short enough not to wait


def plain_summary(result: CheckResult) -> str:
    """The row's line: a broken check's own message is technical, so it goes to Details."""
    if result.status is Status.ERROR:
        failure = result.typed(CheckFailure)
        if failure is not None and failure.timed_out:
            return tr("This check took too long and was stopped.")
        return tr("This check ran into a problem of its own. The details are in the report.")
    return ltext(result.summary)


class CheckingPage(Page):
    key = "checking"
    runFinished = Signal(object)  # Diagnosis, after the rows are painted

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setTitle(tr("Checking this computer"))
        self.rows: dict[str, StatusRow] = {}
        self._done = False
        self._stopping = False
        self._restart_pending = False
        self._counted: set[str] = set()
        self._mine = False  # the Fix page re-checks with the same runner: not our rows
        self._started_at = 0.0
        self.stopped_after_s: float | None = None
        runner = window.runner
        runner.checkStarted.connect(self._on_started)
        runner.checkFinished.connect(self._on_finished)
        runner.finished.connect(self._on_diagnosis)
        runner.cancelled.connect(self._on_cancelled)
        runner.failed.connect(self._on_failed)

    def build(self) -> None:
        self.intro = label(tr("This takes a few seconds. Nothing is changed."), muted=True)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(tr("Checks done"))
        self.progress.setFormat(tr("%v of %m checks done"))
        self.progress.setAccessibleDescription(tr("How many of the checks have finished."))
        self.state = label("")
        self.state.setAccessibleName(tr("Progress"))
        self.stop_button = QPushButton(tr("Stop"))
        self.stop_button.setAccessibleName(tr("Stop checking"))
        self.stop_button.setAccessibleDescription(
            tr("Stops the checks that are still running. Nothing is changed.")
        )
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self.stop)
        self.again_button = QPushButton(tr("Check again"))
        self.again_button.setAutoDefault(False)
        self.again_button.setAccessibleDescription(tr("Runs every check again from the start."))
        self.again_button.clicked.connect(self.start)
        self.again_button.setVisible(False)

        self.rows_widget = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_widget)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(int(self.fontMetrics().height() * 0.5))

        bar = QHBoxLayout()
        bar.addWidget(self.state, 1)
        bar.addWidget(self.stop_button)
        bar.addWidget(self.again_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.progress)
        layout.addWidget(self.scrolled(self.rows_widget), 1)
        layout.addLayout(bar)

    # -- wizard hooks -------------------------------------------------------------------
    def initializePage(self) -> None:
        self.ensure_built()
        self.start()

    def cleanupPage(self) -> None:  # Back: stop what runs, keep nothing half-done
        if self.runner.is_running():
            self.runner.cancel()

    def isComplete(self) -> bool:
        return self._done

    # -- running ------------------------------------------------------------------------
    def _build_rows(self) -> None:
        while self.rows_layout.count():
            item = self.rows_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = {}
        width = StatusRow.word_width(self)
        for spec in self.session.specs:
            row = StatusRow(spec.id, ltext(spec.title), width)
            self.rows[spec.id] = row
            self.rows_layout.addWidget(row)
        self.rows_layout.addStretch(1)
        # Tab reads the rows top to bottom, then reaches Stop / Check again below them.
        tab_chain([*self.rows.values(), self.stop_button, self.again_button])
        self.progress.setRange(0, len(self.rows))
        self.progress.setValue(0)

    def start(self) -> None:
        self.ensure_built()
        if self.runner.is_running():
            # A stopped run is still winding down (a tenth of a second): start right after.
            self._restart_pending = True
            return
        self._done = False
        self._stopping = False
        self._counted = set()
        self.stopped_after_s = None
        self.progress.setFormat(tr("%v of %m checks done"))
        self.completeChanged.emit()
        self._build_rows()
        self.state.setText(tr("Checking…"))
        self.stop_button.setVisible(True)
        self.stop_button.setEnabled(True)
        self.again_button.setVisible(False)
        self._started_at = time.monotonic()
        self._mine = True
        # The rows on the screen first (the progress bar paints with them; a small widget,
        # so few events pass through Python while the page appears).
        self.runner.start(self.session, after_paint=self.progress)

    def stop(self) -> None:
        if self.runner.is_running() and self.is_built():
            self._stopping = True
            self.stop_button.setEnabled(False)
            self.state.setText(tr("Stopping…"))
            self.runner.cancel()

    def is_running(self) -> bool:
        return self.runner.is_running()

    # -- events from the runner (GUI thread) ---------------------------------------------
    def _on_started(self, check_id: str, _title: str) -> None:
        if not self._mine:
            return
        row = self.rows.get(check_id)
        if row is not None:
            row.running()

    def _on_finished(self, result: CheckResult) -> None:
        row = self.rows.get(result.id)
        if row is None or not self._mine:
            return
        if self._stopping and result.status is Status.SKIP:
            row.done(result.status, tr("Stopped before it finished."))
            return
        row.done(result.status, plain_summary(result))
        self._counted.add(result.id)
        self._set_progress(len(self._counted))

    def _set_progress(self, value: int) -> None:
        """QProgressBar repaints the whole window at once on every new value (repaint(), not
        update()); with updates off for the moment it is painted with everything else."""
        self.progress.setUpdatesEnabled(False)
        self.progress.setValue(value)
        self.progress.setUpdatesEnabled(True)  # (schedules its paint)

    def _restart_if_pending(self) -> bool:
        if not self._restart_pending:
            return False
        self._restart_pending = False
        QTimer.singleShot(0, self.start)
        return True

    def _claim_result(self) -> bool:
        """True when the run that just ended is this page's to show; False when it belongs to
        nobody, or Check again was pressed meanwhile (a new run starts instead)."""
        restarted = self._restart_if_pending()
        mine, self._mine = self._mine, False
        return mine and not restarted

    def _on_diagnosis(self, diagnosis: Diagnosis) -> None:
        if not self._claim_result():
            return
        self.session.set_diagnosis(diagnosis)
        self._done = True
        self._set_progress(self.progress.maximum())
        self.state.setText(tr("Done."))
        self.stop_button.setVisible(False)
        self.again_button.setVisible(True)
        self.completeChanged.emit()
        self.runFinished.emit(diagnosis)
        QTimer.singleShot(ADVANCE_DELAY_MS, self._advance)

    def _advance(self) -> None:
        if self.window_.currentPage() is self and self._done:
            self.window_.next()

    def _on_cancelled(self) -> None:
        if not self._claim_result():
            return
        self.stopped_after_s = time.monotonic() - self._started_at
        self.progress.setFormat(tr("Stopped after %v of %m checks"))
        self.state.setText(tr("Stopped. Nothing was changed. Press Check again to start over."))
        self.stop_button.setVisible(False)
        self.again_button.setVisible(True)
        self.again_button.setFocus()

    def _on_failed(self, _error: object) -> None:
        if not self._claim_result():
            return
        self.state.setText(
            tr("Sign-in Doctor could not finish checking. Press Check again to retry.")
        )
        self.stop_button.setVisible(False)
        self.again_button.setVisible(True)
