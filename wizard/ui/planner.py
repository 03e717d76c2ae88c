"""The Fix page's plans for the session's diagnosis, off the GUI thread (plans read files,
and ca-bundle's captures the network's chain); they arrive on the GUI thread.

Two planners behind one interface (`Planner`, what the window uses), as the runners are:
- `ThreadPlanner` plans in this process on a worker thread, for a window over an injected
  world (tests), which cannot cross a process boundary;
- `wizard.ui.child_planner.ChildPlanner` plans in a child process, for the window on this
  computer (`run_app`): what the fixes plan with never loads into the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from wizard.app.session import Session
from wizard.ui.threads import Task

if TYPE_CHECKING:
    from wizard.app.fixing import PlannedFix


class Planner(QObject):
    finished = Signal(object)  # list[PlannedFix], for the diagnosis planned for
    failed = Signal(object)  # exception

    def is_running(self) -> bool:
        raise NotImplementedError

    def start(self, session: Session) -> None:
        """Plans for the session's diagnosis, its verdict's fixes in its order."""
        raise NotImplementedError

    def cancel(self) -> None:
        """Stop now where that is possible; nothing is reported for a stopped run."""
        raise NotImplementedError

    def shutdown(self, timeout_s: float) -> bool:
        """Stop and wait (window close, test teardown). True if nothing runs on."""
        raise NotImplementedError


class ThreadPlanner(Planner):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = Task(self)
        self._task.finished.connect(self.finished)
        self._task.failed.connect(self.failed)

    def is_running(self) -> bool:
        return self._task.is_running()

    def start(self, session: Session) -> None:
        assert session.diagnosis is not None
        fixes = session.diagnosis.verdict.fixes

        def plan() -> list[PlannedFix]:
            from wizard.app import fixing  # with the fixes it plans, on the worker thread

            return fixing.plan_fixes(session, fixes)

        self._task.start(plan)

    def cancel(self) -> None:
        """A plan on a thread cannot be stopped; it ends on its own (its captures have
        timeouts), and `shutdown` waits for it."""

    def shutdown(self, timeout_s: float) -> bool:
        return self._task.shutdown(timeout_s)
