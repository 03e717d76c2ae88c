"""What was checked, under the verdict: each check that did not simply pass, with its plain
summary (the warnings the verdict does not name; the checks it rests on are its sentence
already), then the names of the ones that worked and of those that could not check. Plain
words only; the evidence stays behind Details."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from wizard.core.i18n import and_list
from wizard.core.model import CheckResult, Diagnosis, Status
from wizard.ui.text import ltext, tr
from wizard.ui.widgets import Card, StatusRow, label

TO_READ = (Status.FAIL, Status.ERROR, Status.WARN)  # in this order


class CheckedPanel(Card):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checked-panel")
        u = self.fontMetrics().height()
        self.heading = label("", bold=True)
        self.worked = label("", muted=True, selectable=True)
        self.unchecked = label("", muted=True, selectable=True)
        self.rows: list[StatusRow] = []
        self._rows = QVBoxLayout()
        self._rows.setSpacing(int(u * 0.2))
        layout = QVBoxLayout(self)
        layout.setSpacing(int(u * 0.5))
        layout.setContentsMargins(int(u * 0.7), int(u * 0.8), int(u * 0.7), int(u * 0.8))
        layout.addWidget(self.heading)
        layout.addLayout(self._rows)
        layout.addWidget(self.worked)
        layout.addWidget(self.unchecked)

    def show_checks(self, diagnosis: Diagnosis) -> None:
        checks = diagnosis.checks
        self.heading.setText(tr("What was checked ({count} checks)").format(count=len(checks)))
        for row in self.rows:
            row.deleteLater()
        said = set(diagnosis.verdict.evidence)
        shown = [r for s in TO_READ for r in checks if r.status is s and r.id not in said]
        width = StatusRow.word_width(self, tuple({r.status for r in shown})) if shown else 0
        self.rows = []
        for result in shown:
            row = StatusRow(result.id, ltext(result.title), width, self)
            row.done(result.status, ltext(result.summary))
            row.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # words to read, not a control
            self._rows.addWidget(row)
            self.rows.append(row)
        self._names(self.worked, tr("Worked: {names}."), checks, Status.PASS)
        self._names(self.unchecked, tr("Not checked: {names}."), checks, Status.SKIP)

    @staticmethod
    def _names(line: QLabel, template: str, checks: Sequence[CheckResult], status: Status) -> None:
        names = [ltext(r.title) for r in checks if r.status is status]
        line.setText(template.format(names=ltext(and_list(names))) if names else "")
        line.setVisible(bool(names))
