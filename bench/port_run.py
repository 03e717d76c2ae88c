"""The callback-port check alone in a fresh process (its first import counts, as in a
diagnosis), with both callback ports held by programs that accept and never answer.

    python -m bench.port_run [--runs 7]

Each run is its own process; the holders (tests/lab/port_holder.py, `silent=True`) stay up
for all runs. Prints {"check_ms": [...], "wall_s": [...], "status", "faults"}."""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys

from bench.common import PY

_ONE_RUN = """
import dataclasses, json, sys, time
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.diagnose import diagnose
from wizard.core.profile import load_profile
from wizard.platform.system import system_environment

ports = tuple(int(p) for p in sys.argv[1:3])
profile = load_profile()
target = dataclasses.replace(profile.target(), callback_ports=ports)
spec = next(s for s in ALL_CHECKS if s.id == "callback_port")
env = system_environment()
start = time.monotonic()
diagnosis = diagnose([spec], env, profile, target, 6.0)
wall = time.monotonic() - start
result = diagnosis.checks[0]
print(json.dumps({"wall_s": wall, "check_ms": result.duration_ms,
                  "status": result.status.value, "faults": list(result.faults)}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from tests.lab.port_holder import hold_port

    rows = []
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(hold_port(0, name="hung-a", silent=True))
        second = stack.enter_context(hold_port(0, name="hung-b", silent=True))
        for _ in range(args.runs):
            done = subprocess.run(
                [PY, "-c", _ONE_RUN, str(first.port), str(second.port)],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(
        json.dumps(
            {
                "check_ms": [r["check_ms"] for r in rows],
                "wall_s": [round(r["wall_s"], 3) for r in rows],
                "status": sorted({r["status"] for r in rows}),
                "faults": sorted({f for r in rows for f in r["faults"]}),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
