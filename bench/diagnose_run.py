"""One diagnosis in a fresh process, timed around the engine call (cold imports included, as
for a user): all checks, or one check with only the checks it needs.

    python -m bench.diagnose_run --auth-url URL [--only CHECK_ID] [--timeout S] [--os-verifier]

--os-verifier asks the truststore adapter for the OS row as Windows and macOS do (here it is
OpenSSL's default paths: the handshake's cost, not CryptoAPI's).

Prints {"wall_s", "cause", "checks": {id: duration_ms}, "ran": [ids]}."""

from __future__ import annotations

import argparse
import json
import sys
import time


def with_needs(specs, check_id):  # type: ignore[no-untyped-def]
    """The check and, transitively, every check it needs (it cannot run without them)."""
    by_id = {s.id: s for s in specs}
    wanted, todo = set(), [check_id]
    while todo:
        current = todo.pop()
        if current not in wanted:
            wanted.add(current)
            todo.extend(by_id[current].needs)
    return [s for s in specs if s.id in wanted]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--auth-url", required=True)
    parser.add_argument("--only", metavar="CHECK_ID")
    parser.add_argument("--timeout", type=float, default=6.0)
    parser.add_argument("--os-verifier", action="store_true")
    args = parser.parse_args()

    from wizard.checks.catalog import ALL_CHECKS
    from wizard.core.diagnose import diagnose
    from wizard.core.profile import load_profile
    from wizard.platform.system import system_environment

    profile = load_profile()
    target = profile.target(args.auth_url)
    specs = with_needs(ALL_CHECKS, args.only) if args.only else list(ALL_CHECKS)
    env = system_environment()
    if args.os_verifier:
        from dataclasses import replace

        from wizard.platform.os_verifier import TruststoreVerifier

        env = replace(env, os_verifier=TruststoreVerifier(env.platform))
    start = time.monotonic()
    diagnosis = diagnose(specs, env, profile, target, args.timeout)
    wall = time.monotonic() - start
    result = {
        "wall_s": wall,
        "cause": diagnosis.verdict.cause,
        "checks": {r.id: r.duration_ms for r in diagnosis.checks},
        "ran": [s.id for s in specs],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
