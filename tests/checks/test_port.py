"""check_callback_port against real processes holding real ports, and the Windows paths with
recorded netsh output and Windows-reported holders."""

from __future__ import annotations

import dataclasses
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.helpers import FakeRunner, StaticPorts, fixture_text, make_env, run_check
from tests.lab.port_holder import hold_port
from wizard.checks.port import check_callback_port
from wizard.core.environment import PortHolder
from wizard.core.model import Status, Target
from wizard.core.profile import load_profile
from wizard.platform.port_reservations import netsh_argv

RELAY = PortHolder(
    1455, "127.0.0.1", 12528, "wslrelay.exe", r"C:\Program Files\WSL\wslrelay.exe", None
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def two_ports() -> tuple[int, int]:
    first = free_port()
    second = free_port()
    while second == first:
        second = free_port()
    return first, second


def target_for(*ports: int) -> Target:
    return dataclasses.replace(load_profile().target(), callback_ports=tuple(ports))


def ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


def skip_unless_ipv4_free(port: int) -> None:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            pytest.skip("the port picked on ::1 is taken on 127.0.0.1")


def port_evidence(outcome, port: int) -> dict:
    return next(p for p in outcome.evidence["ports"] if p["port"] == port)


# --- real ports on this machine --------------------------------------------------------------


def test_both_ports_free_pass(home):
    p1, p2 = two_ports()
    outcome = run_check(check_callback_port, make_env(home), target_for(p1, p2))
    assert outcome.status == Status.PASS
    assert outcome.summary == f"Port {p1} is free for Codex to receive the browser's return."
    assert outcome.faults == ()
    assert outcome.evidence["bind_tested"] is True
    assert outcome.evidence["bind_address"] == "127.0.0.1"
    first = port_evidence(outcome, p1)
    assert first["free"] is True and first["bind_error"] is None and first["holders"] == []
    assert port_evidence(outcome, p2)["free"] is True


def test_first_port_held_by_wslrelay_is_a_fault(home):
    p2 = free_port()
    with hold_port(0, name="wslrelay") as relay:
        outcome = run_check(check_callback_port, make_env(home), target_for(relay.port, p2))
    assert outcome.status == Status.FAIL
    assert outcome.faults == ("port_held_by_wslrelay",)
    facts = outcome.evidence["facts"]
    assert facts["process"] == "wslrelay"
    assert facts["port"] == str(relay.port)
    first = port_evidence(outcome, relay.port)
    assert first["free"] is False
    assert first["bind_error"]["name"] == "EADDRINUSE"
    assert [(h["pid"], h["name"], h["address"]) for h in first["holders"]] == [
        (relay.pid, "wslrelay", "127.0.0.1")
    ]
    assert first["codex_login_server"] is False
    assert "wslrelay (pid" in outcome.summary and "WSL" in outcome.summary


def test_both_ports_held_is_callback_ports_busy_with_holders_named(home):
    with hold_port(0, name="Cursor") as cursor, hold_port(0, name="node") as node:
        outcome = run_check(check_callback_port, make_env(home), target_for(cursor.port, node.port))
    assert outcome.status == Status.FAIL
    assert outcome.faults == ("callback_ports_busy",)
    facts = outcome.evidence["facts"]
    assert facts["ports"] == f"{cursor.port} and {node.port}"
    assert facts["holders"] == (
        f"port {cursor.port} is used by Cursor and port {node.port} by node"
    )
    for holder in (cursor, node):
        ev = port_evidence(outcome, holder.port)
        assert (ev["bind_error"]["code"], ev["bind_error"]["name"]) == (98, "EADDRINUSE")  # Linux
        assert ev["holders"][0]["pid"] == holder.pid
        assert ev["holders"][0]["exe"]  # a display path, present for our own processes


def test_programs_that_never_answer_on_both_ports_are_busy_not_codex(home):
    # Both are asked side by side (bench/port_run.py measures how long that takes).
    with (
        hold_port(0, name="hung-a", silent=True) as first,
        hold_port(0, name="hung-b", silent=True) as second,
    ):
        target = target_for(first.port, second.port)
        outcome = run_check(check_callback_port, make_env(home), target)
    assert outcome.status == Status.FAIL
    assert outcome.faults == ("callback_ports_busy",)
    assert outcome.evidence["facts"]["holders"] == (
        f"port {first.port} is used by hung-a and port {second.port} by hung-b"
    )
    for holder in (first, second):
        ev = port_evidence(outcome, holder.port)
        assert ev["state"] == "held"
        assert ev["codex_login_server"] is False
        assert ev["fingerprint"]["error"].startswith("TimeoutError")


def test_only_first_port_held_warns_about_older_versions(home):
    p2 = free_port()
    with hold_port(0, name="Cursor") as cursor:
        outcome = run_check(check_callback_port, make_env(home), target_for(cursor.port, p2))
    assert outcome.status == Status.WARN
    assert outcome.faults == ()
    assert outcome.summary == (
        f"Port {cursor.port} is used by Cursor (pid {cursor.pid}); Codex 0.139 and newer "
        f"switch to {p2}, older versions fail."
    )
    assert port_evidence(outcome, p2)["free"] is True


def test_codex_login_server_holder_warns_and_is_fingerprinted(home):
    p2 = free_port()
    with hold_port(0, name="codex", codex_like=True) as codex:
        outcome = run_check(check_callback_port, make_env(home), target_for(codex.port, p2))
        # the check must not have stopped it (no /cancel)
        assert codex.process.poll() is None
    assert outcome.status == Status.WARN
    assert outcome.faults == ()
    assert outcome.summary == (
        f"A Codex sign-in is waiting on port {codex.port} for the browser's return. "
        "Starting a new sign-in replaces it."
    )
    first = port_evidence(outcome, codex.port)
    assert first["codex_login_server"] is True
    assert first["state"] == "codex"
    assert first["fingerprint"] == {
        "url": f"http://127.0.0.1:{codex.port}/",
        "status": 404,
        "server": "tiny-http (Rust)",
        "body": "Not Found",
        "codex": True,
    }


class _NotFound(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_error(404, "Not Found")

    def log_message(self, *args):
        pass


def test_another_web_server_answering_404_is_not_taken_for_codex(home):
    p2 = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        outcome = run_check(check_callback_port, make_env(home), target_for(port, p2))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    first = port_evidence(outcome, port)
    assert (first["state"], first["codex_login_server"]) == ("held", False)
    assert first["fingerprint"]["status"] == 404
    assert first["fingerprint"]["server"].startswith("BaseHTTP/")
    assert outcome.summary.startswith(f"Port {port} is used by ")


def test_a_codex_sign_in_waiting_on_the_fallback_is_not_said_to_be_replaceable(home):
    # A new sign-in sends /cancel only to the first port: it would find both taken.
    with (
        hold_port(0, name="Cursor") as cursor,
        hold_port(0, name="codex", codex_like=True) as codex,
    ):
        outcome = run_check(
            check_callback_port, make_env(home), target_for(cursor.port, codex.port)
        )
    assert (outcome.status, outcome.faults) == (Status.WARN, ())
    assert outcome.summary == (
        f"Port {cursor.port} is used by Cursor (pid {cursor.pid}), and a Codex sign-in is "
        f"waiting on port {codex.port} for the browser's return. Finish that sign-in: a new "
        "one would find both ports taken and fail."
    )


def test_codex_login_servers_on_both_ports_are_not_busy(home):
    with (
        hold_port(0, name="codex", codex_like=True) as a,
        hold_port(0, name="codex", codex_like=True) as b,
    ):
        outcome = run_check(check_callback_port, make_env(home), target_for(a.port, b.port))
    assert outcome.status == Status.WARN
    assert outcome.faults == ()


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_a_listener_on_ipv6_loopback_only_leaves_the_port_free(home):
    # Codex 0.169 sends the browser back to 127.0.0.1, so [::1] is never asked.
    p2 = free_port()
    with hold_port(0, name="devserver", address="::1") as holder:
        skip_unless_ipv4_free(holder.port)
        outcome = run_check(check_callback_port, make_env(home), target_for(holder.port, p2))
    assert (outcome.status, outcome.faults) == (Status.PASS, ())
    assert outcome.summary == (
        f"Port {holder.port} is free for Codex to receive the browser's return. Separately, "
        f"[::1]:{holder.port} (IPv6) is answered by devserver (pid {holder.pid}). Codex sends "
        "the browser to 127.0.0.1, so that program does not catch this sign-in's return, but "
        "a browser sent to localhost reaches it first."
    )
    first = port_evidence(outcome, holder.port)
    assert first["free"] is True and first["holders"][0]["address"] == "::1"
    assert first["ipv6"]["bind"] == "in_use" and first["ipv6"]["connect"] == "accepted"
    assert [o["pid"] for o in first["ipv6"]["owners"]] == [holder.pid]
    assert port_evidence(outcome, p2)["ipv6"] == {
        "address": "::1",
        "bind": "free",
        "bind_error": None,
        "bind_lingering": False,
        "connect": "refused",
        "owners": [],
    }


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_split_listeners_name_the_owner_of_each_family(home):
    # 127.0.0.1 and [::1] of the same ports held by different programs: Codex is kept off by
    # the IPv4 ones; the IPv6 ones are named apart.
    with (
        hold_port(0, name="gateway") as v4a,
        hold_port(v4a.port, name="devserver", address="::1") as v6a,
        hold_port(0, name="switcher") as v4b,
        hold_port(v4b.port, name="vite", address="::1") as v6b,
    ):
        outcome = run_check(check_callback_port, make_env(home), target_for(v4a.port, v4b.port))
    assert (outcome.status, outcome.faults) == (Status.FAIL, ("callback_ports_busy",))
    assert outcome.evidence["facts"]["holders"] == (
        f"port {v4a.port} is used by gateway and port {v4b.port} by switcher"
    )
    assert outcome.evidence["facts"]["ipv6_holders"] == (
        f"Separately, [::1]:{v4a.port} (IPv6) is answered by devserver (pid {v6a.pid}) and "
        f"[::1]:{v4b.port} (IPv6) is answered by vite (pid {v6b.pid}). Codex sends the browser "
        "to 127.0.0.1, so that program does not catch this sign-in's return, but a browser "
        "sent to localhost reaches it first."
    )
    assert outcome.summary.endswith(outcome.evidence["facts"]["ipv6_holders"])
    for v4, v6 in ((v4a, v6a), (v4b, v6b)):
        ev = port_evidence(outcome, v4.port)
        assert ev["bind_error"]["name"] == "EADDRINUSE"
        assert {(h["pid"], h["address"]) for h in ev["holders"]} == {
            (v4.pid, "127.0.0.1"),
            (v6.pid, "::1"),
        }
        assert (ev["ipv6"]["bind"], ev["ipv6"]["connect"]) == ("in_use", "accepted")
        assert [o["pid"] for o in ev["ipv6"]["owners"]] == [v6.pid]


def test_a_listener_on_ipv4_only_leaves_ipv6_free_and_still_blocks_codex(home):
    p2 = free_port()
    with hold_port(0, name="gateway") as v4:
        outcome = run_check(check_callback_port, make_env(home), target_for(v4.port, p2))
    assert (outcome.status, outcome.faults) == (Status.WARN, ())
    assert "ipv6_holders" not in outcome.evidence["facts"]
    ipv6 = port_evidence(outcome, v4.port)["ipv6"]
    if ipv6_loopback_available():
        assert (ipv6["bind"], ipv6["connect"], ipv6["owners"]) == ("free", "refused", [])
    else:  # IPv6 switched off: said as such, never "in use"
        assert (ipv6["bind"], ipv6["connect"]) == ("unavailable", "unavailable")


def test_real_callback_ports_when_free(home):
    ports = load_profile().target().callback_ports
    assert ports == (1455, 1457)
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                pytest.skip(f"port {port} is in use on this machine")
    outcome = run_check(check_callback_port, make_env(home), load_profile().target())
    assert outcome.status == Status.PASS
    assert outcome.summary == "Port 1455 is free for Codex to receive the browser's return."


def test_callback_port_option_changes_the_first_port(home):
    p1 = free_port()
    target = load_profile().target(None, callback_port=p1)
    assert target.callback_ports[0] == p1
    with hold_port(p1, name="Cursor") as cursor:
        outcome = run_check(check_callback_port, make_env(home), target)
    assert outcome.evidence["ports"][0]["port"] == p1
    assert outcome.evidence["ports"][0]["holders"][0]["pid"] == cursor.pid


# --- Windows, from recorded output -----------------------------------------------------------


def windows_env(home, ports: StaticPorts, ipv4_fixture: str | None):
    runner = FakeRunner()
    if ipv4_fixture is not None:
        runner.add(netsh_argv("ipv4"), fixture_text("ports", ipv4_fixture))
    return make_env(home, platform="windows", runner=runner, ports=ports), runner


def test_windows_reserved_range_covering_both_ports(home):
    env, runner = windows_env(
        home, StaticPorts(), "excludedportrange_ipv4_en_hyperv_clash-verge-rev-1688.txt"
    )
    outcome = run_check(check_callback_port, env, load_profile().target())
    assert runner.calls[0] == tuple(netsh_argv("ipv4"))
    assert outcome.status == Status.FAIL
    assert outcome.faults == ("callback_ports_reserved",)
    assert outcome.evidence["facts"]["ports"] == "1455 and 1457"
    assert outcome.evidence["bind_tested"] is False
    for port in (1455, 1457):
        ev = port_evidence(outcome, port)
        assert ev["reserved_range"] == {
            "start": 1361,
            "end": 1460,
            "administered": False,
            "family": "ipv4",
        }
        assert ev["free"] is False
    assert outcome.evidence["reservations"]["read"] == ["ipv4"]
    assert "ipv6" in outcome.evidence["reservations"]["errors"]
    assert outcome.summary.startswith("Windows has reserved ports 1455 and 1457")


def test_windows_first_port_reserved_fails_without_fallback(home):
    # Codex falls back to 1457 only when 1455 is in use; a 10013 on 1455 ends the sign-in.
    env, _ = windows_env(
        home,
        StaticPorts(),
        "excludedportrange_ipv4_es_wsl-5306.txt",
    )
    target = load_profile().target(None, callback_port=1455)
    target = dataclasses.replace(target, callback_ports=(1455, 2000))
    outcome = run_check(check_callback_port, env, target)
    assert outcome.faults == ("callback_ports_reserved",)
    assert outcome.evidence["facts"]["ports"] == "1455"
    assert port_evidence(outcome, 1455)["reserved_range"]["start"] == 1425
    assert port_evidence(outcome, 2000)["free"] is True


def test_windows_wslrelay_from_seed(home):
    env, _ = windows_env(
        home, StaticPorts({1455: [RELAY]}), "excludedportrange_ipv4_en_localsend-125.txt"
    )
    outcome = run_check(check_callback_port, env, load_profile().target())
    assert outcome.status == Status.FAIL
    assert outcome.faults == ("port_held_by_wslrelay",)
    assert outcome.evidence["facts"]["process"] == "wslrelay.exe"
    assert outcome.evidence["facts"]["port"] == "1455"
    holder = port_evidence(outcome, 1455)["holders"][0]
    assert holder["exe"] == r"C:\Program Files\WSL\wslrelay.exe"
    assert port_evidence(outcome, 1457)["free"] is True


def test_windows_both_held_names_holders(home):
    ports = StaticPorts(
        {
            1455: [PortHolder(1455, "127.0.0.1", 4242, "Cursor.exe", None, None)],
            1457: [PortHolder(1457, "0.0.0.0", 77, "node.exe", None, None)],
        }
    )
    env, _ = windows_env(home, ports, "excludedportrange_ipv4_zh_empty_clash-verge-rev-1688.txt")
    outcome = run_check(check_callback_port, env, load_profile().target())
    assert outcome.faults == ("callback_ports_busy",)
    assert outcome.evidence["facts"]["holders"] == (
        "port 1455 is used by Cursor.exe and port 1457 by node.exe"
    )


def test_windows_hidden_owner_is_not_guessed(home):
    ports = StaticPorts(
        {
            1455: [PortHolder(1455, "127.0.0.1", None, None, None, None)],
            1457: [PortHolder(1457, "127.0.0.1", 4, "System", None, None)],
        }
    )
    env, _ = windows_env(home, ports, None)
    outcome = run_check(check_callback_port, env, load_profile().target())
    assert outcome.faults == ("callback_ports_busy",)
    assert outcome.evidence["facts"]["holders"] == (
        "port 1455 is used by a program whose owner needs admin rights to see "
        "and port 1457 by Windows itself (http.sys)"
    )
    assert outcome.evidence["reservations"]["errors"]["ipv4"] == "netsh is not available"


def test_windows_administered_exclusion_does_not_block(home):
    env, _ = windows_env(home, StaticPorts(), "excludedportrange_ipv4_en_w3toppers.txt")
    outcome = run_check(check_callback_port, env, target_for(50010, 50020))
    assert outcome.status == Status.PASS
    assert outcome.faults == ()
    assert port_evidence(outcome, 50010)["reserved_range"] is None


def test_windows_reserved_plus_held_is_busy(home):
    ports = StaticPorts({1455: [PortHolder(1455, "127.0.0.1", 4242, "Cursor.exe", None, None)]})
    env, _ = windows_env(home, ports, "excludedportrange_ipv4_en_w3toppers.txt")
    # 1455 held (AddrInUse -> fallback), 1457 reserved by 1431-1530
    outcome = run_check(check_callback_port, env, load_profile().target())
    assert outcome.faults == ("callback_ports_busy",)
    assert outcome.evidence["facts"]["holders"] == (
        "port 1455 is used by Cursor.exe and port 1457 is reserved by Windows"
    )


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_closed_connections_lingering_on_ipv6_are_not_a_listener(home):
    p2 = free_port()
    with (
        hold_port(0, name="devserver", address="::1") as gone,
        socket.create_connection(("::1", gone.port)) as sock,
    ):
        sock.recv(1)  # the holder closes first: its side lingers in TIME_WAIT
    skip_unless_ipv4_free(gone.port)
    outcome = run_check(check_callback_port, make_env(home), target_for(gone.port, p2))
    ipv6 = port_evidence(outcome, gone.port)["ipv6"]
    assert (ipv6["bind"], ipv6["bind_lingering"], ipv6["connect"]) == ("in_use", True, "refused")
    assert outcome.summary == f"Port {gone.port} is free for Codex to receive the browser's return."
