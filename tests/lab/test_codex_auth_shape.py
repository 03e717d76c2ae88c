"""What the real Codex 0.169 makes of the auth.json shapes an account switcher leaves, and of a
proxy takeover in config.toml (field §1.6), against what the auth_managers check says.

`codex login status` reads only files (no network): a file with only OPENAI_API_KEY (what
`codex login --with-api-key` and the switchers write) is "API key configured", one without
`tokens` is "Logged in using ChatGPT" all the same, and a provider on 127.0.0.1 changes
nothing it prints - so the check reads config.toml itself."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import make_env, run_check
from tests.lab.codex_cli import codex_env, lab_codex_binary
from wizard.checks.auth_managers import check_auth_managers

LAB_KEY = "sk-lab-SECRETnot-a-key-0123456789"
TAKEOVER = (
    'model_provider = "ccs"\n[model_providers.ccs]\nname = "CC Switch"\n'
    'base_url = "http://127.0.0.1:15721/v1"\nwire_api = "responses"\n'
)


def _codex(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    binary = lab_codex_binary()
    if binary is None:
        pytest.skip("the real Codex CLI is not cached here")
    (home / ".codex").mkdir(exist_ok=True)
    return subprocess.run(
        [str(binary), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=codex_env(home),
        timeout=30,
        check=False,
    )


def _status(home: Path) -> str:
    """`codex login status` without Codex's warning about helper binaries in a temp dir."""
    out = _codex(home, "login", "status")
    lines = (out.stdout + out.stderr).splitlines()
    return "\n".join(line for line in lines if not line.startswith("WARNING:"))


def _check(home: Path):
    return run_check(check_auth_managers, make_env(home, processes=lambda: []))


def test_an_api_key_only_file_is_what_codex_writes_and_reports_as_api_key(home):
    saved = _codex(home, "login", "--with-api-key", stdin=LAB_KEY + "\n")
    assert saved.returncode == 0, saved.stderr
    assert _status(home).startswith("API key configured")
    outcome = _check(home)
    assert outcome.evidence["auth_file"]["shape"] == "api_key_only"
    assert "auth_file_api_key_only" in outcome.faults
    assert "tokens" not in outcome.evidence["auth_file"]["keys"]
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
