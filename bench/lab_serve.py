"""A lab server in its own process, so its threads never compete with what is measured.

    python -m bench.lab_serve auth --delay 1.0 --dir DIR    # HTTPS auth server (tests/lab)
    python -m bench.lab_serve auth --proxy forward           # ... and a lab proxy in front
    python -m bench.lab_serve silent                         # accepts TCP, never answers

Prints one JSON line ({"url", "ca_pem", "proxy"}) when ready, serves until stdin closes."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("auth", "silent"))
    parser.add_argument("--delay", type=float, default=0.0, help="per-request delay (auth)")
    parser.add_argument("--dir", type=Path, help="where the lab CA's PEM goes")
    parser.add_argument("--proxy", help="also a tests/lab proxy in this mode (forward, ...)")
    args = parser.parse_args()

    if args.kind == "silent":
        from tests.lab.silent import SilentServer

        with SilentServer() as silent:
            print(json.dumps({"url": silent.url, "ca_pem": None}), flush=True)
            sys.stdin.read()
        return 0

    from tests.lab.auth_server import AuthServer
    from tests.lab.pki import LabPKI
    from tests.lab.proxy import LabProxy

    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-pki-"))
    pki = LabPKI(folder)
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(AuthServer(pki))
        server.delay_s = args.delay
        proxy = stack.enter_context(LabProxy(args.proxy, pki=pki)) if args.proxy else None
        ready = {"url": server.url, "ca_pem": str(pki.ca_pem), "proxy": proxy and proxy.url}
        print(json.dumps(ready), flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
