"""A real HTTPS "auth server" on loopback that answers like auth.openai.com would.

Checks talk to it with real sockets, real TLS (a leaf signed by ``LabPKI.ca``) and real HTTP, so
what they prove in tests is what they would prove against the real host. Behaviour is set by
plain attributes that tests change between requests (status, body, Date skew, delays).
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme

from tests.lab.pki import LabPKI, issue_server_cert

DEFAULT_TOKEN_BODY = json.dumps(
    {"error": "invalid_grant", "error_description": "Invalid authorization code"}
)

Request = tuple[str, str, dict[str, str], bytes]
Body = str | bytes | dict[str, Any] | list[Any]


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True
    # Set by AuthServer before serving.
    lab: AuthServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-handshake (timeouts, TLS failures on purpose) are normal
        # in the lab; don't spray tracebacks over the test output.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _TLSServer
    timeout = 10  # a silent client must not pin a server thread forever

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        # The handshake happens here (the listening socket is plain TCP) so a client that
        # never speaks TLS times out instead of blocking the accept loop.
        lab = self.server.lab
        self.request.settimeout(self.timeout)
        lab.track(self.request)
        raw = self.request
        try:
            self.request = lab.tls_context.wrap_socket(raw, server_side=True)
        finally:
            lab.untrack(raw)
        lab.track(self.request)
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            # socketserver only closes the raw socket it accepted (now detached); close ours.
            self.server.lab.untrack(self.request)
            self.request.close()

    def _record(self, body: bytes) -> None:
        with self.server.lab.lock:
            self.server.lab.requests.append((self.command, self.path, dict(self.headers), body))

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: Body, content_type: str) -> None:
        lab = self.server.lab
        if lab.delay_s:
            lab.stopping.wait(lab.delay_s)  # interruptible: stop() must not wait out a delay
        if isinstance(body, dict | list):
            body = json.dumps(body)
        data = body.encode() if isinstance(body, str) else body
        self.send_response_only(status)
        self.send_header("Server", "lab")
        self.send_header(
            "Date", email.utils.formatdate(time.time() + lab.date_offset_s, usegmt=True)
        )
        if lab.age_s is not None:
            self.send_header("Age", str(lab.age_s))
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in lab.extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_GET(self) -> None:
        self._record(b"")
        lab = self.server.lab
        path = self.path.split("?", 1)[0]
        if path == "/.well-known/openid-configuration":
            body = lab.openid_body if lab.openid_body is not None else json.dumps(lab.openid())
            self._send(lab.openid_status, body, lab.openid_content_type)
        elif path in lab.routes:
            self._send(*lab.routes[path])
        else:
            self._send(404, "Not Found", "text/plain")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        body = self._read_body()
        self._record(body)
        lab = self.server.lab
        if self.path.split("?", 1)[0] == "/oauth/token":
            self._send(lab.token_status, lab.token_body, lab.token_content_type)
        else:
            self._send(404, "Not Found", "text/plain")


class AuthServer:
    """HTTPS server on 127.0.0.1:<random> presenting a cert for localhost/127.0.0.1/::1.

    Use as a context manager (or call ``start``/``stop``). ``url`` is ``https://localhost:PORT``.
    Mutable behaviour: ``openid_status/openid_body/openid_content_type``,
    ``token_status/token_body/token_content_type``, ``date_offset_s`` (Date header skew),
    ``age_s`` (adds an Age header), ``delay_s`` (sleep before answering), ``extra_headers``,
    ``routes`` ({path: (status, body, content_type)} for extra GET paths).
    ``requests`` records (method, path, headers, body) for every request.
    """

    def __init__(
        self,
        pki: LabPKI,
        hostnames: tuple[str, ...] = ("localhost", "127.0.0.1", "::1"),
        ca: trustme.CA | None = None,
        leaf: trustme.LeafCert | None = None,
        port: int = 0,
    ) -> None:
        """``ca`` signs the server's leaf instead of ``pki.ca`` (e.g. a rogue upstream);
        ``leaf`` replaces it outright (e.g. an expired one from ``issue_server_cert``);
        ``port`` 443 makes it the host's HTTPS server (see tests/lab/hosts.py)."""
        self.pki = pki
        self.leaf = leaf or issue_server_cert(ca or pki.ca, *hostnames)
        self.tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.leaf.configure_cert(self.tls_context)
        self.openid_status = 200
        self.openid_body: Body | None = None
        self.openid_content_type = "application/json"
        self.token_status = 400
        self.token_body: Body = DEFAULT_TOKEN_BODY
        self.token_content_type = "application/json"
        self.date_offset_s: float = 0
        self.age_s: int | None = None
        self.delay_s: float = 0
        self.extra_headers: dict[str, str] = {}
        self.routes: dict[str, tuple[int, Body, str]] = {}
        self.stopping = threading.Event()
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._httpd: _TLSServer | None = None
        self._thread: threading.Thread | None = None
        self.requested_port = port
        self.port = 0

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    @property
    def host(self) -> str:
        return "localhost"

    def openid(self) -> dict[str, str]:
        return {
            "issuer": self.url,
            "authorization_endpoint": self.url + "/oauth/authorize",
            "token_endpoint": self.url + "/oauth/token",
        }

    def track(self, sock: socket.socket) -> None:
        with self.lock:
            self._open.add(sock)

    def untrack(self, sock: socket.socket) -> None:
        with self.lock:
            self._open.discard(sock)

    def drop_connections(self) -> None:
        """Shut down every open client connection (keep-alive ones included)."""
        with self.lock:
            socks = list(self._open)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def start(self) -> AuthServer:
        self.stopping.clear()
        httpd = _TLSServer(("127.0.0.1", self.requested_port), _Handler)
        httpd.lab = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="lab-auth-server"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.stopping.set()
        self._httpd.shutdown()
        self.drop_connections()
        self._httpd.server_close()  # joins handler threads (block_on_close)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> AuthServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
