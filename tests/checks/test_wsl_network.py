"""WSL 2 networking faults (field §1.14), each with the failure it explains: a real lab
listener that accepts TCP and never answers the TLS ClientHello, a proxy variable pointing at
a loopback port nobody serves, a name lookup that fails; the WSL and Windows facts come from
recorded real outputs under a fake system root."""

from __future__ import annotations

import socket
from dataclasses import replace

from tests.helpers import FakeRunner, fixture_text, lab_target, make_env, run_check
from tests.lab.home import LabHome
from wizard.checks.network import check_dns, check_tcp
from wizard.checks.proxy import check_proxy
from wizard.checks.tls import check_tls
from wizard.checks.wsl import check_wsl
from wizard.checks.wsl_network import check_wsl_network
from wizard.core.findings import NOTHING
from wizard.core.findings.editors import WslFindings
from wizard.core.model import CheckResult, Outcome, Status
from wizard.core.rules import decide
from wizard.platform.wsl_net import NETSH_SUBINTERFACES, WSLINFO_MODE, eth0_mtu_argv


def result(check_id: str, outcome: Outcome) -> CheckResult:
    return CheckResult(
        check_id, check_id, outcome.status, outcome.summary, outcome.findings, outcome.faults, 1
    )


def wsl_env(home, tmp_path, netsh="netsh_subinterfaces_pulse_secure_vpn.txt", **variables):
    root = tmp_path / "root"
    for path, text in (
        ("proc/sys/kernel/osrelease", "5.15.167.4-microsoft-standard-WSL2\n"),
        ("sys/class/net/eth0/mtu", "1500\n"),
        ("etc/resolv.conf", fixture_text("wsl", "resolv_conf_dns_tunneling.txt")),
    ):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    runner = FakeRunner()
    runner.add(WSLINFO_MODE, fixture_text("wsl", "wslinfo_networking_mode_virtioproxy.txt"))
    runner.add(NETSH_SUBINTERFACES, fixture_text("wsl", netsh))
    env = make_env(home, variables, runner=runner)
    return replace(env, system_root=root), runner


def test_not_inside_wsl_is_skip_and_asks_nothing(home, tmp_path):
    runner = FakeRunner()
    env = replace(make_env(home, runner=runner), system_root=tmp_path)
    outcome = run_check(check_wsl_network, env)
    assert (outcome.status, outcome.summary) == (Status.SKIP, "Only relevant inside WSL.")
    assert runner.calls == []


def test_vpn_mtu_explains_tls_that_stalls_after_tcp_connects(home, tmp_path, silent_server):
    # The real stall: TCP connects, the ClientHello is swallowed (tests/lab/silent.py).
    env, _runner = wsl_env(home, tmp_path)
    target = lab_target(silent_server.url)
    dns = result("dns", run_check(check_dns, env, target))
    tcp = result("tcp", run_check(check_tcp, env, target, {"dns": dns}))
    assert tcp.status is Status.PASS
    tls = result(
        "tls",
        run_check(check_tls, env, target, {"tcp": tcp, "ca_env": _passed("ca_env")}, timeout_s=1.0),
    )
    assert tls.faults == ("tls_no_answer",)
    assert silent_server.connection_count >= 1

    outcome = run_check(check_wsl_network, env, target, {"dns": _passed("dns")})
    assert outcome.status is Status.WARN
    assert outcome.faults == ("wsl_mtu_mismatch",)
    assert outcome.summary == (
        "WSL sends packets of up to 1500 bytes, but the Windows connection Local Area Conne "
        "carries only 1200: connections open, then secure connections can stall."
    )
    evidence = outcome.evidence
    assert (evidence["networking_mode"], evidence["eth0_mtu"]) == ("virtioproxy", 1500)
    assert evidence["nameservers"] == ["10.255.255.254"]

    verdict = decide(target, [tcp, tls, result("wsl_network", outcome)])
    assert verdict.cause == "wsl_network"
    assert verdict.also == ("network_blocked",)
    assert verdict.fixes == ("wsl-mtu",)
    assert "(1200 bytes) than WSL sends (1500)" in str(verdict.summary)
    assert "ip link" not in str(verdict.summary) + str(verdict.next_action)


def test_mtu_mismatch_alone_is_only_a_warning(home, tmp_path, pki, auth_server):
    env, _runner = wsl_env(home, tmp_path, CODEX_CA_CERTIFICATE=str(pki.ca_pem))
    target = lab_target(auth_server.url)
    dns = result("dns", run_check(check_dns, env, target))
    tcp = result("tcp", run_check(check_tcp, env, target, {"dns": dns}))
    tls = result(
        "tls", run_check(check_tls, env, target, {"tcp": tcp, "ca_env": _passed("ca_env")})
    )
    assert tls.status is Status.PASS
    wsl = result("wsl_network", run_check(check_wsl_network, env, target, {"dns": _passed("dns")}))
    assert wsl.faults == ("wsl_mtu_mismatch",)
    assert decide(target, [tcp, tls, wsl]).cause != "wsl_network"


def test_no_vpn_no_mtu_warning(home, tmp_path):
    env, _runner = wsl_env(home, tmp_path, netsh="netsh_subinterfaces_wifi_no_vpn.txt")
    outcome = run_check(check_wsl_network, env, deps={"dns": _passed("dns")})
    assert outcome.status is Status.PASS
    assert outcome.faults == ()
    assert outcome.summary.startswith("Codex runs inside WSL (virtioproxy networking)")


def test_loopback_proxy_from_windows_nobody_serves_inside_wsl(home, tmp_path):
    port = _free_port()
    proxy = f"http://127.0.0.1:{port}"
    env, _runner = wsl_env(
        home, tmp_path, netsh="netsh_subinterfaces_wifi_no_vpn.txt", HTTPS_PROXY=proxy
    )
    target = lab_target()
    proxied = result("proxy", run_check(check_proxy, env, target))
    assert proxied.faults == ("proxy_unreachable",)
    outcome = run_check(check_wsl_network, env, target, {"dns": _passed("dns")})
    assert outcome.faults == ("wsl_loopback_proxy",)
    assert proxy in outcome.summary

    verdict = decide(target, [proxied, result("wsl_network", outcome)])
    assert verdict.cause == "wsl_network"
    assert verdict.also == ("proxy_unreachable",)
    assert verdict.fixes == ("wsl-proxy-address", "proxy-env-repair")
    assert f"the proxy {proxy}, on WSL's own loopback address" in str(verdict.summary)


def test_loopback_proxy_served_inside_wsl_is_no_wsl_fault(home, tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        env, _runner = wsl_env(
            home,
            tmp_path,
            netsh="netsh_subinterfaces_wifi_no_vpn.txt",
            HTTPS_PROXY=f"http://127.0.0.1:{port}",
        )
        outcome = run_check(check_wsl_network, env, deps={"dns": _passed("dns")})
    assert outcome.faults == ()


def test_a_failed_lookup_inside_wsl_names_wsls_name_server(home, tmp_path):
    env, _runner = wsl_env(home, tmp_path, netsh="netsh_subinterfaces_wifi_no_vpn.txt")
    target = lab_target("https://sign-in.invalid")
    dns = result("dns", run_check(check_dns, env, target))
    assert dns.faults == ("dns_failure",)
    outcome = run_check(check_wsl_network, env, target, {"dns": dns})
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("wsl_dns_unanswered",)
    verdict = decide(target, [dns, result("wsl_network", outcome)])
    assert verdict.cause == "wsl_network"
    assert verdict.also == ("dns_failure",)
    assert verdict.fixes == ("wsl-dns",)
    assert "(10.255.255.254) does not find sign-in.invalid" in str(verdict.summary)


def test_windows_commands_missing_leave_the_facts_unknown(home, tmp_path):
    env, runner = wsl_env(home, tmp_path)
    runner.outputs.clear()  # interop off: neither wslinfo nor netsh.exe runs
    outcome = run_check(check_wsl_network, env, deps={"dns": _passed("dns")})
    assert outcome.status is Status.PASS
    assert outcome.evidence["networking_mode"] == "unknown"
    assert outcome.evidence["problems"] == {
        "wslinfo": "wslinfo is not available",
        "netsh": "netsh.exe is not available",
    }


def _passed(check_id: str) -> CheckResult:
    return CheckResult(check_id, check_id, Status.PASS, "", NOTHING, (), 0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- From Windows, where an editor runs Codex inside WSL ------------------------------------

WSL_LIST = ["wsl.exe", "-l", "-v"]
CURSOR_IN_WSL = '{"chatgpt.runCodexInWindowsSubsystemForLinux": true}'


def windows_with_codex_in_wsl(home, netsh: str):
    runner = FakeRunner()
    runner.add(WSL_LIST, fixture_text("wsl", "list_verbose_default_ubuntu.txt"))
    runner.add(eth0_mtu_argv("Ubuntu"), "1500\n")  # the kernel's file: one number
    runner.add(NETSH_SUBINTERFACES, fixture_text("wsl", netsh))
    LabHome(home).settings("Cursor", CURSOR_IN_WSL, windows=True)
    env = make_env(home, platform="windows", runner=runner)
    wsl = result("wsl", run_check(check_wsl, env))
    assert wsl.evidence["editors_running_codex_in_wsl"] == "Cursor"
    return env, wsl, runner


def test_from_windows_the_vpn_mtu_explains_codex_in_wsl_getting_no_answer(home):
    env, wsl, runner = windows_with_codex_in_wsl(home, "netsh_subinterfaces_pulse_secure_vpn.txt")
    deps = {"dns": _passed("dns"), "wsl": wsl}
    outcome = run_check(check_wsl_network, env, deps=deps)
    assert outcome.status is Status.WARN
    assert outcome.faults == ("wsl_mtu_mismatch_probe",)
    assert tuple(eth0_mtu_argv("Ubuntu")) in runner.calls
    # The user's own Codex, asked inside WSL, got no answer (its check's fault).
    probe = CheckResult(
        "codex_probe", "p", Status.FAIL, "s", NOTHING, ("codex_probe_transport",), 1
    )
    token = _passed("token_endpoint")  # this computer itself reaches the server
    verdict = decide(lab_target(), [token, probe, result("wsl_network", outcome)])
    assert verdict.cause == "wsl_network"
    assert verdict.fixes == ("wsl-mtu",)
    assert "(1200 bytes) than WSL sends (1500)" in str(verdict.summary)
    # Without that failure the mismatch is only the check's warning.
    assert decide(lab_target(), [token, result("wsl_network", outcome)]).cause == "none"


def test_from_windows_without_a_vpn_the_sizes_match(home):
    env, wsl, _runner = windows_with_codex_in_wsl(home, "netsh_subinterfaces_wifi_no_vpn.txt")
    outcome = run_check(check_wsl_network, env, deps={"dns": _passed("dns"), "wsl": wsl})
    assert outcome.status is Status.PASS
    assert outcome.summary == "WSL's packet size matches this computer's connections."


def test_from_windows_without_codex_in_wsl_asks_nothing(home):
    runner = FakeRunner()
    env = make_env(home, platform="windows", runner=runner)
    wsl = CheckResult("wsl", "w", Status.PASS, "s", WslFindings(installed=False), (), 1)
    outcome = run_check(check_wsl_network, env, deps={"dns": _passed("dns"), "wsl": wsl})
    assert outcome.status is Status.SKIP
    assert runner.calls == []
