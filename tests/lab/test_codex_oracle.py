"""The lab's oracle itself: the real Codex CLI signs in through the lab the way it would
through the internet, so what it does here is what it does for users."""

from __future__ import annotations

from functools import partial
from urllib.parse import parse_qs

from tests.e2e import clean_env, run_wizard
from tests.helpers import fixture_text
from tests.lab.codex_cli import codex_env
from tests.lab.home import LabHome
from tests.lab.hosts import hosts_argv

REFUSED = "Token exchange failed: token endpoint returned status 400 Bad Request"
TRANSPORT = (
    "Token exchange failed: error sending request for url (https://auth.openai.com/oauth/token)"
)


def test_real_codex_reaches_the_lab_through_a_proxy(
    codex_ports, openai_via_proxy, openai_server, pki, home
):
    proxy = openai_via_proxy()
    env = codex_env(home, HTTPS_PROXY=proxy.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem))
    run = codex_ports.login(env)
    assert REFUSED in run.output, run.output
    assert run.exit_code == 1
    assert run.redirect_uri == "http://127.0.0.1:1455/auth/callback"
    assert proxy.connects == ["auth.openai.com:443"]
    posts = [r for r in openai_server.requests if r[:2] == ("POST", "/oauth/token")]
    form = parse_qs(posts[0][3].decode())
    assert form["code"] == ["signin-doctor-probe"]
    assert form["redirect_uri"] == ["http://127.0.0.1:1455/auth/callback"]


def test_real_codex_reaches_the_lab_directly(codex_ports, openai_direct, pki, home):
    env = codex_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem))
    run = codex_ports.login(env, launcher=openai_direct.launcher)
    assert REFUSED in run.output, run.output
    assert any(r[:2] == ("POST", "/oauth/token") for r in openai_direct.server.requests)


def test_real_codex_fails_behind_an_untrusted_interception(
    codex_ports, openai_via_proxy, pki, home
):
    proxy = openai_via_proxy("intercept")
    env = codex_env(home, HTTPS_PROXY=proxy.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem))
    run = codex_ports.login(env)
    assert TRANSPORT in run.output, run.output
    # The connection itself failed (the proxy's certificate), by the line Codex logs before
    # it retries. Not by its final ERROR line (is_connect=true, in the recorded log of this
    # run, tests/fixtures/codex-0.169): Codex exits without waiting for its log writer, which
    # on a loaded machine has not written its last lines yet (seen on CI).
    assert "oauth token connection failed; retrying with system proxy" in run.log, run.log
    assert "UnknownIssuer" not in run.log


def _diagnose_with_codex(home, codex, **env_vars):
    env = clean_env(home, **env_vars)
    env["PATH"] = codex.folder + ":" + env["PATH"]
    return run_wizard(["diagnose", "--json", "--timeout", "20"], env, timeout=120)


def _check(run, check_id):
    return next(c for c in run.json["checks"] if c["id"] == check_id)


def test_the_probe_asks_the_users_codex_and_leaves_its_home_untouched(
    codex_ports, openai_via_proxy, pki, home
):
    codex_home = home / ".codex"
    codex_home.mkdir()
    planted = {
        "auth.json": b'{"tokens": {"refresh_token": "planted-never-read"}}',
        "config.toml": b'model = "gpt-5"\n',
        ".env": b"SOME_SETTING=1\n",
    }
    for name, data in planted.items():
        (codex_home / name).write_bytes(data)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in codex_home.iterdir()}
    proxy = openai_via_proxy()
    run = _diagnose_with_codex(
        home, codex_ports, HTTPS_PROXY=proxy.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem)
    )
    probe = _check(run, "codex_probe")
    assert probe["status"] == "pass", probe["evidence"]
    assert probe["evidence"]["redirect_uri"] == "http://127.0.0.1:1455/auth/callback"
    assert run.json["verdict"]["cause"] == "none"
    assert run.returncode == 0
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in codex_home.iterdir()}
    assert after == before
    assert "planted-never-read" not in run.stdout + run.stderr


def test_behind_interception_the_probe_confirms_the_emulated_cause(
    codex_ports, openai_via_proxy, pki, home
):
    proxy = openai_via_proxy("intercept")
    run = _diagnose_with_codex(
        home, codex_ports, HTTPS_PROXY=proxy.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem)
    )
    probe = _check(run, "codex_probe")
    assert (probe["status"], probe["faults"]) == ("fail", ["codex_probe_transport"]), probe
    verdict = run.json["verdict"]
    assert (verdict["cause"], verdict["also"], run.returncode) == ("tls_interception", [], 1)


def test_codex_own_log_of_a_request_without_answer_is_the_verdict_when_all_works_here(
    codex_ports, openai_direct, pki, home
):
    """Codex signed in through a proxy this environment does not have (an editor's, say) and
    its exchange never got an answer: the wizard, run without that proxy, finds nothing live,
    and must say what Codex's own log proves instead of "most likely OpenAI's side".

    The log is the one this Codex wrote through the lab's untrusted interception (recorded,
    tests/fixtures/codex-0.169): the lines that prove it are Codex's last, and Codex exits
    without waiting for its log writer, so a live run on a loaded machine can lose them."""
    LabHome(home).codex_log(fixture_text("codex-0.169", "codex-login-log_intercept.log"))
    here = clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem))
    wrap = partial(hosts_argv, openai_direct.hosts)
    run = run_wizard(["diagnose", "--json", "--timeout", "20"], here, timeout=120, wrap=wrap)
    verdict = run.json["verdict"]
    assert (verdict["cause"], verdict["flow_step"], run.returncode) == (
        "codex_log_no_answer",
        "token_exchange",
        1,
    ), verdict
    assert verdict["summary"].startswith(
        "Codex's own log (~/.codex/log/codex-login.log) shows that its last sign-in ("
    )
    assert "OpenAI's side" not in verdict["summary"]
    checks = {c["id"]: c for c in run.json["checks"]}
    assert checks["token_endpoint"]["status"] == "pass"
    assert checks["codex_logs"]["faults"] == ["codex_log_no_answer"]
    # The user's own Codex gets through from here too; the logged attempt still stands.
    here["PATH"] = codex_ports.folder + ":" + here["PATH"]
    run = run_wizard(["diagnose", "--json", "--timeout", "20"], here, timeout=120, wrap=wrap)
    assert {c["id"]: c for c in run.json["checks"]}["codex_probe"]["status"] == "pass"
    assert run.json["verdict"]["cause"] == "codex_log_no_answer"
