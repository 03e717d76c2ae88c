"""Background work on QThreads. Nothing here blocks the GUI thread except `shutdown`.

Two shapes, both from Qt's own examples and the pitfalls in STYLE.md:
- `CheckThreads` is the engine's spawner: each check's work function runs on its own QThread.
  The engine may abandon a check past its deadline (or on Cancel), so the threads stay
  referenced here until they have really finished; `shutdown` waits for the stragglers.
- `Task` runs one function on a worker QObject moved to a QThread and relays its result through
  a main-thread QObject (so `qtbot.waitSignal` never sees a signal from a worker thread).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDeadlineTimer, QObject, Qt, QThread, Signal, Slot


class _CheckThread(QThread):
    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        self._work()


class CheckThreads:
    """Spawner for `wizard.core.diagnose`: called from the diagnosis thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: list[QThread] = []

    def __call__(self, work: Callable[[], None]) -> None:
        # No moveToThread here: called with the GIL held on the diagnosis thread, it takes Qt's
        # thread-data locks and can deadlock against the GUI thread deleting a Python-owned
        # object. Nothing is ever posted to these QThread objects, so releasing a finished one
        # from the GUI thread (reap) is safe.
        thread = _CheckThread(work)
        thread.setObjectName("check")
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def running(self) -> int:
        with self._lock:
            return sum(1 for t in self._threads if not t.isFinished())

    def reap(self) -> None:
        """Drop finished threads (GUI thread only: that is where they live)."""
        with self._lock:
            done = [t for t in self._threads if t.isFinished()]
            self._threads = [t for t in self._threads if not t.isFinished()]
        for thread in done:
            thread.wait()

    def shutdown(self, timeout_s: float) -> bool:
        """Wait for every check thread (each honours its own time budget). True if all ended."""
        with self._lock:
            threads = list(self._threads)
        deadline = QDeadlineTimer(int(timeout_s * 1000))
        ok = all(t.wait(deadline) for t in threads)
        self.reap()
        return ok


class _Worker(QObject):
    done = Signal(object, object)  # result, exception

    def __init__(self, job: Callable[[], Any]) -> None:
        super().__init__()
        self._job = job

    @Slot()
    def run(self) -> None:
        try:
            result = self._job()
        except Exception as exc:  # reported to the page in plain words, never raised in Qt
            self.done.emit(None, exc)
        else:
            self.done.emit(result, None)


class Task(QObject):
    """One function on its own QThread. `finished(result)` or `failed(exception)` arrive on
    the GUI thread; `progress(object)` relays what the job reports through `report`."""

    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(object)
    _relay = Signal(object)  # emitted from the worker thread, delivered queued to us

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._relay.connect(self.progress, Qt.ConnectionType.QueuedConnection)

    def report(self, value: object) -> None:
        """Call from the job (any thread) to send progress to the GUI thread."""
        self._relay.emit(value)

    def is_running(self) -> bool:
        return self._thread is not None

    def start(self, job: Callable[[], Any]) -> None:
        if self._thread is not None:
            raise RuntimeError("task already running")
        thread = QThread()
        thread.setObjectName("task")
        worker = _Worker(job)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        worker.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._thread, self._worker = thread, worker
        thread.start()

    @Slot(object, object)
    def _on_done(self, result: object, error: object) -> None:
        self._join()
        if error is not None:
            self.failed.emit(error)
        else:
            self.finished.emit(result)

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.wait()
        self._thread = self._worker = None

    def shutdown(self, timeout_s: float) -> bool:
        if self._thread is None:
            return True
        ok = self._thread.wait(QDeadlineTimer(int(timeout_s * 1000)))
        if ok:
            self._join()
        return ok
