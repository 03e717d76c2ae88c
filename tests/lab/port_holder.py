"""A real process, with a chosen process name, holding a TCP port.

Port-conflict checks look at the OS (psutil ``net_connections`` + ``Process.name()``), so the test
needs a genuine other process, not a socket inside pytest. The child is the Python interpreter
exec'd through a symlink called ``name``: Linux takes ``/proc/PID/comm`` from the basename of the
exec'd path, so psutil reports exactly ``name`` (max 15 characters, the kernel's comm limit).

``codex_like=True`` makes the child answer like the Codex CLI login server (tiny_http on
127.0.0.1:1455): ``/auth/callback`` without the right state -> 400 ``State mismatch``, ``/cancel``
-> 200 ``Login cancelled`` and the process ends, anything else -> 404 ``Not Found``.
``silent=True`` makes it accept connections and never answer nor close them (a hung program);
otherwise it closes each connection at once.

The child exits by itself when its stdin closes, so a crashed test run leaves no orphans.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT_S = 10.0

_CHILD = r"""
import os, socket, sys, threading
from http.server import BaseHTTPRequestHandler, HTTPServer

address, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
family = socket.AF_INET6 if ":" in address else socket.AF_INET

def watch_parent():
    try:
        sys.stdin.buffer.read()
    finally:
        os._exit(0)

threading.Thread(target=watch_parent, daemon=True).start()

def main():
    if mode == "codex":
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "tiny-http"
            sys_version = "(Rust)"
            timeout = 5

            def log_message(self, *args):
                pass

            def reply(self, status, text):
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                if path == "/auth/callback":
                    self.reply(400, "State mismatch")
                elif path == "/cancel":
                    self.reply(200, "Login cancelled")
                    os._exit(0)
                else:
                    self.reply(404, "Not Found")

        class Server(HTTPServer):
            address_family = family
            allow_reuse_address = True

            def server_bind(self):
                if family == socket.AF_INET6:
                    self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                super().server_bind()

            def handle_error(self, request, client_address):
                pass

        server = Server((address, port), Handler)
        print("ready", server.server_address[1], flush=True)
        server.serve_forever()
    else:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((address, port))
        sock.listen(16)
        print("ready", sock.getsockname()[1], flush=True)
        held = []
        while True:
            conn, _ = sock.accept()
            if mode == "silent":
                held.append(conn)  # never read, never write, never close
            else:
                conn.close()


try:
    main()
except BaseException:
    import traceback
    traceback.print_exc()
    sys.stderr.flush()
    os._exit(1)
"""


@dataclass(frozen=True)
class Holder:
    """The running holder process: ``pid``, ``port`` (the real one if 0 was asked), ``name``."""

    pid: int
    port: int
    name: str
    address: str
    process: subprocess.Popen[bytes]


def _wait_ready(proc: subprocess.Popen[bytes], timeout: float) -> int:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    buf = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(timeout=left):
                raise TimeoutError("holder did not report ready")
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError("holder exited before it was ready")
            buf += chunk
    word, _, port = buf.split(b"\n", 1)[0].decode().partition(" ")
    if word != "ready":
        raise RuntimeError(f"holder said {buf!r}")
    return int(port)


def stop_child(proc: subprocess.Popen[bytes]) -> None:
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@contextlib.contextmanager
def hold_port(
    port: int,
    name: str = "holder",
    address: str = "127.0.0.1",
    codex_like: bool = False,
    silent: bool = False,
) -> Iterator[Holder]:
    """Run a process called ``name`` listening on (address, port) for the ``with`` block.

    ``port=0`` lets the OS pick a free port (read it from ``holder.port``). Raises
    ``RuntimeError`` with the child's stderr if it cannot listen (e.g. the port is taken).
    """
    if not name or "/" in name or len(name) > 15:
        raise ValueError("name must be 1-15 characters without '/' (the kernel's comm limit)")
    mode = "codex" if codex_like else "silent" if silent else "close"
    with tempfile.TemporaryDirectory(prefix="lab-holder-") as tmp:
        link = Path(tmp) / name
        link.symlink_to(sys.executable)
        proc = subprocess.Popen(
            [str(link), "-I", "-c", _CHILD, address, str(port), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            try:
                real_port = _wait_ready(proc, READY_TIMEOUT_S)
            except (TimeoutError, RuntimeError) as exc:
                if proc.poll() is None:
                    proc.kill()
                _, err = proc.communicate(timeout=5)
                raise RuntimeError(
                    f"port holder {name!r} on {address}:{port} failed: {exc}; stderr: "
                    + err.decode(errors="replace")
                ) from None
            yield Holder(proc.pid, real_port, name, address, proc)
        finally:
            stop_child(proc)
