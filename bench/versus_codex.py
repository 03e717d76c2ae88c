"""`diagnose` beside the real `codex doctor` (npm @openai/codex, the version `make lab-codex`
installs) over the lab's faults, both as a user runs them, with the same environment.

    python -m bench.versus_codex [--runs 3]      # prints one JSON line
    python -m bench.versus_codex --against DIR [--conditions healthy,intercept]

`--against DIR` also times another checkout's `diagnose` (its `wizard` on PYTHONPATH) in the
same runs, interleaved with this one's (which goes first alternates), for a before/after that
sees the same load. Each `diagnose` is timed by wall clock and by its CPU time (user + sys,
its children included: the Codex its probe starts), which varies less with the load.

`codex doctor` is timed twice: as npm installs it for a user (`codex`, the package's Node
launcher, which starts the native binary) - the reference of the budget - and the native
binary alone, beside it.

Everything runs in a network namespace of its own (`unshare -rnm`, only loopback up), so
nothing can leave the machine. tests/lab's AuthServer stands in for auth.openai.com,
chatgpt.com and api.openai.com behind the lab proxy (`upstream_map`); every other host gets the
proxy's refusal. Codex is on PATH for both, so `diagnose` also runs its `codex_probe` (the
user's own Codex), as it does for anyone who has Codex installed. The real Codex needs ports
1455/1457, so each run (both Codex commands and the diagnoses) holds the lab's port lock, not
the whole measurement: a lab test waiting for the lock meanwhile would run out of its time."""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.common import PY, ROOT, median

HOSTS = ("auth.openai.com", "chatgpt.com", "api.openai.com")
CONDITIONS = ("healthy", "proxy-dead", "proxy-silent", "intercept", "codex-ca-missing")
INSIDE = "SIGNIN_DOCTOR_BENCH_NETNS"


def _dns_answer(query: bytes) -> bytes:
    """A reply to one DNS query: A 127.0.0.1 for the lab's hosts, NXDOMAIN for the rest."""
    end = 12
    labels = []
    while query[end]:
        labels.append(query[end + 1 : end + 1 + query[end]].decode("ascii", "replace"))
        end += 1 + query[end]
    question = query[12 : end + 5]
    qtype = int.from_bytes(query[end + 1 : end + 3], "big")
    name = ".".join(labels).lower()
    known = name in HOSTS
    flags = b"\x81\x80" if known else b"\x81\x83"
    answers = b""
    if known and qtype == 1:
        answers = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01"
    count = b"\x00\x01" if answers else b"\x00\x00"
    return query[:2] + flags + b"\x00\x01" + count + b"\x00\x00\x00\x00" + question + answers


@contextmanager
def _loopback_dns() -> Iterator[None]:
    """A resolver on 127.0.0.1:53 (the namespace's own): lookups answer at once, as a working
    DNS does, instead of each one waiting out a resolver timeout (musl waits 5 s)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 53))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                query, peer = sock.recvfrom(512)
                sock.sendto(_dns_answer(query), peer)
            except (TimeoutError, IndexError):
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        sock.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _condition(name: str, pki: Any, server_port: int, work: Path) -> Iterator[dict[str, str]]:
    """The variables of one lab fault (what both programs run with)."""
    from tests.lab.proxy import LabProxy

    upstream = {f"{host}:443": ("127.0.0.1", server_port) for host in HOSTS}
    ca = str(pki.ca_pem)
    with ExitStack() as stack:
        if name == "proxy-dead":
            proxy_url = f"http://127.0.0.1:{_free_port()}"
        else:
            mode = {"proxy-silent": "silent", "intercept": "intercept"}.get(name, "forward")
            proxy = stack.enter_context(LabProxy(mode, pki=pki, upstream_map=upstream))
            proxy_url = proxy.url
        if name == "codex-ca-missing":
            ca = str(work / "corp-root.pem")  # nothing there
        yield {"HTTPS_PROXY": proxy_url, "HTTP_PROXY": proxy_url, "CODEX_CA_CERTIFICATE": ca}


def _src() -> str:
    """Where the measured `wizard` comes from: this checkout, or bench.run --src's."""
    return os.environ.get("PYTHONPATH") or str(ROOT)


def _folder(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A throw-away folder under /var/tmp, removed afterwards even if a program that ran in
    it still had files open."""
    return tempfile.TemporaryDirectory(prefix=prefix, dir="/var/tmp", ignore_cleanup_errors=True)


@contextmanager
def _home() -> Iterator[dict[str, str]]:
    """A throw-away home for one run (removed after it), and the variables naming it."""
    with _folder("bench-vs-codex-") as folder:
        home = Path(folder)
        (home / ".codex").mkdir()
        yield {
            "HOME": str(home),
            "CODEX_HOME": str(home / ".codex"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "LANG": "C.UTF-8",
            "BROWSER": "true",
            "PYTHONPATH": _src(),
        }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time, CPU time (user + sys, with the children it waited for) and stdout."""
    cpu = _children_cpu()
    start = time.monotonic()
    done = subprocess.run(
        argv, capture_output=True, text=True, env=env, cwd=env["HOME"], timeout=300, check=False
    )
    return time.monotonic() - start, _children_cpu() - cpu, done.stdout


class _Diagnose:
    """The runs of one checkout's `diagnose --json` in one lab fault."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.causes: set[str] = set()
        self.probe: set[str] = set()

    def run(self, env: dict[str, str]) -> None:
        wall, cpu, out = _timed(
            [PY, "-m", "wizard", "diagnose", "--json"], {**env, "PYTHONPATH": self.src}
        )
        self.wall.append(wall)
        self.cpu.append(cpu)
        document = json.loads(out) if out else {"verdict": {}, "checks": []}
        self.causes.add(document["verdict"].get("cause", "?"))
        self.probe |= {c["status"] for c in document["checks"] if c["id"] == "codex_probe"}

    def row(self) -> dict[str, Any]:
        return {
            "diagnose_s": median(self.wall),
            "diagnose_cpu_s": median(self.cpu),
            "causes": sorted(self.causes),
            "codex_probe": sorted(self.probe),
        }


def _measure(
    npm_codex: Path, codex: Path, runs: int, conditions: list[str], against: str | None
) -> dict[str, Any]:
    from tests.lab.auth_server import AuthServer
    from tests.lab.codex_cli import ports_lock
    from tests.lab.pki import LabPKI

    rows: dict[str, Any] = {}
    with ExitStack() as stack:
        work = Path(stack.enter_context(_folder("bench-vs-codex-lab-")))
        pki = LabPKI(work / "pki")
        stack.enter_context(_loopback_dns())
        server = stack.enter_context(AuthServer(pki, hostnames=HOSTS))
        for name in conditions:
            with _condition(name, pki, server.port, work) as variables:
                doctor, native, doctor_cpu = [], [], []
                ours = _Diagnose(_src())
                theirs = _Diagnose(against) if against else None
                for run in range(runs):
                    # One run at a time holds the ports: a test waiting for them has a timeout.
                    with ports_lock(), _home() as home:
                        env = {**home, "PATH": f"{codex.parent}:/usr/bin:/bin", **variables}
                        wall, cpu, _out = _timed([str(npm_codex), "doctor", "--no-color"], env)
                        doctor.append(wall)
                        doctor_cpu.append(cpu)
                        wall, _cpu, _out = _timed([str(codex), "doctor", "--no-color"], env)
                        native.append(wall)
                        pair = [ours, theirs] if run % 2 == 0 else [theirs, ours]
                        for diagnosis in pair:
                            if diagnosis is not None:
                                diagnosis.run(env)
                rows[name] = {
                    "codex_doctor_s": median(doctor),
                    "codex_doctor_cpu_s": median(doctor_cpu),
                    "codex_native_s": median(native),
                    **ours.row(),
                }
                if theirs is not None:
                    rows[name]["against"] = theirs.row()
    doctor_all = median([r["codex_doctor_s"] for r in rows.values()])
    native_all = median([r["codex_native_s"] for r in rows.values()])
    wizard_all = median([r["diagnose_s"] for r in rows.values()])
    summary: dict[str, Any] = {}
    if against:
        others = [r["against"] for r in rows.values()]
        summary["against"] = {
            "src": against,
            "diagnose_s": median([r["diagnose_s"] for r in others]),
            "diagnose_cpu_s": median([r["diagnose_cpu_s"] for r in others]),
            "ratio": median([r["diagnose_s"] for r in others]) / doctor_all,
        }
    return {
        "runs": runs,
        **summary,
        "conditions": rows,
        "codex_doctor_s": doctor_all,
        "codex_native_s": native_all,
        "diagnose_s": wizard_all,
        "diagnose_cpu_s": median([r["diagnose_cpu_s"] for r in rows.values()]),
        "ratio": wizard_all / doctor_all,
        "native_ratio": wizard_all / native_all,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout to time beside this one")
    parser.add_argument(
        "--conditions", default=",".join(CONDITIONS), help="lab faults, comma-separated"
    )
    args = parser.parse_args()
    conditions = [c for c in args.conditions.split(",") if c]
    unknown = sorted(set(conditions) - set(CONDITIONS))
    if unknown:
        parser.error(f"unknown conditions {unknown}; known: {', '.join(CONDITIONS)}")
    against = str(args.against.resolve()) if args.against else None
    sys.path.insert(0, str(ROOT))
    from tests.lab.codex_cli import lab_codex_binary, lab_codex_command

    codex = lab_codex_binary()
    npm_codex = lab_codex_command()
    if codex is None or npm_codex is None:
        print(json.dumps({"skipped": "no lab Codex (make lab-codex)"}))
        return 0
    if os.environ.get(INSIDE) != "1":
        with tempfile.TemporaryDirectory(prefix="bench-vs-codex-") as folder:
            resolv = Path(folder) / "resolv.conf"
            resolv.write_text("nameserver 127.0.0.1\n")
            script = 'ip link set lo up && mount --bind "$0" /etc/resolv.conf && exec "$@"'
            argv = [
                "unshare",
                "-rnm",
                "sh",
                "-c",
                script,
                str(resolv),
                PY,
                "-m",
                "bench.versus_codex",
            ]
            env = {**os.environ, INSIDE: "1"}
            argv += ["--runs", str(args.runs), "--conditions", ",".join(conditions)]
            argv += ["--against", against] if against else []
            return subprocess.run(argv, env=env, cwd=ROOT, check=False).returncode
    print(json.dumps(_measure(npm_codex, codex, args.runs, conditions, against)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
