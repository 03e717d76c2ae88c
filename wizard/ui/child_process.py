"""This program again as a child of the window, through a QProcess on the GUI thread: its
stdout read as whole lines, its end reported with the tail of its stderr, a kill that ends
it at once. The window's diagnosis (wizard.ui.child_runner) and its fix plans
(wizard.ui.child_planner) run this way, so their network and crypto stacks stay out of the
window's process.

Measured in bench/RESULTS.md ("One execution model"): the packaged one-file build starts it
from the window's own unpacked folder (PyInstaller passes its `_PYI_*` variables on), 0.16 s.
The child must not outlive the window: a one-file build deletes that folder on exit."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal, Slot

import wizard
from wizard.core.model import Target

STDERR_KEPT = 4000  # characters of the child's stderr kept for Details when it breaks


def this_program(args: list[str]) -> tuple[str, list[str]]:
    """This program (the executable when packaged) with `args`. Nothing a person typed or
    pasted goes here: any user of the computer can read argv (stdin takes that)."""
    if getattr(sys, "frozen", False):
        return sys.executable, args
    return sys.executable, ["-m", "wizard", *args]


def target_args(target: Target) -> list[str]:
    return ["--auth-url", target.auth_url, "--callback-port", str(target.callback_ports[0])]


def child_environment(variables: Mapping[str, str]) -> QProcessEnvironment:
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


class ChildProcess(QObject):
    """One child at a time: `read` as its stdout comes, then `ended` (also after a kill) or,
    when it cannot be started at all, `not_started`."""

    linesRead = Signal(object)  # list[bytes]: the whole lines read now
    ended = Signal(int, str)  # exit code, the end of its stderr
    notStarted = Signal(str)  # why

    def __init__(
        self,
        parent: QObject,
        read: Callable[[list[bytes]], None],
        ended: Callable[[int, str], None],
        not_started: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self.linesRead.connect(read)
        self.ended.connect(ended)
        self.notStarted.connect(not_started)
        self._process: QProcess | None = None
        self._buffer = b""

    def is_running(self) -> bool:
        return self._process is not None

    def start(self, args: list[str], variables: Mapping[str, str], stdin: bytes) -> None:
        program, argv = this_program(args)
        process = QProcess(self)
        process.setProcessEnvironment(child_environment(variables))
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._ended)
        process.errorOccurred.connect(self._error)
        self._process, self._buffer = process, b""
        process.start(program, argv)
        process.write(stdin)
        process.closeWriteChannel()

    def kill(self) -> None:
        """End it now; `ended` follows once it has."""
        if self._process is not None:
            self._process.kill()

    def wait(self, timeout_s: float) -> bool:
        if self._process is None:
            return True
        return bool(self._process.waitForFinished(int(timeout_s * 1000)))

    @Slot()
    def _read(self) -> None:
        if self._process is None:
            return
        self._buffer += bytes(self._process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        if lines:
            self.linesRead.emit(lines)

    @Slot(int, QProcess.ExitStatus)
    def _ended(self, code: int, _status: QProcess.ExitStatus) -> None:
        process = self._process
        if process is None:
            return
        self._read()  # (what it said last, before it is over)
        stderr = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        self._process = None
        process.deleteLater()
        self.ended.emit(code, stderr[-STDERR_KEPT:].strip())

    @Slot(QProcess.ProcessError)
    def _error(self, error: QProcess.ProcessError) -> None:
        if error is not QProcess.ProcessError.FailedToStart or self._process is None:
            return  # a crash or a kill ends in `finished` as well
        process, self._process = self._process, None
        process.deleteLater()
        self.notStarted.emit(process.errorString())
