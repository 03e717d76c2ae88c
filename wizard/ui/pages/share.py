"""Share: the case file (the report core writes it, redacted), a ready-to-paste summary,
and a picture of the verdict card with the case id on it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWizard

from wizard.ui.pages.base import Page
from wizard.ui.text import ltext, sentences, step_label, tr
from wizard.ui.threads import Task
from wizard.ui.widgets import Card, label

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from wizard.report.draft import CaseDraft


def _mark(status: str) -> str:
    marks = {
        "pass": tr("OK"),
        "warn": tr("WARN"),
        "fail": tr("PROBLEM"),
        "skip": tr("not checked"),
        "error": tr("could not check"),
    }
    return marks.get(status, status)


def summary_text(document: dict[str, Any]) -> str:
    """Words to paste into a ticket or chat, from the redacted report document."""
    from wizard.core.model import FlowStep

    verdict = document["verdict"]
    # The document's texts are in the window's language already; these are the labels.
    lines = [
        tr("Sign-in Doctor - case {case_id}").format(case_id=document.get("case_id", "")).rstrip(),
        tr("Result: {title}").format(title=verdict["title"]),
        verdict["summary"],
        tr("What to do: {action}").format(action=verdict["next_action"]),
    ]
    if verdict.get("flow_step"):
        step = FlowStep(verdict["flow_step"])
        number = list(FlowStep).index(step) + 1
        lines.append(
            tr("Failing step: {number}. {label} ({step})").format(
                number=number, label=step_label(step), step=step.value
            )
        )
    if verdict.get("also"):
        lines.append(tr("Also found: {causes}").format(causes=", ".join(verdict["also"])))
    lines.append(
        tr("Checked: {url} at {time}").format(
            url=document["target"]["auth_url"], time=document.get("started_at", "")
        )
    )
    lines.append(tr("Checks:"))
    for check in document["checks"]:
        mark = _mark(check["status"])
        lines.append(f"  [{mark}] {check['title']}: {check['summary']}")
    for item in document.get("decoded_error") or []:
        lines.append(tr("Error message seen: {meaning}").format(meaning=item.get("meaning", "")))
    return "\n".join(lines)


def write_report(
    draft: CaseDraft | None, folder: Path, picture: QImage | None, picture_name: str
) -> list[str]:
    """Worker thread: the case file (exactly the bytes the preview shows) and/or the
    picture, into `folder`. Returns the files written."""
    written: list[str] = []
    if draft is not None:
        case = draft.write(folder)
        written.extend(str(p) for p in case.files)
    if picture is not None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / picture_name
        if not picture.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        written.append(str(path))
    return written


class SharePage(Page):
    key = "share"

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setTitle(tr("Share with your help desk"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("Close"))
        self._writer = Task(self)
        self._writer.finished.connect(self._on_saved)
        self._writer.failed.connect(self._on_save_failed)
        self.document: dict[str, Any] = {}
        window.case_draft.changed.connect(self._draft_changed)
        self.files: list[str] = []

    def build(self) -> None:
        from PySide6.QtCore import QStandardPaths
        from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

        from wizard.ui.history_view import BeforeAfterView

        u = self.fontMetrics().height()
        self.intro = label("", selectable=True)
        self.case = label("", scale=1.3, bold=True, selectable=True)
        self.case.setAccessibleName(tr("Case number"))
        self.before_after = BeforeAfterView()

        report = Card()
        report_layout = QVBoxLayout(report)
        report_layout.setContentsMargins(int(u), int(u * 0.8), int(u), int(u * 0.8))
        report_layout.addWidget(label(tr("Save the report"), scale=1.15, bold=True))
        self.contents = label("", selectable=True)
        report_layout.addWidget(self.contents)
        self.preview_button = QPushButton(tr("See exactly what will be saved…"))
        self.preview_button.setAutoDefault(False)
        self.preview_button.setAccessibleDescription(
            tr("Shows the report files before saving, and lets you hide more from them.")
        )
        self.preview_button.clicked.connect(self.show_preview)
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview_button)
        preview_row.addStretch(1)
        report_layout.addLayout(preview_row)
        self.folder = QLineEdit(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        )
        self.folder.setAccessibleName(tr("Folder for the report"))
        self.folder.setAccessibleDescription(
            tr("The report is saved in a new folder named after the case, inside this one.")
        )
        choose = QPushButton(tr("Choose folder…"))
        choose.setAccessibleDescription(tr("Opens a window to pick another folder."))
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(label(tr("Folder:")))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        report_layout.addLayout(folder_row)
        self.save_button = QPushButton(tr("Save report"))
        self.save_button.setAccessibleDescription(
            tr("Saves the report files shown in the preview into the folder above.")
        )
        self.save_button.clicked.connect(self.save_report)
        self.picture_button = QPushButton(tr("Save picture of the result"))
        self.picture_button.setAutoDefault(False)
        self.picture_button.setAccessibleDescription(
            tr("Saves a picture of the result, with the case number on it, into the folder.")
        )
        self.picture_button.clicked.connect(self.save_picture)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.picture_button)
        buttons.addStretch(1)
        report_layout.addLayout(buttons)
        self.saved = label("", selectable=True)
        self.saved.setVisible(False)
        report_layout.addWidget(self.saved)
        self.open_button = QPushButton(tr("Open folder"))
        self.open_button.setAutoDefault(False)
        self.open_button.setAccessibleDescription(
            tr("Opens the folder with the saved report, to attach it to an e-mail or ticket.")
        )
        self.open_button.clicked.connect(self.open_folder)
        self.open_button.setVisible(False)
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_button)
        open_row.addStretch(1)
        report_layout.addLayout(open_row)

        paste = Card()
        paste_layout = QVBoxLayout(paste)
        paste_layout.setContentsMargins(int(u), int(u * 0.8), int(u), int(u * 0.8))
        paste_layout.addWidget(label(tr("Summary to paste"), scale=1.15, bold=True))
        paste_layout.addWidget(
            label(tr("Paste this into an e-mail, chat or support ticket."), muted=True)
        )
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.summary.setAccessibleName(tr("Summary to paste"))
        self.summary.setAccessibleDescription(tr("The same words the Copy summary button copies."))
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumHeight(int(u * 6))
        paste_layout.addWidget(self.summary)
        self.copy_button = QPushButton(tr("Copy summary"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.setAccessibleDescription(
            tr("Copies the summary so you can paste it into an e-mail, chat or ticket.")
        )
        self.copy_button.clicked.connect(self.copy_summary)
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)
        paste_layout.addLayout(copy_row)

        content, column = self.column()
        column.addWidget(self.intro)
        column.addWidget(self.case)
        column.addWidget(self.before_after)
        column.addWidget(report)
        column.addWidget(paste)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scrolled(content))

    def nextId(self) -> int:
        return -1  # the last page of a case (Done comes only after "Yes, it worked")

    def initializePage(self) -> None:
        self.ensure_built()
        if self.session.diagnosis is None:
            return
        self.intro.setText(tr("Give your help desk or OpenAI support this case number:"))
        self.case.setText(self.session.case_id)
        self.show_draft()
        self.show_history()
        self.saved.setVisible(False)
        self.open_button.setVisible(False)

    def show_history(self) -> None:
        """Before/after from the run history (this run and the one before it)."""
        history = getattr(self.window_, "history", None)
        if history is not None and self.session.diagnosis is not None and self.is_built():
            titles = {c.id: ltext(c.title) for c in self.session.diagnosis.checks}
            self.before_after.show_runs(history.before_after(self.session.case_id), titles)

    def show_draft(self) -> None:
        """What will be saved: the draft, with any items the help desk chose to hide."""
        draft = self.window_.case_draft.draft()
        if draft is None:
            return
        self.document = draft.final_document()
        notes = draft.notes
        removed = ", ".join(f"{ltext(n.label)} ({n.count})" for n in notes)
        text = tr(
            "The report holds the results of every check and the verdict, as JSON, HTML and text."
        )
        if removed:
            text = sentences(text, tr("Removed before saving: {removed}.").format(removed=removed))
        else:
            text = sentences(
                text,
                tr(
                    "Passwords, sign-in codes, e-mail addresses and your user name are always "
                    "removed."
                ),
            )
        hidden = [ltext(c.label) for c in draft.choices() if c.id in draft.hidden]
        if hidden:
            text = sentences(text, tr("Also hidden: {items}.").format(items=", ".join(hidden)))
        self.contents.setText(text)
        self.summary.setPlainText(summary_text(self.document))

    # -- actions ------------------------------------------------------------------------
    def choose_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, tr("Choose a folder"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def copy_summary(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(self.summary.toPlainText())
        self.copy_button.setText(tr("Copied"))

    def picture_name(self) -> str:
        return f"sign-in-doctor-{self.session.case_id}.png"

    def verdict_picture(self) -> QImage:
        """The verdict card, as on screen (the case id is on it)."""
        return self.window_.verdict_page().card.grab().toImage()

    def _draft_changed(self) -> None:
        if self.window_.currentPage() is self and self.is_built():
            self.show_draft()

    def show_preview(self) -> None:
        from wizard.ui.redaction_preview import open_preview

        open_preview(self.window_)

    def save_report(self) -> None:
        self._save(self.window_.case_draft.draft(), None)

    def save_picture(self) -> None:
        self._save(None, self.verdict_picture())

    def case_folder(self) -> Path:
        """One folder per case inside the chosen one: report files and picture together."""
        return Path(self.folder.text()).expanduser() / f"Sign-in Doctor {self.session.case_id}"

    def _save(self, draft: CaseDraft | None, picture: QImage | None) -> None:
        if self._writer.is_running():
            return
        folder = self.case_folder()
        self.save_button.setEnabled(False)
        self.picture_button.setEnabled(False)
        name = self.picture_name()
        self._writer.start(lambda: write_report(draft, folder, picture, name))

    def _on_saved(self, files: list[str]) -> None:
        self.files.extend(files)
        self.save_button.setEnabled(True)
        self.picture_button.setEnabled(True)
        self.saved.setText(tr("Saved:") + "\n" + "\n".join(files))
        self.saved.setVisible(True)
        self.open_button.setVisible(True)
        self.open_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_folder(self) -> None:
        """The case's folder in the system's file manager."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.case_folder())))

    def _on_save_failed(self, error: object) -> None:
        self.save_button.setEnabled(True)
        self.picture_button.setEnabled(True)
        self.saved.setText(tr("Could not save there. Choose another folder and try again."))
        self.saved.setToolTip(str(error))
        self.saved.setVisible(True)
        self.open_button.setVisible(False)

    def is_saving(self) -> bool:
        return self._writer.is_running()

    def shutdown(self, timeout_s: float) -> bool:
        return self._writer.shutdown(timeout_s)
