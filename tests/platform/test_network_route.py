"""Whether this computer has a way onto a network: proven in real network namespaces
(`unshare -rn`: only a loopback interface, no route), then with a connected interface and a
default route added in such a namespace. No packet leaves the namespace."""

from __future__ import annotations

import subprocess
import sys

from tests.e2e import CONNECTED, LOOPBACK_ONLY, ROOT, in_namespace
from wizard.platform.network_route import default_route

ASK = "from wizard.platform.network_route import has_route_out; print(has_route_out())"
NO_DEFAULT_ROUTE = CONNECTED.removesuffix(" && ip route add default dev v0")


def way_out(setup: str) -> str:
    argv = in_namespace(setup)([sys.executable, "-c", ASK])
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_only_loopback_and_no_route_is_no_way_out():
    assert way_out(LOOPBACK_ONLY) == "False"


def test_a_connected_interface_without_a_default_route_is_no_way_out():
    assert way_out(NO_DEFAULT_ROUTE) == "False"


def test_a_connected_interface_with_a_default_route_is_a_way_out():
    assert way_out(CONNECTED) == "True"


def test_the_routing_tables_are_read_as_linux_writes_them(tmp_path):
    v4, v6 = tmp_path / "route", tmp_path / "ipv6_route"
    v4.write_text("Iface\tDestination\tGateway\tFlags\neth0\t0000A8C0\t00000000\t0001\n")
    lo_placeholder = " ".join(["0" * 32, "00", "0" * 32, "00", "0" * 32, "ffffffff", "lo"])
    v6.write_text(lo_placeholder + "\n")
    assert default_route((v4, v6)) is False  # a local network and the kernel's lo placeholder
    v4.write_text(v4.read_text() + "eth0\t00000000\t0100A8C0\t0003\n")
    assert default_route((v4, v6)) is True
    assert default_route((tmp_path / "absent",)) is None
