"""A measuring prototype, not the product: the window's DiagnosisRunner with the checks in a
child process (`python -m wizard diagnose --events`, read through a QProcess on the GUI
thread), so bench/window_run.py --child can weigh the window's process without the network
and crypto stack. The model is rebuilt from the event lines (their texts already rendered,
the final document redacted), which is enough to show the Checking and Result pages."""

from __future__ import annotations

import json
import sys
from typing import Any

from PySide6.QtCore import QObject, QProcess, QTimer, Signal
from PySide6.QtWidgets import QWidget

from wizard.app.session import Session
from wizard.core.model import CheckResult, Diagnosis, FlowStep, Status, Target, Verdict
from wizard.ui.pacing import AfterPaint


def check_result(data: dict[str, Any]) -> CheckResult:
    return CheckResult(
        id=data["id"],
        title=data["title"],
        status=Status(data["status"]),
        summary=data["summary"],
        evidence=data["evidence"],
        faults=tuple(data["faults"]),
        duration_ms=data["duration_ms"],
    )


def diagnosis(document: dict[str, Any], target: Target) -> Diagnosis:
    v = document["verdict"]
    verdict = Verdict(
        cause=v["cause"],
        flow_step=FlowStep(v["flow_step"]) if v["flow_step"] else None,
        title=v["title"],
        summary=v["summary"],
        next_action=v["next_action"],
        fixes=tuple(v["fixes"]),
        evidence=tuple(v["evidence"]),
        also=tuple(v["also"]),
        passed_steps=tuple(FlowStep(s) for s in v["passed_steps"]),
        overruled=tuple(v["overruled"]),
        steps={FlowStep(k): state for k, state in v["steps"].items()},
    )
    checks = tuple(check_result(c) for c in document["checks"])
    return Diagnosis(target, checks, verdict, document["started_at"], document["duration_ms"])


class ChildRunner(QObject):
    checkStarted = Signal(str, str)
    checkFinished = Signal(object)
    finished = Signal(object)
    cancelled = Signal()
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None
        self._target: Target | None = None
        self._buffer = b""
        self._after_paint = AfterPaint(self)

    def is_running(self) -> bool:
        return self._after_paint.pending() or self._process is not None

    def start(self, session: Session, after_paint: QWidget | None = None) -> None:
        if self.is_running():
            return
        target = session.target
        args = ["-m", "wizard", "diagnose", "--events", "--auth-url", target.auth_url]
        args += ["--timeout", str(session.timeout_s)]

        def spawn() -> None:
            process = QProcess(self)
            process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
            process.readyReadStandardOutput.connect(self._read)
            process.finished.connect(self._ended)
            self._process, self._target, self._buffer = process, target, b""
            process.start(sys.executable, args)

        if after_paint is None:
            spawn()
        else:
            self._after_paint.arm(after_paint, spawn)

    def _read(self) -> None:
        assert self._process is not None and self._target is not None
        self._buffer += bytes(self._process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            line = json.loads(raw)
            if line["event"] == "started":
                self.checkStarted.emit(line["check"], line["title"])
            elif line["event"] == "finished" and "result" in line:
                self.checkFinished.emit(check_result(line["result"]))
            elif line["event"] == "diagnosis":
                self.finished.emit(diagnosis(line, self._target))

    def _ended(self, *_args: object) -> None:
        self._process = None

    def cancel(self) -> None:
        if self._after_paint.pending():
            self._after_paint.cancel()
            QTimer.singleShot(0, self, self.cancelled.emit)
        elif self._process is not None:
            self._process.kill()  # Stop is a real kill
            self.cancelled.emit()

    def background_checks(self) -> int:
        return 0

    def shutdown(self, timeout_s: float) -> bool:
        self._after_paint.cancel()
        process = self._process
        if process is None:
            return True
        process.kill()
        return bool(process.waitForFinished(int(timeout_s * 1000)))
