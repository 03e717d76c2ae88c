"""Tests talk to loopback only: every socket connect or datagram in the test process to an
address outside 127.0.0.0/8 and ::1 raises instead of leaving the machine. A host name counts
by what it resolves to (the lab maps real host names to 127.0.0.1 in a private /etc/hosts), so
a name is let through only when every address it resolves to is loopback. (Unix sockets and
the system resolver's own lookups are not network traffic of the tests.)"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class NonLoopbackConnect(OSError):
    """A test tried to reach an address that is not on this machine."""


def _loopback_ip(text: str) -> bool | None:
    """Whether an address literal is loopback (None: not an address literal but a name)."""
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is IPv4 loopback
    return (mapped or ip).is_loopback


def is_loopback(address: Any, family: int = socket.AF_UNSPEC) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths, abstract names
        return True
    host, port = str(address[0]), address[1]
    literal = _loopback_ip(host)
    if literal is not None:
        return literal
    try:  # a name: what the connect itself would resolve it to
        resolved = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
    except OSError:
        return False  # nothing to prove it stays on this machine
    return bool(resolved) and all(_loopback_ip(str(info[4][0])) for info in resolved)


def _guarded(method: Callable[..., Any], index: int) -> Callable[..., Any]:
    def guard(self: socket.socket, *args: Any) -> Any:
        family = self.family
        if family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(args[index], family):
            raise NonLoopbackConnect(f"tests talk to loopback only, not {args[index]!r}")
        return method(self, *args)

    return guard


@contextmanager
def loopback_only() -> Iterator[None]:
    originals = {name: getattr(socket.socket, name) for name in ("connect", "connect_ex", "sendto")}
    socket.socket.connect = _guarded(originals["connect"], 0)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded(originals["connect_ex"], 0)  # type: ignore[method-assign]
    socket.socket.sendto = _guarded(originals["sendto"], -1)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for name, method in originals.items():
            setattr(socket.socket, name, method)
