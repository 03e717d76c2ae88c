"""Running the real program as a subprocess, the way users and scripts do."""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Shell set-ups for a network namespace of its own (`unshare -rn`), from which nothing leaves:
# only loopback (no way out), or a connected interface with a default route into nowhere.
LOOPBACK_ONLY = "ip link set lo up"
CONNECTED = (
    "ip link set lo up && ip link add v0 type veth peer name v1 "
    "&& ip addr add 192.0.2.2/24 dev v0 && ip link set v0 up && ip link set v1 up "
    "&& ip route add default dev v0"
)
# A process table of its own (own_process_table); the program's end ends all it started.
PID_NAMESPACE = ("unshare", "--pid", "--fork", "--kill-child", "--mount-proc")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """Only what the program needs: a fake home and no proxy/CA variables from this machine."""
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    env.update(extra)
    return env


def run_wizard(
    args: list[str],
    env: dict[str, str],
    timeout: float = 60,
    wrap: Callable[[list[str]], list[str]] = list,
    sees_this_run: bool = False,
) -> Run:
    """`wrap` changes how it is started, e.g. tests/lab/hosts.py's private /etc/hosts. The
    program sees only the programs it starts itself (own_process_table), unless it is to see
    one this test started (`sees_this_run`: a port holder, a named program), as in-process
    tests see only this run's (tests/helpers.py own_processes)."""
    argv = [sys.executable, "-m", "wizard", *args]
    done = subprocess.run(
        wrap(argv if sees_this_run else own_process_table(argv)),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@functools.cache
def _can_have_own_process_table() -> bool:
    try:
        done = subprocess.run([*PID_NAMESPACE, "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def own_process_table(argv: list[str]) -> list[str]:
    """`argv` in a PID namespace of its own (and its own /proc), where it lists only the
    programs it starts: an account switcher or a Codex app that another test run on this
    machine has running at that moment is not part of this test's world. Where that cannot be
    set up (no unshare, no root or user namespaces) the program sees the machine's table."""
    return [*PID_NAMESPACE, *argv] if _can_have_own_process_table() else argv


def in_namespace(setup: str) -> Callable[[list[str]], list[str]]:
    """A `wrap` for run_wizard: the program in a network namespace of its own after `setup`."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("unshare and ip are needed for a private network namespace")
    return lambda argv: ["unshare", "-rn", "sh", "-c", f'{setup} && exec "$@"', "sh", *argv]


def free_port() -> int:
    """A TCP port nothing listens on right now (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
