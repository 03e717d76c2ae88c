"""What every page can reach: the session and the shared diagnosis runner.

A page makes its content (`build`) the first time it is needed - when the wizard first
shows it, or when something reads its widgets before that - not when the window is made:
the window's first paint then costs only the Welcome page. `ensure_built()` builds it;
reading a content attribute of a page not yet built (or its children, `findChildren`)
builds it too, so everything keeps working whichever page it is on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget, QWizardPage

if TYPE_CHECKING:
    from wizard.app.session import Session
    from wizard.ui.runner import RunnerBase
    from wizard.ui.window import SigninDoctorWindow


class Page(QWizardPage):
    key = ""

    def __init__(self, window: SigninDoctorWindow) -> None:
        super().__init__()
        self.window_ = window
        self._built = False
        self.setObjectName(f"page-{self.key}")

    # -- content, made on first use -----------------------------------------------------
    def build(self) -> None:
        """Make the page's widgets (called once, by `ensure_built`)."""

    def is_built(self) -> bool:
        return self._built

    def ensure_built(self) -> None:
        if self._built:
            return
        self._built = True
        self.build()
        on_built = getattr(self.window_, "page_built", None)
        if on_built is not None:
            on_built(self)  # the walkthrough adds its panel, the tab order is redone

    def initializePage(self) -> None:
        self.ensure_built()

    def findChildren(self, *args: Any, **kwargs: Any) -> Any:
        self.ensure_built()  # what a page contains: its content, made if need be
        return super().findChildren(*args, **kwargs)

    def findChild(self, *args: Any, **kwargs: Any) -> Any:
        self.ensure_built()
        return super().findChild(*args, **kwargs)

    if not TYPE_CHECKING:  # (mypy keeps checking attribute names)

        def __getattr__(self, name: str) -> Any:
            # Only reached for attributes that do not exist (yet): a content widget of a
            # page never shown is made now. Private names never trigger a build.
            if name.startswith("_") or self.__dict__.get("_built", True):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            self.ensure_built()
            return getattr(self, name)

    def first_stop(self) -> QWidget | None:
        """The control the keyboard starts on when the page is shown; None: the first one in
        Tab order."""
        return None

    def nextId(self) -> int:
        """The next page: the one the window jumps to (a button such as "Yes, it worked"),
        else the next in order."""
        jump = self.window_.jump_to
        return self.window_.page_id(jump) if jump else super().nextId()

    # -- helpers for building -----------------------------------------------------------
    @property
    def session(self) -> Session:
        return self.window_.session

    @property
    def runner(self) -> RunnerBase:
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
