"""The real Codex 0.169 as the oracle for the auth-mode variables (field §1.7): a saved
sign-in (`codex login --with-api-key`, no network), then `codex login status` with each
variable set in the process or in `$CODEX_HOME/.env`. Where Codex stops using the saved
sign-in, the wizard names auth_mode_override; where it does not, the wizard names no cause."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers import make_env, run_check
from tests.lab.codex_cli import run_codex
from wizard.checks.auth_mode import check_auth_mode
from wizard.core.model import Status
from wizard.core.rules import cause_table

LAB_KEY = "sk-lab-not-a-key"
VALUE = "lab-value-never-shown"


def _codex(home: Path, args: list[str], stdin: str = "", **variables: str) -> tuple[int, str]:
    done = run_codex(home, *args, stdin=stdin, **variables)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def signed_in(home):
    (home / ".codex").mkdir()
    code, output = _codex(home, ["login", "--with-api-key"], LAB_KEY + "\n")
    assert code == 0, output
    return home


def _causes(outcome) -> set[str]:
    faults = cause_table()["faults"]
    return {faults[f]["cause"] for f in outcome.faults}


def _both(home: Path, dotenv: str = "", **variables: str):
    if dotenv:
        (home / ".codex" / ".env").write_text(dotenv)
    code, output = _codex(home, ["login", "status"], **variables)
    env = replace(make_env(home, variables), system_root=home / "no-system-settings")
    outcome = run_check(check_auth_mode, env)
    assert VALUE not in repr(outcome)
    return code, output, outcome


@pytest.mark.parametrize(
    ("variables", "codex_says", "fault"),
    [
        (
            {"CODEX_ACCESS_TOKEN": VALUE},
            "failed to decode agent identity JWT: invalid agent identity JWT format",
            "access_token_env",
        ),
        (
            {"OPENAI_FEDERATION_RULE_ID": VALUE},
            "workload identity requires OPENAI_IDENTITY_TOKEN_FILE",
            "workload_identity_partial",
        ),
        (
            {"OPENAI_IDENTITY_TOKEN_FILE": "/nonexistent/lab-token"},
            "workload identity requires OPENAI_FEDERATION_RULE_ID",
            "workload_identity_partial",
        ),
        (
            {"OPENAI_FEDERATION_RULE_ID": ""},  # set to nothing still counts
            "workload identity variable OPENAI_FEDERATION_RULE_ID is invalid",
            "workload_identity_partial",
        ),
    ],
)
def test_a_variable_that_replaces_the_saved_sign_in_is_named(
    signed_in, variables, codex_says, fault
):
    code, output, outcome = _both(signed_in, **variables)
    assert code != 0 and codex_says in output, output
    assert outcome.status is Status.FAIL
    assert outcome.faults == (fault,)
    assert _causes(outcome) == {"auth_mode_override"}
    assert outcome.evidence["remove"] == list(variables)


def test_a_whole_workload_identity_replaces_the_saved_sign_in(signed_in):
    token = signed_in / "lab-identity-token"
    token.write_text("not-a-jwt\n")
    variables = {"OPENAI_FEDERATION_RULE_ID": VALUE, "OPENAI_IDENTITY_TOKEN_FILE": str(token)}
    code, output, outcome = _both(signed_in, **variables)
    assert code != 0, output
    assert "the workload identity token exchange is unavailable" in output
    assert outcome.faults == ("workload_identity_env",)
    assert _causes(outcome) == {"auth_mode_override"}


@pytest.mark.parametrize(
    "name",
    ["OPENAI_API_KEY", "CODEX_API_KEY", "OPENAI_BASE_URL", "OPENAI_WORKLOAD_IDENTITY_CONTEXT"],
)
def test_a_variable_that_leaves_the_sign_in_alone_proves_no_cause(signed_in, name):
    code, output, outcome = _both(signed_in, **{name: "https://lab.invalid/v1"})
    assert code == 0 and "API key configured" in output, output
    assert outcome.faults == ()
    assert outcome.status is (Status.WARN if name == "OPENAI_BASE_URL" else Status.PASS)
    assert name in outcome.summary


def test_codex_reads_a_workload_variable_from_its_env_file(signed_in):
    code, output, outcome = _both(signed_in, dotenv=f"OPENAI_FEDERATION_RULE_ID={VALUE}\n")
    assert code != 0 and "workload identity requires OPENAI_IDENTITY_TOKEN_FILE" in output
    assert outcome.faults == ("workload_identity_partial",)
    assert outcome.evidence["variables"] == [
        {"name": "OPENAI_FEDERATION_RULE_ID", "where": "~/.codex/.env", "effect": "workload"}
    ]
    assert outcome.evidence["facts"]["where"] == "~/.codex/.env"


def test_codex_ignores_an_access_token_in_its_env_file(signed_in):
    code, output, outcome = _both(signed_in, dotenv=f"CODEX_ACCESS_TOKEN={VALUE}\n")
    assert code == 0 and "API key configured" in output, output
    assert outcome.faults == ()
    assert outcome.evidence["variables"] == []


def test_codex_ignores_an_access_token_where_only_api_keys_are_allowed(signed_in):
    (signed_in / ".codex" / "config.toml").write_text('forced_login_method = "api"\n')
    code, output, outcome = _both(signed_in, CODEX_ACCESS_TOKEN=VALUE)
    assert code == 0 and "API key configured" in output, output
    assert outcome.faults == () and outcome.status is Status.PASS
    assert outcome.evidence["ignored"] == ["CODEX_ACCESS_TOKEN"]
    assert outcome.evidence["remove"] == []
