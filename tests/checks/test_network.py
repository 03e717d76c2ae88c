"""The dns and tcp checks against real sockets on loopback.

Names that must fail use `-signin-doctor.invalid`: `.invalid` never resolves (RFC 6761), and the
leading hyphen makes glibc reject the name before it sends any query (a plain `x.invalid` would
be sent to this machine's configured name server). IP-literal targets avoid name servers too."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.helpers import lab_target, make_env, run_check
from wizard.checks.network import check_dns, check_tcp, interleave
from wizard.core.engine import Shared
from wizard.core.model import CheckResult, Outcome, Status

BAD_NAME = "-signin-doctor.invalid"


def as_result(check_id: str, outcome: Outcome) -> CheckResult:
    return CheckResult(
        id=check_id,
        title=check_id,
        status=outcome.status,
        summary=outcome.summary,
        findings=outcome.findings,
        faults=tuple(outcome.faults),
        duration_ms=0,
    )


def dns_then_tcp(env, target, timeout_s: float = 5.0) -> tuple[Outcome, Outcome]:
    """Both checks for real, sharing one route like the engine does."""
    shared = Shared()
    dns = run_check(check_dns, env, target, shared=shared, timeout_s=timeout_s)
    tcp = run_check(
        check_tcp,
        env,
        target,
        deps={"dns": as_result("dns", dns)},
        shared=shared,
        timeout_s=timeout_s,
    )
    return dns, tcp


@contextmanager
def listener(host: str = "127.0.0.1") -> Iterator[int]:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.create_server((host, 0), family=family) as server:
        yield server.getsockname()[1]


def closed_port() -> int:
    """A port that was just free: connecting to it is refused."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        return server.getsockname()[1]


@contextmanager
def full_backlog() -> Iterator[int]:
    """A listener whose accept queue is full: new connections get no answer and time out."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    held = []
    try:
        for _ in range(4):
            probe = socket.socket()
            probe.settimeout(0.3)
            try:
                probe.connect(("127.0.0.1", port))
                held.append(probe)
            except OSError:
                probe.close()
                break
        else:
            pytest.skip("this system's loopback never fills the accept queue")
        yield port
    finally:
        for sock in held:
            sock.close()
        server.close()


# -- dns ------------------------------------------------------------------------------------------


def test_dns_ip_literal_target(home):
    outcome = run_check(check_dns, make_env(home), lab_target("https://127.0.0.1:8443"))
    assert outcome.status is Status.PASS
    assert outcome.evidence["ipv4"] == ["127.0.0.1"] and outcome.evidence["ipv6"] == []
    assert outcome.evidence["connect_to"] == {
        "host": "127.0.0.1",
        "port": 8443,
        "role": "sign-in server",
    }
    assert outcome.summary == "127.0.0.1 was found at 127.0.0.1."


def test_dns_failure(home):
    outcome = run_check(check_dns, make_env(home), lab_target(f"https://{BAD_NAME}"))
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("dns_failure",)
    assert outcome.evidence["facts"] == {"host": BAD_NAME, "detail": "the name is not known"}
    assert outcome.evidence["ipv4"] == [] and outcome.evidence["ipv6"] == []
    assert (
        outcome.summary
        == f"This computer cannot find the address of {BAD_NAME} (the name is not known)."
    )


def test_no_name_and_no_way_onto_a_network_is_offline(home):
    from dataclasses import replace

    for route_out, fault in ((False, "offline"), (True, "dns_failure"), (None, "dns_failure")):
        env = replace(make_env(home), route_out=lambda known=route_out: known)
        outcome = run_check(check_dns, env, lab_target(f"https://{BAD_NAME}"))
        assert outcome.faults == (fault,), route_out
        assert outcome.evidence["route_out"] is route_out
    assert outcome.status is Status.FAIL


def test_dns_via_proxy_resolves_the_proxy_and_only_reports_the_auth_host(home):
    env = make_env(home, {"HTTPS_PROXY": "http://127.0.0.1:3128"})
    outcome = run_check(check_dns, env, lab_target(f"https://{BAD_NAME}"))
    assert outcome.status is Status.PASS and outcome.faults == ()
    assert outcome.evidence["via_proxy"] is True
    assert outcome.evidence["connect_to"] == {"host": "127.0.0.1", "port": 3128, "role": "proxy"}
    assert outcome.evidence["ipv4"] == ["127.0.0.1"]
    local = outcome.evidence["local_resolution"]
    assert local["host"] == BAD_NAME and local["ipv4"] == [] and local["errors"]
    assert outcome.summary == (
        f"Codex goes through the proxy http://127.0.0.1:3128, which looks up {BAD_NAME} itself; "
        "the proxy was found at 127.0.0.1."
    )


def test_dns_via_proxy_whose_name_does_not_resolve(home):
    env = make_env(home, {"HTTPS_PROXY": "http://-proxy.invalid:3128"})
    outcome = run_check(check_dns, env, lab_target("https://127.0.0.1:8443"))
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("proxy_unreachable",)
    assert outcome.evidence["facts"] == {
        "proxy": "http://-proxy.invalid:3128",
        "proxy_source": "HTTPS_PROXY",
        "detail": "its name -proxy.invalid cannot be looked up (the name is not known)",
    }


def test_dns_evidence_never_shows_the_proxy_password(home):
    env = make_env(home, {"HTTPS_PROXY": "http://jane:s3cret@-proxy.invalid:3128"})
    outcome = run_check(check_dns, env, lab_target("https://127.0.0.1:8443"))
    assert "s3cret" not in repr(outcome) and "jane:<redacted>@" in outcome.summary


# -- tcp ------------------------------------------------------------------------------------------


def test_tcp_skipped_when_dns_failed(home):
    env = make_env(home)
    target = lab_target(f"https://{BAD_NAME}")
    dns, tcp = dns_then_tcp(env, target)
    assert dns.status is Status.FAIL
    assert (tcp.status, tcp.summary) == (
        Status.SKIP,
        "Not tested: the name could not be looked up.",
    )


def test_tcp_connects(home):
    with listener() as port:
        _dns, tcp = dns_then_tcp(make_env(home), lab_target(f"https://127.0.0.1:{port}"))
    assert tcp.status is Status.PASS and tcp.faults == ()
    assert tcp.evidence["address"] == "127.0.0.1" and tcp.evidence["port"] == port
    assert isinstance(tcp.evidence["connect_ms"], int)
    assert tcp.summary.startswith("Connected to 127.0.0.1 (127.0.0.1) in ")


def test_tcp_connects_over_ipv6(home):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    with listener("::1") as port:
        dns, tcp = dns_then_tcp(make_env(home), lab_target(f"https://[::1]:{port}"))
    assert dns.evidence["ipv6"] == ["::1"]
    assert tcp.status is Status.PASS and tcp.evidence["address"] == "::1"


def test_tcp_refused(home):
    port = closed_port()
    _dns, tcp = dns_then_tcp(make_env(home), lab_target(f"https://127.0.0.1:{port}"))
    assert tcp.status is Status.FAIL
    assert tcp.faults == ("tcp_failed",)
    assert tcp.evidence["facts"] == {
        "host": "127.0.0.1",
        "port": port,
        "detail": "the connection was refused",
    }
    assert (
        tcp.summary
        == f"This computer cannot connect to 127.0.0.1 on port {port}: the connection was refused."
    )


def test_tcp_times_out(home):
    with full_backlog() as port:
        _dns, tcp = dns_then_tcp(
            make_env(home), lab_target(f"https://127.0.0.1:{port}"), timeout_s=1.2
        )
    assert tcp.status is Status.FAIL and tcp.faults == ("tcp_failed",)
    detail = tcp.evidence["facts"]["detail"]
    assert detail.startswith("timed out after ") and detail.endswith(" s")
    assert float(detail.split()[3]) <= 1.2
    assert tcp.evidence["attempts"][0]["ok"] is False


def test_tcp_via_proxy_refused_is_the_proxy_not_the_server(home):
    port = closed_port()
    env = make_env(home, {"HTTPS_PROXY": f"http://127.0.0.1:{port}"})
    dns, tcp = dns_then_tcp(env, lab_target(f"https://{BAD_NAME}"))
    assert dns.status is Status.PASS
    assert tcp.status is Status.FAIL
    assert tcp.faults == ("proxy_unreachable",)
    assert tcp.evidence["facts"] == {
        "proxy": f"http://127.0.0.1:{port}",
        "proxy_source": "HTTPS_PROXY",
        "detail": "the connection was refused",
    }
    assert tcp.evidence["via_proxy"] is True


def test_tcp_via_proxy_connects_to_the_proxy(home):
    with listener() as port:
        env = make_env(home, {"HTTPS_PROXY": f"http://127.0.0.1:{port}"})
        _dns, tcp = dns_then_tcp(env, lab_target(f"https://{BAD_NAME}"))
    assert tcp.status is Status.PASS
    assert tcp.evidence["port"] == port
    assert tcp.summary.startswith(f"Connected to the proxy http://127.0.0.1:{port} (127.0.0.1) in ")


def test_interleave_alternates_families():
    assert interleave(["::1", "::2"], ["127.0.0.1"]) == ["::1", "127.0.0.1", "::2"]
