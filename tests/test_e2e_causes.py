"""One end-to-end run per cause: the real CLI, real loopback servers, real processes.

Each test creates the condition for real and asserts the verdict (cause, flow step, the
checks that prove it), what the verdict says, and the exit code."""

from __future__ import annotations

import json
import sys

import pytest

from tests.e2e import CONNECTED, LOOPBACK_ONLY, clean_env, free_port, in_namespace, run_wizard
from tests.helpers import fixture_text
from tests.lab.port_holder import hold_port


@pytest.fixture
def callback_port():
    return free_port()


def diagnose(home, url, port, timeout="20", error=None, wrap=list, sees_this_run=False, **env_vars):
    """`diagnose --json`; its budget is a hang guard (every check finishes well within it on
    any machine), except where a test names the one it means to expire."""
    args = [
        "diagnose",
        "--json",
        "--auth-url",
        url,
        "--callback-port",
        str(port),
        "--timeout",
        timeout,
    ]
    if error is not None:
        args += ["--error", error]
    return run_wizard(args, clean_env(home, **env_vars), wrap=wrap, sees_this_run=sees_this_run)


def verdict_of(run):
    assert run.stdout, run.stderr
    return run.json["verdict"]


def assert_verdict(run, cause, flow_step="token_exchange", returncode=1):
    """The verdict's cause, flow step and the exit code; returns the verdict for more."""
    verdict = verdict_of(run)
    assert (verdict["cause"], verdict["flow_step"], run.returncode) == (
        cause,
        flow_step,
        returncode,
    ), verdict
    return verdict


@pytest.fixture
def lab_diagnose(home, pki, auth_server, callback_port):
    """diagnose against the lab's auth server, Codex trusting the lab CA, plus `env_vars`."""

    def run(error=None, sees_this_run=False, **env_vars):
        env = {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), **env_vars}
        return diagnose(
            home, auth_server.url, callback_port, error=error, sees_this_run=sees_this_run, **env
        )

    return run


def test_healthy_run_is_none_and_exit_0(auth_server, callback_port, lab_diagnose):
    run = lab_diagnose()
    assert_verdict(run, "none", None, 0)
    statuses = {c["id"]: c["status"] for c in run.json["checks"]}
    for check in ("dns", "tcp", "tls", "openid", "token_endpoint", "clock", "callback_port"):
        assert statuses[check] == "pass", (check, run.json["checks"])
    assert statuses["status_page"] == "skip"  # only for OpenAI's own host: nothing left loopback
    assert any(r[1] == "/oauth/token" for r in auth_server.requests)


def test_json_follows_the_contract(callback_port, lab_diagnose):
    document = lab_diagnose().json
    assert document["schema"] == 1
    assert {"tool", "target", "checks", "verdict"} <= document.keys()
    for check in document["checks"]:
        assert {"id", "title", "status", "summary", "evidence", "duration_ms"} <= check.keys()
        assert check["status"] in ("pass", "warn", "fail", "skip", "error")
    assert {"cause", "flow_step", "summary", "fixes", "evidence", "also"} <= document[
        "verdict"
    ].keys()
    assert document["target"]["callback_ports"] == [callback_port, 1457]


def test_dns_failure(home, callback_port):
    # A leading hyphen is not a valid host label: the resolver refuses it locally, so the
    # test sends no DNS query anywhere (a plain .invalid name would go to the resolver).
    # This computer has a way onto a network (one name unknown is not "offline").
    connected = in_namespace(CONNECTED)
    run = diagnose(home, "https://-signin-doctor.invalid", callback_port, wrap=connected)
    verdict = assert_verdict(run, "dns_failure")
    assert "dns" in verdict["evidence"]
    assert "-signin-doctor.invalid" in verdict["summary"]


def test_network_blocked_when_the_port_refuses(home, callback_port):
    closed = free_port()
    run = diagnose(home, f"https://localhost:{closed}", callback_port)
    verdict = assert_verdict(run, "network_blocked")
    assert "tcp" in verdict["evidence"]


def test_silent_server_costs_one_budget(home, silent_server, callback_port):
    run = diagnose(home, silent_server.url, callback_port, timeout="3")
    verdict = assert_verdict(run, "network_blocked")
    assert "tls" in verdict["evidence"]  # its wall time is measured in bench/ (silent server)


def test_proxy_unreachable(lab_diagnose):
    dead = free_port()
    run = lab_diagnose(HTTPS_PROXY=f"http://127.0.0.1:{dead}")
    verdict = assert_verdict(run, "proxy_unreachable")
    assert f"127.0.0.1:{dead}" in verdict["summary"]
    assert "HTTPS_PROXY" in verdict["summary"]


def test_proxy_auth_required(proxy_factory, lab_diagnose):
    proxy = proxy_factory("auth", credentials=("alice", "s3cret"))
    run = lab_diagnose(HTTPS_PROXY=proxy.url)
    assert_verdict(run, "proxy_auth_required")


def test_proxy_with_credentials_is_healthy(proxy_factory, lab_diagnose):
    proxy = proxy_factory("auth", credentials=("alice", "s3cret"))
    run = lab_diagnose(HTTPS_PROXY=proxy.url_with_credentials)
    assert verdict_of(run)["cause"] == "none", run.stdout
    assert "s3cret" not in run.stdout + run.stderr


def test_blocked_by_proxy(proxy_factory, lab_diagnose):
    proxy = proxy_factory("block")
    run = lab_diagnose(HTTPS_PROXY=proxy.url)
    assert_verdict(run, "blocked_by_proxy")


def test_tls_interception_names_the_issuer(proxy_factory, lab_diagnose):
    proxy = proxy_factory("intercept")
    run = lab_diagnose(HTTPS_PROXY=proxy.url)
    verdict = assert_verdict(run, "tls_interception")
    assert "Contoso Inspection Root" in verdict["summary"]
    assert verdict["fixes"][0] == "ca-bundle"
    tls = next(c for c in run.json["checks"] if c["id"] == "tls")
    assert tls["status"] == "fail"


def test_ca_bundle_broken(home, auth_server, callback_port):
    missing = home / "corp-root.pem"
    run = diagnose(home, auth_server.url, callback_port, CODEX_CA_CERTIFICATE=str(missing))
    verdict = assert_verdict(run, "ca_bundle_broken")
    assert "CODEX_CA_CERTIFICATE" in verdict["summary"]
    assert "~/corp-root.pem" in verdict["summary"]  # the home folder is shown as ~


def test_clock_skew(auth_server, lab_diagnose):
    auth_server.date_offset_s = -600  # the server's clock says 10 minutes earlier
    run = lab_diagnose()
    verdict = assert_verdict(run, "clock_skew")
    assert "10 minutes" in verdict["summary"] and "ahead of" in verdict["summary"]


def test_region_blocked(auth_server, lab_diagnose):
    auth_server.token_status = 403
    auth_server.token_body = json.dumps(
        {
            "error": {
                "code": "unsupported_country_region_territory",
                "message": "Country, region, or territory not supported",
            }
        }
    )
    run = lab_diagnose()
    assert_verdict(run, "region_blocked")


def test_server_error(auth_server, lab_diagnose):
    auth_server.token_status = 503
    auth_server.token_body = json.dumps({"error": "temporarily_unavailable"})
    run = lab_diagnose()
    verdict = assert_verdict(run, "server_error")
    assert "503" in verdict["summary"]


def test_wsl_relay_holding_the_callback_port(callback_port, lab_diagnose):
    with hold_port(callback_port, name="wslrelay") as holder:
        run = lab_diagnose(sees_this_run=True)
    verdict = assert_verdict(run, "wsl_relay", "listener")
    assert "held by wslrelay, the WSL relay" in verdict["summary"]
    assert "pid" not in verdict["summary"]  # a person reads the program's name, not its pid
    port_check = next(c for c in run.json["checks"] if c["id"] == "callback_port")
    assert f"pid {holder.pid}" in port_check["summary"]  # the help desk still finds it
    assert "token_exchange" in verdict["passed_steps"]  # the network itself is fine (seed 000)
    assert verdict["fixes"][0] == "ide-wsl-off"


def test_remote_listener_in_an_ssh_session(callback_port, lab_diagnose):
    # sshd's variables, no display: the browser runs on the user's own computer.
    run = lab_diagnose(SSH_CONNECTION="192.0.2.10 52144 198.51.100.7 22", SSH_TTY="/dev/pts/3")
    verdict = assert_verdict(run, "remote_listener", "callback")
    assert verdict["evidence"] == ["remote_session"]
    assert verdict["fixes"] == ["device-auth", "port-forward"]
    assert "an SSH session on another computer" in verdict["summary"]
    assert "token_exchange" in verdict["passed_steps"]
    assert "192.0.2.10" not in run.stdout


def test_credential_store_unavailable_keyring_only_without_a_bus(home, lab_diagnose):
    (home / ".codex").mkdir()
    (home / ".codex" / "config.toml").write_text('cli_auth_credentials_store = "keyring"\n')
    run = lab_diagnose(DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/signin-doctor-bus")
    verdict = assert_verdict(run, "credential_store_unavailable", "store")
    assert verdict["evidence"] == ["credential_store"]
    assert verdict["fixes"] == ["store-file-mode"]
    assert verdict["summary"].startswith(
        "Codex is set to save the sign-in only in the system keyring (Secret Service)"
    )
    assert "token_exchange" in verdict["passed_steps"]


def test_callback_ports_busy(callback_port, lab_diagnose):
    fallback = 1457
    with hold_port(callback_port, name="othertool"), hold_port(fallback, name="othertool"):
        run = lab_diagnose(sees_this_run=True)
    verdict = assert_verdict(run, "callback_port_busy", "listener")
    assert "othertool" in verdict["summary"]


def test_unexplained_failure_is_unknown_with_what_was_seen(auth_server, lab_diagnose):
    auth_server.token_status = 418
    auth_server.token_body = json.dumps({"weird": True})
    run = lab_diagnose()
    verdict = assert_verdict(run, "unknown", None)
    assert verdict["evidence"] == ["token_endpoint"]
    assert verdict["summary"].endswith(
        "Finishing sign-in (token exchange): The sign-in server answered, but not as expected "
        "(HTTP 418)."
    )
    assert ".." not in verdict["summary"]


def test_human_output_and_pasted_error(home, pki, auth_server, callback_port):
    args = [
        "diagnose",
        "--auth-url",
        auth_server.url,
        "--callback-port",
        str(callback_port),
        "--timeout",
        "20",
        "--error",
        "Token exchange failed: error sending request for url "
        "(https://auth.openai.com/oauth/token)",
    ]
    run = run_wizard(args, clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem)))
    assert run.returncode == 0
    assert "Verdict: Nothing wrong found on this computer" in run.stdout
    assert "Your error message:" in run.stdout


@pytest.mark.parametrize(
    ("fixture", "cause", "flow_step"),
    [
        ("add-phone-url.txt", "account_verification_required", "authorize"),
        ("add-phone-unable-to-send.txt", "account_verification_required", "authorize"),
        ("auth-error-workspace-disabled.txt", "workspace_policy", "authorize"),
        ("auth-error-invalid-state.txt", "auth_session_invalid", "authorize"),
        ("auth-error-unknown-error.txt", "account_side_likely", "authorize"),
        ("refresh-token-reused-codex-0169.txt", "refresh_token_reused", "store"),
    ],
)
def test_pasted_account_page_names_the_account_side_cause(lab_diagnose, fixture, cause, flow_step):
    # A healthy computer: only the pasted text (real, tests/fixtures/account) tells the cause.
    run = lab_diagnose(error=fixture_text("account", fixture).strip())
    verdict = assert_verdict(run, cause, flow_step)
    assert verdict["evidence"] == ["pasted_error"]
    assert "Nothing wrong found" not in verdict["title"]


def test_a_sign_in_the_browser_never_returned_from_is_likely_account_side(home, lab_diagnose):
    log = home / ".codex" / "log" / "codex-login.log"
    log.parent.mkdir(parents=True)
    log.write_text(fixture_text("codex-0.169", "codex-login-log_no-callback.log"))
    verdict = assert_verdict(lab_diagnose(), "account_side_likely", "authorize")
    assert verdict["title"].startswith("Likely account-side")
    assert verdict["evidence"] == ["codex_logs"]


SWITCHER_KEY = "sk-proj-SWITCHERsecret0123456789abcd"
SWITCHER_BEARER = "SWITCHERbearer9876543210zyxw"


@pytest.mark.skipif(sys.platform != "linux", reason="process names as Linux shows them")
def test_an_account_switcher_taking_over_is_named_and_none_of_its_secrets_shown(
    home, pki, auth_server, callback_port, lab_diagnose, named_process, tmp_path
):
    """CC Switch running, its proxy takeover in config.toml and its API-key-only auth.json
    (cc-switch#3543, #3795): the verdict names it, the saved sign-in step is marked, and no
    value of either file reaches the JSON, the human output or the case file."""
    codex_home = home / ".codex"
    codex_home.mkdir()
    (codex_home / "auth.json").write_text(json.dumps({"OPENAI_API_KEY": SWITCHER_KEY}))
    (codex_home / "config.toml").write_text(
        'model_provider = "ccs"\n[model_providers.ccs]\nbase_url = "http://127.0.0.1:15721/v1"\n'
        f'experimental_bearer_token = "{SWITCHER_BEARER}"\n'
    )
    proc = named_process("cc-switch")
    run = lab_diagnose(sees_this_run=True)
    verdict = assert_verdict(run, "third_party_auth_manager", "store")
    assert verdict["evidence"] == ["auth_managers"]
    assert verdict["fixes"] == ["stop-auth-manager"]
    assert verdict["summary"].startswith("CC Switch (pid ")
    check = next(c for c in run.json["checks"] if c["id"] == "auth_managers")
    assert check["evidence"]["auth_file"]["keys"] == ["OPENAI_API_KEY"]
    assert proc.pid in [t["pid"] for t in check["evidence"]["tools"]]
    case = tmp_path / "case"
    args = ["--auth-url", auth_server.url, "--callback-port", str(callback_port), "--timeout", "20"]
    report = run_wizard(
        ["report", "--out", str(case), *args],
        clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem)),
        sees_this_run=True,
    )
    assert "Another program manages Codex's sign-in" in report.stdout, report.stderr
    files = [case / name for name in ("report.json", "report.html", "report.md")]
    shown = [run.stdout, run.stderr, report.stdout, report.stderr]
    shown += [f.read_text(encoding="utf-8") for f in files]
    for secret in (SWITCHER_KEY, SWITCHER_BEARER, "SWITCHER"):
        assert not [text for text in shown if secret in text], secret


def test_every_sign_in_command_advice_warns_that_it_signs_out_first():
    from wizard.fixes.catalog import all_fixes

    for fix in all_fixes().values():
        commands = getattr(fix, "commands", ())
        if any(c.startswith("codex login") for c in commands):
            assert any("signs you out of Codex" in str(step) for step in fix.steps), fix.id


def recorded_line(name, marker):
    """One line Codex 0.169.0 printed in the lab (tests/fixtures/codex-0.169/SOURCES.md)."""
    lines = fixture_text("codex-0.169", name).splitlines()
    return next(line.strip() for line in lines if marker in line)


@pytest.mark.parametrize(
    ("mode", "fixture", "marker", "cause", "decoded"),
    [
        (
            "auth",
            "doctor-network-only_proxy-407.txt",
            "proxy authentication required (required)",
            "proxy_auth_required",
            "proxy_auth_required",
        ),
        (
            "auth",
            "curl-verbose_proxy-407.txt",
            "HTTP/1.1 407 Proxy Authentication Required",
            "proxy_auth_required",
            "proxy_auth_required",
        ),
        (
            "intercept",
            "doctor-network-only_intercept.txt",
            "TLS handshake or certificate validation failed",
            "tls_interception",
            "tls_handshake_failed",
        ),
    ],
)
def test_pasted_codex_error_agrees_with_the_live_verdict(
    proxy_factory, lab_diagnose, mode, fixture, marker, cause, decoded
):
    proxy = proxy_factory(mode, credentials=("alice", "s3cret") if mode == "auth" else None)
    run = lab_diagnose(error=recorded_line(fixture, marker), HTTPS_PROXY=proxy.url)
    assert_verdict(run, cause)
    first = run.json["decoded_error"][0]
    assert (first["id"], first["cause_hint"], first["flow_step"]) == (
        decoded,
        cause,
        "token_exchange",
    )


@pytest.mark.parametrize(
    "args",
    [
        ["diagnose", "--timeout", "-1"],
        ["frobnicate"],
        ["diagnose", "--auth-url", "ftp://x"],
        ["fix", "no-such-fix"],
    ],
)
def test_usage_errors_exit_2(home, args):
    assert run_wizard(args, clean_env(home)).returncode == 2


def test_offline_in_a_namespace_without_a_route(home):
    """Only loopback and no route: nothing resolves and there is no way out, so the verdict
    says this computer is not connected, not that one name is unknown."""
    run = run_wizard(
        ["diagnose", "--json", "--timeout", "20"], clean_env(home), wrap=in_namespace(LOOPBACK_ONLY)
    )
    verdict = assert_verdict(run, "offline")
    assert verdict["title"] == "This computer is not connected to the internet"
    assert verdict["steps"]["token_exchange"] == "fail"
    assert verdict["fixes"] == []


def test_a_variable_that_replaces_the_saved_sign_in_is_named_with_its_place(home, lab_diagnose):
    dotenv = home / ".codex" / ".env"
    dotenv.parent.mkdir()
    dotenv.write_text("OPENAI_IDENTITY_TOKEN_FILE=/run/lab/never-shown-token\n")
    run = lab_diagnose(CODEX_ACCESS_TOKEN="eyJlab-never-shown")
    verdict = assert_verdict(run, "auth_mode_override", "store")
    assert verdict["evidence"] == ["auth_mode"]
    assert verdict["summary"] == (
        "OPENAI_IDENTITY_TOKEN_FILE is set (~/.codex/.env) without its other half, so Codex "
        "tries to sign in as a workload identity (a server account) instead of with your saved "
        "sign-in, and fails."
    )
    assert verdict["next_action"].startswith(
        "Remove OPENAI_IDENTITY_TOKEN_FILE and CODEX_ACCESS_TOKEN from your settings"
    )
    assert verdict["fixes"] == ["auth-env-repair"]
    assert "never-shown" not in run.stdout


def test_codex_set_to_api_keys_only_is_managed_policy_naming_the_method(home, lab_diagnose):
    config = home / ".codex" / "config.toml"
    config.parent.mkdir()
    config.write_text('forced_login_method = "api"\n')
    verdict = assert_verdict(lab_diagnose(), "managed_policy", "authorize")
    assert verdict["evidence"] == ["login_policy"]
    assert verdict["summary"] == (
        "Your own Codex settings (~/.codex/config.toml) allow only API key sign-in, so signing "
        "in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”"
    )
    assert verdict["next_action"].startswith(
        "Take the line forced_login_method out of ~/.codex/config.toml"
    )
    assert verdict["fixes"] == []
