"""The guard itself: loopback connects work, anything else is refused before a packet leaves."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lab.hosts import can_map_hosts, hosts_argv
from tests.loopback_guard import NonLoopbackConnect, is_loopback

ROOT = Path(__file__).resolve().parents[1]


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


_BY_NAME = """
import socket, sys
from tests.loopback_guard import NonLoopbackConnect, loopback_only
with loopback_only():
    with socket.socket() as sock:
        sock.settimeout(5)
        sock.connect(("auth.openai.com", int(sys.argv[1])))  # mapped to 127.0.0.1
    with socket.socket() as sock:
        try:
            sock.connect(("elsewhere.example", 443))  # mapped to another computer
        except NonLoopbackConnect:
            print("refused")
"""


def test_a_name_counts_by_the_address_it_resolves_to(tmp_path):
    """The lab maps real host names to 127.0.0.1 in a private /etc/hosts: such a name is
    loopback, a name that resolves to another computer is refused before a packet leaves."""
    if reason := can_map_hosts():
        pytest.skip(reason)
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost auth.openai.com\n192.0.2.1 elsewhere.example\n")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        argv = [sys.executable, "-c", _BY_NAME, str(server.getsockname()[1])]
        done = subprocess.run(
            hosts_argv(hosts, argv), capture_output=True, text=True, cwd=ROOT, timeout=60
        )
    assert (done.returncode, done.stdout.strip()) == (0, "refused"), done.stderr


def test_an_ipv4_mapped_loopback_address_is_loopback():
    assert is_loopback(("::ffff:127.0.0.1", 443, 0, 0), socket.AF_INET6)
    assert not is_loopback(("::ffff:192.0.2.1", 443, 0, 0), socket.AF_INET6)
