"""Tests talk to loopback only: every socket connect or datagram in the test process to an
address outside 127.0.0.0/8 and ::1 raises instead of leaving the machine. (Unix sockets and
the system resolver's own lookups are not network traffic of the tests.)"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class NonLoopbackConnect(OSError):
    """A test tried to reach an address that is not on this machine."""


def is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths, abstract names
        return True
    host = str(address[0]).split("%", 1)[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: it would be resolved by the connect itself
        return False


def _guarded(method: Callable[..., Any], index: int) -> Callable[..., Any]:
    def guard(self: socket.socket, *args: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(args[index]):
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
