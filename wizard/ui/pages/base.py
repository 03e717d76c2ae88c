"""What every page can reach: the session and the shared diagnosis runner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget, QWizardPage

if TYPE_CHECKING:
    from wizard.ui.runner import DiagnosisRunner
    from wizard.ui.session import Session
    from wizard.ui.window import SigninDoctorWindow


class Page(QWizardPage):
    key = ""

    def __init__(self, window: SigninDoctorWindow) -> None:
        super().__init__()
        self.window_ = window
        self.setObjectName(f"page-{self.key}")

    @property
    def session(self) -> Session:
        return self.window_.session

    @property
    def runner(self) -> DiagnosisRunner:
        return self.window_.runner

    def scrolled(self, content: QWidget) -> QScrollArea:
        """Content that may be taller than the window (200 % text) scrolls instead of clipping."""
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(content)
        # Not a Tab stop of its own (it has no focus frame); it still scrolls every control
        # that Tab reaches into view.
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return area

    def column(self) -> tuple[QWidget, QVBoxLayout]:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        return widget, layout
