"""check_auth_mode beyond this session (the real Codex cases are in
tests/lab/test_auth_mode_oracle.py): a variable saved for the programs started next - Windows'
user variables (a recorded `reg query` shape) and launchctl on macOS - is named with that place
and never its value; OPENAI_BASE_URL is named, not offered for removal."""

from __future__ import annotations

from tests.helpers import FakeRunner, make_env, reg_query_user_variable, run_check
from wizard.checks.auth_mode import check_auth_mode
from wizard.core.model import Status

VALUE = "eyJlab-access-token-never-shown"


def test_a_windows_user_variable_is_named_with_its_place(home):
    runner = FakeRunner()
    answer = reg_query_user_variable("CODEX_ACCESS_TOKEN", VALUE)
    runner.add(["reg", "query", r"HKCU\Environment", "/v", "CODEX_ACCESS_TOKEN"], answer)
    outcome = run_check(check_auth_mode, make_env(home, platform="windows", runner=runner))
    assert outcome.faults == ("access_token_env",)
    assert outcome.evidence["facts"]["where"] == (
        r"saved for programs you start (HKCU\Environment (your Windows user variables))"
    )
    assert VALUE not in repr(outcome)


def test_a_launchctl_variable_on_macos_and_a_base_url_that_is_only_named(home):
    runner = FakeRunner()
    runner.add(["launchctl", "getenv", "OPENAI_FEDERATION_RULE_ID"], "lab-rule\n")
    env = make_env(
        home, {"OPENAI_BASE_URL": "https://api.openai.com/v1"}, platform="darwin", runner=runner
    )
    outcome = run_check(check_auth_mode, env)
    assert outcome.faults == ("workload_identity_partial",)
    assert outcome.status is Status.FAIL
    assert outcome.evidence["remove"] == ["OPENAI_FEDERATION_RULE_ID"]
    where = outcome.evidence["variables"][0]["where"]
    assert where.startswith("saved for programs you start (launchctl (apps started from the Dock")
    assert "OPENAI_BASE_URL (this session) is set" in outcome.summary
    assert "lab-rule" not in repr(outcome) and "api.openai.com" not in repr(outcome)
