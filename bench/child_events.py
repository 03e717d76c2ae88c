"""What running the diagnosis in a child process (`diagnose --events`) costs the window,
beside running it in the window's own process (issue #12, "one execution model").

    python -m bench.child_events [--runs 1]    # prints one JSON object: medians, then each run

Against the lab's AuthServer (its own process, 0.3 s per request as for the window benchmark):
- headless: the time from spawning `diagnose --events` to its first event line and to its
  last (the `diagnosis` line) for the dev-mode child (`python -m wizard`), the packaged
  one-file executable spawned from here (a fresh start: it unpacks itself), and the packaged
  executable spawned with the environment of a running packaged window (what
  `subprocess.Popen([sys.executable, ...])` in the window's process passes on: PyInstaller's
  `_PYI_*` variables), and once more with PYINSTALLER_RESET_ENVIRONMENT=1 (PyInstaller's
  switch for an independent instance), counting the `_MEI*` folders each unpacks into a
  private TMPDIR; the fixed start cost of each child (`--version`);
  beside the same diagnosis in-process (a fresh interpreter that has imported `wizard.cli`, as
  the window has; clock from the call, cold imports of the checks included);
- the window (bench/window_run.py) with the diagnosis in-process (`--in-process`) and with its
  checks in a child (as `python -m wizard` opens it, wizard.ui.child_runner): first event,
  verdict, peak RSS at first paint and after, the heavy modules loaded in the window's
  process, longest stall;
  what importing the fix catalog (the Result page plans fixes with it) adds to a process that
  has the window's modules; the hello-world's RSS at first paint, the budget's baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import startup
from bench.common import PY, ROOT, clean_env, display, lab, median, new_home, run_json

DELAY_S = 0.3
WINDOW_SETTLE_S = 3.0  # the packaged window's own start-up (unpacking, Qt) is over by then


def packaged_exe() -> Path | None:
    info_file = ROOT / "dist" / "build-info.json"
    if not info_file.exists():
        return None
    info = json.loads(info_file.read_text())
    app = info.get("app")
    exe = ROOT / app["exe"] if app and app.get("layout") == "onefile" else None
    return exe if exe is not None and exe.exists() else None


def mei_dirs(tmp: Path) -> set[str]:
    return {p.name for p in tmp.glob("_MEI*")}


def events_run(argv: list[str], env: dict[str, str], tmp: Path | None = None) -> dict[str, Any]:
    """Spawn `argv` (a `diagnose --events` command), read its lines as they come."""
    before = mei_dirs(tmp) if tmp is not None else set()
    seen_mei: set[str] = set()
    t0 = time.monotonic()
    child = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=env["HOME"]
    )
    assert child.stdout is not None
    first = last = None
    events = 0
    cause = None
    for raw in child.stdout:
        now = time.monotonic() - t0
        if tmp is not None:
            seen_mei |= mei_dirs(tmp) - before
        line = json.loads(raw)
        events += 1
        first = now if first is None else first
        if line["event"] == "diagnosis":
            last, cause = now, line["verdict"]["cause"]
    _pid, status, usage = os.wait4(child.pid, 0)  # the child's own peak RSS
    child.returncode = os.waitstatus_to_exitcode(status)
    result = {
        "first_event_s": first,
        "last_event_s": last,
        "exit_s": time.monotonic() - t0,
        "events": events,
        "cause": cause,
        "child_maxrss_kb": usage.ru_maxrss,
    }
    if tmp is not None:
        result["new_mei_dirs"] = len(seen_mei)
    return result


def start_cost(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    """The fixed cost of any child: interpreter (and bootloader) start, `wizard.cli` imported,
    argparse answering `--version`."""
    t0 = time.monotonic()
    subprocess.run(argv, env=env, cwd=env["HOME"], capture_output=True, check=True, timeout=60)
    return {"wall_s": time.monotonic() - t0}


FIX_CATALOG_COST = (
    "import resource, json\n"
    "from PySide6.QtWidgets import QApplication\n"
    "import wizard.ui.window\n"
    "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "import wizard.fixes.catalog\n"
    "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print(json.dumps({'before_kb': before, 'after_kb': after}))\n"
)


def inprocess_run(auth_url: str) -> dict[str, Any]:
    """In this (fresh) process, as the window has it: `wizard.cli` imported, then the clock."""
    import wizard.cli  # noqa: F401  (what the window's process has loaded before a diagnosis)
    from wizard.core.profile import load_profile

    profile = load_profile()
    target = profile.target(auth_url)
    t0 = time.monotonic()
    first: list[float] = []

    def on_event(_event: object) -> None:
        if not first:
            first.append(time.monotonic() - t0)

    from wizard.checks.catalog import ALL_CHECKS
    from wizard.core.diagnose import diagnose
    from wizard.platform.system import system_environment

    diagnosis = diagnose(ALL_CHECKS, system_environment(), profile, target, 6.0, on_event)
    return {
        "first_event_s": first[0] if first else None,
        "last_event_s": time.monotonic() - t0,
        "cause": diagnosis.verdict.cause,
    }


def python_child_env(
    exe: Path, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """A packaged window running, and the environment of its Python process (the bootloader's
    child), which is what a subprocess it spawns inherits."""
    window = subprocess.Popen(
        [str(exe)], env=env, cwd=env["HOME"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    for _ in range(200):
        children = Path(f"/proc/{window.pid}/task/{window.pid}/children")
        pids = children.read_text().split() if children.exists() else []
        if pids:
            raw = Path(f"/proc/{pids[0]}/environ").read_bytes()
            if b"_PYI_" in raw:
                pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
                return window, {k.decode(): v.decode() for k, v in pairs}
        time.sleep(0.05)
    window.kill()
    raise RuntimeError("the packaged window's Python process did not appear")


def measure(runs: int) -> dict[str, Any]:
    exe = packaged_exe()
    rows: dict[str, list[dict[str, Any]]] = {}

    def add(name: str, row: dict[str, Any]) -> None:
        rows.setdefault(name, []).append(row)

    with lab("auth", DELAY_S) as server, display() as disp:
        offscreen = {**server.env(), "QT_QPA_PLATFORM": "offscreen"}
        diagnose = ["diagnose", "--events", "--auth-url", server.url, "--timeout", "6"]
        for _ in range(runs):
            env = clean_env(new_home(), server.env())
            argv = [PY, "-m", "bench.child_events", "--inprocess", server.url]
            add("in-process (headless)", run_json(argv, env))
            dev = [PY, "-m", "wizard", *diagnose]
            add("child, dev mode (python -m wizard)", events_run(dev, env))
            add(
                "start cost, dev mode (--version)",
                start_cost([PY, "-m", "wizard", "--version"], env),
            )
            add("fix catalog import in the window", run_json([PY, "-c", FIX_CATALOG_COST], env))
            if exe is not None:
                tmp = Path(tempfile.mkdtemp(prefix="bench-tmp-"))
                fresh = clean_env(new_home(), {**server.env(), "TMPDIR": str(tmp)})
                add("child, packaged, spawned fresh", events_run([str(exe), *diagnose], fresh, tmp))
                add(
                    "start cost, packaged, fresh (--version)",
                    start_cost([str(exe), "--version"], fresh),
                )
                tmp = Path(tempfile.mkdtemp(prefix="bench-tmp-"))
                home = new_home()
                window, inherited = python_child_env(
                    exe, clean_env(home, {**offscreen, "TMPDIR": str(tmp)})
                )
                try:
                    time.sleep(WINDOW_SETTLE_S)  # its start-up must not compete with the child
                    add(
                        "child, packaged, spawned by the packaged window",
                        events_run([str(exe), *diagnose], inherited, tmp),
                    )
                    add(
                        "start cost, packaged, spawned by the packaged window (--version)",
                        start_cost([str(exe), "--version"], inherited),
                    )
                    reset = {**inherited, "PYINSTALLER_RESET_ENVIRONMENT": "1"}
                    add(
                        "child, packaged, spawned by the window, PYINSTALLER_RESET_ENVIRONMENT=1",
                        events_run([str(exe), *diagnose], reset, tmp),
                    )
                finally:
                    window.kill()
                    window.wait(timeout=20)
            window_argv = [PY, "-m", "bench.window_run", "--auth-url", server.url, "--timeout", "6"]
            wenv = clean_env(new_home(), {**server.env(), **disp.env})
            add("window, in-process", run_json([*window_argv, "--in-process"], wenv))
            add("window, checks in a child", run_json(window_argv, wenv))
            hello = startup.PYTHON_SUBJECTS["hello-world (python)"]
            add("hello-world, first paint", startup.probe_once(hello, disp.env, None))
    packaged = str(exe.relative_to(ROOT)) if exe else None
    medians = {
        name: {
            key: median([r[key] for r in runs_of])
            for key, value in runs_of[0].items()
            if isinstance(value, int | float) and not isinstance(value, bool)
        }
        for name, runs_of in rows.items()
    }
    return {
        "delay_s": DELAY_S,
        "display": disp.platform,
        "packaged": packaged,
        "medians": medians,
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--inprocess", metavar="AUTH_URL", help="(internal) one in-process run")
    args = parser.parse_args()
    if args.inprocess:
        print(json.dumps(inprocess_run(args.inprocess)), flush=True)
        os._exit(0)  # as the CLI does: no teardown counted or waited for
    print(json.dumps(measure(args.runs), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
