"""A real SOCKS5 proxy on loopback (RFC 1928, no authentication, CONNECT only).

It shares the lab proxy's plumbing (threads, `upstream_map`, loopback-only dialling, relay,
`stop()`), and speaks SOCKS instead of HTTP. A client that talks HTTP to it instead (a
`CONNECT host:port HTTP/1.1` line, the way a client without SOCKS support treats a socks5://
URL) gets the connection closed, as real SOCKS servers do, and its first line is recorded in
`http_requests`, so a test can tell which of the two a client spoke."""

from __future__ import annotations

import ipaddress
import socket
import struct

from tests.lab.proxy import LabProxy

VERSION = 5
NO_AUTH = 0
NO_ACCEPTABLE = 0xFF
CMD_CONNECT = 1
ATYP_IPV4, ATYP_DOMAIN, ATYP_IPV6 = 1, 3, 4
REPLY_OK, REPLY_FAILURE, REPLY_NOT_SUPPORTED = 0, 1, 7


def _recv_exact(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client closed mid-request")
        data += chunk
    return data


def _reply(code: int) -> bytes:
    return bytes((VERSION, code, 0, ATYP_IPV4)) + b"\0\0\0\0" + b"\0\0"


class SocksProxy(LabProxy):
    """SOCKS5 on 127.0.0.1:<random>: `url` (socks5://), `accepted` (TCP connections),
    `connects` (host:port asked for over SOCKS), `http_requests` (first lines of HTTP)."""

    def __init__(self, upstream_map: dict[str, tuple[str, int]] | None = None) -> None:
        super().__init__("forward", upstream_map=upstream_map)
        self.http_requests: list[str] = []
        self.accepted = 0

    def url_for(self, scheme: str) -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.url_for("socks5")

    def _handle(self, conn: socket.socket) -> None:
        with self._lock:
            self.accepted += 1
        super()._handle(conn)

    def _serve(self, conn: socket.socket) -> None:
        first = conn.recv(65536)
        if not first:
            return
        if first[0] != VERSION:
            with self._lock:
                self.http_requests.append(first.split(b"\r\n", 1)[0].decode("latin-1"))
            return  # not SOCKS: a SOCKS server hangs up
        methods = first[2 : 2 + first[1]]
        if NO_AUTH not in methods:
            conn.sendall(bytes((VERSION, NO_ACCEPTABLE)))
            return
        conn.sendall(bytes((VERSION, NO_AUTH)))
        _version, command, _reserved, atyp = _recv_exact(conn, 4)
        if atyp == ATYP_IPV4:
            host = str(ipaddress.IPv4Address(_recv_exact(conn, 4)))
        elif atyp == ATYP_IPV6:
            host = str(ipaddress.IPv6Address(_recv_exact(conn, 16)))
        else:
            host = _recv_exact(conn, _recv_exact(conn, 1)[0]).decode("idna")
        (port,) = struct.unpack("!H", _recv_exact(conn, 2))
        with self._lock:
            self.connects.append(f"{host}:{port}")
        if command != CMD_CONNECT:
            conn.sendall(_reply(REPLY_NOT_SUPPORTED))
            return
        try:
            upstream = self._dial(host, port)
        except OSError:
            conn.sendall(_reply(REPLY_FAILURE))
            return
        try:
            conn.sendall(_reply(REPLY_OK))
            self._relay(conn, upstream)
        finally:
            self._close(upstream)
