"""One diagnosis at a time, off the GUI thread; its events arrive on the GUI thread.

Two runners behind one interface (`RunnerBase`, what the pages use):
- `DiagnosisRunner` runs the checks in this process, for a window over an injected world
  (tests pass their own Environment, specs and lab target, which cannot cross a process
  boundary): the engine's loop runs on a QThread (Task) and every check on its own QThread
  (CheckThreads);
- `wizard.ui.child_runner.ChildDiagnosisRunner` runs them in a child process, for the window
  on this computer (`run_app`).

`start(session, after_paint=page)` starts the checks once `page` has painted: its first
paint is the heaviest thing the GUI thread does, and check threads in this process would
compete with it for Python's GIL (wizard.ui.pacing). Until then the run counts as running
already."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from wizard.app.session import Session
from wizard.ui.pacing import AfterPaint
from wizard.ui.threads import CheckThreads, Task

if TYPE_CHECKING:
    from wizard.core.model import Diagnosis


class RunnerBase(QObject):
    checkStarted = Signal(str, str)  # check id, title
    checkFinished = Signal(object)  # CheckResult
    finished = Signal(object)  # Diagnosis
    cancelled = Signal()
    failed = Signal(object)  # exception (the page shows plain words, Details the rest)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._after_paint = AfterPaint(self)

    def is_running(self) -> bool:
        return self._after_paint.pending() or self._busy()

    def start(self, session: Session, after_paint: QWidget | None = None) -> None:
        if self.is_running():
            return
        launch = self._launcher(session)
        if after_paint is None:
            launch()
            return
        self._after_paint.arm(after_paint, launch)

    def cancel(self) -> None:
        """Stop now; `cancelled` follows once the run has really ended."""
        if self._after_paint.pending():  # not started yet: nothing ran, reported as stopped
            self._after_paint.cancel()
            QTimer.singleShot(0, self, self.cancelled.emit)
            return
        self._stop()

    def shutdown(self, timeout_s: float) -> bool:
        """Stop and wait for everything the run started (window close, test teardown)."""
        self._after_paint.cancel()
        self.cancel()
        return self._wait(timeout_s)

    # -- what a runner provides ---------------------------------------------------------
    def _busy(self) -> bool:
        raise NotImplementedError

    def _launcher(self, session: Session) -> Callable[[], None]:
        raise NotImplementedError

    def _stop(self) -> None:
        raise NotImplementedError

    def _wait(self, timeout_s: float) -> bool:
        raise NotImplementedError


class DiagnosisRunner(RunnerBase):
    """The checks in this process. Stop: the engine notices within a tenth of a second and
    reports what it has; checks still blocked in a socket end at their own deadline, in the
    background."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = Task(self)
        self._threads = CheckThreads()
        self._cancel: threading.Event | None = None
        self._task.progress.connect(self._on_event)
        self._task.finished.connect(self._on_done)
        self._task.failed.connect(self._on_failed)

    def _busy(self) -> bool:
        return self._task.is_running()

    def _launcher(self, session: Session) -> Callable[[], None]:
        cancel = threading.Event()
        self._cancel = cancel
        specs, env, profile, target = session.specs, session.env, session.profile, session.target
        timeout_s, report, spawn = session.timeout_s, self._task.report, self._threads
        pasted = session.error_text

        def job() -> Diagnosis:
            from wizard.core.diagnose import diagnose

            return diagnose(
                specs, env, profile, target, timeout_s, report, cancel, spawn, pasted=pasted
            )

        return lambda: self._task.start(job)

    def _stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    @Slot(object)
    def _on_event(self, event: object) -> None:
        from wizard.core.engine import EngineEvent  # (loaded with the run)

        self._threads.reap()
        if not isinstance(event, EngineEvent):
            return
        if event.kind == "started":
            self.checkStarted.emit(event.check_id, event.title)
        elif event.kind == "finished" and event.result is not None:
            self.checkFinished.emit(event.result)

    @Slot(object)
    def _on_done(self, diagnosis: object) -> None:
        self._threads.reap()
        if self._cancel is not None and self._cancel.is_set():
            self.cancelled.emit()
        else:
            self.finished.emit(diagnosis)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self.failed.emit(error)

    def background_checks(self) -> int:
        return self._threads.running()

    def _wait(self, timeout_s: float) -> bool:
        ok = self._task.shutdown(timeout_s)
        return self._threads.shutdown(timeout_s) and ok
