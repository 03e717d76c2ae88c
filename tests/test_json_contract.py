"""The JSON contract of `diagnose --json` (README, DESIGN.md): each check's evidence keeps its
keys, in their order, whatever types the findings behind it (wizard/core/findings). The tables
are what the program printed before the findings were typed; a key is added at the end of its
check's list, never renamed, moved or dropped."""

from __future__ import annotations

from tests.e2e import clean_env, free_port, run_wizard

# What every diagnosis finds the same way, with or without a sign-in server.
EVERYWHERE = {
    "proxy": ["effective", "settings", "notes"],
    "ca_env": ["variables"],
    "dns": ["via_proxy", "connect_to", "ipv4", "ipv6", "errors", "timed_out"],
    "addresses": ["host", "port", "addresses"],
    "callback_port": ["bind_address", "bind_tested", "ports", "facts"],
    "remote_session": ["markers", "display", "facts"],
    "codex_install": ["installs", "path_entries", "known_good"],
    "codex_auth": [
        "codex_home",
        "codex_home_set",
        "codex_home_exists",
        "facts",
        "config",
        "auth_file",
        "auth_env_vars",
    ],
    "auth_mode": ["variables", "remove"],
    "credential_store": [
        "mode",
        "folder",
        "folder_writable",
        "folder_error",
        "files",
        "store_writable",
        "facts",
    ],
    "auth_managers": [
        "processes_listed",
        "tools",
        "codex_running",
        "config",
        "markers",
        "auth_file",
        "facts",
    ],
    "codex_logs": ["login_log", "ide_log", "findings", "facts"],
    "login_policy": ["layers", "cloud_cache", "allowed_methods", "workspaces"],
}
# A sign-in server that does not answer: the checks that run without one.
OFFLINE = {
    "tcp": ["via_proxy", "host", "port", "attempts", "facts"],
    **EVERYWHERE,
}
# The lab's sign-in server, trusted through CODEX_CA_CERTIFICATE: the handshake and answers.
LAB = {
    "tcp": ["via_proxy", "host", "port", "attempts", "address", "connect_ms"],
    "tls": [
        "route",
        "protocol",
        "cipher",
        "chain",
        "leaf_revocation",
        "issuer",
        "vendor",
        "trust",
        "matrix",
        "lint",
    ],
    "openid": [
        "url",
        "via",
        "status",
        "reason",
        "content_type",
        "server",
        "rtt_ms",
        "server_date",
        "age",
        "sent_at",
        "received_at",
        "issuer",
    ],
    "token_endpoint": [
        "url",
        "via",
        "status",
        "reason",
        "content_type",
        "server",
        "rtt_ms",
        "sent",
        "error",
        "error_description",
    ],
    "clock": [
        "skew_s",
        "limit_s",
        "server_date",
        "age",
        "server_time",
        "local_time",
        "rtt_ms",
        "facts",
    ],
    **EVERYWHERE,
}


def evidence_keys(home, url, **env):
    args = ["diagnose", "--json", "--timeout", "20", "--auth-url", url]  # (as the lab's)
    run = run_wizard([*args, "--callback-port", str(free_port())], clean_env(home, **env))
    return {c["id"]: list(c["evidence"]) for c in run.json["checks"] if c["evidence"]}


def test_the_evidence_of_a_diagnosis_without_a_server_keeps_its_keys(home):
    assert evidence_keys(home, f"https://127.0.0.1:{free_port()}") == OFFLINE


def test_the_evidence_of_a_lab_diagnosis_keeps_its_keys(home, pki, auth_server):
    assert evidence_keys(home, auth_server.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem)) == LAB
