"""Start-up probe for the benchmarks (bench/startup.py), shipped as a PyInstaller runtime hook
so the packaged executable is measured exactly as users get it.

Runs before the program. Does nothing unless SIGNIN_DOCTOR_STARTUP_PROBE names a file: then the
first top-level window shown is watched until it has painted and the event loop is idle, and
the time since SIGNIN_DOCTOR_STARTUP_T0 (time.monotonic() of the launcher, a system-wide clock)
and the peak memory so far go to that file as JSON; the process then exits at once, so only
start-up is measured. The same file is exec'd by bench/ for unfrozen runs."""


def _install_startup_probe() -> None:
    import os

    out = os.environ.get("SIGNIN_DOCTOR_STARTUP_PROBE")
    if not out:
        return
    import json
    import sys
    import time

    t0 = float(os.environ.get("SIGNIN_DOCTOR_STARTUP_T0") or time.monotonic())
    python_up = time.monotonic() - t0  # one-file: mostly unpacking to the temporary folder
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    original_show = QWidget.show
    state: dict[str, object] = {}

    def finish() -> None:
        shown = time.monotonic() - t0
        try:
            import resource  # not on Windows

            maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        except ImportError:
            maxrss_kb = None
        loaded = sys.modules
        modules = sorted(m for m in ("httpx", "cryptography", "OpenSSL", "psutil") if m in loaded)
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "shown_s": shown,
                    "python_up_s": python_up,
                    "maxrss_kb": maxrss_kb,
                    "heavy_modules": modules,
                },
                fh,
            )
        os._exit(0)

    class PaintWatch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            window = state.get("window")
            if (
                event.type() == QEvent.Type.Paint
                and isinstance(obj, QWidget)
                and obj.window() is window
                and not state.get("painted")
            ):
                state["painted"] = True
                QTimer.singleShot(0, finish)  # after the paint, once the queue is drained
            return False

    def show(self: QWidget) -> None:
        if "window" not in state and self.isWindow():
            state["window"] = self
            watch = PaintWatch()
            state["watch"] = watch
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(watch)
        original_show(self)

    QWidget.show = show  # type: ignore[method-assign]


_install_startup_probe()
