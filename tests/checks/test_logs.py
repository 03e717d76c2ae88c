"""The error decoder (every pattern, with real strings) and check_codex_logs over real log files."""

from __future__ import annotations

import json
import os
import time

import pytest

from tests.checks.test_decoder_codex_0169 import covered_ids as codex_0169_ids
from tests.helpers import FIXTURES, FakeRunner, fixture_text, make_env, run_check
from tests.lab.home import LabHome
from wizard.checks.catalog import ALL_CHECKS
from wizard.checks.logs import (
    MAX_LOG_BYTES,
    check_codex_logs,
    decode_error,
    decode_line,
    decoder_patterns,
    latest_attempt,
    read_tail,
    sanitize_excerpt,
)
from wizard.core.i18n import localize
from wizard.core.model import Status
from wizard.core.profile import resource_path
from wizard.core.rules import cause_table

# (text as Codex or the extension prints it, the ids decode_error finds, most specific first).
# Sources: shared/reference/codex-signin-facts.md (section), seeds, or the issue named.
REAL_STRINGS = [
    # §2/§7-A, seed 000
    (
        "Error logging in: Token exchange failed: error sending request for url "
        "(https://auth.openai.com/oauth/token)",
        ["token_send_failed"],
    ),
    # openai/codex#6790
    (
        "Token exchange error: error sending request for url (https://auth.openai.com/oauth/token)",
        ["token_send_failed"],
    ),
    # §6 device flow (#36490)
    (
        "error sending request for url (https://auth.openai.com/api/accounts/deviceauth/usercode)",
        ["device_code_send_failed"],
    ),
    # field-failure-modes-2026 (WSL2 + VPN, openai/codex#7623)
    (
        "error sending request for url (https://chatgpt.com/backend-api/wham/apps)",
        ["request_send_failed"],
    ),
    # §5 / openai/codex#41434
    (
        "oauth token exchange transport failure is_timeout=false is_connect=true is_request=true",
        ["token_transport_connect"],
    ),
    # §5 template with the timeout flag set
    (
        "oauth token exchange transport failure is_timeout=true is_connect=false is_request=true",
        ["token_transport_timeout"],
    ),
    ("oauth token exchange transport failure", ["token_transport_failure"]),
    # §7-B
    (
        "Token exchange failed: token endpoint returned status 403 Forbidden: "
        "Country, region, or territory not supported",
        ["region_blocked", "token_endpoint_403"],
    ),
    ("unsupported_country_region_territory", ["region_blocked"]),
    ("Token exchange failed: token endpoint returned status 403 Forbidden", ["token_endpoint_403"]),
    # §2 (status + detail fallback "unknown error")
    (
        "Token exchange failed: token endpoint returned status 502 Bad Gateway: unknown error",
        ["token_endpoint_5xx"],
    ),
    (
        "Token exchange failed: token endpoint returned status 400 Bad Request: unknown error",
        ["token_endpoint_rejected"],
    ),
    ("oauth token exchange returned non-success status", ["token_endpoint_rejected"]),
    # §3 / #40839, #26764, #24167
    (
        "Token exchange failed: error sending request for url (https://auth.openai.com/oauth/token)"
        ": client error (Connect): invalid peer certificate: UnknownIssuer",
        ["tls_unknown_issuer", "token_send_failed"],
    ),
    ("invalid peer certificate: BadSignature", ["tls_bad_signature"]),
    ("invalid peer certificate: Expired", ["tls_cert_time"]),
    ("invalid peer certificate: NotValidYet", ["tls_cert_time"]),
    # §2 very old Python helper (#1448), seed 000
    (
        "Token exchange failed: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate "
        "verify failed: unable to get local issuer certificate (_ssl.c:1006)>",
        ["python_cert_verify_failed"],
    ),
    # §2 custom_ca.rs
    (
        "Failed to load CA certificates from /etc/ssl/corp.pem selected by CODEX_CA_CERTIFICATE: "
        "no certificates found in PEM file. If you set CODEX_CA_CERTIFICATE or SSL_CERT_FILE, "
        "ensure it points to a PEM file containing one or more CERTIFICATE blocks, or unset it "
        "to use system roots.",
        ["ca_file_no_certificates", "ca_file_unreadable"],
    ),
    (
        "Failed to read CA certificate file /etc/ssl/missing.pem selected by SSL_CERT_FILE: "
        "No such file or directory (os error 2)",
        ["ca_file_unreadable"],
    ),
    # ninja#159, forgecode#3024 (reqwest/hyper DNS errors)
    (
        "error sending request for url (https://auth0.openai.comhttps//chat.openai.com/): error "
        "trying to connect: dns error: failed to lookup address information: Name does not resolve",
        ["dns_lookup_failed"],  # the generic "error sending request" adds nothing here
    ),
    (
        "    4: failed to lookup address information: nodename nor servname provided, or not known",
        ["dns_lookup_failed"],
    ),
    # §7-A (stale proxy) — macOS errno 61, Linux 111
    ("tcp connect error: Connection refused (os error 61)", ["connection_refused"]),
    # §1a, §7-E, seed 000
    ("Error logging in: Port 127.0.0.1:1455 is already in use", ["port_in_use"]),
    ("Port 127.0.0.1:1457 is already in use", ["port_in_use"]),
    (
        "Sign-in failed: failed to start login server: Port `127.0.0.1:1457` is already in use",
        ["port_in_use"],
    ),
    ("Local callback port 1455 is already in use on this machine.", ["port_in_use"]),
    ("Address in use (os error 98)", ["address_in_use"]),
    # §7-F
    (
        "An attempt was made to access a socket in a way forbidden by its access permissions. "
        "(os error 10013)",
        ["port_reserved"],
    ),
    ("bind failed: WSAEACCES", ["port_reserved"]),
    (
        "Only one usage of each socket address (protocol/network address/port) is normally "
        "permitted. (os error 10048)",
        ["port_in_use_windows"],
    ),
    (
        "default login callback port is unavailable; falling back to the registered fallback port",
        ["port_fallback"],
    ),
    # §1, §7-E (#12263)
    ("State mismatch", ["state_mismatch"]),
    (
        "2026-03-06T22:09:03.431699Z  INFO codex_login::server: received login callback "
        "path=/auth/callback has_code=true has_state=true has_error=false state_valid=false",
        ["state_mismatch"],
    ),
    # seed 000
    ("[spawn-codex-process] Spawning codex process inside WSL", ["wsl_spawn"]),
    ("[wsl] eligible distro list: Ubuntu", ["wsl_distro_list"]),
    # §1a shared callback helper
    ("OAuth flow timed out waiting for the browser callback.", ["login_timed_out"]),
    # §2 (#18250)
    ("Sign-in failed: Login server error: Login was not completed", ["login_not_completed"]),
    ("Login cancelled", ["login_cancelled"]),
    # §2
    (
        "Codex is not enabled for your workspace. Contact your workspace administrator to request "
        "access to Codex.",
        ["no_codex_entitlement"],
    ),
    (
        "Login is restricted to workspace id(s) 11111111-2222-3333-4444-555555555555.",
        ["workspace_restricted"],
    ),
    ("ChatGPT login is disabled. Use API key login instead.", ["login_method_forced"]),
    ("API key login is disabled. Use ChatGPT login instead.", ["login_method_forced"]),
    # PR #13797 (codex-login.log)
    (
        "2026-03-06T22:09:03.431745Z  WARN codex_login::server: oauth callback returned error "
        'error_code="access_denied" has_error_description=true',
        ["authorize_error"],
    ),
    ("Missing authorization code. Sign-in could not be completed.", ["missing_authorization_code"]),
    ("error_code: missing_authorization_code", ["missing_authorization_code"]),
    ("Sign-in completed but credentials could not be saved locally.", ["persist_failed"]),
    ("error_code: persist_failed", ["persist_failed"]),
    # §6
    (
        "device code login is not enabled for this Codex server. Use the browser login or verify "
        "the server URL.",
        ["device_code_disabled"],
    ),
    # seed 004 (hosted error page)
    ("error_code: token_exchange_failed", ["token_exchange_failed"]),
    # field-failure-modes-2026 §1.1, 1.2, 1.6 (tests/fixtures/account/SOURCES.md)
    (fixture_text("account", "add-phone-url.txt"), ["add_phone_page"]),
    (fixture_text("account", "add-phone-unable-to-send.txt"), ["phone_code_refused"]),
    (fixture_text("account", "add-phone-invalid-number.txt"), ["phone_code_refused"]),
    (
        fixture_text("account", "auth-error-workspace-disabled.txt"),
        ["auth_error_workspace_disabled"],
    ),
    (fixture_text("account", "auth-error-invalid-state.txt"), ["auth_error_invalid_state"]),
    (fixture_text("account", "auth-error-unknown-error.txt"), ["auth_error_code"]),
    (fixture_text("account", "refresh-token-reused-server.txt"), ["refresh_token_reused"]),
    (fixture_text("account", "refresh-token-reused-codex-0169.txt"), ["refresh_token_reused"]),
    # field-failure-modes-2026 §1.8: SChannel's own words (tests/fixtures/trust/SOURCES.md)
    (fixture_text("trust", "git_schannel_untrusted_root.txt"), ["schannel_untrusted_root"]),
    (
        fixture_text("trust", "curl_schannel_no_revocation_check.txt"),
        ["schannel_no_revocation_check"],
    ),
    # §1.14: wsl.exe's own warning (tests/fixtures/wsl/SOURCES.md)
    (fixture_text("wsl", "wsl_localhost_proxy_nat_warning.txt"), ["wsl_localhost_proxy_nat"]),
    # field-failure-modes-2026 §1.3 (tests/fixtures/routing/SOURCES.md)
    (fixture_text("routing", "account-read-routing-failed.txt"), ["workspace_routing_failed"]),
    (fixture_text("routing", "tui-duplicate-workspace.txt"), ["workspace_routing_failed"]),
    (
        fixture_text("routing", "selected-workspace-missing-codex-0169.txt"),
        ["workspace_routing_failed"],
    ),
    (fixture_text("routing", "routing-timed-out-codex-0169.txt"), ["workspace_routing_timed_out"]),
    (
        fixture_text("routing", "desktop-routing-unavailable-432.txt"),
        ["workspace_routing_unavailable"],
    ),
    (
        fixture_text("routing", "desktop-signin-requirements.txt"),
        ["signin_requirements_unavailable"],
    ),
    # the desktop app's log (tests/fixtures/desktop/SOURCES.md)
    (fixture_text("desktop", "routing-432-46812.log"), ["workspace_routing_unavailable"]),
    (fixture_text("desktop", "routing-432-46786.txt"), ["workspace_routing_unavailable"]),
    (fixture_text("desktop", "global-state-exdev-46786.txt"), ["desktop_state_exdev"]),
    (fixture_text("desktop", "access-token-missing-44578.txt"), ["desktop_token_missing"]),
    (
        fixture_text("desktop", "no-token-attached-39491.txt"),
        ["desktop_token_missing", "desktop_auth_401"],
    ),
    (fixture_text("desktop", "auth-401-44578.log"), ["desktop_auth_401"]),
    (fixture_text("desktop", "bootstrap-401-30775.log"), ["desktop_auth_401"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), REAL_STRINGS, ids=[f"{e[1][0]}-{i}" for i, e in enumerate(REAL_STRINGS)]
)
def test_decoder_on_real_strings(text, expected):
    assert [d.id for d in decode_error(text)] == expected
    first = decode_line(text)
    assert first is not None and first.id == expected[0]


def test_every_pattern_has_a_real_string():
    covered = {i for _text, ids in REAL_STRINGS for i in ids} | codex_0169_ids()
    assert covered == {p.id for p in decoder_patterns()}


def test_decoder_data_is_consistent_with_the_cause_table():
    data = json.loads(resource_path("decoder.json").read_text(encoding="utf-8"))
    causes = set(cause_table()["causes"])
    steps = {"authorize", "callback", "listener", "token_exchange", "store"}
    checks = {spec.id for spec in ALL_CHECKS}
    ids = [p["id"] for p in data["patterns"]]
    assert len(ids) == len(set(ids))
    for pattern in data["patterns"]:
        assert pattern["cause_hint"] is None or pattern["cause_hint"] in causes
        assert pattern["flow_step"] in steps
        assert set(pattern["confirm"]) <= checks
        assert pattern["severity"] in ("error", "info")
        assert pattern["meaning"] and pattern["technical"]
        assert pattern.get("log_fault") in (None, *cause_table()["faults"])
    assert set(data["step_summaries"]) == steps


def test_no_match_and_decoded_json():
    assert decode_line("Activating Codex extension") is None
    assert decode_error("all good\nnothing here") == []
    decoded = decode_line("[wsl] eligible distro list: Ubuntu")
    assert decoded is not None
    assert decoded.to_json() == {
        "id": "wsl_distro_list",
        "meaning": decoded.meaning,
        "technical": decoded.technical,
        "cause_hint": "wsl_relay",
        "flow_step": "listener",
        "confirm_checks": ["ide_settings", "wsl"],
        "severity": "info",
        "excerpt": "[wsl] eligible distro list: Ubuntu",
        "log_fault": None,
    }


def test_decode_error_lists_each_finding_once_in_pattern_order():
    text = fixture_text("logs", "cursor_codex_wsl.log") + "State mismatch\nState mismatch\n"
    assert [d.id for d in decode_error(text)] == ["state_mismatch", "wsl_spawn", "wsl_distro_list"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "redirect to http://localhost:1455/auth/callback?code=ac_SECRET123&state=ST4TE&scope=openid",
            "redirect to http://localhost:1455/auth/callback?<redacted>",
        ),
        ("code=ac_SECRET123 state=ST4TE", "code=<redacted> state=<redacted>"),
        ('id_token="eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln" ok', 'id_token="<redacted>" ok'),
        ("got eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln back", "got <redacted> back"),
        ("key sk-proj-ABCDEFGHIJKLMNOPQRSTUV used", "key <redacted> used"),
        ("Authorization: Bearer abc.DEF-123", "Authorization: Bearer <redacted>"),
        (
            'has_code=true has_state=true state_valid=true error_code="access_denied"',
            'has_code=true has_state=true state_valid=true error_code="access_denied"',
        ),
    ],
)
def test_sanitize_excerpt(line, expected):
    assert sanitize_excerpt(line) == expected


def test_excerpts_never_carry_codes_or_tokens():
    text = (
        "Token exchange failed: error sending request for url (https://auth.openai.com/oauth/token"
        "?code=ac_SECRET123&state=ST4TE) id_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
    )
    [decoded] = decode_error(text)
    dumped = json.dumps(decoded.to_json())
    for secret in ("ac_SECRET123", "ST4TE", "eyJhbGci"):
        assert secret not in dumped


def test_excerpt_is_capped():
    decoded = decode_line("State mismatch " + "x" * 1000)
    assert decoded is not None and len(decoded.excerpt) == 300


# --- reading logs ------------------------------------------------------------------------


def test_latest_attempt_uses_the_last_start_marker():
    lines = fixture_text("logs", "login_access_denied_then_success.log").splitlines()
    attempt = latest_attempt(lines)
    assert len(attempt) == 4
    assert attempt[0].startswith("2026-03-06T22:09:14.065559Z")


def test_latest_attempt_without_markers_is_everything():
    lines = fixture_text("logs", "transport_failure_excerpt.log").splitlines()
    assert latest_attempt(lines) == lines


def test_read_tail_reads_only_the_end(tmp_path):
    log = tmp_path / "big.log"
    head = ("old line that must not be read\n" * 50_000).encode()
    log.write_bytes(head + b"State mismatch\n")
    assert len(head) > MAX_LOG_BYTES
    text = read_tail(log)
    assert text.endswith("State mismatch\n")
    assert len(text.encode()) <= MAX_LOG_BYTES
    assert text.startswith("old line")  # starts at a whole line


# --- the check -------------------------------------------------------------------------


def test_no_logs_is_skip(home):
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.status is Status.SKIP
    assert outcome.summary == "No Codex sign-in logs found."


def test_latest_attempt_succeeded_passes(home):
    LabHome(home).codex_log(fixture_text("logs", "login_access_denied_then_success.log"))
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.status is Status.PASS
    assert outcome.summary == "The last sign-in in the Codex log worked."
    login = outcome.evidence["login_log"]
    assert login["file"] == "~/.codex/log/codex-login.log"
    assert login["outcome"] == "succeeded"
    assert login["attempt_started"] == "2026-03-06T22:09:14.065559Z"
    assert outcome.evidence["findings"] == []  # the earlier access_denied attempt is not counted


def test_failed_attempt_warns_and_names_the_step(home):
    LabHome(home).codex_log(fixture_text("logs", "login_access_denied.log"))
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.status is Status.WARN
    assert outcome.summary == (
        "The last sign-in failed on the sign-in page itself, before Codex got a sign-in code."
    )
    [finding] = outcome.evidence["findings"]
    assert finding["id"] == "authorize_error"
    assert finding["timestamp"] == "2026-03-06T22:09:03.431745Z"
    assert finding["file"] == "~/.codex/log/codex-login.log"
    assert outcome.evidence["login_log"]["outcome"] == "failed"
    assert outcome.faults == ()


def test_a_browser_sign_in_that_never_came_back_is_likely_account_side(home):
    # The real 0.169 log of a sign-in whose browser never returned (recorded in the lab by
    # tests/lab/test_codex_no_callback.py, the same lines as the ports-busy run's first one).
    LabHome(home).codex_log(fixture_text("codex-0.169", "codex-login-log_no-callback.log"))
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.status is Status.WARN and outcome.faults == ("login_no_callback",)
    assert outcome.evidence["login_log"]["callback_arrived"] is False


def test_a_port_fallback_or_a_callback_is_no_sign_of_the_account(home):
    LabHome(home).codex_log(fixture_text("codex-0.169", "codex-login-log_ports-busy.log"))
    assert run_check(check_codex_logs, make_env(home)).faults == ()
    LabHome(home).codex_log(fixture_text("codex-0.169", "codex-login-log_token-400.log"))
    assert run_check(check_codex_logs, make_env(home)).faults == ()
    LabHome(home).codex_log(fixture_text("logs", "login_access_denied.log"))
    assert run_check(check_codex_logs, make_env(home)).faults == ()


def test_transport_failure_warns_plainly(home):
    LabHome(home).codex_log(fixture_text("logs", "transport_failure_excerpt.log"))
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.status is Status.WARN
    assert outcome.summary == (
        "The last sign-in failed while sending the code to the sign-in server."
    )
    assert [f["id"] for f in outcome.evidence["findings"]] == [
        "token_transport_connect",
        "token_send_failed",
    ]
    assert outcome.evidence["primary_finding"] == "token_transport_connect"
    # what the log proves: that request never got an answer (the verdict uses it only when the
    # live checks find nothing)
    assert outcome.faults == ("codex_log_no_answer",)


def test_the_real_intercepted_exchange_proves_no_answer(home):
    # Real Codex 0.169 through an intercepting proxy it does not trust: is_connect=true and no
    # word of a certificate (tests/fixtures/codex-0.169/SOURCES.md).
    LabHome(home).codex_log(fixture_text("codex-0.169", "codex-login-log_intercept.log"))
    outcome = run_check(check_codex_logs, make_env(home))
    assert (outcome.status, outcome.faults) == (Status.WARN, ("codex_log_no_answer",))
    assert outcome.evidence["facts"] == {
        "log_file": "~/.codex/log/codex-login.log",
        "attempt_started": "2026-12-03T13:29:24.984342Z",
    }
    [connect] = [f for f in outcome.evidence["findings"] if f["id"] == "token_transport_connect"]
    assert "certificate" in connect["meaning"]


def test_an_answered_failure_proves_no_missing_answer(home):
    LabHome(home).codex_log(fixture_text("codex-0.169", "codex-login-log_token-403-region.log"))
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.status is Status.WARN
    assert outcome.faults == ()


def test_codex_home_variable_is_honoured(home, tmp_path):
    codex_home = tmp_path / "ch"
    LabHome(home, codex_home=codex_home).codex_log("State mismatch\n")
    outcome = run_check(check_codex_logs, make_env(home, {"CODEX_HOME": str(codex_home)}))
    assert outcome.status is Status.WARN
    assert outcome.evidence["login_log"]["file"] == str(codex_home / "log" / "codex-login.log")


def test_windows_cursor_log_spawning_wsl_is_proof(home):
    """Seed 000: Cursor's Codex.log shows Codex started inside WSL."""
    LabHome(home).ide_log(fixture_text("logs", "cursor_codex_wsl.log"), "Cursor", windows=True)
    env = make_env(home, platform="windows", runner=FakeRunner())
    outcome = run_check(check_codex_logs, env)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("log_wsl_spawn",)
    assert outcome.evidence["facts"] == {"editors": "Cursor"}
    ide = outcome.evidence["ide_log"]
    assert ide["editor"] == "Cursor"
    assert ide["runs_codex_in_wsl"] is True
    assert ide["file"] == (
        "~/AppData/Roaming/Cursor/logs/20261121T101010/window1/exthost/openai.chatgpt/Codex.log"
    )
    assert [f["id"] for f in outcome.evidence["findings"]] == ["wsl_spawn", "wsl_distro_list"]


def test_wsl_spawn_outside_windows_is_not_a_fault(home):
    LabHome(home).ide_log(fixture_text("logs", "cursor_codex_wsl.log"), "Cursor")
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.faults == ()
    assert outcome.status is Status.WARN


def test_only_the_newest_ide_log_counts(home):
    lab = LabHome(home)
    old = lab.ide_log(fixture_text("logs", "cursor_codex_wsl.log"), "Cursor", windows=True)
    new = lab.ide_log(
        "[CodexMcpConnection] Spawning codex app-server\n",
        "Cursor",
        session="20261122T080000",
        windows=True,
    )
    past = time.time() - 3600
    os.utime(old, (past, past))
    env = make_env(home, platform="windows", runner=FakeRunner())
    outcome = run_check(check_codex_logs, env)
    assert outcome.faults == ()
    assert outcome.status is Status.PASS
    assert outcome.summary == "The Codex logs show no sign-in error."
    assert outcome.evidence["ide_log"]["file"].endswith(
        "20261122T080000/window1/exthost/openai.chatgpt/Codex.log"
    )
    assert outcome.evidence["ide_log"]["logs_found"] == 2
    assert new.exists()


def test_vscode_server_log_is_found(home):
    LabHome(home).file(
        ".vscode-server/data/logs/20261121T090000/exthost1/openai.chatgpt/Codex.log",
        "Sign-in failed: Login server error: Login was not completed\n",
    )
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.status is Status.WARN
    assert outcome.summary == "The last sign-in failed: the browser's return never reached Codex."
    assert outcome.evidence["ide_log"]["editor"] == "VS Code Server"


def test_fixture_sources_are_documented():
    sources = (FIXTURES / "logs" / "SOURCES.md").read_text(encoding="utf-8")
    for path in (FIXTURES / "logs").glob("*.log"):
        assert f"`{path.name}`" in sources


def test_the_attempt_time_is_data_written_for_people_by_the_reader(home):
    LabHome(home).codex_log(
        "2026-12-03T15:29:24+02:00 starting browser login flow\n"
        "oauth token exchange transport failure is_timeout=true\n"
    )
    outcome = run_check(check_codex_logs, make_env(home))
    started = outcome.evidence["facts"]["attempt_started"]
    assert json.loads(json.dumps(outcome.evidence))["facts"]["attempt_started"] == (
        "2026-12-03T15:29:24+02:00"  # JSON keeps the ISO 8601 time as the log wrote it
    )
    # in a sentence without a reader's formatter (the CLI, the case file): one unambiguous zone
    assert f"{started}" == "2026-12-03 13:29 UTC"
    assert localize(started, None, lambda m: f"<{m.instant():%H:%M}>") == "<15:29>"
