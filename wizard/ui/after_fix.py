"""After a fix was applied: what must happen before it takes effect, and the way to done.

A fix that needs a restart (reload the editor, open a new terminal) cannot show its effect in
the re-check that follows Apply: the running editor still holds the old setting. So the window
says what to do now ("Reload Cursor, then press Check again") and offers Check again; once the
checks pass it asks "Did sign-in work?" as the Windows troubleshooters do: Yes ends on the Done
page, No goes back to the result and the case file. The Fix page and the Verdict page show the
same panel over the same `Session.after_fix`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from wizard.ui.text import sentences, tr
from wizard.ui.widgets import label

if TYPE_CHECKING:
    from wizard.ui.window import SigninDoctorWindow


@dataclass(frozen=True)
class AfterFix:
    fix_id: str
    restart: str  # what must happen before the change takes effect (window language), or ""
    fixed: bool  # the latest check no longer finds the problem the fix was for
    cause: str  # that problem (the verdict's cause before the fix)


def after_fix_text(after: AfterFix) -> str:
    if not after.fixed:
        return sentences(
            tr("One more step before it works:"),
            after.restart,
            tr("Then press Check again."),
        )
    if after.restart:
        return sentences(tr("Fixed on this computer. Now:"), after.restart)  # (…sign in again)
    return tr("Fixed on this computer. Now sign in again.")


class AfterFixPanel(QWidget):
    """Check again while a restart is pending; "Did sign-in work?" once the checks pass."""

    def __init__(self, window: SigninDoctorWindow, where: str) -> None:
        super().__init__()
        self.window_ = window
        self.setObjectName(f"after-fix-{where}")
        self.text = label("", selectable=True)
        self.text.setAccessibleName(tr("What to do now"))
        self.check_again = QPushButton(tr("Check again"))
        self.check_again.setAccessibleDescription(
            tr("Runs the checks again, after you have done the step above.")
        )
        self.check_again.clicked.connect(window.check_again)
        self.question = label(tr("Did sign-in work?"), bold=True)
        self.yes = QPushButton(tr("Yes, it worked"))
        self.yes.setAccessibleDescription(tr("Ends here: sign-in works."))
        self.yes.clicked.connect(lambda: window.sign_in_worked(True))
        self.no = QPushButton(tr("No, it still fails"))
        self.no.setAccessibleDescription(
            tr("Goes back to the result, where you can save the case for your help desk.")
        )
        self.no.clicked.connect(lambda: window.sign_in_worked(False))
        for button in self.buttons():
            button.setAutoDefault(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check_again)
        row.addWidget(self.yes)
        row.addWidget(self.no)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.question)  # (its own line: it wraps at 200 % or in Japanese)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        after = self.window_.session.after_fix
        self.setVisible(after is not None)
        if after is None:
            return
        self.text.setText(after_fix_text(after))
        self.check_again.setVisible(not after.fixed)
        self.check_again.setEnabled(not self.window_.runner.is_running())
        for widget in (self.question, self.yes, self.no):
            widget.setVisible(after.fixed)

    def buttons(self) -> list[QPushButton]:
        return [self.check_again, self.yes, self.no]

    def action(self) -> QPushButton:
        """The button the keyboard goes to first."""
        after = self.window_.session.after_fix
        return self.yes if after is not None and after.fixed else self.check_again
