"""Start-up: process start to the first window shown, painted and idle, with the peak memory
at that moment, for the app and the bare QWizard hello-world, from Python and packaged.

The probe is packaging/hooks/rthook_startup_probe.py: the packaged builds carry it as a
runtime hook, the Python runs exec it first. The clock starts in this process just before the
child is spawned (time.monotonic() is system-wide), so interpreter start and, for one-file
builds, unpacking count."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PROBE_HOOK, PY, ROOT, clean_env, new_home

PRELUDE = f"exec(open({str(PROBE_HOOK)!r}).read()); import runpy; "
PYTHON_SUBJECTS = {
    "app (python -m wizard)": [
        PY,
        "-c",
        PRELUDE + "runpy.run_module('wizard', run_name='__main__')",
    ],
    "hello-world (python)": [
        PY,
        "-c",
        PRELUDE
        + f"runpy.run_path({str(ROOT / 'bench' / 'hello_qwizard.py')!r}, run_name='__main__')",
    ],
}


def packaged_subjects() -> dict[str, list[str]]:
    """The builds recorded in dist/build-info.json (packaging/build.py), if any."""
    info_file = ROOT / "dist" / "build-info.json"
    if not info_file.exists():
        return {}
    info = json.loads(info_file.read_text())
    subjects = {}
    for key, label in (("app", "app (packaged)"), ("hello", "hello-world (packaged)")):
        if key in info and (ROOT / info[key]["exe"]).exists():
            subjects[f"{label}, {info[key]['layout']}"] = [str(ROOT / info[key]["exe"])]
    return subjects


def probe_once(argv: list[str], display_env: dict[str, str], src: Path | None) -> dict[str, Any]:
    home = new_home()
    out = Path(tempfile.mkdtemp(prefix="bench-probe-")) / "probe.json"
    env = clean_env(home, display_env, src)
    env["SIGNIN_DOCTOR_STARTUP_PROBE"] = str(out)
    env["SIGNIN_DOCTOR_STARTUP_T0"] = repr(time.monotonic())
    done = subprocess.run(
        argv, env=env, cwd=home, capture_output=True, text=True, timeout=60, check=False
    )
    if not out.exists():
        raise RuntimeError(
            f"no start-up probe from {argv[0]} (exit {done.returncode}): {done.stderr}"
        )
    return dict(json.loads(out.read_text()))


def measure(
    display_env: dict[str, str], runs: int, src: Path | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every subject `runs` times, interleaved (A B C A B C ...) so drift hits all alike."""
    subjects = {**PYTHON_SUBJECTS, **packaged_subjects()}
    for argv in subjects.values():  # warm the file cache once; not counted
        probe_once(argv, display_env, src)
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in subjects}
    for _ in range(runs):
        for name, argv in subjects.items():
            results[name].append(probe_once(argv, display_env, src))
    return results


if __name__ == "__main__":
    for name, rows in measure(
        {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}, 3
    ).items():
        print(name, [round(r["shown_s"], 3) for r in rows], [r["maxrss_kb"] for r in rows])
