"""The window's diagnosis in a child process of the same program: `diagnose --events --wire`,
read line by line (wizard.ui.child_process; wizard.core.wire gives back the model objects).
The checks' network and crypto stack stays out of the window's process, no check thread
shares its GIL, and Stop kills the child: nothing runs on in the background."""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot

from wizard.app.session import Session
from wizard.core.engine import CheckSpec, cancelled
from wizard.core.model import Diagnosis
from wizard.ui.child_process import ChildProcess, target_args
from wizard.ui.runner import RunnerBase

log = logging.getLogger(__name__)
# Lines that arrive together (the checks start at once; results come in bursts) are handled
# for this long in one turn of the event loop, the rest in the next: the rows they update
# paint in between, and no turn grows with the size of a burst.
TURN_BUDGET_S = 0.008


def child_args(session: Session) -> list[str]:
    """The checks of the session's target; the pasted error goes to the child's stdin."""
    return ["diagnose", "--wire", "--timeout", str(session.timeout_s), *target_args(session.target)]


class ChildDiagnosisRunner(RunnerBase):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._child = ChildProcess(self, self._read, self._ended, self._not_started)
        self._lines: deque[bytes] = deque()  # read, not yet handled
        self._next_turn = QTimer(self)
        self._next_turn.setSingleShot(True)
        self._next_turn.setInterval(0)
        self._next_turn.timeout.connect(self._handle_lines)
        self._diagnosis: Diagnosis | None = None
        self._stopped = False
        self._specs: Sequence[CheckSpec] = ()
        self._started: dict[str, float] = {}  # check id -> when its start was read
        self._finished: set[str] = set()

    def _busy(self) -> bool:
        return self._child.is_running()

    def _launcher(self, session: Session) -> Callable[[], None]:
        args, variables = child_args(session), dict(session.env.vars)
        specs, pasted = session.specs, session.error_text.encode("utf-8")

        def launch() -> None:
            self._diagnosis = None
            self._lines.clear()
            self._stopped, self._specs, self._started, self._finished = False, specs, {}, set()
            self._child.start(args, variables, pasted)

        return launch

    def _stop(self) -> None:
        if self._child.is_running():
            self._stopped = True
            self._child.kill()  # `cancelled` once it has ended (_ended)

    @Slot(object)
    def _read(self, lines: list[bytes]) -> None:
        self._lines.extend(lines)
        self._handle_lines()

    @Slot()
    def _handle_lines(self, budget_s: float | None = TURN_BUDGET_S) -> None:
        """The lines read so far, for `budget_s` (None: all of them now), the rest in the next
        turn of the event loop."""
        from wizard.core.wire import decode, diagnosis_from_wire, result_from_wire

        deadline = None if budget_s is None else time.perf_counter() + budget_s
        while self._lines:
            if deadline is not None and time.perf_counter() > deadline:
                self._next_turn.start()
                return
            raw = self._lines.popleft()
            try:
                line: dict[str, Any] = json.loads(raw)
            except ValueError:  # something else wrote to its stdout: not ours to show
                log.debug("not an event line from the checks' process: %r", raw[:200])
                continue
            if self._stopped:
                continue
            if line["event"] == "started":
                self._started[line["check"]] = time.monotonic()
                self.checkStarted.emit(line["check"], decode(line["title"]))
            elif line["event"] == "finished" and "result" in line:
                self._finished.add(line["check"])
                self.checkFinished.emit(result_from_wire(line["result"]))
            elif line["event"] == "diagnosis":
                self._diagnosis = diagnosis_from_wire(line["diagnosis"])

    @Slot(int, str)
    def _ended(self, code: int, stderr: str) -> None:
        self._handle_lines(None)  # (what the child said last, before it is over)
        if self._stopped:
            self._report_stopped()
            self.cancelled.emit()
        elif self._diagnosis is not None:
            self.finished.emit(self._diagnosis)
        else:
            self.failed.emit(RuntimeError(f"the checks' process ended (exit {code}): {stderr}"))

    def _report_stopped(self) -> None:
        """Every check the kill ended, as the engine reports a cancelled one."""
        now = time.monotonic()
        for spec in self._specs:
            if spec.id not in self._finished:
                started = self._started.get(spec.id)
                ms = int((now - started) * 1000) if started is not None else 0
                self.checkFinished.emit(cancelled(spec, ms))

    @Slot(str)
    def _not_started(self, reason: str) -> None:
        self.failed.emit(RuntimeError(f"the checks' process did not start: {reason}"))

    def _wait(self, timeout_s: float) -> bool:
        return self._child.wait(timeout_s)
