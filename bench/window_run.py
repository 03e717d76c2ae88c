"""The window in a fresh process: first paint, then a full diagnosis started as a user starts
it (Welcome's "Start checking"), while a 5 ms QTimer on the GUI thread measures the longest
stall of the event loop, until the verdict page has settled.

    python -m bench.window_run --auth-url URL [--timeout S] [--profile OUT.txt] [--in-process]
                               [--lang ja]

Prints {"rss_first_paint_kb", "rss_after_kb", "diagnosis_s", "first_event_s", "verdict_s",
"max_gap_ms", "gaps", "page_gaps", "cause", "heavy_modules"} (each of the longest gaps, and
each page's longest, with the GUI thread's CPU time in it: far less than the gap means the
thread waited rather than worked); --profile writes a pyinstrument profile of the GUI thread
during the diagnosis, then what that thread ran during each of those stalls. The window is
the one `python -m wizard` opens (its checks in a child process, wizard.ui.child_runner);
--in-process runs them in the window's own process, as a window over an injected world (the
tests') does."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from typing import Any

PROBE_MS = 5
HEAVY = ("httpx", "cryptography", "OpenSSL", "psutil", "ssl")
SETTLE_MS = 300  # the verdict page lays out and paints after it is shown


def peak_rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _frame(entry: str) -> str:
    """pyinstrument's 'function\\0file\\0line' as 'file:line function' (the tree's words)."""
    function, file, line = [*entry.split("\x00"), "", ""][:3]
    file = file.split("/wizard/", 1)[-1] if "/wizard/" in file else file.rsplit("/", 1)[-1]
    return f"{file}:{line.split(chr(1))[0]} {function}"


def stall_timeline(session: Any, worst: list[tuple[float, float, str, float]]) -> str:
    """Per stall (gap, when, page): the GUI thread's samples inside it, by the last two
    frames of the project's code under the innermost call, most time first. A stall with
    only `exec` samples is Qt's own C++ work (layout, polish, paint)."""
    out = ["\nWhat the GUI thread ran during the longest stalls (ms of samples):\n"]
    spans: list[tuple[float, list[str]]] = []
    now = 0.0
    for stack, delta in session.frame_records:
        now += delta * 1000
        spans.append((now, stack))
    for gap, at_ms, page, cpu in worst:
        begin = at_ms - gap
        totals: dict[str, float] = {}
        previous = 0.0
        for end, stack in spans:
            overlap = min(end, at_ms) - max(previous, begin)
            previous = end
            if overlap <= 0:
                continue
            ours = [f for f in stack if "/wizard/" in f]
            key = " > ".join(_frame(f) for f in [*ours[-2:], stack[-1]] if f) or "?"
            totals[key] = totals.get(key, 0.0) + overlap
        out.append(f"- {gap:.0f} ms stall ending at {at_ms:.0f} ms ({page}, {cpu:.0f} ms CPU):\n")
        for key, ms in sorted(totals.items(), key=lambda kv: -kv[1])[:6]:
            out.append(f"    {ms:5.1f}  {key}\n")
    return "".join(out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--auth-url", required=True)
    parser.add_argument("--timeout", type=float, default=6.0)
    parser.add_argument("--profile", metavar="OUT.txt")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--lang", help="the window's language (as `python -m wizard --lang`)")
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer

    from wizard.core.profile import load_profile
    from wizard.platform.system import system_environment
    from wizard.ui.app import ThisComputerWindow, application, make_window
    from wizard.ui.window import SigninDoctorWindow

    app = application()
    if args.lang:
        from wizard.ui import language

        language.install(args.lang)
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
    # (gap ms, at ms since start, page, the GUI thread's CPU ms in it)
    gaps: list[tuple[float, float, str, float]] = []
    last = [0.0, 0.0]
    profiler: Any = None

    def at(key: str) -> None:
        result.setdefault(key, clock.nsecsElapsed() / 1e9)

    def tick() -> None:
        now, cpu = clock.nsecsElapsed() / 1e6, time.thread_time() * 1000
        gaps.append((now - last[0], now, window.current_key(), cpu - last[1]))
        last[0], last[1] = now, cpu

    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(PROBE_MS)
    probe.timeout.connect(tick)

    def finish() -> None:
        probe.stop()
        worst = sorted(gaps, reverse=True)[:5]
        by_page: dict[str, tuple[float, float, str, float]] = {}
        for gap in sorted(gaps, reverse=True):
            by_page.setdefault(gap[2], gap)  # each page's longest
        if profiler is not None:
            profiler.stop()
            with open(args.profile, "w", encoding="utf-8") as fh:
                fh.write(profiler.output_text(unicode=False, color=False))
                shown = [*worst, *(g for g in by_page.values() if g not in worst)]
                fh.write(stall_timeline(profiler.last_session, shown))
        diagnosis = window.session.diagnosis
        result.update(
            diagnosis_s=clock.nsecsElapsed() / 1e9,
            rss_after_kb=peak_rss_kb(),
            max_gap_ms=worst[0][0] if worst else None,
            gaps=[
                {"gap_ms": g, "at_ms": at, "page": page, "cpu_ms": round(cpu, 1)}
                for g, at, page, cpu in worst
            ],
            page_gaps={
                page: {"gap_ms": g, "cpu_ms": round(cpu, 1)} for g, _, page, cpu in by_page.values()
            },
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
        last[1] = time.thread_time() * 1000
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
