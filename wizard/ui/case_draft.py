"""What the case file will hold: the draft of the current diagnosis and the extra items the
help desk chose to hide. The report preview (wizard.ui.redaction_preview) shows it and the
Share page saves exactly `model.draft().files()`. Kept apart from the preview dialog so the
window can hold its model from the start without loading the dialog's widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from wizard.app.session import Session
from wizard.core.model import Diagnosis
from wizard.ui.language import current_language
from wizard.ui.text import qt_translate

if TYPE_CHECKING:
    from wizard.report.draft import CaseDraft


class CaseDraftModel(QObject):
    """The draft for the session's current diagnosis. A new diagnosis is a new case: a new
    draft, keeping the extra items hidden that it still has."""

    changed = Signal()

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._draft: CaseDraft | None = None
        self._for: Diagnosis | None = None
        self._hidden: set[str] = set()

    def draft(self) -> CaseDraft | None:
        diagnosis = self.session.diagnosis
        if diagnosis is None:
            return None
        if self._draft is None or self._for is not diagnosis:
            from wizard.report.draft import CaseDraft  # the report stack, once there is one

            document, notes = self.session.document_with_notes(current_language(), qt_translate)
            fresh = CaseDraft.make(document, notes, self.session.case_id)
            self._draft = fresh.with_hidden(self._hidden & set(fresh.choice_ids()))
            self._for = diagnosis
        return self._draft

    def set_hidden(self, choice_id: str, hidden: bool) -> None:
        draft = self.draft()
        if draft is None:
            return
        wanted = set(draft.hidden)
        if hidden:
            wanted.add(choice_id)
        else:
            wanted.discard(choice_id)
        self._draft = draft.with_hidden(wanted)  # an id that is not a choice raises
        self._hidden = set(wanted)
        self.changed.emit()
