"""proxy-env-repair with real files, a real dead port, real lab proxies and a real lab auth
server: the stale proxy is turned off everywhere it is persisted, NO_PROXY covers loopback
where a proxy stays, passwords never show, and the re-check proves it."""

from __future__ import annotations

import json

from tests.e2e import free_port
from tests.helpers import FakeRunner, lab_target, make_env
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.diagnose import diagnose
from wizard.core.profile import load_profile
from wizard.fixes.apply import apply_fix, undo_last
from wizard.fixes.base import FixContext
from wizard.fixes.journal import Journal
from wizard.fixes.proxy_env_repair import PROXY_ENV_REPAIR, with_loopback

SPECS = [
    s
    for s in ALL_CHECKS
    if s.id in {"proxy", "ca_env", "dns", "tcp", "tls", "openid", "token_endpoint", "clock"}
]
HINT = "(undo: python -m wizard undo --last)"


def context(env, server_url, specs=SPECS):
    profile = load_profile()
    target = lab_target(server_url, free_port())
    return FixContext(env, profile, target, diagnose(specs, env, profile, target, 3.0))


def test_a_dead_proxy_is_turned_off_in_bashrc_and_codex_dotenv(home, pki, auth_server):
    dead = free_port()
    bashrc, dotenv = home / ".bashrc", home / ".codex" / ".env"
    original_bashrc = f"alias ll='ls -l'\nexport HTTPS_PROXY=http://bob:s3cret@127.0.0.1:{dead}\n"
    bashrc.write_text(original_bashrc)
    dotenv.parent.mkdir()
    dotenv.write_text(f'HTTPS_PROXY="http://bob:s3cret@127.0.0.1:{dead}"\n')
    env = make_env(
        home,
        {
            "HTTPS_PROXY": f"http://bob:s3cret@127.0.0.1:{dead}",
            "CODEX_CA_CERTIFICATE": str(pki.ca_pem),
        },
    )
    ctx = context(env, auth_server.url)
    assert ctx.diagnosis.verdict.cause == "proxy_unreachable"

    plan = PROXY_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    shown = f"http://bob:<redacted>@127.0.0.1:{dead}"
    assert plan.summary == (
        f"Codex is told to use a proxy, but nothing answers at the proxy {shown}. This turns "
        "off HTTPS_PROXY in ~/.bashrc (line 2) and ~/.codex/.env (line 1). Codex then "
        "connects directly."
    )
    edits = {e.path: e for e in plan.files}
    assert set(edits) == {bashrc, dotenv}
    assert edits[bashrc].after.decode() == (
        "alias ll='ls -l'\n"
        f"# signin-doctor: nothing answers at the proxy {shown} {HINT}\n"
        f"# export HTTPS_PROXY=http://bob:s3cret@127.0.0.1:{dead}\n"
    )
    assert (
        edits[dotenv]
        .after.decode()
        .endswith(f'# HTTPS_PROXY="http://bob:s3cret@127.0.0.1:{dead}"\n')
    )
    assert [(e.name, e.after) for e in plan.env] == [("HTTPS_PROXY", None)]
    rendered = plan.render()
    assert "s3cret" not in rendered and shown in rendered  # the diff hides the password too
    assert plan.rechecks == ("proxy", "tcp", "tls", "codex_probe")

    journal = Journal(home / "journal")
    result = apply_fix(PROXY_ENV_REPAIR, ctx, plan, journal, SPECS)
    assert result.applied, result.message
    assert result.verdict["cause"] == "none"
    assert "s3cret" not in json.dumps(result.to_json())
    undo_last(journal, ctx)
    assert bashrc.read_text() == original_bashrc


def test_no_proxy_covers_loopback_where_another_proxy_stays(home, pki, auth_server, proxy_factory):
    forward = proxy_factory("forward")
    dead = free_port()
    bashrc = home / ".bashrc"
    bashrc.write_text(
        f"export HTTPS_PROXY=http://127.0.0.1:{dead}\n"
        f"export ALL_PROXY={forward.url}\n"
        'export NO_PROXY=".corp.example"  # the intranet\n'
    )
    env = make_env(
        home,
        {
            "HTTPS_PROXY": f"http://127.0.0.1:{dead}",
            "ALL_PROXY": forward.url,
            "NO_PROXY": ".corp.example",
            "CODEX_CA_CERTIFICATE": str(pki.ca_pem),
        },
    )
    ctx = context(env, auth_server.url)
    plan = PROXY_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    value = ".corp.example,localhost,127.0.0.1,::1"
    assert [(e.name, e.after) for e in plan.env] == [("HTTPS_PROXY", None), ("NO_PROXY", value)]
    edits = {e.path.name: e.after.decode() for e in plan.files}
    assert edits[".bashrc"] == (
        f"# signin-doctor: nothing answers at the proxy http://127.0.0.1:{dead} {HINT}\n"
        f"# export HTTPS_PROXY=http://127.0.0.1:{dead}\n"
        f"export ALL_PROXY={forward.url}\n"
        f'export NO_PROXY="{value}"  # the intranet\n'  # extended in place, quoting kept
    )
    assert edits["60-signin-doctor.conf"].endswith(f"NO_PROXY={value}\n")
    assert f"Another proxy stays set (ALL_PROXY={forward.url}), so NO_PROXY is set to" in (
        plan.summary
    )
    result = apply_fix(PROXY_ENV_REPAIR, ctx, plan, Journal(home / "journal"), SPECS)
    assert result.applied, result.message
    # (the lab's sign-in server is "localhost" itself, so NO_PROXY now exempts it as well)


def test_a_proxy_kept_in_codex_dotenv_gets_no_proxy_beside_it(home, pki, auth_server):
    dead, other = free_port(), free_port()
    dotenv = home / ".codex" / ".env"
    dotenv.parent.mkdir()
    dotenv.write_text(f"HTTPS_PROXY=http://127.0.0.1:{dead}\nHTTP_PROXY=http://127.0.0.1:{other}\n")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    plan = PROXY_ENV_REPAIR.plan(context(env, auth_server.url))
    assert plan.applicable, plan.reason
    edits = {e.path.name: e.after.decode() for e in plan.files}
    assert edits[".env"] == (
        f"# signin-doctor: nothing answers at the proxy http://127.0.0.1:{dead} {HINT}\n"
        f"# HTTPS_PROXY=http://127.0.0.1:{dead}\n"
        f"HTTP_PROXY=http://127.0.0.1:{other}\n"
        "NO_PROXY=localhost,127.0.0.1,::1\n"
    )
    assert plan.env[-1].name == "NO_PROXY"


def test_a_socks_url_is_removed_and_the_user_told_what_to_set(home, pki, auth_server):
    (home / ".zshrc").write_text("export HTTPS_PROXY=socks5://127.0.0.1:10808\n")
    env = make_env(
        home,
        {"HTTPS_PROXY": "socks5://127.0.0.1:10808", "CODEX_CA_CERTIFICATE": str(pki.ca_pem)},
    )
    ctx = context(env, auth_server.url)
    assert "proxy_unsupported_scheme" in ctx.diagnosis.result("proxy").faults
    plan = PROXY_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    assert "Codex cannot use a 'socks5' proxy (socks5://127.0.0.1:10808)" in plan.summary
    assert "set HTTPS_PROXY to your proxy app's HTTP (or 'mixed') port instead" in plan.summary
    result = apply_fix(PROXY_ENV_REPAIR, ctx, plan, Journal(home / "journal"), SPECS)
    assert result.applied, result.message


def test_a_proxy_that_wants_a_password_is_not_removed(home, pki, auth_server, proxy_factory):
    proxy = proxy_factory("auth", credentials=("alice", "pw"))
    env = make_env(home, {"HTTPS_PROXY": proxy.url, "CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    plan = PROXY_ENV_REPAIR.plan(context(env, auth_server.url))
    assert not plan.applicable
    assert "wants a user name and password" in plan.reason


def test_nothing_stale(home, pki, auth_server):
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    plan = PROXY_ENV_REPAIR.plan(context(env, auth_server.url))
    assert not plan.applicable and plan.reason == "No proxy setting is stale: nothing to remove."


def test_with_loopback_keeps_entries_and_adds_only_what_is_missing():
    assert with_loopback("") == "localhost,127.0.0.1,::1"
    assert with_loopback("localhost, 10.0.0.0/8") == "localhost,10.0.0.0/8,127.0.0.1,::1"
    assert with_loopback("127.0.0.0/8,::1,localhost") == "127.0.0.0/8,::1,localhost"


def test_windows_unsets_the_user_variable_and_edits_codex_dotenv(home):
    dead = free_port()
    runner = FakeRunner()
    script = "[Environment]::SetEnvironmentVariable('HTTPS_PROXY', $null, 'User')"
    runner.add(["powershell", "-NoProfile", "-NonInteractive", "-Command", script], "")
    dotenv = home / ".codex" / ".env"
    dotenv.parent.mkdir()
    dotenv.write_bytes(f"HTTPS_PROXY=http://127.0.0.1:{dead}\r\n".encode())
    env = make_env(
        home, {"https_proxy": f"http://127.0.0.1:{dead}"}, platform="windows", runner=runner
    )
    ctx = FixContext(
        env, load_profile(), lab_target(), checks=ALL_CHECKS
    )  # no diagnosis: the proxy check runs
    plan = PROXY_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    assert [(e.name, e.after) for e in plan.env] == [("HTTPS_PROXY", None)]
    assert apply_fix(PROXY_ENV_REPAIR, ctx, plan, Journal(home / "journal")).applied
    assert ("powershell", "-NoProfile", "-NonInteractive", "-Command", script) in runner.calls
    assert dotenv.read_bytes().endswith(f"\r\n# HTTPS_PROXY=http://127.0.0.1:{dead}\r\n".encode())
