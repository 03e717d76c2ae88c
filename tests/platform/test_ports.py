"""Port lookup (psutil) and the bind test, against real processes and real sockets."""

from __future__ import annotations

import os
import socket
import time

from tests.lab.port_holder import hold_port
from wizard.platform.ports import PsutilPortInspector, probe_bind


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_listeners_name_the_real_process():
    with hold_port(0, name="Cursor") as cursor:
        holders = PsutilPortInspector().listeners(cursor.port)
    assert [(h.port, h.address, h.pid, h.name) for h in holders] == [
        (cursor.port, "127.0.0.1", cursor.pid, "Cursor")
    ]
    assert holders[0].exe and holders[0].username


def test_listeners_of_a_free_port_are_empty():
    assert PsutilPortInspector().listeners(free_port()) == []


def test_probe_bind_free_port():
    probe = probe_bind("127.0.0.1", free_port())
    assert probe.free and probe.kind == "free" and probe.code is None
    assert probe.error_json() is None


def test_probe_bind_held_port_is_in_use():
    with hold_port(0, name="node") as node:
        probe = probe_bind("127.0.0.1", node.port)
    assert probe.kind == "in_use"
    assert probe.name == "EADDRINUSE"
    assert probe.lingering is False
    assert probe.error_json()["code"] == probe.code


def test_probe_bind_wildcard_listener_blocks_loopback():
    with socket.socket() as server:
        server.bind(("0.0.0.0", 0))
        server.listen(1)
        probe = probe_bind("127.0.0.1", server.getsockname()[1])
    assert probe.kind == "in_use"


def test_probe_bind_only_time_wait_left_is_lingering():
    # The accepting side closes first, so its end of the connection stays in TIME_WAIT on
    # the port after the listener is gone: a bind without SO_REUSEADDR fails, Codex's would not.
    # The earlier listener had SO_REUSEADDR, as a previous Codex login server (Rust std) has;
    # Linux lets a new SO_REUSEADDR bind pass such a TIME_WAIT only then.
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()
    time.sleep(0.05)
    client.close()
    server.close()
    probe = probe_bind("127.0.0.1", port)
    assert probe.kind == "in_use"
    assert probe.lingering is True


def test_probe_bind_address_not_on_this_machine():
    probe = probe_bind("192.0.2.1", free_port())  # TEST-NET-1: never a local address
    assert probe.kind == "unavailable"
    assert probe.name == "EADDRNOTAVAIL"


def test_activity_sees_the_accepted_connection_and_its_receiver():
    inspector = PsutilPortInspector()
    with hold_port(0, name="codex", codex_like=True) as codex:
        client = socket.create_connection(("127.0.0.1", codex.port))
        client_port = client.getsockname()[1]
        deadline = time.monotonic() + 3
        arrived = []
        while time.monotonic() < deadline:
            holders, arrived = inspector.activity([codex.port])
            # Until the holder accepts it, the connection waits in the listen queue, no pid.
            if any(c.remote[1] == client_port and c.pid is not None for c in arrived):
                break
            time.sleep(0.05)
        client.close()
    conn = next(c for c in arrived if c.remote[1] == client_port)
    assert conn.port == codex.port
    assert conn.receiver is not None
    assert (conn.receiver.pid, conn.receiver.name) == (codex.pid, "codex")  # who received it
    assert conn.pid == codex.pid  # accepted: the holder owns it (it waits 5 s for a request)
    assert conn.status == "ESTABLISHED"
    assert conn.peer_pid == os.getpid()  # the client is this test
    assert [h.pid for h in holders[codex.port]] == [codex.pid]
