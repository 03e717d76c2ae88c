"""The decoder against every line the real Codex CLI 0.169.0 printed in the lab.

tests/fixtures/codex-0.169/ holds the recorded outputs (SOURCES.md says how each was made).
Every line of every file is decoded: a line marked below must give exactly the listed pattern
ids (most specific first), every other line must give nothing. Each pattern met here must carry
the cause hint, sign-in step and plain-language point listed in PATTERN_FACTS."""

from __future__ import annotations

import pytest

from tests.helpers import FIXTURES, make_env, run_check
from tests.lab.home import LabHome
from wizard.checks.logs import check_codex_logs, decode_error
from wizard.core.model import Status

FIXTURE_DIR = FIXTURES / "codex-0.169"

# pattern id -> (cause hint, flow step, a word the English meaning must use)
PATTERN_FACTS: dict[str, tuple[str | None, str, str]] = {
    "proxy_auth_required": ("proxy_auth_required", "token_exchange", "password"),
    "tls_handshake_failed": ("tls_interception", "token_exchange", "certificate"),
    "ca_env_var_unusable": ("ca_bundle_broken", "token_exchange", "certificate"),
    "ca_file_unreadable": ("ca_bundle_broken", "token_exchange", "certificate"),
    "ca_file_no_certificates": ("ca_bundle_broken", "token_exchange", "certificates"),
    "doctor_connect_failed": (None, "token_exchange", "proxy"),
    "doctor_request_timed_out": ("network_blocked", "token_exchange", "answer"),
    "doctor_proxy_config_invalid": ("proxy_unreachable", "token_exchange", "proxy"),
    "doctor_unreachable": (None, "token_exchange", "certificate"),
    "doctor_websocket_failed": (None, "token_exchange", "does not stop sign-in"),
    "doctor_dns_lookup": (None, "token_exchange", "proxy"),
    "dns_lookup_failed": ("dns_failure", "token_exchange", "address"),
    "connection_refused": ("proxy_unreachable", "token_exchange", "proxy"),
    "token_send_failed": (None, "token_exchange", "secure connection"),
    "device_code_send_failed": (None, "token_exchange", "device code"),
    "token_transport_connect": (None, "token_exchange", "certificate"),
    "token_transport_timeout": ("network_blocked", "token_exchange", "timed out"),
    "token_transport_failure": (None, "token_exchange", "secure connection"),
    "token_connect_retry": (None, "token_exchange", "system proxy"),
    "token_exchange_failed": (None, "token_exchange", "sign-in server"),
    "token_endpoint_rejected": (None, "token_exchange", "rejected"),
    "token_endpoint_403": ("region_blocked", "token_exchange", "region"),
    "region_blocked": ("region_blocked", "token_exchange", "region"),
    "token_endpoint_5xx": ("server_error", "token_exchange", "error of its own"),
    "port_in_use": ("callback_port_busy", "listener", "sign-in port"),
    "port_fallback": (None, "listener", "1457"),
    "login_server_cancel_failed": (None, "listener", "1457"),
    "state_mismatch": ("callback_port_busy", "listener", "different sign-in window"),
    "authorize_error": (None, "authorize", "error"),
    "missing_authorization_code": (None, "callback", "without a sign-in code"),
    "workspace_restricted": ("managed_policy", "authorize", "workspace"),
    "no_codex_entitlement": ("workspace_policy", "authorize", "workspace"),
    "login_cancelled": (None, "callback", "cancelled"),
    "login_not_completed": (None, "callback", "closed"),
    "persist_failed": (None, "store", "save"),
    "keyring_fallback": (None, "store", "keyring"),
    "device_code_disabled": ("workspace_policy", "authorize", "device code"),
    "device_code_request_failed": (None, "authorize", "device code"),
    "device_code_timed_out": (None, "authorize", "15 minutes"),
}

# Lines every failing `codex doctor` run printed in the lab (the DNS line is the namespace's
# doing, see SOURCES.md; the websocket warning is printed twice, in Notes and Connectivity).
DOCTOR_NETWORK = {
    "Responses WebSocket failed; HTTPS fallback": ["doctor_websocket_failed"],
    "DNS                      lookup failed (": ["doctor_dns_lookup"],
}
DOCTOR_FAILED = {**DOCTOR_NETWORK, "unreachable over HTTP": ["doctor_unreachable"]}
DOCTOR_JSON_FAILED = {
    '"summary": "Responses WebSocket failed': ["doctor_websocket_failed"],
    '"DNS": "lookup failed (': ["doctor_dns_lookup"],
    '"summary": "one or more required provider endpoints are unreachable': ["doctor_unreachable"],
}
TLS_FAILED = {"TLS handshake or certificate validation failed": ["tls_handshake_failed"]}
PROXY_407 = {"proxy authentication required (required)": ["proxy_auth_required"]}
CA_UNREADABLE = {"custom CA env var points at an unreadable path": ["ca_env_var_unusable"]}
CA_NOT_A_FILE = {"custom CA env var does not point at a file": ["ca_env_var_unusable"]}
CA_READ_FAILED = {"Failed to read CA certificate file": ["ca_file_unreadable"]}
CA_NO_CERTS = {
    "no certificates found in PEM file": ["ca_file_no_certificates", "ca_file_unreadable"]
}
TOKEN_SEND = {
    "error sending request for url (https://auth.openai.com/oauth/token)": ["token_send_failed"]
}
LOG_CALLBACK_FAILED = {"login callback token exchange failed": ["token_exchange_failed"]}
LOG_CONNECT_FAILED = {
    **LOG_CALLBACK_FAILED,
    "retrying with system proxy": ["token_connect_retry"],
    "is_timeout=false is_connect=true": ["token_transport_connect", "token_send_failed"],
}
DEVICE_SEND = {"deviceauth/usercode)": ["device_code_send_failed"]}

RECORDED: dict[str, dict[str, list[str]]] = {
    "doctor-network-only_healthy.txt": DOCTOR_NETWORK,
    "doctor-network-only_proxy-407.txt": {**DOCTOR_FAILED, **PROXY_407},
    "doctor-network-only_proxy-407_http-base-url.txt": {
        **DOCTOR_FAILED,
        "proxy authentication required (HTTP 407)": ["proxy_auth_required"],
    },
    "doctor-network-only_proxy-dead.txt": {
        **DOCTOR_FAILED,
        "connect failed (required)": ["doctor_connect_failed"],
    },
    "doctor-network-only_proxy-silent.txt": {
        "DNS                      lookup failed (": ["doctor_dns_lookup"],
        "unreachable over HTTP": ["doctor_unreachable"],
        "Responses WebSocket timed out; HTTPS fallback": ["doctor_websocket_failed"],
        "request timed out (required)": ["doctor_request_timed_out"],
    },
    "doctor-network-only_intercept.txt": {**DOCTOR_FAILED, **TLS_FAILED},
    "doctor-network-only_codex-ca-missing.txt": {**DOCTOR_FAILED, **TLS_FAILED, **CA_UNREADABLE},
    "doctor-network-only_codex-ca-empty.txt": {**DOCTOR_FAILED, **TLS_FAILED},
    "doctor-network-only_codex-ca-not-pem.txt": {**DOCTOR_FAILED, **TLS_FAILED},
    "doctor-network-only_codex-ca-directory.txt": {**DOCTOR_FAILED, **TLS_FAILED, **CA_NOT_A_FILE},
    "doctor-network-only_ssl-cert-file-missing.txt": {
        **DOCTOR_FAILED,
        **TLS_FAILED,
        **CA_UNREADABLE,
    },
    "doctor-network-only_ssl-cert-file-empty.txt": {**DOCTOR_FAILED, **TLS_FAILED},
    "doctor-network-only_ssl-cert-file-not-pem.txt": {**DOCTOR_FAILED, **TLS_FAILED},
    "doctor-network-only_ssl-cert-file-directory.txt": {
        **DOCTOR_FAILED,
        **TLS_FAILED,
        **CA_NOT_A_FILE,
    },
    "doctor_proxy-407.txt": {**DOCTOR_FAILED, **PROXY_407},
    "doctor_intercept.txt": {**DOCTOR_FAILED, **TLS_FAILED},
    "doctor-json_proxy-407.txt": {**DOCTOR_JSON_FAILED, **PROXY_407},
    "doctor-json_intercept.txt": {**DOCTOR_JSON_FAILED, **TLS_FAILED},
    "doctor-json_proxy-dead.txt": {
        **DOCTOR_JSON_FAILED,
        "connect failed (required)": ["doctor_connect_failed"],
    },
    "doctor-json_codex-ca-missing.txt": {
        **DOCTOR_JSON_FAILED,
        **TLS_FAILED,
        **CA_UNREADABLE,
        **CA_READ_FAILED,  # the update check's error
    },
    "login-stderr_token-400.txt": {"status 400 Bad Request": ["token_endpoint_rejected"]},
    "login-stderr_proxy-407.txt": TOKEN_SEND,
    "login-stderr_proxy-dead.txt": TOKEN_SEND,
    "login-stderr_proxy-silent.txt": TOKEN_SEND,
    "login-stderr_intercept.txt": TOKEN_SEND,
    "login-stderr_codex-ca-missing.txt": CA_READ_FAILED,
    "login-stderr_codex-ca-empty.txt": CA_NO_CERTS,
    "login-stderr_codex-ca-not-pem.txt": CA_NO_CERTS,
    "login-stderr_ssl-cert-file-missing.txt": CA_READ_FAILED,
    "login-stderr_ssl-cert-file-empty.txt": CA_NO_CERTS,
    "login-stderr_token-403-region.txt": {
        "status 403 Forbidden": ["region_blocked", "token_endpoint_403"],
    },
    "login-stderr_token-503.txt": {"status 503 Service Unavailable": ["token_endpoint_5xx"]},
    "login-stderr_ports-busy.txt": {"is already in use": ["port_in_use"]},
    "login-device-auth-stderr_usercode-404.txt": {
        "device code login is not enabled": ["device_code_disabled"],
    },
    "login-device-auth-stderr_proxy-407.txt": DEVICE_SEND,
    "login-device-auth-stderr_proxy-dead.txt": DEVICE_SEND,
    "codex-login-log_token-400.log": {
        **LOG_CALLBACK_FAILED,
        "status=400 Bad Request": ["token_endpoint_rejected"],
    },
    "codex-login-log_proxy-407.log": LOG_CONNECT_FAILED,
    "codex-login-log_proxy-dead.log": LOG_CONNECT_FAILED,
    "codex-login-log_intercept.log": LOG_CONNECT_FAILED,
    "codex-login-log_proxy-silent.log": {
        **LOG_CALLBACK_FAILED,
        "retrying with system proxy": ["token_connect_retry"],
        "is_timeout=true is_connect=true": ["token_transport_timeout", "token_send_failed"],
    },
    "codex-login-log_codex-ca-missing.log": LOG_CALLBACK_FAILED,
    "codex-login-log_token-403-region.log": {
        **LOG_CALLBACK_FAILED,
        "status=403 Forbidden": ["token_endpoint_403"],
    },
    "codex-login-log_token-503.log": {
        **LOG_CALLBACK_FAILED,
        "status=503 Service Unavailable": ["token_endpoint_5xx"],
    },
    "codex-login-log_ports-busy.log": {"callback port is unavailable": ["port_fallback"]},
    "codex-login-log_no-callback.log": {},  # no error line: the check reads the missing return
    "curl-verbose_proxy-407.txt": {
        "< HTTP/1.1 407 Proxy Authentication Required": ["proxy_auth_required"],
        "CONNECT tunnel failed, response 407": ["proxy_auth_required"],
    },
}

# Every literal in strings-signin.txt -> what it decodes to on its own. [] marks a fragment of
# a longer message (the recorded outputs above decode the whole message).
BINARY_STRINGS: dict[str, list[str]] = {
    "Token exchange error:": ["token_exchange_failed"],
    "Token exchange failed:": ["token_exchange_failed"],
    "token endpoint returned status": [],
    "error sending request": [],
    "starting oauth token exchange": [],
    "oauth token connection failed; retrying with system proxy": ["token_connect_retry"],
    "oauth token exchange succeeded": [],
    "oauth token exchange transport failure": ["token_transport_failure"],
    "oauth token exchange returned non-success status": ["token_endpoint_rejected"],
    "login callback token exchange failed": ["token_exchange_failed"],
    "token_exchange_failed": ["token_exchange_failed"],
    "persist_failed": ["persist_failed"],
    "Sign-in completed but credentials could not be saved locally.": ["persist_failed"],
    "login callback state mismatch": ["state_mismatch"],
    "State mismatch": ["state_mismatch"],
    "oauth callback returned error": ["authorize_error"],
    "missing_authorization_code": ["missing_authorization_code"],
    "Missing authorization code. Sign-in could not be completed.": ["missing_authorization_code"],
    "workspace_restriction": ["workspace_restricted"],
    "Login is restricted to workspace id(s)": ["workspace_restricted"],
    "Login is restricted to workspace(s)": ["workspace_restricted"],
    "Codex is not enabled for your workspace. Contact your workspace administrator to request "
    "access to Codex.": ["no_codex_entitlement"],
    "missing_codex_entitlement": ["no_codex_entitlement"],
    "Login cancelled": ["login_cancelled"],
    "Login was not completed": ["login_not_completed"],
    "default login callback port is unavailable; falling back to the registered fallback port": [
        "port_fallback"
    ],
    " is already in use": [],
    "Failed to cancel previous login server:": ["login_server_cancel_failed"],
    "failed to save auth to keyring, falling back to file storage:": ["keyring_fallback"],
    "failed to load CLI auth from keyring, falling back to file storage:": ["keyring_fallback"],
    "device code login is not enabled for this Codex server. Use the browser login or verify "
    "the server URL.": ["device_code_disabled"],
    "device code request failed with status": ["device_code_request_failed"],
    "device code exchange failed:": ["token_exchange_failed"],
    "failed to request device code:": ["device_code_request_failed"],
    "device auth timed out after 15 minutes": ["device_code_timed_out"],
    "Device authorization expired; start sign-in again": ["device_code_timed_out"],
    "/deviceauth/usercode": [],
    "/deviceauth/token": [],
    "invalid peer certificate:": [],
    "UnknownIssuer": [],
    "Failed to read CA certificate file": [],
    "Failed to load CA certificates from": [],
    " selected by": [],
    "no certificates found in PEM file": ["ca_file_no_certificates"],
    "If you set CODEX_CA_CERTIFICATE or SSL_CERT_FILE, ensure it points to a PEM file containing "
    "one or more CERTIFICATE blocks, or unset it to use system roots.": [],
    "tunnel error: proxy authorization required": ["proxy_auth_required"],
    "Proxy Authentication Required": ["proxy_auth_required"],
    "proxy authentication required (HTTP 407)": ["proxy_auth_required"],
    "proxy authentication required": ["proxy_auth_required"],
    "TLS handshake or certificate validation failed": ["tls_handshake_failed"],
    "invalid proxy configuration": ["doctor_proxy_config_invalid"],
    "unsupported proxy configuration": ["doctor_proxy_config_invalid"],
    "proxy resolution failed": ["doctor_proxy_config_invalid"],
    "system proxy configuration unavailable": ["doctor_proxy_config_invalid"],
    "request failed": [],
    "connect failed": [],
    "request timed out": [],
    "custom CA env var points at an unreadable file": ["ca_env_var_unusable"],
    "custom CA env var does not point at a file": ["ca_env_var_unusable"],
    "custom CA env var points at an unreadable path": ["ca_env_var_unusable"],
    "network-related environment looks readable": [],
    "one or more required provider endpoints are unreachable over HTTP": ["doctor_unreachable"],
    "Check proxy, VPN, firewall, DNS, and custom CA configuration.": [],
    "Responses WebSocket failed; HTTPS fallback may still work": ["doctor_websocket_failed"],
    "Responses WebSocket timed out; HTTPS fallback may still work": ["doctor_websocket_failed"],
    "DNS: lookup failed (": ["doctor_dns_lookup"],
    "dns error": ["dns_lookup_failed"],
    "tcp connect error": [],
    "Connection refused": ["connection_refused"],
}


def covered_ids() -> set[str]:
    """Every pattern id a recorded Codex 0.169.0 string decodes to."""
    recorded = {i for marks in RECORDED.values() for ids in marks.values() for i in ids}
    return recorded | {i for ids in BINARY_STRINGS.values() for i in ids}


def _assert_facts(text: str) -> list[str]:
    found = decode_error(text)
    for decoded in found:
        cause, step, word = PATTERN_FACTS[decoded.id]
        assert (decoded.cause_hint, decoded.flow_step) == (cause, step), decoded.id
        assert word in decoded.meaning, (decoded.id, decoded.meaning)
    return [d.id for d in found]


def test_every_recorded_output_is_in_the_table():
    on_disk = {p.name for p in FIXTURE_DIR.iterdir()} - {"SOURCES.md", "strings-signin.txt"}
    assert on_disk == set(RECORDED)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_every_line_of_a_recorded_output(name):
    marks = RECORDED[name]
    seen: set[str] = set()
    for line in (FIXTURE_DIR / name).read_text(encoding="utf-8").splitlines():
        hits = [m for m in marks if m in line]
        assert len(hits) <= 1, (line, hits)
        expected = marks[hits[0]] if hits else []
        assert _assert_facts(line) == expected, line
        seen.update(hits)
    assert seen == set(marks), f"marks not found in {name}: {set(marks) - seen}"


def test_every_binary_string():
    lines = (FIXTURE_DIR / "strings-signin.txt").read_text(encoding="utf-8").splitlines()
    literals = [line for line in lines if line and not line.startswith("#")]
    assert literals == list(BINARY_STRINGS)
    for literal in literals:
        assert _assert_facts(literal) == BINARY_STRINGS[literal], literal


def test_a_pasted_doctor_report_names_the_proxy_password_first():
    """The whole `codex doctor` output pasted at once: the 407 leads, the warnings follow."""
    ids = [d.id for d in decode_error((FIXTURE_DIR / "doctor_proxy-407.txt").read_text())]
    assert ids == [
        "proxy_auth_required",
        "doctor_dns_lookup",
        "doctor_unreachable",
        "doctor_websocket_failed",
    ]


def test_every_recorded_file_has_its_source():
    sources = (FIXTURE_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for path in FIXTURE_DIR.iterdir():
        if path.suffix == ".txt":
            assert f"| {path.name} |" in sources, path.name
    assert "| codex-login-log_*.log |" in sources


@pytest.mark.parametrize(
    ("log", "primary"),
    [
        ("codex-login-log_proxy-407.log", "token_transport_connect"),
        ("codex-login-log_proxy-dead.log", "token_transport_connect"),
        ("codex-login-log_intercept.log", "token_transport_connect"),
        ("codex-login-log_proxy-silent.log", "token_transport_timeout"),
        ("codex-login-log_codex-ca-missing.log", "token_exchange_failed"),
        ("codex-login-log_token-400.log", "token_endpoint_rejected"),
        ("codex-login-log_token-403-region.log", "token_endpoint_403"),
        ("codex-login-log_token-503.log", "token_endpoint_5xx"),
    ],
)
def test_logs_check_on_a_recorded_login_log(home, log, primary):
    LabHome(home).codex_log((FIXTURE_DIR / log).read_text(encoding="utf-8"))
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.status is Status.WARN
    assert outcome.evidence["primary_finding"] == primary
    assert (
        outcome.summary == "The last sign-in failed while sending the code to the sign-in server."
    )
