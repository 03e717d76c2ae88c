"""Keeping the GUI thread responsive: work that can wait runs after a widget has painted,
or in small steps with the event loop in between, never as one long block.

The real window's checks and plans run in child processes, but the GUI thread still waits for
a core while the child starts beside it, and shares Python's GIL with its own worker threads
(Apply, the stored runs, the decoder's patterns) and, in tests, with the in-process checks:
every Python call Qt makes (a slot, an overridden event handler, a wrapper's first use) can
wait. So the heavy first paint of a page happens before the work that competes with it starts
(bench/RESULTS.md measures what each of these measures keeps)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 250  # a widget that never paints (hidden, minimised) does not hold things up
STEP_GAP_MS = 15  # between two steps: the event loop (input, painting) gets its turn


class AfterPaint(QObject):
    """Calls a callback once, after a widget's next paint (back in the event loop), or after
    `fallback_ms` if it does not paint by then. One instance is armed again and again and
    lives as long as its parent: deleting a Python QObject while check threads start can
    deadlock (Qt's locks against the GIL), so none is deleted on the way."""

    def __init__(self, parent: QObject, fallback_ms: int = FALLBACK_MS) -> None:
        super().__init__(parent)
        self._widget: QWidget | None = None
        self._callback: Callable[[], None] | None = None
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(fallback_ms)
        self._fallback.timeout.connect(self._fire)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._fire)

    def arm(self, widget: QWidget, callback: Callable[[], None]) -> None:
        """`callback` after `widget` has painted (replaces what was armed before)."""
        self.cancel()
        self._widget, self._callback = widget, callback
        widget.installEventFilter(self)
        self._fallback.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._unwatch()
            self._soon.start()  # after the paint has reached the screen
        return False

    def _unwatch(self) -> None:
        if self._widget is not None:
            self._widget.removeEventFilter(self)
            self._widget = None

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        self.cancel()
        if callback is not None:
            callback()

    def pending(self) -> bool:
        return self._callback is not None

    def cancel(self) -> None:
        self._callback = None
        self._unwatch()
        self._fallback.stop()
        self._soon.stop()


class Steps(QObject):
    """Runs `steps` one at a time on the GUI thread, `gap_ms` apart (each should take a few
    milliseconds), until done or cancelled."""

    def __init__(
        self, parent: QObject, steps: Iterable[Callable[[], None]], gap_ms: int = STEP_GAP_MS
    ) -> None:
        super().__init__(parent)
        self._steps = list(steps)
        self._timer = QTimer(self)
        self._timer.setInterval(gap_ms)
        self._timer.timeout.connect(self._next)
        self._timer.start()

    def _next(self) -> None:
        if not self._steps:
            self.cancel()
            return
        self._steps.pop(0)()

    def running(self) -> bool:
        return bool(self._steps)

    def cancel(self) -> None:
        self._steps = []
        self._timer.stop()
