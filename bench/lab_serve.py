"""A lab server in its own process, so its threads never compete with what is measured.

    python -m bench.lab_serve auth --delay 1.0 --dir DIR    # HTTPS auth server (tests/lab)
    python -m bench.lab_serve silent                         # accepts TCP, never answers

Prints one JSON line ({"url", "ca_pem"}) when ready, serves until stdin closes."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("auth", "silent"))
    parser.add_argument("--delay", type=float, default=0.0, help="per-request delay (auth)")
    parser.add_argument("--dir", type=Path, help="where the lab CA's PEM goes")
    args = parser.parse_args()

    if args.kind == "silent":
        from tests.lab.silent import SilentServer

        with SilentServer() as silent:
            print(json.dumps({"url": silent.url, "ca_pem": None}), flush=True)
            sys.stdin.read()
        return 0

    from tests.lab.auth_server import AuthServer
    from tests.lab.pki import LabPKI

    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-pki-"))
    pki = LabPKI(folder)
    with AuthServer(pki) as server:
        server.delay_s = args.delay
        print(json.dumps({"url": server.url, "ca_pem": str(pki.ca_pem)}), flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
