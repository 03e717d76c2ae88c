"""A real HTTP proxy on loopback, in the flavours corporate networks actually run.

Modes:
  * "forward"   — plain CONNECT tunnel (and absolute-URI HTTP forwarding).
  * "auth"      — like forward, but 407 + ``Proxy-Authenticate: Basic realm="lab"`` unless the
                  request carries ``Proxy-Authorization: Basic`` with ``credentials``.
  * "block"     — a web filter: 403 with an HTML block page to every request.
  * "intercept" — TLS inspection: answers CONNECT with 200, then performs the TLS handshake itself
                  with a leaf for the requested host signed by ``pki.corp_ca``, and relays the
                  decrypted bytes over its own TLS connection to the real upstream, which it
                  VERIFIES against ``upstream_ca`` (default ``pki.ca``).
  * "silent"    — accepts TCP and never answers.

Upstream "localhost" is dialled as 127.0.0.1 (lab servers listen on IPv4 loopback only); other
names are refused unless mapped with ``upstream_map`` (502), so nothing ever leaves the machine.
Every socket has a timeout and is closed by ``stop()``, which also ends running tunnels.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import select
import socket
import ssl
import threading
from pathlib import Path
from typing import Self
from urllib.parse import quote, urlsplit

import trustme

from tests.lab.pki import LabPKI, issue_server_cert

MODES = ("forward", "auth", "block", "intercept", "silent")
IO_TIMEOUT = 10.0
BLOCK_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Access Denied</title></head>\n"
    "<body><h1>Access denied by Contoso web filter</h1>\n"
    "<p>The site you requested is blocked by your organization's Internet usage policy.</p>\n"
    "<p>Category: Uncategorized. Contact your IT help desk.</p></body></html>\n"
)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _response(status: str, body: str = "", headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    data = body.encode()
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{k}: {v}" for k, v in headers]
    lines += [f"Content-Length: {len(data)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + data


class LabProxy:
    """HTTP proxy on 127.0.0.1:<random>. ``url``, ``url_with_credentials``, ``connects``."""

    def __init__(
        self,
        mode: str = "forward",
        pki: LabPKI | None = None,
        upstream_ca: trustme.CA | Path | str | None = None,
        credentials: tuple[str, str] | None = None,
        upstream_map: dict[str, tuple[str, int]] | None = None,
        port: int = 0,
    ) -> None:
        """``upstream_map`` ({"host:port": (ip, port)}) redirects CONNECT targets, e.g. a
        pretend "auth.openai.com:443" to the lab auth server; everything else must be loopback
        (the lab never dials out to the internet). ``port``: the one a recorded setting names
        (127.0.0.1:7890 in a real Clash for Windows capture), else any free one."""
        if mode not in MODES:
            raise ValueError(f"unknown proxy mode {mode!r}; expected one of {MODES}")
        if mode == "intercept" and pki is None:
            raise ValueError("intercept mode needs pki (for corp_ca and the upstream CA)")
        if mode == "auth" and credentials is None:
            raise ValueError("auth mode needs credentials=(user, password)")
        self.mode = mode
        self.pki = pki
        self.credentials = credentials
        self._upstream_ca = upstream_ca
        self.upstream_map = dict(upstream_map or {})
        self.connects: list[str] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._leaf_contexts: dict[str, ssl.SSLContext] = {}
        self._socks: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", port), backlog=64)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._accept_thread: threading.Thread | None = None

    # -- public -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url_with_credentials(self) -> str:
        if self.credentials is None:
            return self.url
        user, password = (quote(part, safe="") for part in self.credentials)
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    def start(self) -> Self:
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"lab-proxy-{self.mode}", daemon=True
        )
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=IO_TIMEOUT)
            self._accept_thread = None
        self._listener.close()
        with self._lock:
            socks = list(self._socks)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(timeout=IO_TIMEOUT)
        with self._lock:
            socks = list(self._socks)
            self._socks.clear()
        for sock in socks:
            sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- plumbing -----------------------------------------------------------------------------

    def _track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._socks.add(sock)
        return sock

    def _close(self, *socks: socket.socket | None) -> None:
        for sock in socks:
            if sock is None:
                continue
            with self._lock:
                self._socks.discard(sock)
            sock.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(IO_TIMEOUT)
            self._track(conn)
            if self.mode == "silent":
                continue  # held until stop(): never read, never answered
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            self._serve(conn)
        except Exception as exc:  # recorded, never raised: a lab thread must not crash a test
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            self._close(conn)

    @staticmethod
    def _read_head(conn: socket.socket) -> tuple[bytes, bytes]:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                raise ConnectionError("client closed before sending a request")
            data += chunk
            if len(data) > 256 * 1024:
                raise ValueError("request head too large")
        head, _, rest = data.partition(b"\r\n\r\n")
        return head, rest

    def _authorized(self, headers: dict[str, str]) -> bool:
        if self.mode != "auth":
            return True
        value = headers.get("proxy-authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except ValueError:
            return False
        assert self.credentials is not None
        user, password = self.credentials
        return decoded == f"{user}:{password}"

    def _serve(self, conn: socket.socket) -> None:
        head, rest = self._read_head(conn)
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        with self._lock:
            self.requests.append((method, target, headers))
            if method == "CONNECT":
                self.connects.append(target)
        if self.mode == "block":
            conn.sendall(
                _response(
                    "403 Forbidden",
                    BLOCK_PAGE,
                    (("Content-Type", "text/html; charset=utf-8"), ("Server", "Contoso-Filter")),
                )
            )
            return
        if not self._authorized(headers):
            conn.sendall(
                _response(
                    "407 Proxy Authentication Required",
                    "Proxy authentication required\n",
                    (
                        ("Proxy-Authenticate", 'Basic realm="lab"'),
                        ("Content-Type", "text/plain"),
                    ),
                )
            )
            return
        if method == "CONNECT":
            host, port = self._split_target(target)
            if self.mode == "intercept":
                self._intercept(conn, host, port)
            else:
                self._tunnel(conn, host, port, rest)
        else:
            self._forward_plain(conn, method, target, lines[1:], rest)

    @staticmethod
    def _split_target(target: str) -> tuple[str, int]:
        host, _, port = target.rpartition(":")
        return host.strip("[]"), int(port)

    def _dial(self, host: str, port: int) -> socket.socket:
        mapped = self.upstream_map.get(f"{host}:{port}")
        if mapped is not None:
            dial_host, dial_port = mapped
        else:
            dial_host = "127.0.0.1" if host.lower() == "localhost" else host
            dial_port = port
        if not _is_loopback(dial_host):
            raise PermissionError(f"the lab proxy only dials loopback, not {host}:{port}")
        return self._track(socket.create_connection((dial_host, dial_port), timeout=IO_TIMEOUT))

    def _tunnel(self, conn: socket.socket, host: str, port: int, rest: bytes) -> None:
        try:
            upstream = self._dial(host, port)
        except OSError as exc:
            conn.sendall(_response("502 Bad Gateway", f"Cannot connect to {host}:{port}: {exc}\n"))
            return
        try:
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            self._relay(conn, upstream)
        finally:
            self._close(upstream)

    def _leaf_context(self, host: str) -> ssl.SSLContext:
        with self._lock:
            ctx = self._leaf_contexts.get(host)
            if ctx is None:
                assert self.pki is not None
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                issue_server_cert(self.pki.corp_ca, host).configure_cert(ctx)
                self._leaf_contexts[host] = ctx
            return ctx

    def _upstream_context(self) -> ssl.SSLContext:
        # Trust ONLY the lab's upstream CA (never the system store, never unverified).
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ca = self._upstream_ca if self._upstream_ca is not None else self.pki.ca  # type: ignore[union-attr]
        if isinstance(ca, trustme.CA):
            ca.configure_trust(ctx)
        else:
            ctx.load_verify_locations(cafile=str(ca))
        return ctx

    def _intercept(self, conn: socket.socket, host: str, port: int) -> None:
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        client_tls = self._leaf_context(host).wrap_socket(conn, server_side=True)
        self._track(client_tls)
        upstream_tls: ssl.SSLSocket | None = None
        try:
            try:
                raw = self._dial(host, port)
                upstream_tls = self._upstream_context().wrap_socket(raw, server_hostname=host)
            except (OSError, ssl.SSLError) as exc:
                self.errors.append(f"upstream {host}:{port}: {exc}")
                # Read the client's request first: closing with unread data sends a TCP RST
                # that can destroy our answer before the client reads it.
                with contextlib.suppress(OSError, ValueError):
                    self._read_head(client_tls)
                client_tls.sendall(_response("502 Bad Gateway", f"Upstream failed: {exc}\n"))
                return
            self._track(upstream_tls)
            self._relay(client_tls, upstream_tls)
        finally:
            self._close(upstream_tls, client_tls)

    def _forward_plain(
        self, conn: socket.socket, method: str, target: str, header_lines: list[str], rest: bytes
    ) -> None:
        parts = urlsplit(target)
        if parts.scheme != "http" or not parts.hostname:
            conn.sendall(_response("400 Bad Request", "Absolute http:// URI required\n"))
            return
        try:
            upstream = self._dial(parts.hostname, parts.port or 80)
        except OSError as exc:
            conn.sendall(_response("502 Bad Gateway", f"Cannot connect: {exc}\n"))
            return
        try:
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            kept = [
                line
                for line in header_lines
                if line.split(":", 1)[0].strip().lower()
                not in ("proxy-authorization", "proxy-connection", "connection")
            ]
            head = "\r\n".join([f"{method} {path} HTTP/1.1", *kept, "Connection: close", "", ""])
            upstream.sendall(head.encode("latin-1") + rest)
            self._relay(conn, upstream)
        finally:
            self._close(upstream)

    def _relay(self, a: socket.socket, b: socket.socket) -> None:
        """Copy bytes both ways until either side closes (or stop()); TLS-aware, non-blocking."""
        peers: dict[socket.socket, socket.socket] = {a: b, b: a}
        for sock in peers:
            sock.setblocking(False)
        try:
            while not self._stop.is_set():
                ready: list[socket.socket] = [
                    s for s in peers if isinstance(s, ssl.SSLSocket) and s.pending()
                ]
                if not ready:
                    ready, _, _ = select.select(list(peers), [], [], 0.1)
                for sock in ready:
                    try:
                        data = sock.recv(65536)
                    except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                        continue
                    except (OSError, ssl.SSLError):
                        return
                    if not data:
                        return
                    self._send_all(peers[sock], data)
        finally:
            for sock in peers:
                with contextlib.suppress(OSError, ValueError):
                    sock.settimeout(IO_TIMEOUT)

    @staticmethod
    def _send_all(sock: socket.socket, data: bytes) -> None:
        sock.settimeout(IO_TIMEOUT)
        try:
            sock.sendall(data)
        finally:
            sock.setblocking(False)
