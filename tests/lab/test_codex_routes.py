"""The route Codex takes, row by row: the real Codex CLI 0.169 and the wizard's route decision
under the same proxy variables must agree - through the proxy, direct, or not at all (a SOCKS
proxy, which Codex takes and cannot use)."""

from __future__ import annotations

import socket
import ssl
import struct
from functools import partial

import pytest

from tests.e2e import clean_env, free_port, run_wizard
from tests.helpers import lab_target, make_env
from tests.lab.codex_cli import codex_env
from tests.lab.hosts import hosts_argv
from tests.lab.test_codex_oracle import REFUSED, TRANSPORT
from wizard.core.profile import load_profile
from wizard.net.route import HTTP_SCHEMES, resolve_route

PROXY, DIRECT, FAILS = "through the proxy", "direct", "fails"
DOTENV = ".env"
CONFIG = "config.toml"
RESPECT = "[features]\nrespect_system_proxy = true"
H = "http://{http}"  # the lab's HTTP proxy; {socks} is the lab's SOCKS5 proxy (host:port)

# (condition, variables, what the real Codex 0.169 does); every row was first seen on the
# real client, and the test below sees it again each run.
ROUTES = [
    ("no proxy variable", {}, DIRECT),
    ("ALL_PROXY=http://", {"ALL_PROXY": H}, PROXY),
    ("HTTPS_PROXY without a scheme", {"HTTPS_PROXY": "{http}"}, PROXY),
    ("HTTPS_PROXY=HTTP:// (upper case)", {"HTTPS_PROXY": "HTTP://{http}"}, PROXY),
    # SOCKS that Codex takes, then cannot use: nothing reaches the proxy
    ("ALL_PROXY=socks5://", {"ALL_PROXY": "socks5://{socks}"}, FAILS),
    ("ALL_PROXY=socks5h://", {"ALL_PROXY": "socks5h://{socks}"}, FAILS),
    ("all_proxy=socks5://", {"all_proxy": "socks5://{socks}"}, FAILS),
    ("ALL_PROXY=socks4://", {"ALL_PROXY": "socks4://{socks}"}, FAILS),
    ("ALL_PROXY=socks4a://", {"ALL_PROXY": "socks4a://{socks}"}, FAILS),
    ("HTTPS_PROXY=socks5://", {"HTTPS_PROXY": "socks5://{socks}"}, FAILS),
    ("HTTPS_PROXY=socks5h://", {"HTTPS_PROXY": "socks5h://{socks}"}, FAILS),
    (
        "HTTPS_PROXY=socks5:// beats ALL_PROXY=http://",
        {"HTTPS_PROXY": "socks5://{socks}", "ALL_PROXY": H},
        FAILS,
    ),
    (
        "HTTPS_PROXY=http:// beats ALL_PROXY=socks5://",
        {"HTTPS_PROXY": H, "ALL_PROXY": "socks5://{socks}"},
        PROXY,
    ),
    (
        "HTTPS_PROXY=http:// beats https_proxy=socks5://",
        {"https_proxy": "socks5://{socks}", "HTTPS_PROXY": H},
        PROXY,
    ),
    (
        "ALL_PROXY=socks5:// with NO_PROXY=auth.openai.com",
        {"ALL_PROXY": "socks5://{socks}", "NO_PROXY": "auth.openai.com"},
        DIRECT,
    ),
    # addresses Codex does not read: as if the variable were not set
    ("ALL_PROXY=socks://", {"ALL_PROXY": "socks://{socks}"}, DIRECT),
    ("HTTPS_PROXY=socks://", {"HTTPS_PROXY": "socks://{socks}"}, DIRECT),
    ("ALL_PROXY=SOCKS5:// (upper case)", {"ALL_PROXY": "SOCKS5://{socks}"}, DIRECT),
    ("HTTPS_PROXY=ftp://", {"HTTPS_PROXY": "ftp://{http}"}, DIRECT),
    (
        "HTTPS_PROXY=socks:// falls back to ALL_PROXY",
        {"HTTPS_PROXY": "socks://{socks}", "ALL_PROXY": H},
        PROXY,
    ),
    (
        "HTTPS_PROXY=socks:// hides https_proxy",
        {"HTTPS_PROXY": "socks://{socks}", "https_proxy": H},
        DIRECT,
    ),
    (
        "ALL_PROXY=socks:// hides all_proxy",
        {"ALL_PROXY": "socks://{socks}", "all_proxy": H},
        DIRECT,
    ),
    ("empty HTTPS_PROXY hides https_proxy", {"HTTPS_PROXY": "", "https_proxy": H}, DIRECT),
    ("empty HTTPS_PROXY falls back to ALL_PROXY", {"HTTPS_PROXY": "", "ALL_PROXY": H}, PROXY),
    ("empty ALL_PROXY hides all_proxy", {"ALL_PROXY": "", "all_proxy": H}, DIRECT),
    # NO_PROXY, with HTTPS_PROXY (or ALL_PROXY) naming the lab's HTTP proxy
    ("NO_PROXY=auth.openai.com", {"HTTPS_PROXY": H, "NO_PROXY": "auth.openai.com"}, DIRECT),
    ("NO_PROXY=.openai.com", {"HTTPS_PROXY": H, "NO_PROXY": ".openai.com"}, DIRECT),
    ("NO_PROXY=openai.com", {"HTTPS_PROXY": H, "NO_PROXY": "openai.com"}, DIRECT),
    ("no_proxy=auth.openai.com", {"HTTPS_PROXY": H, "no_proxy": "auth.openai.com"}, DIRECT),
    ("NO_PROXY=*.openai.com", {"HTTPS_PROXY": H, "NO_PROXY": "*.openai.com"}, PROXY),
    ("NO_PROXY=*openai.com", {"HTTPS_PROXY": H, "NO_PROXY": "*openai.com"}, PROXY),
    ("NO_PROXY=*", {"HTTPS_PROXY": H, "NO_PROXY": "*"}, DIRECT),
    ("NO_PROXY=localhost,*", {"HTTPS_PROXY": H, "NO_PROXY": "localhost,*"}, DIRECT),
    ("NO_PROXY=auth.openai.com:443", {"HTTPS_PROXY": H, "NO_PROXY": "auth.openai.com:443"}, PROXY),
    ("NO_PROXY=AUTH.OPENAI.COM", {"HTTPS_PROXY": H, "NO_PROXY": "AUTH.OPENAI.COM"}, DIRECT),
    (
        "NO_PROXY with spaces",
        {"HTTPS_PROXY": H, "NO_PROXY": "localhost, auth.openai.com"},
        DIRECT,
    ),
    ("NO_PROXY=.auth.openai.com", {"HTTPS_PROXY": H, "NO_PROXY": ".auth.openai.com"}, DIRECT),
    ("NO_PROXY=penai.com", {"HTTPS_PROXY": H, "NO_PROXY": "penai.com"}, PROXY),
    ("NO_PROXY=openai.com. (trailing dot)", {"HTTPS_PROXY": H, "NO_PROXY": "openai.com."}, PROXY),
    ("NO_PROXY=127.0.0.1", {"HTTPS_PROXY": H, "NO_PROXY": "127.0.0.1"}, PROXY),
    (
        "NO_PROXY beats no_proxy",
        {"HTTPS_PROXY": H, "NO_PROXY": "example.com", "no_proxy": "auth.openai.com"},
        PROXY,
    ),
    (
        "empty NO_PROXY hides no_proxy",
        {"HTTPS_PROXY": H, "NO_PROXY": "", "no_proxy": "auth.openai.com"},
        PROXY,
    ),
    ("NO_PROXY with ALL_PROXY", {"ALL_PROXY": H, "NO_PROXY": "openai.com"}, DIRECT),
    # $CODEX_HOME/.env (DOTENV: its lines), read for variables the process does not have
    ("socks5:// in .env", {DOTENV: "HTTPS_PROXY=socks5://{socks}"}, FAILS),
    (
        ".env HTTPS_PROXY beats the process's https_proxy",
        {DOTENV: "HTTPS_PROXY=" + H, "https_proxy": "socks5://{socks}"},
        PROXY,
    ),
    (
        ".env beats the process's own HTTPS_PROXY",
        {DOTENV: "HTTPS_PROXY=socks5://{socks}", "HTTPS_PROXY": H},
        FAILS,
    ),
    (
        ".env beats the process's own HTTPS_PROXY, the other way round",
        {DOTENV: "HTTPS_PROXY=" + H, "HTTPS_PROXY": "socks5://{socks}"},
        PROXY,
    ),
    ("empty HTTPS_PROXY in .env wins", {DOTENV: "HTTPS_PROXY=", "HTTPS_PROXY": H}, DIRECT),
    (
        ".env beats the process's own NO_PROXY",
        {DOTENV: "NO_PROXY=auth.openai.com", "HTTPS_PROXY": H, "NO_PROXY": "example.com"},
        DIRECT,
    ),
    ("socks:// in .env is ignored", {DOTENV: "ALL_PROXY=socks://{socks}"}, DIRECT),
    # $CODEX_HOME/config.toml (CONFIG: its text): on Linux the system has no proxy settings
    # for Codex to ask, so respect_system_proxy leaves the variables' route as it is
    ("respect_system_proxy, no variable", {CONFIG: RESPECT}, DIRECT),
    ("respect_system_proxy with HTTPS_PROXY=http://", {CONFIG: RESPECT, "HTTPS_PROXY": H}, PROXY),
]


def _codex_route(run, http_proxy, socks, via, direct):
    """What the real client did: whose server got its token request, if anyone's."""
    posted = [
        s for s in (via, direct) if any(r[:2] == ("POST", "/oauth/token") for r in s.requests)
    ]
    if posted == [via] and http_proxy.connects == ["auth.openai.com:443"] and REFUSED in run.output:
        return PROXY
    if posted == [direct] and http_proxy.connects == [] and REFUSED in run.output:
        return DIRECT
    if not posted and TRANSPORT in run.output:
        assert (socks.accepted, http_proxy.connects) == (0, []), "it reached a proxy"
        return FAILS
    return f"unexplained: {posted} {http_proxy.connects} {run.output[-300:]}"


def _wizard_route(home, variables, http_proxy):
    route = resolve_route(make_env(home, variables), load_profile(), lab_target())
    if route.direct:
        return DIRECT
    if route.proxy_scheme not in HTTP_SCHEMES:
        return FAILS
    assert route.proxy_address == ("127.0.0.1", http_proxy.port)
    return PROXY


@pytest.mark.parametrize(
    ("variables", "expected"), [r[1:] for r in ROUTES], ids=[r[0] for r in ROUTES]
)
def test_codex_and_the_wizard_take_the_same_route(
    variables,
    expected,
    codex_ports,
    openai_direct,
    openai_via_proxy,
    openai_server,
    socks_proxy,
    pki,
    home,
):
    http_proxy = openai_via_proxy()
    filled = {
        k: v.format(http=http_proxy.address, socks=socks_proxy.address)
        for k, v in variables.items()
    }
    for name in (DOTENV, CONFIG):
        if name in filled:
            (home / ".codex").mkdir(exist_ok=True)
            (home / ".codex" / name).write_text(filled.pop(name) + "\n")
    env = codex_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem), **filled)
    run = codex_ports.login(env, launcher=openai_direct.launcher)
    codex = _codex_route(run, http_proxy, socks_proxy, openai_server, openai_direct.server)
    assert (codex, _wizard_route(home, filled, http_proxy)) == (expected, expected)


def test_the_lab_socks_proxy_works(socks_proxy, openai_server, pki):
    """A SOCKS5 client gets through it to the lab's auth.openai.com, so a client that fails
    there fails on its own account."""
    with socket.create_connection(("127.0.0.1", socks_proxy.port), timeout=5) as sock:
        sock.sendall(b"\x05\x01\x00")
        assert sock.recv(2) == b"\x05\x00"
        name = b"auth.openai.com"
        sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack("!H", 443))
        assert sock.recv(10)[:2] == b"\x05\x00"
        context = ssl.create_default_context(cafile=str(pki.ca_pem))
        with context.wrap_socket(sock, server_hostname="auth.openai.com") as tls:
            tls.sendall(
                b"GET /.well-known/openid-configuration HTTP/1.1\r\n"
                b"Host: auth.openai.com\r\nConnection: close\r\n\r\n"
            )
            status_line = tls.recv(64).split(b"\r\n", 1)[0]
    assert status_line.split(b" ")[1] == b"200", status_line
    assert socks_proxy.connects == ["auth.openai.com:443"]
    assert any(r[1] == "/.well-known/openid-configuration" for r in openai_server.requests)


# -- the verdict, end to end: `diagnose --json` with the user's Codex as witness ----------------


def _diagnose(home, codex, direct, *command, **variables):
    """The real CLI (and the Codex it starts) with auth.openai.com mapped to the lab's direct
    server, so whatever goes direct lands in the lab and nothing leaves the machine."""
    env = clean_env(home, **variables)
    env["PATH"] = codex.folder + ":" + env["PATH"]
    args = [*(command or ["diagnose"]), "--json", "--timeout", "20"]
    return run_wizard(args, env, timeout=120, wrap=partial(hosts_argv, direct.hosts))


def _checks(run):
    return {c["id"]: c for c in run.json["checks"]}


@pytest.mark.parametrize(("name", "scheme"), [("ALL_PROXY", "socks5"), ("HTTPS_PROXY", "socks5h")])
def test_a_working_socks_proxy_is_named_as_the_cause(
    name, scheme, codex_ports, openai_direct, socks_proxy, pki, home
):
    url = socks_proxy.url_for(scheme)
    (home / ".profile").write_text(f"export {name}={url}\n")
    variables = {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), name: url}
    run = _diagnose(home, codex_ports, openai_direct, **variables)
    verdict = run.json["verdict"]
    assert (verdict["cause"], verdict["flow_step"], run.returncode) == (
        "socks_proxy",
        "token_exchange",
        1,
    ), verdict
    assert verdict["fixes"] == ["proxy-env-repair"]
    assert f"SOCKS proxy {url} ({name})" in verdict["summary"]
    checks = _checks(run)
    assert checks["proxy"]["faults"] == ["proxy_unsupported_scheme"]
    assert checks["codex_probe"]["status"] == "fail"  # the user's Codex fails there too
    assert socks_proxy.connects == []  # (the wizard's tcp check only knocks at its port)
    fix = _diagnose(
        home, codex_ports, openai_direct, "fix", "proxy-env-repair", "--dry-run", **variables
    )
    assert fix.returncode == 0, fix.stdout + fix.stderr
    assert fix.json["env"] == {name: None}
    assert f"Codex cannot use a '{scheme}' proxy ({url})" in fix.stderr  # the plan, for people
    assert f"-export {name}={url}" in fix.stderr  # ~/.profile, where it is set


def test_a_socks_url_codex_ignores_is_judged_on_the_direct_route(
    codex_ports, openai_direct, socks_proxy, pki, home
):
    url = socks_proxy.url_for("socks")
    run = _diagnose(
        home, codex_ports, openai_direct, CODEX_CA_CERTIFICATE=str(pki.ca_pem), ALL_PROXY=url
    )
    verdict = run.json["verdict"]
    assert (verdict["cause"], run.returncode) == ("none", 0), verdict
    checks = _checks(run)
    assert checks["proxy"]["status"] == "warn" and checks["proxy"]["faults"] == []
    assert checks["proxy"]["summary"].startswith(f"Codex ignores ALL_PROXY ({url})")
    assert checks["tcp"]["evidence"]["via_proxy"] is False
    assert (checks["token_endpoint"]["status"], checks["codex_probe"]["status"]) == ("pass", "pass")
    posts = [r for r in openai_direct.server.requests if r[:2] == ("POST", "/oauth/token")]
    assert len(posts) >= 2  # the wizard's own test and the user's Codex, both direct
    assert socks_proxy.accepted == 0


def test_an_empty_https_proxy_hides_a_dead_lower_case_one(codex_ports, openai_direct, pki, home):
    dead = f"http://127.0.0.1:{free_port()}"
    run = _diagnose(
        home,
        codex_ports,
        openai_direct,
        CODEX_CA_CERTIFICATE=str(pki.ca_pem),
        HTTPS_PROXY="",
        https_proxy=dead,
    )
    verdict = run.json["verdict"]
    assert (verdict["cause"], run.returncode) == ("none", 0), verdict
    proxy = _checks(run)["proxy"]
    assert proxy["evidence"]["effective"]["url"] is None
    assert _checks(run)["codex_probe"]["status"] == "pass"


def test_a_socks_proxy_in_codex_env_file_beats_a_working_one_of_the_shell(
    codex_ports, openai_direct, openai_via_proxy, socks_proxy, pki, home
):
    (home / ".codex").mkdir()
    (home / ".codex" / ".env").write_text(f"HTTPS_PROXY={socks_proxy.url}\n")
    http_proxy = openai_via_proxy()
    run = _diagnose(
        home,
        codex_ports,
        openai_direct,
        CODEX_CA_CERTIFICATE=str(pki.ca_pem),
        HTTPS_PROXY=http_proxy.url,
    )
    verdict = run.json["verdict"]
    assert (verdict["cause"], verdict["flow_step"], run.returncode) == (
        "socks_proxy",
        "token_exchange",
        1,
    ), verdict
    assert "(~/.codex/.env: HTTPS_PROXY)" in verdict["summary"]
    assert _checks(run)["codex_probe"]["status"] == "fail"
    assert http_proxy.connects == []  # neither the wizard nor Codex took the shell's proxy
