""" "Watch a sign-in": the core watcher runs on a worker thread while the user signs in in
Codex; the dialog shows, as it happens, who receives the browser's return."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from wizard.app.session import Session
from wizard.ui import theme
from wizard.ui.text import ltext, tr
from wizard.ui.threads import Task
from wizard.ui.widgets import icon_label, icon_size, label, set_icon

WATCH_SECONDS = 120.0
CONCLUSION = "conclusion"  # tags the watcher's conclusion so far among its lines


class _Lines:
    """A write-only text stream for the watcher's progress: each line goes to the GUI."""

    def __init__(self, emit: Any) -> None:
        self._emit = emit
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip():
                self._emit(line)
        return len(text)

    def write_line(self, line: str) -> None:
        """A whole line from the watcher, kept as translatable text (see checks.watch.say)."""
        self._emit(line)

    def write_conclusion(self, text: str) -> None:
        """What the watch shows so far (see checks.watch.conclude)."""
        self._emit((CONCLUSION, text))

    def flush(self) -> None:
        pass


def run_watch(session: Session, seconds: float, stop: threading.Event, emit: Any) -> Any:
    from wizard.checks.watch import watch_signin

    return watch_signin(session.env, session.profile, session.target, seconds, _Lines(emit), stop)


class WatchDialog(QDialog):
    def __init__(
        self, session: Session, parent: Any = None, seconds: float = WATCH_SECONDS
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.seconds = seconds
        self.setWindowTitle(tr("Watch a sign-in"))
        self.setWindowIcon(theme.icon("app"))
        u = self.fontMetrics().height()
        self.setMinimumSize(int(u * 24), int(u * 18))
        self.resize(int(u * 38), int(u * 26))
        ports = " / ".join(str(p) for p in session.target.callback_ports)
        intro = label(
            tr(
                "Press Start watching, then sign in to Codex as usual (in the editor or "
                "with 'codex login'). Sign-in Doctor watches which program receives the "
                "browser's return on port {ports}. It only watches; it sends nothing."
            ).format(ports=ports)
        )
        self.result_icon = icon_label("pass", icon_size(self, 1.6))
        self.result_icon.setVisible(False)
        self.result = label("", scale=1.1, bold=True, selectable=True)
        self.result.setAccessibleName(tr("What happened"))
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setAccessibleName(tr("What Sign-in Doctor saw"))
        self.start_button = QPushButton(tr("Start watching"))
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        row.addStretch(1)
        result_row = QHBoxLayout()
        result_row.addWidget(self.result_icon, 0, Qt.AlignmentFlag.AlignTop)
        result_row.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addLayout(result_row)
        layout.addWidget(label(tr("What Sign-in Doctor saw:"), muted=True))
        layout.addWidget(self.log, 1)
        layout.addWidget(buttons)
        self._stop = threading.Event()
        self._task = Task(self)
        self._task.progress.connect(self._on_line)
        self._task.finished.connect(self._on_report)
        self._task.failed.connect(self._on_failed)
        self.report: Any = None
        self._stopped = False

    def start(self) -> None:
        if self._task.is_running():
            return
        self._stopped = False
        self._stop = threading.Event()
        self.log.clear()
        self.result.setText(tr("Watching… sign in now."))
        self.result_icon.setVisible(False)
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        session, seconds, stop, emit = self.session, self.seconds, self._stop, self._task.report
        self._task.start(lambda: run_watch(session, seconds, stop, emit))

    def stop(self) -> None:
        """Stop now: the list ends here, whatever the watcher still had queued."""
        if self._stopped or not self._task.is_running():
            return
        self._stop.set()
        self._stopped = True
        self.stop_button.setEnabled(False)
        self.log.appendPlainText(tr("Stopped watching."))

    def _on_line(self, line: object) -> None:
        if self._stopped:
            return
        if isinstance(line, tuple) and line[0] == CONCLUSION:
            self.result.setText(ltext(line[1]))  # the main line follows the watch live
            return
        self.log.appendPlainText(ltext(line))

    def _on_report(self, report: Any) -> None:
        self.report = report
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        set_icon(self.result_icon, "pass" if report.ok else "fail", self.result_icon.width())
        self.result_icon.setVisible(True)
        self.result.setText(ltext(report.summary))

    def _on_failed(self, _error: object) -> None:
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.result.setText(tr("Watching stopped unexpectedly. Try again."))

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        self._stop.set()
        return self._task.shutdown(timeout_s)

    def done(self, code: int) -> None:  # Close, Escape, window close
        self.shutdown()
        super().done(code)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
