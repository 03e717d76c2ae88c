"""What the case file will contain, before anything is saved: the exact bytes of report.json,
report.md and report.html, what the redaction always removed, and toggles that hide more
(the proxy address, editor file paths, the pasted error, one check's details).

`CaseDraftModel` (wizard.ui.case_draft, also importable from here) holds the draft of the
current diagnosis and the chosen extra items; the Share page saves exactly
`model.draft().files()`, which is what the dialog shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.ui.case_draft import CaseDraftModel as CaseDraftModel
from wizard.ui.text import ltext, tr
from wizard.ui.widgets import label

if TYPE_CHECKING:
    from wizard.report.draft import CaseDraft

CHOICE_ROLE = Qt.ItemDataRole.UserRole + 1


def always_removed_text(draft: CaseDraft) -> str:
    if draft.notes:
        found = ", ".join(f"{ltext(n.label)} ({n.count})" for n in draft.notes)
        return tr("Always removed, and cannot be shown: {found}.").format(found=found)
    return tr(
        "Always removed when found: passwords, sign-in codes and tokens, API keys, e-mail "
        "addresses and your user name. None were found in this report."
    )


class ReportPreviewDialog(QDialog):
    def __init__(self, model: CaseDraftModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("report-preview")
        self.setWindowTitle(tr("What the report will contain"))
        u = self.fontMetrics().height()
        self.intro = label("", selectable=True)
        self.removed = label("", selectable=True)
        self.removed.setAccessibleName(tr("Always removed"))
        hide_label = label(tr("Also hide (for you to choose):"), bold=True)
        self.choices = QListWidget()
        self.choices.setObjectName("report-preview-choices")
        self.choices.setAccessibleName(tr("Also hide"))
        self.choices.setAccessibleDescription(
            tr("Each item you tick is taken out of the report. Space ticks or unticks.")
        )
        self.choices.setWordWrap(True)
        self.choices.setMaximumHeight(int(u * 9))
        self.choices.itemChanged.connect(self._item_changed)
        hide_label.setBuddy(self.choices)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(tr("Report files"))
        self.tabs.setAccessibleDescription(tr("The files exactly as they will be saved."))
        self.views: dict[str, QPlainTextEdit] = {}
        from wizard.report.case_file import FILE_NAMES

        for name in FILE_NAMES:
            view = QPlainTextEdit()
            view.setReadOnly(True)
            view.setTabChangesFocus(True)
            view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            view.setAccessibleName(name)
            view.setAccessibleDescription(
                tr("The content of {name}, exactly as it will be saved.").format(name=name)
            )
            self.views[name] = view
            self.tabs.addTab(view, name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleDescription(tr("Closes this view. Nothing is saved here."))

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.removed)
        layout.addWidget(hide_label)
        layout.addWidget(self.choices)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(int(u * 48), int(u * 40))
        model.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        draft = self.model.draft()
        if draft is None:
            self.intro.setText(tr("There is no result yet, so there is no report to show."))
            return
        self.intro.setText(
            tr(
                "This is exactly what will be saved for case {case_id}. Nothing has been saved yet."
            ).format(case_id=draft.case_id)
        )
        self.removed.setText(always_removed_text(draft))
        self.choices.blockSignals(True)
        shown = [self.choices.item(r).data(CHOICE_ROLE) for r in range(self.choices.count())]
        if shown == draft.choice_ids():  # same items: only the ticks (keeps keyboard focus)
            for row in range(self.choices.count()):
                item = self.choices.item(row)
                on = item.data(CHOICE_ROLE) in draft.hidden
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        else:
            self._fill_choices(draft)
        self.choices.blockSignals(False)
        for name, data in draft.files().items():
            view = self.views[name]
            top = view.verticalScrollBar().value()
            view.setPlainText(data.decode("utf-8"))
            view.verticalScrollBar().setValue(top)

    def _fill_choices(self, draft: CaseDraft) -> None:
        self.choices.clear()
        for choice in draft.choices():
            words = tr("{label} (1 place)") if choice.count == 1 else tr("{label} ({count} places)")
            item = QListWidgetItem(words.format(label=ltext(choice.label), count=choice.count))
            item.setData(CHOICE_ROLE, choice.id)
            item.setToolTip(ltext(choice.description))
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, ltext(choice.description))
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setCheckState(
                Qt.CheckState.Checked if choice.id in draft.hidden else Qt.CheckState.Unchecked
            )
            self.choices.addItem(item)

    def _item_changed(self, item: QListWidgetItem) -> None:
        choice_id = item.data(CHOICE_ROLE)
        self.model.set_hidden(str(choice_id), item.checkState() == Qt.CheckState.Checked)

    # -- for tests and the walkthrough -------------------------------------------------------
    def shown_text(self, name: str) -> str:
        return self.views[name].toPlainText()

    def choice_item(self, choice_id: str) -> QListWidgetItem | None:
        for row in range(self.choices.count()):
            item = self.choices.item(row)
            if item.data(CHOICE_ROLE) == choice_id:
                return item
        return None


def open_preview(window: Any) -> ReportPreviewDialog:
    """Show (or raise) the window's preview dialog."""
    dialog = getattr(window, "_report_preview", None)
    if dialog is None:
        dialog = ReportPreviewDialog(window.case_draft, window)
        window._report_preview = dialog
    dialog.refresh()
    if dialog.isVisible():
        dialog.raise_()
        dialog.activateWindow()
    else:
        dialog.show()
    return dialog
