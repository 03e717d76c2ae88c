"""The guard itself: loopback connects work, anything else is refused before a packet leaves."""

from __future__ import annotations

import socket

import pytest

from tests.loopback_guard import NonLoopbackConnect


def test_loopback_connects_still_work():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


@pytest.mark.parametrize("address", [("192.0.2.1", 443), ("2001:db8::1", 443, 0, 0)])
def test_other_addresses_are_refused(address):
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family) as sock, pytest.raises(NonLoopbackConnect):
        sock.connect(address)
    with socket.socket(family, socket.SOCK_DGRAM) as sock, pytest.raises(NonLoopbackConnect):
        sock.sendto(b"x", address)
