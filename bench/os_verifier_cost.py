"""What asking the OS verifier costs a diagnosis: the full diagnosis (bench/diagnose_run.py, a
fresh process per run, cold imports included) with and without the truststore handshake for
the OS row, runs interleaved, direct and through the lab's forwarding proxy.

    python -m bench.os_verifier_cost [--runs 7]

On this Linux machine truststore is OpenSSL's default paths (SSL_CERT_FILE points them at the
lab CA, so the handshake completes as a trusted one would): this measures the extra connection,
CONNECT and handshake and truststore's import, not CryptoAPI's or the Security framework's own
work. Prints one JSON object: medians of the wall time and of the tls check, per route."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bench.common import PY, clean_env, lab, median, new_home, run_json


def measure(runs: int, proxy: str | None) -> dict[str, Any]:
    with lab("auth", 0.0, proxy) as server:
        extra = {**server.env(), "SSL_CERT_FILE": str(server.ca_pem)}
        if server.proxy:
            extra["HTTPS_PROXY"] = server.proxy
        env = clean_env(new_home(), extra)
        base = [PY, "-m", "bench.diagnose_run", "--auth-url", server.url, "--timeout", "6"]
        arms: dict[str, list[dict[str, Any]]] = {"listed": [], "os_verifier": []}
        run_json(base, env)  # warm-up: the file cache, not the measured process
        for _ in range(runs):
            arms["listed"].append(run_json(base, env))
            arms["os_verifier"].append(run_json([*base, "--os-verifier"], env))
    out: dict[str, Any] = {"route": "proxy (forward)" if proxy else "direct"}
    for name, results in arms.items():
        out[name] = {
            "wall_s": median([r["wall_s"] for r in results]),
            "tls_ms": median([r["checks"]["tls"] for r in results]),
            "causes": sorted({r["cause"] for r in results}),
        }
    out["added_wall_ms"] = round(1000 * (out["os_verifier"]["wall_s"] - out["listed"]["wall_s"]))
    out["added_tls_ms"] = out["os_verifier"]["tls_ms"] - out["listed"]["tls_ms"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps([measure(args.runs, None), measure(args.runs, "forward")], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
