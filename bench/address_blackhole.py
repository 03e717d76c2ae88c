"""Diagnosis wall time with one silent address of auth.openai.com beside a live one, for the
per-address check (wizard/checks/addresses.py): run it against another checkout for "before".

    unshare -rn sh -c 'ip link set lo up && python -m bench.address_blackhole [--tree PATH]'

A private /etc/hosts (tests/lab/hosts.py) maps auth.openai.com to 127.0.0.1 (the lab's auth
server on 443) and, in the "blackhole" case, also to 127.0.0.2 (tests/lab/silent.py). Prints
{case: {"wall_s": [...], "cause": ...}}."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e import free_port
from tests.lab.auth_server import AuthServer
from tests.lab.hosts import MAPPED_HOSTS, diagnose_the_real_host, hosts_argv
from tests.lab.pki import LabPKI
from tests.lab.silent import SilentServer

ROOT = Path(__file__).resolve().parent.parent


def run(tree: Path, hosts: Path, home: Path, ca: Path) -> tuple[float, str]:
    argv = [sys.executable, "-m", "wizard", *diagnose_the_real_host(free_port())]
    env = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(tree),
        "CODEX_CA_CERTIFICATE": str(ca),
    }
    started = time.monotonic()
    done = subprocess.run(
        hosts_argv(hosts, argv),
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    wall = time.monotonic() - started
    return round(wall, 2), json.loads(done.stdout)["verdict"]["cause"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    out: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pki = LabPKI(folder)
        with AuthServer(pki, hostnames=MAPPED_HOSTS, port=443), SilentServer("127.0.0.2", 443):
            for case, lines in (
                ("healthy", ["127.0.0.1"]),
                ("blackhole", ["127.0.0.1", "127.0.0.2"]),
            ):
                hosts = folder / f"hosts-{case}"
                hosts.write_text(
                    "127.0.0.1 localhost\n" + "".join(f"{a} auth.openai.com\n" for a in lines)
                )
                home = folder / f"home-{case}"
                home.mkdir()
                results = [run(args.tree, hosts, home, pki.ca_pem) for _ in range(args.runs)]
                out[case] = {"wall_s": [w for w, _ in results], "cause": results[-1][1]}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
