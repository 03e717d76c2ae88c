"""Done: the person said sign-in works. The end of the case, in plain words."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWizard

from wizard.ui.pages.base import Page
from wizard.ui.text import tr
from wizard.ui.widgets import Card, icon_label, icon_size, label


class DonePage(Page):
    key = "done"

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setTitle(tr("Done"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("Close"))

    def build(self) -> None:
        u = self.fontMetrics().height()
        card = Card()
        card.setObjectName("done-card")
        self.icon = icon_label("pass", icon_size(self, 2.2))
        self.icon.setAccessibleName(tr("No problem found"))
        self.headline = label(tr("Sign-in works"), scale=1.3, bold=True, selectable=True)
        self.text = label("", selectable=True)
        grid = QGridLayout(card)
        grid.setContentsMargins(int(u), int(u), int(u), int(u))
        grid.setHorizontalSpacing(int(u * 0.7))
        grid.addWidget(self.icon, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.headline, 0, 1)
        grid.addWidget(self.text, 1, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(card)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.ensure_built()
        self.text.setText(
            tr(
                "Good: Codex is signed in. You can close Sign-in Doctor. If sign-in fails "
                "again, open it again (this was case {case_id})."
            ).format(case_id=self.session.case_id)
        )

    def nextId(self) -> int:
        return -1
