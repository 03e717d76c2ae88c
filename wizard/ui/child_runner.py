"""The window's diagnosis in a child process of the same program: `diagnose --events --wire`,
read line by line through a QProcess on the GUI thread (wizard.core.wire gives back the model
objects). The checks' network and crypto stack stays out of the window's process, no check
thread shares its GIL, and Stop kills the child: nothing runs on in the background.

Measured in bench/RESULTS.md ("One execution model"): the packaged one-file build starts it
from the window's own unpacked folder (PyInstaller passes its `_PYI_*` variables on), 0.16 s.
The child must not outlive the window: a one-file build deletes that folder on exit."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Slot

import wizard
from wizard.app.session import Session
from wizard.core.engine import CheckSpec, cancelled
from wizard.core.model import Diagnosis
from wizard.ui.runner import RunnerBase

log = logging.getLogger(__name__)
STDERR_KEPT = 4000  # characters of the child's stderr kept for Details when it breaks
# Lines that arrive together (the checks start at once; results come in bursts) are handled
# for this long in one turn of the event loop, the rest in the next: the rows they update
# paint in between, and no turn grows with the size of a burst.
TURN_BUDGET_S = 0.008


def child_command(session: Session) -> tuple[str, list[str]]:
    """This program again (the executable when packaged), diagnosing the session's target.
    The pasted error goes to its stdin, not here: any user of the computer can read argv."""
    target = session.target
    args = ["diagnose", "--wire", "--timeout", str(session.timeout_s)]
    args += ["--auth-url", target.auth_url, "--callback-port", str(target.callback_ports[0])]
    if getattr(sys, "frozen", False):
        return sys.executable, args
    return sys.executable, ["-m", "wizard", *args]


def child_environment(variables: dict[str, str]) -> QProcessEnvironment:
    """The session's variables (after a fix: what a freshly started app would see) and, from
    source, this `wizard` package first on the path."""
    env = QProcessEnvironment()
    for name, value in variables.items():
        env.insert(name, value)
    if not getattr(sys, "frozen", False):
        source = str(Path(wizard.__file__).resolve().parent.parent)
        path = [source, *filter(None, [variables.get("PYTHONPATH")])]
        env.insert("PYTHONPATH", os.pathsep.join(path))
    return env


class ChildDiagnosisRunner(RunnerBase):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None
        self._buffer = b""
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
        return self._process is not None

    def _launcher(self, session: Session) -> Callable[[], None]:
        program, args = child_command(session)
        env = child_environment(dict(session.env.vars))
        specs, pasted = session.specs, session.error_text.encode("utf-8")

        def launch() -> None:
            process = QProcess(self)
            process.setProcessEnvironment(env)
            process.readyReadStandardOutput.connect(self._read)
            process.finished.connect(self._ended)
            process.errorOccurred.connect(self._error)
            self._process, self._buffer, self._diagnosis = process, b"", None
            self._lines.clear()
            self._stopped, self._specs, self._started, self._finished = False, specs, {}, set()
            process.start(program, args)
            process.write(pasted)
            process.closeWriteChannel()

        return launch

    def _stop(self) -> None:
        if self._process is not None:
            self._stopped = True
            self._process.kill()  # `cancelled` once it has ended (_ended)

    @Slot()
    def _read(self) -> None:
        if self._process is None:
            return
        self._buffer += bytes(self._process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
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

    @Slot(int, QProcess.ExitStatus)
    def _ended(self, code: int, _status: QProcess.ExitStatus) -> None:
        process = self._process
        if process is None:
            return
        self._read()
        self._handle_lines(None)  # (what the child said last, before it is over)
        stderr = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        self._process = None
        process.deleteLater()
        if self._stopped:
            self._report_stopped()
            self.cancelled.emit()
        elif self._diagnosis is not None:
            self.finished.emit(self._diagnosis)
        else:
            detail = stderr[-STDERR_KEPT:].strip()
            self.failed.emit(RuntimeError(f"the checks' process ended (exit {code}): {detail}"))

    def _report_stopped(self) -> None:
        """Every check the kill ended, as the engine reports a cancelled one."""
        now = time.monotonic()
        for spec in self._specs:
            if spec.id not in self._finished:
                started = self._started.get(spec.id)
                ms = int((now - started) * 1000) if started is not None else 0
                self.checkFinished.emit(cancelled(spec, ms))

    @Slot(QProcess.ProcessError)
    def _error(self, error: QProcess.ProcessError) -> None:
        if error is not QProcess.ProcessError.FailedToStart or self._process is None:
            return  # a crash or a kill ends in `finished` as well
        process, self._process = self._process, None
        process.deleteLater()
        reason = process.errorString()
        self.failed.emit(RuntimeError(f"the checks' process did not start: {reason}"))

    def _wait(self, timeout_s: float) -> bool:
        if self._process is None:
            return True
        return bool(self._process.waitForFinished(int(timeout_s * 1000)))
