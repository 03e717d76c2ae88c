"""What every benchmark shares: the machine, a clean environment, a display, the lab in its
own process, repeated runs and medians."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PROBE_HOOK = ROOT / "packaging" / "hooks" / "rthook_startup_probe.py"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    qt = subprocess.run(
        [PY, "-c", "from PySide6.QtCore import qVersion; print(qVersion())"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pyside6": version("PySide6-Essentials"),
        "qt": qt,
    }


@dataclass
class Display:
    platform: str  # "xcb" (a real X server, Xvfb) or "offscreen"
    env: dict[str, str]


@contextlib.contextmanager
def display(want: str = "auto") -> Iterator[Display]:
    """A display for the windows: our own Xvfb if there is one (and not told otherwise),
    else Qt's offscreen platform."""
    xvfb = shutil.which("Xvfb")
    if want == "offscreen" or (want == "auto" and xvfb is None):
        yield Display("offscreen", {"QT_QPA_PLATFORM": "offscreen"})
        return
    if xvfb is None:
        raise SystemExit("bench: --display xcb needs Xvfb (apt-get install xvfb)")
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                break
            time.sleep(0.05)
        yield Display("xcb", {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{number}"})
    finally:
        server.terminate()
        server.wait(timeout=10)


def clean_env(
    home: Path, extra: dict[str, str] | None = None, src: Path | None = None
) -> dict[str, str]:
    """A fake home and none of this machine's proxy/CA variables (as tests/e2e.py does).
    `src`: another checkout whose `wizard` package is measured instead of this one's."""
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "PYTHONPATH": os.pathsep.join(str(p) for p in (src, ROOT) if p is not None),
    }
    (home / "run").mkdir(mode=0o700, exist_ok=True)
    env.update(extra or {})
    return env


def new_home() -> Path:
    return Path(tempfile.mkdtemp(prefix="bench-home-"))


@dataclass
class Lab:
    url: str
    ca_pem: str | None
    proxy: str | None = None  # the lab proxy in front of it, when asked for

    def env(self) -> dict[str, str]:
        return {"CODEX_CA_CERTIFICATE": self.ca_pem} if self.ca_pem else {}


@contextlib.contextmanager
def lab(kind: str, delay_s: float = 0.0, proxy: str | None = None) -> Iterator[Lab]:
    """tests/lab's AuthServer (or SilentServer) in a child process (bench/lab_serve.py),
    with a lab proxy of mode `proxy` in front of it if asked."""
    argv = [PY, "-m", "bench.lab_serve", kind, "--delay", str(delay_s)]
    argv += ["--proxy", proxy] if proxy else []
    child = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert child.stdout is not None
        ready = json.loads(child.stdout.readline())
        yield Lab(ready["url"], ready["ca_pem"], ready.get("proxy"))
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=20)


def run_json(argv: list[str], env: dict[str, str], timeout: float = 120) -> dict[str, Any]:
    """Run in the fake home (not the repo: `-m` puts the working folder first on sys.path,
    and PYTHONPATH must decide which `wizard` is measured)."""
    done = subprocess.run(
        argv, capture_output=True, text=True, env=env, cwd=env["HOME"], timeout=timeout, check=False
    )
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"{argv[:4]} printed nothing (exit {done.returncode}): {done.stderr}")
    return dict(json.loads(lines[-1]))
