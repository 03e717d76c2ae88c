"""A tunnel through an HTTP proxy: the `CONNECT host:port` request (with the proxy URL's user
name and password as Basic credentials, as Codex's client sends them) and the proxy's answer
head. The head is read one byte at a time, so nothing after it is consumed: a TLS handshake
through the tunnel must find its first byte."""

from __future__ import annotations

import base64
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from wizard import __version__

_STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)? (\d{3})(?: (.*))?$")


def connect_request(host: str, port: int, credentials: tuple[str, str] | None) -> bytes:
    """The CONNECT request for host:port; `credentials` as they appear in the proxy URL
    (percent-encoded)."""
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [
        f"CONNECT {authority} HTTP/1.1",
        f"Host: {authority}",
        f"User-Agent: signin-doctor/{__version__}",
    ]
    if credentials is not None:
        user, password = (unquote(part) for part in credentials)
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        lines.append(f"Proxy-Authorization: Basic {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


@dataclass(frozen=True)
class ProxyHead:
    """What the proxy answered, up to the blank line (not included)."""

    data: bytes
    ended: str  # "complete", or why reading stopped: "closed", "timeout", "too_long", "cancelled"

    @property
    def status_line(self) -> str:
        return self.data.split(b"\r\n", 1)[0].decode("latin-1").strip()

    @property
    def status(self) -> int | None:
        """The status code, or None when the answer is not an HTTP status line."""
        match = _STATUS_LINE.match(self.status_line)
        return int(match.group(1)) if match else None

    @property
    def reason(self) -> str:
        match = _STATUS_LINE.match(self.status_line)
        return (match.group(2) or "").strip() if match else ""

    def header(self, name: str) -> str | None:
        for line in self.data.decode("latin-1").split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None


def read_head(
    sock: socket.socket,
    timeout: Callable[[], float],
    limit: int,
    cancelled: Callable[[], bool] = lambda: False,
) -> ProxyHead:
    """Read the answer head, each wait bounded by `timeout()`. Raises TimeoutError when
    nothing at all came in time (and OSError when the connection breaks)."""
    data = b""
    while not data.endswith(b"\r\n\r\n"):
        if cancelled():
            return ProxyHead(data, "cancelled")
        if len(data) > limit:
            return ProxyHead(data, "too_long")
        sock.settimeout(timeout())
        try:
            chunk = sock.recv(1)
        except TimeoutError:
            if not data:
                raise
            return ProxyHead(data, "timeout")
        if not chunk:
            return ProxyHead(data, "closed")
        data += chunk
    return ProxyHead(data[:-4], "complete")
