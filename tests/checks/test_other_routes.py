"""The browser's way against Codex's: the harmless token POST along every way Codex may take,
through real loopback proxies, with the Windows and macOS settings read from recorded real
`reg query` / `netsh` / `scutil` output (tests/fixtures/proxy/SOURCES.md).

The recorded settings name 127.0.0.1:7890 (Clash for Windows) and 127.0.0.1:8888 (a macOS
secure web proxy); the lab proxy listens exactly there and takes auth.openai.com:443 to the
lab's server. Nothing else resolves auth.openai.com here, so the direct way fails."""

from __future__ import annotations

import pytest

from tests.helpers import FakeRunner, fixture_text, make_env
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.diagnose import diagnose
from wizard.core.profile import load_profile
from wizard.platform import system_proxy as sp

PROFILE = load_profile()
TARGET = PROFILE.target()  # https://auth.openai.com, reached only through the lab proxies
SPECS = [
    s for s in ALL_CHECKS if s.id in ("proxy", "ca_env", "dns", "tcp", "tls", "token_endpoint")
]
SPECS.append(next(s for s in ALL_CHECKS if s.id == "routes"))
WINDOWS_CLASH = ("windows", {sp.REG_QUERY: "reg_internet_settings_clash.txt"}, 7890)
MACOS_HTTPS = ("darwin", {sp.SCUTIL_PROXY: "scutil_http_https_socks.txt"}, 8888)


def run(home, pki, platform, outputs, **variables):
    runner = FakeRunner()
    for argv, name in outputs.items():
        runner.add(argv, fixture_text("proxy", name))
    runner.add(sp.NETSH_WINHTTP, fixture_text("proxy", "netsh_winhttp_direct.txt"))
    env = make_env(
        home,
        {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), **variables},
        platform=platform,
        runner=runner,
        os_roots_file=pki.ca_pem,
        processes=None,
    )
    diagnosis = diagnose(SPECS, env, PROFILE, TARGET, timeout_s=5)
    return diagnosis, {c.id: c for c in diagnosis.checks}


@pytest.mark.parametrize(("platform", "outputs", "port"), [WINDOWS_CLASH, MACOS_HTTPS])
def test_a_blocking_variable_proxy_while_the_system_proxy_works(
    home, pki, proxy_factory, openai_server, platform, outputs, port
):
    upstream = {"auth.openai.com:443": ("127.0.0.1", openai_server.port)}
    system = proxy_factory("forward", upstream_map=upstream, port=port)
    blocking = proxy_factory("block")
    diagnosis, checks = run(home, pki, platform, outputs, HTTPS_PROXY=blocking.url)
    assert "proxy_blocked" in checks["proxy"].faults  # Codex's way: the variable's proxy
    routes = checks["routes"]
    assert routes.faults == ("proxy_route_mismatch",), routes
    tried = {t["way"].split(" (")[0]: t["status"] for t in routes.evidence["tried"]}
    assert tried == {f"through the proxy http://127.0.0.1:{port}": "pass", "directly": "fail"}
    assert any(c.startswith("auth.openai.com:443") for c in system.connects)
    assert ("POST", "/oauth/token") in [(r[0], r[1]) for r in openai_server.requests]
    verdict = diagnosis.verdict
    assert verdict.cause == "proxy_route_mismatch", verdict
    assert verdict.fixes[0] == "respect-system-proxy-on"
    assert f"127.0.0.1:{port}" in verdict.summary and blocking.url[7:] in verdict.summary
    assert "blocked_by_proxy" in verdict.also


def test_a_proxy_script_codex_ignores_while_the_direct_way_fails(home, pki):
    pac = {sp.REG_QUERY: "reg_internet_settings_pac.txt"}
    diagnosis, checks = run(home, pki, "windows", pac)
    routes = checks["routes"]
    assert routes.faults == ("proxy_route_mismatch_script",), routes
    assert routes.evidence["tried"] == []  # the script cannot be run; direct is Codex's own
    verdict = diagnosis.verdict
    assert verdict.cause == "proxy_route_mismatch"
    assert "http://proxy.domain.com/file.pac" in verdict.summary
    assert "respect_system_proxy = true" in verdict.summary
    assert "dns_failure" in verdict.also


def test_with_respect_system_proxy_on_codex_takes_the_systems_way(
    home, pki, proxy_factory, openai_server
):
    upstream = {"auth.openai.com:443": ("127.0.0.1", openai_server.port)}
    proxy_factory("forward", upstream_map=upstream, port=7890)
    blocking = proxy_factory("block")
    codex = home / ".codex"
    codex.mkdir()
    (codex / "config.toml").write_text("[features]\nrespect_system_proxy = true\n")
    platform, outputs, _port = WINDOWS_CLASH
    diagnosis, checks = run(home, pki, platform, outputs, HTTPS_PROXY=blocking.url)
    assert checks["token_endpoint"].status.value == "pass"
    assert checks["routes"].status.value == "skip"
    assert diagnosis.verdict.cause == "none"


def test_on_linux_there_is_no_system_way_to_compare(home, pki, proxy_factory):
    blocking = proxy_factory("block")
    diagnosis, checks = run(home, pki, "linux", {}, HTTPS_PROXY=blocking.url)
    assert checks["routes"].faults == ()  # only the direct way was tried, and it fails too
    assert diagnosis.verdict.cause == "blocked_by_proxy"


def test_with_the_option_on_codex_follows_the_script_which_cannot_be_run_here(home, pki):
    codex = home / ".codex"
    codex.mkdir()
    (codex / "config.toml").write_text("[features]\nrespect_system_proxy = true\n")
    diagnosis, checks = run(home, pki, "windows", {sp.REG_QUERY: "reg_internet_settings_pac.txt"})
    assert checks["routes"].status.value == "skip" and checks["routes"].faults == ()
    assert "cannot run it" in checks["routes"].summary
    assert diagnosis.verdict.cause == "dns_failure"
