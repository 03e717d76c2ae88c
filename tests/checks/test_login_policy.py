"""check_login_policy over real files in a temporary system root: the macOS configuration
profile (tests/fixtures/mdm), Windows' ProgramData folder, the cloud settings' cache (age
only), and nothing set at all. The Linux layers are proven against the real Codex in
tests/lab/test_login_policy_oracle.py."""

from __future__ import annotations

import base64
import os
import time
from dataclasses import replace

from tests.helpers import FIXTURES, make_env, run_check
from wizard.checks.login_policy import check_login_policy
from wizard.core.model import Status

PROFILE = "the macOS configuration profile (com.openai.codex)"


def test_a_configuration_profile_that_allows_only_api_keys(home, tmp_path):
    folder = tmp_path / "Library" / "Managed Preferences"
    folder.mkdir(parents=True)
    (folder / "com.openai.codex.plist").write_bytes(
        (FIXTURES / "mdm" / "com.openai.codex.plist").read_bytes()
    )
    env = replace(make_env(home, platform="darwin"), system_root=tmp_path)
    outcome = run_check(check_login_policy, env)
    assert outcome.faults == ("chatgpt_login_disabled",)
    assert outcome.evidence["facts"] == {"where": PROFILE, "methods": "API key"}
    assert outcome.evidence["layers"][0]["settings"] == {"allowed_login_methods": ["api"]}
    assert outcome.evidence["layers"][1]["settings"] == {"forced_chatgpt_workspace_id": "ws-mdm"}


def test_a_profile_value_that_is_not_base64_toml_stops_codex(home, tmp_path):
    import plistlib

    folder = tmp_path / "Library" / "Managed Preferences"
    folder.mkdir(parents=True)
    payload = {"requirements_toml_base64": base64.b64encode(b"\xff\xfe").decode()}
    (folder / "com.openai.codex.plist").write_bytes(plistlib.dumps(payload))
    env = replace(make_env(home, platform="darwin"), system_root=tmp_path)
    outcome = run_check(check_login_policy, env)
    assert outcome.faults == ("login_policy_unreadable",)
    assert outcome.evidence["facts"]["detail"] == "not base64-encoded TOML text"


def test_windows_reads_the_program_data_folder(home, tmp_path):
    folder = tmp_path / "ProgramData" / "OpenAI" / "Codex"
    folder.mkdir(parents=True)
    (folder / "requirements.toml").write_text('allowed_chatgpt_workspaces = ["ws-win"]\n')
    env = make_env(home, {"ProgramData": str(tmp_path / "ProgramData")}, platform="windows")
    outcome = run_check(check_login_policy, env)
    assert outcome.status is Status.WARN and outcome.faults == ()
    assert outcome.evidence["workspaces"] == ["ws-win"]
    assert outcome.evidence["allowed_methods"] == ["chatgpt", "api"]


def test_nothing_set_passes_and_the_cloud_cache_is_told_by_its_age_only(home, tmp_path):
    env = replace(make_env(home), system_root=tmp_path)
    outcome = run_check(check_login_policy, env)
    assert outcome.status is Status.PASS
    assert outcome.summary == "No setting on this computer restricts how you sign in."
    assert outcome.evidence["cloud_cache"] is None

    cache = home / ".codex" / "cloud-config-bundle-cache.json"
    cache.parent.mkdir()
    cache.write_text('{"signed": "never-read-secret"}')
    two_hours_ago = time.time() - 7200
    os.utime(cache, (two_hours_ago, two_hours_ago))
    outcome = run_check(check_login_policy, env)
    assert outcome.status is Status.PASS
    assert outcome.evidence["cloud_cache"] == {
        "file": "~/.codex/cloud-config-bundle-cache.json",
        "modified_age": outcome.evidence["cloud_cache"]["modified_age"],
    }
    assert "2 hours" in outcome.evidence["cloud_cache"]["modified_age"]
    assert "last saved here" in outcome.summary
    assert "never-read-secret" not in repr(outcome)
