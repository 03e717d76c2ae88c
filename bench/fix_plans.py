"""The Fix page's plans for the lab's TLS interception, in the window `python -m wizard` opens:
how long from `request_plans` to `plansReady` (the first plans, on the Verdict page, and the
plans again after the organisation's certificate file is picked on the Fix page), and the
window's memory once the Fix page shows them and once that plan is applied and checked again.

    python -m bench.fix_plans [--runs 5] [--src DIR]     # fresh windows, medians and each run
    python -m bench.fix_plans --one --auth-url URL --corp-ca PEM   # one window (what is run)

Each run prints {"plans_s", "replan_s", "rss_fix_kb" (resident now), "maxrss_fix_kb" (peak),
"heavy_modules", "cards", "rss_applied_kb", "heavy_applied", "after" (the cause then)};
--src measures another checkout's `wizard` (before/after)."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

HEAVY = ("cryptography", "OpenSSL", "ssl", "httpx", "httpcore", "psutil", "certifi")


def resident_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def one(auth_url: str, corp_ca: Path) -> dict[str, Any]:
    from PySide6.QtCore import QTimer

    from wizard.core.profile import load_profile
    from wizard.platform.system import system_environment
    from wizard.ui.app import ThisComputerWindow, application, make_window

    app = application()
    profile = load_profile()
    target = profile.target(auth_url)
    window = make_window(system_environment(), profile, target, window_type=ThisComputerWindow)
    result: dict[str, Any] = {}
    asked: list[float] = []
    request = window.request_plans

    def timed_request() -> None:
        if not window.plans_current():
            asked.append(time.perf_counter())
        request()

    window.request_plans = timed_request  # type: ignore[method-assign]

    def ready() -> None:
        key = "plans_s" if "plans_s" not in result else "replan_s"
        if asked and window.plans_current():
            result.setdefault(key, time.perf_counter() - asked[-1])

    window.plansReady.connect(ready)
    fix = window.page_by_key("fix")

    def heavy() -> list[str]:
        return sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))

    def applied() -> None:
        result.update(rss_applied_kb=resident_kb(), heavy_applied=heavy())
        result["after"] = window.session.diagnosis.verdict.cause  # type: ignore[union-attr]
        app.quit()

    def shown() -> None:
        result.update(
            rss_fix_kb=resident_kb(),
            maxrss_fix_kb=int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
            heavy_modules=heavy(),
            cards=sorted(fix.cards),  # type: ignore[attr-defined]
        )
        fix.cards["ca-bundle"].apply_button.click()  # type: ignore[attr-defined]
        when(lambda: not fix.is_busy(), applied)  # type: ignore[attr-defined]

    def when(condition: Any, then: Any) -> None:
        if condition():
            then()
        else:
            QTimer.singleShot(10, lambda: when(condition, then))

    def on_fix_page() -> None:
        fix.use_certificate(corp_ca)  # type: ignore[attr-defined]
        when(lambda: fix.plans_ready() and "replan_s" in result, shown)  # type: ignore[attr-defined]

    def on_verdict() -> None:
        window.verdict_page().primary.click()  # "Fix it"
        when(fix.plans_ready, on_fix_page)  # type: ignore[attr-defined]

    window.currentIdChanged.connect(
        lambda _id: (
            window.current_key() == "verdict"
            and when(window.verdict_page().primary_settled, on_verdict)
        )
    )
    window.show()
    window.next()  # Welcome's "Start checking"
    QTimer.singleShot(60_000, app.quit)  # never hang
    app.exec()
    window.shutdown(10.0)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", action="store_true")
    parser.add_argument("--auth-url")
    parser.add_argument("--corp-ca", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", type=Path)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.auth_url, args.corp_ca)))
        return 0

    from bench.common import PY, clean_env, lab, median, new_home, run_json

    rows = []
    with lab("auth", proxy="intercept") as server:
        assert server.ca_pem is not None and server.proxy is not None
        corp_ca = Path(server.ca_pem).parent / "corp-ca.pem"
        variables = {**server.env(), "HTTPS_PROXY": server.proxy, "QT_QPA_PLATFORM": "offscreen"}
        argv = [PY, "-m", "bench.fix_plans", "--one", "--auth-url", server.url]
        for _ in range(args.runs):
            env = clean_env(new_home(), variables, args.src)
            rows.append(run_json([*argv, "--corp-ca", str(corp_ca)], env))
    summary = {
        key: median([r[key] for r in rows])
        for key in ("plans_s", "replan_s", "rss_fix_kb", "maxrss_fix_kb", "rss_applied_kb")
    }
    print(json.dumps({"median": summary, "runs": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
