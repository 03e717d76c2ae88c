"""Redaction: every kind of secret, nested documents, what is kept on purpose, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.fixes.plan import EnvEdit
from wizard.platform.file_edit import FileEdit
from wizard.report.redact import (
    EMAIL,
    REDACTED,
    USER,
    drop_url_queries,
    redact_document,
    redact_document_with_log,
    redact_secrets,
    redact_text,
    redact_url,
)

JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJlbWFpbCI6ImNhcm9sQGV4YW1wbGUuY29tIiwic3ViIjoiMTIzNCJ9"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
API_KEY = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"
CODE = "ac_Zq3xV8nR2mK7pL4wT9yB1cF6hJ0dS5gA"
STATE = "k2Jq9XvL4mN7pR1sT6wY3zB8cD5fG0hK"
FINGERPRINT = "5C:F5:2E:" + ":".join(["A1"] * 29)


def r(text: str, *hints: str) -> str:
    return redact_text(text, home_hints=hints)


# --- each kind of secret ---------------------------------------------------------------------


def test_jwt_anywhere_in_text():
    assert r(f"id_token {JWT} saved") == f"id_token {REDACTED} saved"
    assert r(f"[{JWT}]") == f"[{REDACTED}]"


def test_truncated_jwt_header_is_still_a_token():
    assert r("token eyJhbGciOiJSUzI1NiJ9 rest") == f"token {REDACTED} rest"


@pytest.mark.parametrize(
    "key",
    [API_KEY, "sk-Ab3dEf6hIj9kLm2nOp5qRs8t", "sk-svcacct-Zz9yY8xX7wW6vV5u"],
)
def test_openai_keys(key):
    assert r(f"using {key}.") == f"using {REDACTED}."


def test_words_ending_in_sk_are_not_keys():
    text = "the task-force desk-top flask-app"
    assert r(text) == text


def test_bearer_and_basic_credentials():
    assert r("Authorization: Bearer abc123def456ghi789jkl") == (f"Authorization: Bearer {REDACTED}")
    # base64("alice:Pr0xyPassw0rd"): a proxy password in a header
    assert r("Proxy-Authorization: Basic YWxpY2U6UHIweHlQYXNzdzByZA==") == (
        f"Proxy-Authorization: Basic {REDACTED}"
    )


def test_plain_words_after_bearer_or_basic_are_kept():
    text = "Basic Constraints of CA cert not marked critical; Bearer authentication failed"
    assert r(text) == text


def test_callback_url_keeps_parameter_names():
    url = f"http://localhost:1455/auth/callback?code={CODE}&state={STATE}&scope=openid"
    assert r(url) == (
        f"http://localhost:1455/auth/callback?code={REDACTED}&state={REDACTED}&scope=openid"
    )


@pytest.mark.parametrize(
    "name",
    [
        "code",
        "state",
        "id_token",
        "access_token",
        "refresh_token",
        "token",
        "code_verifier",
        "key",
        "api_key",
    ],
)
def test_every_secret_parameter_in_a_query(name):
    assert r(f"https://example.test/cb?{name}=plainword&x=1") == (
        f"https://example.test/cb?{name}={REDACTED}&x=1"
    )
    assert (
        r(f"https://example.test/cb#{name}=Zz9&x=1")
        == f"https://example.test/cb#{name}={REDACTED}&x=1"
    )


def test_key_value_lines_and_toml():
    assert r(f"OPENAI_API_KEY={API_KEY}") == f"OPENAI_API_KEY={REDACTED}"
    assert r("refresh_token=hunter2") == f"refresh_token={REDACTED}"
    assert r('api_key = "plain but secret"') == f'api_key = "{REDACTED}"'
    assert r("GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789") == (
        f"GITHUB_TOKEN={REDACTED}"
    )


def test_json_pairs_in_text():
    text = json.dumps({"access_token": "opaque-value", "password": "it's me", "state": "LISTEN"})
    assert json.loads(r(text)) == {
        "access_token": REDACTED,
        "password": REDACTED,
        "state": "LISTEN",
    }


def test_ambiguous_names_outside_a_url_need_a_random_looking_value():
    text = "exit code=1, key=http.proxy, state=LISTEN, refresh token: timed out, state_valid=true"
    assert r(text) == text
    assert r(f"received state={STATE} code={CODE}") == (
        f"received state={REDACTED} code={REDACTED}"
    )


def test_markers_other_code_left_are_kept():
    text = "refresh_token=[removed] id_token=[token removed] ?code=[removed] x=null token=null"
    assert r(text) == text
    assert r("token=[abc123]") == f"token={REDACTED}"


def test_url_password_keeps_user_and_host():
    assert r("HTTPS_PROXY=http://alice:Pr0xyPassw0rd@127.0.0.1:3128") == (
        "HTTPS_PROXY=http://alice:<redacted>@127.0.0.1:3128"
    )
    assert r("socks5://bob:p%40ss@proxy.corp.example:1080/") == (
        "socks5://bob:<redacted>@proxy.corp.example:1080/"
    )
    assert r("http://127.0.0.1:3128 and http://alice@127.0.0.1:3128") == (
        "http://127.0.0.1:3128 and http://alice@127.0.0.1:3128"
    )


def test_email_addresses():
    assert r("signed in as carol.canary+work@example.co.uk.") == f"signed in as {EMAIL}."
    # npm-style versions and scoped packages are not addresses
    text = "codex-cli@0.139.0 from node_modules/@openai/codex"
    assert r(text) == text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/carol/.codex/auth.json", f"/home/{USER}/.codex/auth.json"),
        ("/tmp/x/home/carol-canary/.codex", f"/tmp/x/home/{USER}/.codex"),
        (
            "/Users/carol/Library/Application Support/Code",
            f"/Users/{USER}/Library/Application Support/Code",
        ),
        ("/var/home/carol", f"/var/home/{USER}"),
        (r"C:\Users\carol\.codex\auth.json", rf"C:\Users\{USER}\.codex\auth.json"),
        (r"c:\users\Carol Smith\AppData\Roaming\Code", rf"c:\users\{USER}\AppData\Roaming\Code"),
        (r"C:\\Users\\carol\\.codex", rf"C:\\Users\\{USER}\\.codex"),  # JSON-escaped in a log
        ("C:/Users/carol/.codex", f"C:/Users/{USER}/.codex"),
        (r"\\wsl$\Ubuntu\home\carol\.codex", rf"\\wsl$\Ubuntu\home\{USER}\.codex"),
    ],
)
def test_user_names_in_paths(path, expected):
    assert r(f"file {path} missing") == f"file {expected} missing"


def test_shared_folders_are_not_user_names():
    text = r"/Users/Shared/x and C:\Users\Public\Desktop"
    assert r(text) == text


def test_home_hints_become_tilde_and_the_name_goes_everywhere():
    home = "/srv/people/carol-canary"
    text = f"HOME={home}; {home}/.codex/auth.json; /tmp/pytest-of-carol-canary/x; {home}x"
    # "carol-canaryx" is another name: neither the home nor the user
    assert r(text, home) == (
        f"HOME=~; ~/.codex/auth.json; /tmp/pytest-of-{USER}/x; /srv/people/carol-canaryx"
    )


def test_windows_home_hint_is_case_insensitive():
    assert r(r"c:\PROFILES\carol\x", r"C:\Profiles\carol") == r"~\x"


def test_generic_home_names_are_not_hunted_in_text():
    # HOME=/root must not turn every "root" into <user>
    assert r("the root certificate in /root/.codex", "/root") == "the root certificate in ~/.codex"


def test_long_opaque_values():
    uuid = "0199a213-81c0-7800-8aa1-bbab2a035a53"
    session = "Zq3xV8nR2mK7pL4wT9yB1cF6hJ0dS5gAz"
    assert r(f"account {uuid} session {session}") == f"account {REDACTED} session {REDACTED}"


def test_identifiers_and_words_are_not_opaque():
    text = (
        "unsupported_country_region_territory chatgpt.runCodexInWindowsSubsystemForLinux "
        "openai.chatgpt-26.5.1-linux-x64 app_EMoamEEZ73f0CkXaXp7hrann"
    )
    assert r(text) == text


def test_private_key_blocks_are_emptied_and_certificates_kept():
    cert = (
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZq3xV8nR2mK7pL4wT9yB1cF6hJ0dS5gAzzzz\n"
        "-----END CERTIFICATE-----"
    )
    key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
    out = r(f"{cert}\n{key}\n")
    assert cert in out
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" not in out
    assert f"-----BEGIN PRIVATE KEY-----\n{REDACTED}\n-----END PRIVATE KEY-----" in out


def test_fingerprint_after_a_label_in_text_is_kept():
    hexprint = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert r(f"sha256: {hexprint}") == f"sha256: {hexprint}"
    assert r(f"checksum {hexprint}") == f"checksum {REDACTED}"


# --- documents -------------------------------------------------------------------------------


def test_document_is_redacted_recursively_and_not_modified_in_place():
    doc = {
        "checks": [
            {
                "id": "codex_logs",
                "summary": f"Last callback: /auth/callback?code={CODE}&state={STATE}",
                "evidence": {
                    "excerpts": [f"Bearer {API_KEY}", ("nested", {"deep": [JWT]})],
                    "proxy": "http://alice:Pr0xyPassw0rd@127.0.0.1:9",
                    "count": 3,
                    "ok": True,
                    "missing": None,
                    "ratio": 0.5,
                },
            }
        ]
    }
    before = json.dumps(doc, default=list)
    out = redact_document(doc, home_hints=())
    assert json.dumps(doc, default=list) == before
    evidence = out["checks"][0]["evidence"]
    assert out["checks"][0]["summary"] == (
        f"Last callback: /auth/callback?code={REDACTED}&state={REDACTED}"
    )
    assert evidence["excerpts"] == [f"Bearer {REDACTED}", ["nested", {"deep": [REDACTED]}]]
    assert evidence["proxy"] == "http://alice:<redacted>@127.0.0.1:9"
    assert (evidence["count"], evidence["ok"], evidence["missing"], evidence["ratio"]) == (
        3,
        True,
        None,
        0.5,
    )


def test_secret_named_fields_lose_their_values():
    doc = {
        "tokens": {
            "id_token": "short",
            "access_token": "present",  # a word a check wrote about the token, not the token
            "refresh_token": "rt-123",
            "api_key": ["k1-abc", "k2-def"],
        },
        "proxy_password": "letmein",
        "authorization": "Basic x",
        "code": CODE,
        "state": STATE,
        "key": "chatgpt.runCodexInWindowsSubsystemForLinux",
        "exit": {"code": "ECONNREFUSED", "state": "LISTEN"},
        "username": "carol",
        "email": "carol at example",
    }
    out = redact_document(doc, home_hints=())
    assert out == {
        "tokens": {
            "id_token": REDACTED,
            "access_token": "present",
            "refresh_token": REDACTED,
            "api_key": [REDACTED, REDACTED],
        },
        "proxy_password": REDACTED,
        "authorization": REDACTED,
        "code": REDACTED,
        "state": REDACTED,
        "key": "chatgpt.runCodexInWindowsSubsystemForLinux",
        "exit": {"code": "ECONNREFUSED", "state": "LISTEN"},
        "username": USER,
        "email": EMAIL,
    }


def test_fingerprints_under_their_keys_are_kept():
    hexprint = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    doc = {
        "chain": [
            {
                "subject": "CN=Contoso Inspection Root, O=Contoso Web Inspection",
                "sha256": hexprint,
                "fingerprint_sha256": FINGERPRINT,
                "serial": "4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b",
                "spki_pins": ["sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="],
            }
        ],
        "sha256": JWT,  # not a fingerprint: redacted whatever the key says
    }
    out = redact_document(doc, home_hints=())
    assert out["chain"] == doc["chain"]
    assert out["sha256"] == REDACTED


def test_keys_are_redacted_and_colliding_keys_both_survive():
    doc = {"/home/alice/a.json": 1, "/home/bob/a.json": 2, "plain": {"C:\\Users\\carol\\x": 3}}
    out = redact_document(doc, home_hints=())
    assert out == {
        f"/home/{USER}/a.json": 1,
        f"/home/{USER}/a.json (2)": 2,
        "plain": {f"C:\\Users\\{USER}\\x": 3},
    }


def test_default_home_hints_come_from_this_process(monkeypatch):
    monkeypatch.setenv("HOME", "/srv/people/dave-example")
    monkeypatch.delenv("USERPROFILE", raising=False)
    out = redact_document({"path": "/srv/people/dave-example/.codex", "who": "dave-example"})
    assert out == {"path": "~/.codex", "who": USER}


def test_log_lists_what_was_removed_and_where():
    doc = {
        "checks": [
            {"evidence": {"url": f"cb?code={CODE}&state={STATE}", "mail": "a.b@example.com"}},
            {"summary": f"{JWT} and {JWT}", "/home/carol/x": 1},
        ]
    }
    _out, notes = redact_document_with_log(doc, home_hints=())
    by_kind = {n.kind: n for n in notes}
    assert {k: n.count for k, n in by_kind.items()} == {
        "token": 2,
        "oauth_code": 1,
        "oauth_state": 1,
        "email": 1,
        "user_name": 1,
    }
    assert by_kind["oauth_code"].places == ("checks[0].evidence.url",)
    assert by_kind["token"].places == ("checks[1].summary",)
    assert by_kind["user_name"].places == ("checks[1].<key>",)
    assert by_kind["token"].to_json()["label"] == "sign-in tokens"
    assert [n.kind for n in notes] == ["token", "oauth_code", "oauth_state", "email", "user_name"]


def test_a_text_met_again_is_redacted_and_counted_again():
    doc = {"a": {"summary": f"see {JWT}", "id": "dns"}, "b": {"summary": f"see {JWT}", "id": "dns"}}
    out, notes = redact_document_with_log(doc, home_hints=())
    assert out["a"] == out["b"] == {"summary": f"see {REDACTED}", "id": "dns"}
    [note] = notes
    assert (note.kind, note.count, note.places) == ("token", 2, ("a.summary", "b.summary"))


def test_nothing_to_redact_gives_an_empty_log():
    doc = {"checks": [{"summary": "Nothing else is using port 1455.", "evidence": {"port": 1455}}]}
    out, notes = redact_document_with_log(doc, home_hints=())
    assert out == doc
    assert notes == []


# --- idempotence -----------------------------------------------------------------------------

SAMPLES = [
    f"GET /auth/callback?code={CODE}&state={STATE} HTTP/1.1",
    f'{{"id_token": "{JWT}", "OPENAI_API_KEY": "{API_KEY}"}}',
    "HTTPS_PROXY=http://alice:Pr0xyPassw0rd@127.0.0.1:3128 carol@example.com",
    r"C:\Users\Carol Smith\AppData and /home/carol/.codex and \\Users\\x",
    "Authorization: Bearer abc123def456 password=hunter2 code=<redacted>",
    f"sha256: {FINGERPRINT} 0199a213-81c0-7800-8aa1-bbab2a035a53",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_redacting_twice_changes_nothing(text):
    once = r(text, "/home/carol")
    assert r(once, "/home/carol") == once
    assert once != text


def test_redacting_a_document_twice_changes_nothing():
    doc = {"a": SAMPLES, "b": {"code": CODE, "/home/x/y": {"state": STATE}}}
    once, _ = redact_document_with_log(doc, home_hints=("/home/carol",))
    twice, notes = redact_document_with_log(once, home_hints=("/home/carol",))
    assert twice == once
    assert notes == []


_pieces = st.sampled_from(
    [
        JWT,
        API_KEY,
        "code=",
        "?state=",
        "&token=",
        "http://u:",
        "p@ss",
        "@",
        "example.com",
        "/home/",
        "C:\\Users\\",
        "Bearer ",
        "Basic ",
        "carol",
        " ",
        "=",
        ":",
        '"',
        "<",
        ">",
        "*",
        "sha256 ",
        "ab12" * 9,
        "-----BEGIN PRIVATE KEY-----",
        "-----END PRIVATE KEY-----",
        "\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=12).map("".join))
def test_idempotent_on_arbitrary_mixtures(text):
    once = r(text, "/home/carol")
    assert r(once, "/home/carol") == once


# --- the entry points other modules use: one marker everywhere --------------------------------


def test_redact_url_hides_only_the_password():
    assert redact_url("http://jane:s3cret@proxy.corp:8080") == (
        f"http://jane:{REDACTED}@proxy.corp:8080"
    )
    assert redact_url("http://proxy.corp:8080") == "http://proxy.corp:8080"
    assert redact_url("jane:pw@10.0.0.1:3128") == f"http://jane:{REDACTED}@10.0.0.1:3128"
    assert redact_url("http://jane:p%40ss@[::1]:3128") == f"http://jane:{REDACTED}@[::1]:3128"
    assert redact_url("http://jane@proxy.corp:8080") == "http://jane@proxy.corp:8080"


def test_a_fix_preview_hides_secrets_and_leaves_the_rest_of_the_file_alone():
    before = (
        b"export HTTPS_PROXY='http://bob:s3cretPW-991@proxy.corp.example:8080'\n"
        b"export OPENAI_API_KEY=sk-proj-AbCdEfGhIjKlMnOpQrStUv\n"
        b"export PATH=/home/carol/bin:$PATH  # carol@example.com\n"
    )
    edit = FileEdit(Path("/home/carol/.bashrc"), "~/.bashrc", before, b"")
    assert edit.diff() == (
        "--- ~/.bashrc\n+++ ~/.bashrc\n@@ -1,3 +0,0 @@\n"
        f"-export HTTPS_PROXY='http://bob:{REDACTED}@proxy.corp.example:8080'\n"
        f"-export OPENAI_API_KEY={REDACTED}\n"
        "-export PATH=/home/carol/bin:$PATH  # carol@example.com\n"
    )


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("OPENAI_API_KEY", "k-1", REDACTED),  # secret by its name, whatever it looks like
        ("CODEX_ACCESS_TOKEN", "eyJhbGciOi.eyJzdWIi.sig", REDACTED),
        ("HTTPS_PROXY", "http://bob:pw@proxy:8080", f"http://bob:{REDACTED}@proxy:8080"),
        ("OPENAI_BASE_URL", "https://api.openai.com/v1", "https://api.openai.com/v1"),
    ],
)
def test_a_variable_preview_hides_a_secret_value(name, value, shown):
    assert EnvEdit(name, before=None, after=value).render() == f"{name}={shown}"
    removed = EnvEdit(name, before=value, after=None).render()
    assert removed.startswith(f"unset {name}") and shown in removed
    assert shown != REDACTED or value not in removed


def test_a_servers_answer_loses_every_token_like_run():
    text = "invalid_grant: code eyJhbGciOi.eyJzdWIi.sig expired; key sk-proj-abcdefghijkl"
    assert redact_secrets(text, long_runs=True) == (
        f"invalid_grant: code {REDACTED} expired; key {REDACTED}"
    )
    assert redact_secrets("a" * 40, long_runs=True) == REDACTED
    assert redact_secrets("sess+abc/def=" * 4, long_runs=True) == REDACTED  # base64 with +/=
    kept = "Country, region, or territory not supported (support@openai.com)"
    assert redact_secrets(kept, long_runs=True) == kept  # e-mail addresses: the report's job


def test_a_log_line_loses_named_values_whatever_they_look_like():
    line = "received state=ST4TE code=ac_1 user_code=ABCD-EFGH device_auth_id=da_9 exit code: 1"
    assert redact_secrets(line, named=True) == (
        f"received state={REDACTED} code={REDACTED} user_code={REDACTED} "
        f"device_auth_id={REDACTED} exit code: 1"
    )
    assert redact_secrets("state=ST4TE code=ac_1") == "state=ST4TE code=ac_1"  # not random-looking
    kept = 'has_code=true has_state=true state_valid=true error_code="access_denied"'
    assert redact_secrets(kept, named=True) == kept


def test_drop_url_queries_keeps_the_path():
    line = f"GET http://localhost:1455/auth/callback?code={CODE}&state={STATE} from 127.0.0.1"
    assert drop_url_queries(line) == (
        f"GET http://localhost:1455/auth/callback?{REDACTED} from 127.0.0.1"
    )


def test_bearer_values_with_dots_are_tokens():
    assert r("Authorization: Bearer abc.DEF-123") == f"Authorization: Bearer {REDACTED}"
    assert redact_secrets("Authorization: Bearer abc.DEF-123", named=True) == (
        f"Authorization: Bearer {REDACTED}"
    )


OLD_MARKERS = ("***", "[redacted]", "[removed]", "[token removed]")


@pytest.mark.parametrize(
    "redact",
    [
        lambda t: r(t, "/home/carol"),
        redact_secrets,
        lambda t: redact_secrets(t, named=True, long_runs=True),
        lambda t: redact_secrets(drop_url_queries(t), named=True),
        lambda t: FileEdit(Path("/f"), "f", None, t.encode()).diff(),
    ],
    ids=["report", "evidence", "server-answer", "log-line", "diff"],
)
def test_every_entry_point_writes_the_one_marker(redact):
    text = (
        f"HTTPS_PROXY=http://alice:Pr0xyPassw0rd@127.0.0.1:3128 id_token={JWT} "
        f"{API_KEY} Bearer abc123def456ghi http://localhost:1455/auth/callback?code={CODE}"
    )
    out = redact(text)
    assert REDACTED in out and "Pr0xyPassw0rd" not in out
    assert not any(old in out for old in OLD_MARKERS)
