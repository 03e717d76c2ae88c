"""auth-env-repair with real files in a temporary home: a variable that replaces the saved
sign-in is turned off in every place it is persisted, its value never shows (preview, diff,
result, undo), undo restores the bytes, and the real Codex 0.169 uses the saved sign-in again
afterwards; Windows through a recorded `reg query` shape."""

from __future__ import annotations

import json
import subprocess

from tests.helpers import FakeRunner, lab_target, make_env, reg_query_user_variable
from tests.lab.codex_cli import run_codex
from wizard.checks.catalog import ALL_CHECKS
from wizard.core.profile import load_profile
from wizard.fixes.apply import apply_fix, undo_last
from wizard.fixes.auth_env_repair import AUTH_ENV_REPAIR
from wizard.fixes.base import FixContext
from wizard.fixes.journal import Journal

VALUE = "eyJlab-access-token-never-shown"
RULE = "lab-federation-rule-never-shown"
SPECS = [s for s in ALL_CHECKS if s.id == "auth_mode"]
HINT = "(undo: python -m wizard undo --last)"


def _no_values(text: str) -> None:
    assert VALUE not in text and RULE not in text


def test_an_access_token_and_half_a_workload_identity_are_turned_off_everywhere(home):
    bashrc, dotenv = home / ".bashrc", home / ".codex" / ".env"
    original_bashrc = f"alias ll='ls -l'\nexport CODEX_ACCESS_TOKEN='{VALUE}' # work\n"
    bashrc.write_text(original_bashrc)
    dotenv.parent.mkdir()
    original_dotenv = f"OPENAI_FEDERATION_RULE_ID={RULE}\nFOO=1\n"
    dotenv.write_text(original_dotenv)
    env = make_env(home, {"CODEX_ACCESS_TOKEN": VALUE})
    ctx = FixContext(
        env, load_profile(), lab_target(), checks=ALL_CHECKS
    )  # no diagnosis: the check runs

    plan = AUTH_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    assert plan.summary == (
        "Codex uses OPENAI_FEDERATION_RULE_ID and CODEX_ACCESS_TOKEN instead of the sign-in "
        "you saved. This turns off OPENAI_FEDERATION_RULE_ID in ~/.codex/.env (line 1); "
        "CODEX_ACCESS_TOKEN in ~/.bashrc (line 2); the values are not shown. Codex then uses "
        "the sign-in you saved in the browser."
    )
    edits = {e.path: e for e in plan.files}
    assert edits[bashrc].after.decode() == (
        "alias ll='ls -l'\n"
        "# signin-doctor: CODEX_ACCESS_TOKEN made Codex use another sign-in than the one you "
        f"saved {HINT}\n"
        f"# export CODEX_ACCESS_TOKEN='{VALUE}' # work\n"
    )
    assert edits[bashrc].diff().splitlines()[-2:] == [
        "+# signin-doctor: CODEX_ACCESS_TOKEN made Codex use another sign-in than the one you "
        f"saved {HINT}",
        "+# export CODEX_ACCESS_TOKEN=<redacted>",
    ]
    assert [(e.name, e.after) for e in plan.env] == [("CODEX_ACCESS_TOKEN", None)]
    _no_values(plan.render())

    journal = Journal(home / "journal")
    result = apply_fix(AUTH_ENV_REPAIR, ctx, plan, journal, SPECS)
    assert result.applied, result.message
    assert result.rechecked[0]["status"] == "pass"
    _no_values(json.dumps(result.to_json()))
    assert dotenv.read_text().startswith("# signin-doctor: OPENAI_FEDERATION_RULE_ID made")

    undone = undo_last(journal, ctx)
    assert undone.applied
    _no_values(json.dumps(undone.to_json()))
    assert bashrc.read_text() == original_bashrc
    assert dotenv.read_text() == original_dotenv


def test_the_real_codex_uses_the_saved_sign_in_again_after_the_fix(home):
    def codex(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return run_codex(home, *args, stdin=stdin)

    (home / ".codex").mkdir()
    assert codex("login", "--with-api-key", stdin="sk-lab-not-a-key\n").returncode == 0
    (home / ".codex" / ".env").write_text(f"OPENAI_FEDERATION_RULE_ID={RULE}\n")
    assert codex("login", "status").returncode == 1
    ctx = FixContext(make_env(home), load_profile(), lab_target(), checks=ALL_CHECKS)
    plan = AUTH_ENV_REPAIR.plan(ctx)
    assert apply_fix(AUTH_ENV_REPAIR, ctx, plan, Journal(home / "journal"), SPECS).applied
    status = codex("login", "status")
    assert status.returncode == 0 and "API key configured" in status.stderr, status


def test_a_windows_user_variable_is_unset_and_its_old_value_never_shown(home):
    runner = FakeRunner()
    answer = reg_query_user_variable("CODEX_ACCESS_TOKEN", VALUE)
    runner.add(["reg", "query", r"HKCU\Environment", "/v", "CODEX_ACCESS_TOKEN"], answer)
    unset = "[Environment]::SetEnvironmentVariable('CODEX_ACCESS_TOKEN', $null, 'User')"
    restore = f"[Environment]::SetEnvironmentVariable('CODEX_ACCESS_TOKEN', '{VALUE}', 'User')"
    for script in (unset, restore):
        runner.add(["powershell", "-NoProfile", "-NonInteractive", "-Command", script], "")
    env = make_env(home, {"CODEX_ACCESS_TOKEN": VALUE}, platform="windows", runner=runner)
    ctx = FixContext(env, load_profile(), lab_target(), checks=ALL_CHECKS)
    plan = AUTH_ENV_REPAIR.plan(ctx)
    assert plan.applicable, plan.reason
    assert [(e.name, e.before, e.after) for e in plan.env] == [("CODEX_ACCESS_TOKEN", VALUE, None)]
    assert "unset CODEX_ACCESS_TOKEN   (was <redacted>)" in plan.render()
    _no_values(plan.render())
    journal = Journal(home / "journal")
    assert apply_fix(AUTH_ENV_REPAIR, ctx, plan, journal).applied
    undone = undo_last(journal, ctx)
    assert undone.env == {"CODEX_ACCESS_TOKEN": "<redacted>"}
    assert ("powershell", "-NoProfile", "-NonInteractive", "-Command", restore) in runner.calls


def test_nothing_to_remove_and_a_variable_set_only_here(home):
    ctx = FixContext(
        make_env(home, {"OPENAI_API_KEY": VALUE}), load_profile(), lab_target(), checks=ALL_CHECKS
    )
    plan = AUTH_ENV_REPAIR.plan(ctx)
    assert not plan.applicable
    assert plan.reason.startswith("No variable makes Codex use another sign-in")

    ctx = FixContext(
        make_env(home, {"CODEX_ACCESS_TOKEN": VALUE}),
        load_profile(),
        lab_target(),
        checks=ALL_CHECKS,
    )
    plan = AUTH_ENV_REPAIR.plan(ctx)
    assert not plan.applicable
    assert plan.reason.startswith(
        "CODEX_ACCESS_TOKEN is not set in any place Sign-in Doctor can change. "
        "CODEX_ACCESS_TOKEN is set for this program, but not in any place"
    )
    _no_values(plan.reason)
