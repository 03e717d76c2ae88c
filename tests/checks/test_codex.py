"""check_codex_install (real subprocesses of fake `codex` scripts) and check_codex_auth (real
files; auth.json holds planted fake tokens that must never reach the evidence)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.helpers import FakeRunner, make_env, run_check
from tests.lab.home import LabHome
from wizard.checks.codex import (
    check_codex_auth,
    check_codex_install,
    human_age,
    parse_cli_version,
    read_codex_config,
)
from wizard.core.model import Status

FAKE_ACCESS = "eyJhbGciOiJSUzI1NiJ9.FAKE-ACCESS-TOKEN-do-not-leak.c2ln"
FAKE_REFRESH = "rt_FAKE-REFRESH-TOKEN-do-not-leak"
FAKE_KEY = "sk-proj-FAKEKEYdonotleak0123456789"
AUTH_JSON = json.dumps(
    {
        "auth_mode": "chatgpt",
        "OPENAI_API_KEY": FAKE_KEY,
        "tokens": {
            "id_token": FAKE_ACCESS,
            "access_token": FAKE_ACCESS,
            "refresh_token": FAKE_REFRESH,
            "account_id": "acc-FAKE",
        },
        "last_refresh": "2026-11-20T10:00:00Z",
    }
)


def fake_codex(folder: Path, output: str, name: str = "codex", body: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(body or f"#!/bin/sh\necho '{output}'\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def assert_no_secrets(outcome) -> None:
    text = repr(outcome) + json.dumps(dict(outcome.evidence), default=str)
    for secret in (FAKE_ACCESS, FAKE_REFRESH, FAKE_KEY, "acc-FAKE", "FAKE-"):
        assert secret not in text


# --- install ---------------------------------------------------------------------------


def test_parse_cli_version():
    assert parse_cli_version("codex-cli 0.139.0\n") == "0.139.0"
    assert parse_cli_version("codex-cli 0.50.0-alpha.3") == "0.50.0-alpha.3"
    assert parse_cli_version("something else 1.2") is None


def test_old_codex_on_path_warns(home, tmp_path):
    script = fake_codex(tmp_path / "bin", "codex-cli 0.49.0")
    env = make_env(home, {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"})
    outcome = run_check(check_codex_install, env)
    assert outcome.status is Status.WARN
    assert outcome.summary == (
        "Codex 0.49.0 on PATH is older than 0.139.0 and may lack custom-certificate support "
        "and the 1457 fallback."
    )
    [install] = outcome.evidence["installs"]
    assert install["kind"] == "path"
    assert install["path"] == str(script)
    assert install["version"] == "0.49.0"
    assert install["older_than_known_good"] is True
    assert outcome.faults == ()


def test_current_codex_on_path_passes(home, tmp_path):
    fake_codex(tmp_path / "bin", "codex-cli 0.139.0")
    env = make_env(home, {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"})
    outcome = run_check(check_codex_install, env)
    assert outcome.status is Status.PASS
    assert outcome.summary == "Codex 0.139.0 on PATH is installed."


def test_shadowed_codex_entries_are_listed(home, tmp_path):
    first = fake_codex(tmp_path / "a", "codex-cli 0.150.0")
    second = fake_codex(tmp_path / "b", "codex-cli 0.49.0")
    env = make_env(home, {"PATH": f"{tmp_path / 'a'}:{tmp_path / 'b'}:/bin"})
    outcome = run_check(check_codex_install, env)
    assert outcome.status is Status.PASS  # only the first one runs
    assert outcome.evidence["path_entries"] == [str(first), str(second)]


def test_nothing_found_warns(home):
    outcome = run_check(check_codex_install, make_env(home, {"PATH": "/nonexistent"}))
    assert outcome.status is Status.WARN
    assert outcome.summary == "Codex was not found on this computer's PATH or in an editor."


def test_unreadable_version_still_counts_as_installed(home, tmp_path):
    fake_codex(tmp_path / "bin", "usage: codex [OPTIONS]")
    env = make_env(home, {"PATH": str(tmp_path / "bin")})
    outcome = run_check(check_codex_install, env)
    assert outcome.status is Status.PASS
    assert outcome.summary == "Codex is installed (on PATH), but its version could not be read."
    assert (
        outcome.evidence["installs"][0]["problem"] == "--version printed no version (exit code 0)"
    )


def test_hanging_codex_is_abandoned_within_the_budget(home, tmp_path):
    fake_codex(tmp_path / "bin", "", body="#!/bin/sh\nexec sleep 30\n")
    env = make_env(home, {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"})
    outcome = run_check(check_codex_install, env, timeout_s=1.0)
    [install] = outcome.evidence["installs"]
    assert install["problem"] == "did not answer to --version in time"


def test_editor_bundled_binary_is_found_and_run(home):
    lab = LabHome(home)
    folder = ".cursor/extensions/openai.chatgpt-26.1105.20-linux-x64"
    binary = lab.file(
        f"{folder}/bin/linux-x86_64/codex", "#!/bin/sh\necho 'codex-cli 0.141.2'\n", 0o755
    )
    lab.file(".cursor/extensions/other.ext-1.0.0/bin/x/codex", "#!/bin/sh\necho nope\n", 0o755)
    outcome = run_check(check_codex_install, make_env(home, {"PATH": "/nonexistent"}))
    assert outcome.status is Status.PASS
    [install] = outcome.evidence["installs"]
    assert install == {
        "kind": "editor",
        "label": "in Cursor",
        "editor": "Cursor",
        "extension_version": "26.1105.20",
        "extension_platform": "linux-x64",
        "path": "~/" + str(binary.relative_to(home)),
        "version": "0.141.2",
        "problem": None,
        "older_than_known_good": False,
    }


def test_windows_bundled_exe_runs_through_the_runner(home):
    lab = LabHome(home)
    exe = lab.file(
        ".vscode/extensions/openai.chatgpt-0.4.46-win32-x64/bin/windows-x86_64/codex.exe", b"MZ"
    )
    runner = FakeRunner()
    runner.add([str(exe), "--version"], "codex-cli 0.49.0\r\n")
    env = make_env(home, {"PATH": ""}, platform="windows", runner=runner)
    outcome = run_check(check_codex_install, env)
    assert outcome.status is Status.WARN
    assert outcome.summary.startswith("Codex 0.49.0 in VS Code is older than 0.139.0")
    assert runner.calls == [(str(exe), "--version")]


def test_foreign_binary_is_not_run(home):
    lab = LabHome(home)
    lab.file(
        ".vscode/extensions/openai.chatgpt-0.4.46-win32-x64/bin/windows-x86_64/codex.exe", b"MZ"
    )
    outcome = run_check(check_codex_install, make_env(home, {"PATH": "/nonexistent"}))
    [install] = outcome.evidence["installs"]
    assert install["problem"] == "built for another system"
    assert install["extension_version"] == "0.4.46"
    assert outcome.status is Status.PASS


# --- saved sign-in ---------------------------------------------------------------------


def test_codex_home_set_but_missing_fails(home):
    env = make_env(home, {"CODEX_HOME": str(home / "nowhere")})
    outcome = run_check(check_codex_auth, env)
    assert outcome.status is Status.FAIL
    assert outcome.summary.startswith("CODEX_HOME points to a folder that does not exist")
    assert outcome.evidence["codex_home"] == "~/nowhere"


def test_saved_sign_in_is_described_from_outside_only(home):
    lab = LabHome(home)
    auth = lab.auth_json(AUTH_JSON, mode=0o600)
    saved = datetime.now(UTC) - timedelta(days=3, hours=2)
    os.utime(auth, (saved.timestamp(), saved.timestamp()))
    outcome = run_check(check_codex_auth, make_env(home))
    assert outcome.status is Status.PASS
    assert outcome.summary == "A saved sign-in exists in ~/.codex (saved 3 days ago)."
    info = outcome.evidence["auth_file"]
    assert info["file"] == "~/.codex/auth.json"
    assert info["mode"] == "0600"
    assert info["size"] == len(AUTH_JSON)
    assert info["readable_by_others"] is False
    assert_no_secrets(outcome)


def test_auth_file_readable_by_others_warns(home):
    LabHome(home).auth_json(AUTH_JSON, mode=0o644)
    outcome = run_check(check_codex_auth, make_env(home))
    assert outcome.status is Status.WARN
    assert "can be read by other users (mode 0644)" in outcome.summary
    assert_no_secrets(outcome)


def test_mixed_auth_signals_name_the_variable_not_its_value(home):
    LabHome(home).auth_json(AUTH_JSON)
    env = make_env(home, {"OPENAI_API_KEY": FAKE_KEY})
    outcome = run_check(check_codex_auth, env)
    assert outcome.status is Status.WARN
    assert outcome.summary == (
        "A ChatGPT sign-in is saved, but OPENAI_API_KEY is also set (mixed auth signals)."
    )
    assert outcome.evidence["mixed_auth_signals"] is True
    assert outcome.evidence["auth_env_vars"] == ["OPENAI_API_KEY"]
    assert_no_secrets(outcome)


def test_api_key_variable_without_login_file_is_fine(home):
    outcome = run_check(check_codex_auth, make_env(home, {"CODEX_API_KEY": FAKE_KEY}))
    assert outcome.status is Status.PASS
    assert outcome.summary == "No sign-in is saved in ~/.codex yet."
    assert outcome.evidence["auth_env_vars"] == ["CODEX_API_KEY"]
    assert_no_secrets(outcome)


def test_config_toml_sign_in_keys(home):
    LabHome(home).config_toml(
        'cli_auth_credentials_store = "file"\n'
        'forced_login_method = "chatgpt"\n'
        'forced_chatgpt_workspace_id = "11111111-2222-3333-4444-555555555555"\n'
        'model = "gpt-5-codex"\n'
        "[features]\nrespect_system_proxy = true\n"
    )
    outcome = run_check(check_codex_auth, make_env(home))
    assert outcome.status is Status.PASS
    assert outcome.evidence["config"] == {
        "cli_auth_credentials_store": "file",
        "forced_login_method": "chatgpt",
        "forced_chatgpt_workspace_id_set": True,
        "respect_system_proxy": True,
    }
    assert "11111111" not in repr(outcome)


def test_keyring_store_expects_no_file(home):
    LabHome(home).config_toml('cli_auth_credentials_store = "keyring"\n')
    outcome = run_check(check_codex_auth, make_env(home))
    assert outcome.status is Status.PASS
    assert "keyring" in outcome.summary


def test_broken_config_toml_warns_with_line(home):
    LabHome(home).config_toml('model = "x"\n[features\nrespect_system_proxy = true\n')
    outcome = run_check(check_codex_auth, make_env(home))
    assert outcome.status is Status.WARN
    assert outcome.evidence["config_error"].startswith("line 2: ")
    assert "~/.codex/config.toml cannot be read (line 2: " in outcome.summary


def test_read_codex_config_absent(tmp_path):
    assert read_codex_config(tmp_path / "config.toml") == (None, None)


def test_human_age():
    assert human_age(5) == "just now"
    assert human_age(60) == "1 minute ago"
    assert human_age(7200) == "2 hours ago"
    assert human_age(86400 * 10) == "10 days ago"
