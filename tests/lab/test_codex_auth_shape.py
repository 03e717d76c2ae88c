"""What the real Codex 0.169 makes of the auth.json shapes an account switcher leaves, and of a
proxy takeover in config.toml (field §1.6), against what the auth_managers check says.

`codex login status` reads only files (no network). `codex login --with-api-key` writes
OPENAI_API_KEY with auth_mode; a file with OPENAI_API_KEY alone (what the switchers write) is
"API key configured" all the same, one without `tokens` is "Logged in using ChatGPT", and a
provider on 127.0.0.1 changes nothing it prints - so the check reads config.toml itself. A
whole ChatGPT sign-in against the lab's auth.openai.com shows the shape Codex itself saves."""

from __future__ import annotations

import base64
import http.client
import json
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from tests.helpers import make_env, run_check
from tests.lab.codex_cli import codex_env, run_codex
from wizard.checks.auth_managers import check_auth_managers

LAB_KEY = "sk-lab-SECRETnot-a-key-0123456789"
TAKEOVER = (
    'model_provider = "ccs"\n[model_providers.ccs]\nname = "CC Switch"\n'
    'base_url = "http://127.0.0.1:15721/v1"\nwire_api = "responses"\n'
)


def _codex(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    (home / ".codex").mkdir(exist_ok=True)
    return run_codex(home, *args, stdin=stdin)


def _status(home: Path) -> str:
    """`codex login status` without Codex's warning about helper binaries in a temp dir."""
    out = _codex(home, "login", "status")
    lines = (out.stdout + out.stderr).splitlines()
    return "\n".join(line for line in lines if not line.startswith("WARNING:"))


def _check(home: Path):
    return run_check(check_auth_managers, make_env(home, processes=lambda: []))


def test_codex_s_own_api_key_sign_in_is_told_from_a_switcher_s_file(home):
    saved = _codex(home, "login", "--with-api-key", stdin=LAB_KEY + "\n")
    assert saved.returncode == 0, saved.stderr
    status = _status(home)
    assert status.startswith("API key configured")
    own = _check(home)
    assert own.evidence["auth_file"]["keys"] == ["OPENAI_API_KEY", "auth_mode"]
    assert own.evidence["auth_file"]["shape"] == "api_key"
    assert own.faults == ()
    # What the switchers leave (cc-switch#3543): Codex says the same, but nobody chose it.
    (home / ".codex" / "auth.json").write_text(json.dumps({"OPENAI_API_KEY": LAB_KEY}))
    assert _status(home) == status
    switched = _check(home)
    assert switched.evidence["auth_file"]["shape"] == "api_key_only"
    assert switched.faults == ("auth_file_api_key_only",)
    for outcome in (own, switched):
        assert "SECRET" not in json.dumps(outcome.evidence, default=str) + str(outcome.summary)


def test_a_file_without_tokens_still_reads_as_signed_in_with_chatgpt(home):
    (home / ".codex").mkdir()
    (home / ".codex" / "auth.json").write_text("{}")
    assert _status(home) == "Logged in using ChatGPT"
    assert _check(home).faults == ("auth_file_no_tokens",)


def test_a_provider_on_loopback_changes_nothing_codex_says_about_the_sign_in(home):
    saved = _codex(home, "login", "--with-api-key", stdin=LAB_KEY + "\n")
    assert saved.returncode == 0, saved.stderr
    before = _status(home)
    (home / ".codex" / "config.toml").write_text(TAKEOVER)
    assert _status(home) == before
    markers = [m["marker"] for m in _check(home).evidence["markers"]]
    assert markers == ["loopback_provider", "no_openai_auth"]


def _jwt(claims: dict) -> str:
    def part(value: dict) -> str:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.c2ln"


def test_a_real_chatgpt_sign_in_is_the_shape_codex_writes(
    codex_ports, openai_via_proxy, openai_server, pki, home
):
    """The real Codex finishes a ChatGPT sign-in against the lab's auth.openai.com (tokens made
    up here): the file it saves has the shape the check expects, and nothing is said but the
    honest hint that it changed just now while no Codex runs."""
    claims = {
        "email": "lab@example.com",
        "exp": int(time.time()) + 3600,
        "https://api.openai.com/auth": {
            "chatgpt_account_id": "acct-lab",
            "chatgpt_plan_type": "plus",
            "chatgpt_user_id": "user-lab",
        },
    }
    openai_server.token_status = 200
    openai_server.token_body = json.dumps(
        {
            "id_token": _jwt(claims),
            "access_token": _jwt({**claims, "scp": ["openid"]}),
            "refresh_token": "rt_SECRETlab0123456789",
        }
    )
    proxy = openai_via_proxy()
    env = codex_env(home, HTTPS_PROXY=proxy.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem))
    with codex_ports.waiting(env) as login:
        # The browser's return, then the success page it is sent to: Codex ends after that.
        success = _get(f"{login.redirect_uri}?code=lab-code&state={quote(login.state)}")
        assert success.startswith("http://127.0.0.1:1455/success?"), success
        _get(success)
        assert login.process.wait(20) == 0, login.process.output()
    assert _status(home) == "Logged in using ChatGPT"
    outcome = _check(home)
    shape = outcome.evidence["auth_file"]
    assert shape["keys"] == ["OPENAI_API_KEY", "auth_mode", "last_refresh", "tokens"]
    assert shape["shape"] == "chatgpt"
    assert outcome.faults == ()
    assert outcome.summary == (
        "The saved sign-in was changed just now while no Codex program was running; if you "
        "did not just sign in, another program wrote it."
    )
    assert "SECRET" not in json.dumps(outcome.evidence, default=str)


def _get(url: str) -> str:
    """GET a loopback URL; the Location it redirects to ('' if none)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=20)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}")
        response = conn.getresponse()
        response.read()
        return response.getheader("Location") or ""
    finally:
        conn.close()
