"""The window in a fresh process: first paint, then a full diagnosis started as a user starts
it (Welcome's "Start checking"), while a 5 ms QTimer on the GUI thread measures the longest
stall of the event loop, until the verdict page has settled.

    python -m bench.window_run --auth-url URL [--timeout S] [--profile OUT.txt] [--in-process]

Prints {"rss_first_paint_kb", "rss_after_kb", "diagnosis_s", "first_event_s", "verdict_s",
"max_gap_ms", "gaps", "cause", "heavy_modules"}; --profile writes a pyinstrument profile of the
GUI thread during the diagnosis. The window is the one `python -m wizard` opens (its checks in
a child process, wizard.ui.child_runner); --in-process runs them in the window's own process,
as a window over an injected world (the tests') does."""

from __future__ import annotations

import argparse
import json
import resource
import sys
from typing import Any

PROBE_MS = 5
HEAVY = ("httpx", "cryptography", "OpenSSL", "psutil", "ssl")
SETTLE_MS = 300  # the verdict page lays out and paints after it is shown


def peak_rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--auth-url", required=True)
    parser.add_argument("--timeout", type=float, default=6.0)
    parser.add_argument("--profile", metavar="OUT.txt")
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer

    from wizard.core.profile import load_profile
    from wizard.platform.system import system_environment
    from wizard.ui.app import ThisComputerWindow, application, make_window
    from wizard.ui.window import SigninDoctorWindow

    app = application()
    profile = load_profile()
    window = make_window(
        system_environment(),
        profile,
        profile.target(args.auth_url),
        timeout_s=args.timeout,
        window_type=SigninDoctorWindow if args.in_process else ThisComputerWindow,
    )
    result: dict[str, Any] = {}
    clock = QElapsedTimer()
    gaps: list[tuple[float, float, str]] = []  # (gap ms, at ms since start, page)
    last = [0.0]
    profiler: Any = None

    def at(key: str) -> None:
        result.setdefault(key, clock.nsecsElapsed() / 1e9)

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append((now - last[0], now, window.current_key()))
        last[0] = now

    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(tick)

    def finish() -> None:
        probe.stop()
        if profiler is not None:
            profiler.stop()
            with open(args.profile, "w", encoding="utf-8") as fh:
                fh.write(profiler.output_text(unicode=False, color=False))
        worst = sorted(gaps, reverse=True)[:5]
        diagnosis = window.session.diagnosis
        result.update(
            diagnosis_s=clock.nsecsElapsed() / 1e9,
            rss_after_kb=peak_rss_kb(),
            max_gap_ms=worst[0][0] if worst else None,
            gaps=[{"gap_ms": g, "at_ms": at, "page": page} for g, at, page in worst],
            cause=diagnosis.verdict.cause if diagnosis is not None else None,
            heavy_modules=sorted(m for m in HEAVY if m in sys.modules),
        )
        window.close()
        app.quit()

    waited = [0]

    def settled() -> None:
        if not window.verdict_page().primary_settled() and waited[0] < 300:
            waited[0] += 1
            QTimer.singleShot(10, settled)
            return
        QTimer.singleShot(SETTLE_MS, finish)

    def page_changed(_id: int) -> None:
        if window.current_key() == "verdict":
            settled()

    def start() -> None:
        nonlocal profiler
        result["rss_first_paint_kb"] = peak_rss_kb()
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)  # this (the GUI) thread only
            profiler.start()
        clock.start()
        probe.start()
        window.currentIdChanged.connect(page_changed)
        window.runner.checkStarted.connect(lambda *_: at("first_event_s"))
        window.runner.finished.connect(lambda *_: at("verdict_s"))
        window.next()  # Welcome's "Start checking"

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            painted = event.type() == QEvent.Type.Paint
            if painted and not self.seen and getattr(obj, "window", lambda: None)() is window:
                self.seen = True
                QTimer.singleShot(0, start)
                QTimer.singleShot(0, lambda: app.removeEventFilter(self))  # costs every event
            return False

    watch = FirstPaint()
    app.installEventFilter(watch)
    window.show()
    QTimer.singleShot(int((args.timeout * 3 + 20) * 1000), finish)  # never hang
    app.exec()
    window.shutdown(args.timeout + 2.0)
    print(json.dumps(result))
    return 0 if result.get("cause") is not None else 1


if __name__ == "__main__":
    sys.exit(main())
