"""The window's fix plans in a child process of the same program (`plan --wire`, through
wizard.ui.child_process): the case goes to its stdin (wizard.app.plans_wire), the plans
come back as one line. The fixes and what they plan with (ca-bundle: cryptography, ssl, a
handshake with the network) load in the child, never in the window, and closing the window
kills a child still planning."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot

from wizard.app.session import Session
from wizard.ui.child_process import ChildProcess, target_args
from wizard.ui.planner import Planner

if TYPE_CHECKING:
    from wizard.app.fixing import PlannedFix

log = logging.getLogger(__name__)


class ChildPlanner(Planner):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._child = ChildProcess(self, self._read, self._ended, self._not_started)
        self._planned: list[PlannedFix] | None = None
        self._stopped = False

    def is_running(self) -> bool:
        return self._child.is_running()

    def start(self, session: Session) -> None:
        from wizard.app.plans_wire import request_to_wire

        request = json.dumps(request_to_wire(session), ensure_ascii=False).encode("utf-8")
        self._planned, self._stopped = None, False
        args = ["plan", "--wire", *target_args(session.target)]
        self._child.start(args, dict(session.env.vars), request)

    def cancel(self) -> None:
        if self._child.is_running():
            self._stopped = True
            self._child.kill()

    def shutdown(self, timeout_s: float) -> bool:
        self.cancel()
        return self._child.wait(timeout_s)

    @Slot(object)
    def _read(self, lines: list[bytes]) -> None:
        from wizard.app.plans_wire import planned_from_wire

        for raw in lines:
            try:
                line: dict[str, Any] = json.loads(raw)
            except ValueError:  # something else wrote to its stdout: not ours to show
                log.debug("not a line from the planning process: %r", raw[:200])
                continue
            if line.get("event") == "plans":
                self._planned = [planned_from_wire(p) for p in line["plans"]]

    @Slot(int, str)
    def _ended(self, code: int, stderr: str) -> None:
        if self._stopped:
            return
        if self._planned is not None:
            self.finished.emit(self._planned)
        else:
            self.failed.emit(RuntimeError(f"the planning process ended (exit {code}): {stderr}"))

    @Slot(str)
    def _not_started(self, reason: str) -> None:
        self.failed.emit(RuntimeError(f"the planning process did not start: {reason}"))
