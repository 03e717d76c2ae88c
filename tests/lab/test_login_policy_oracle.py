"""The real Codex 0.169 as the oracle for sign-in rules on this computer (field §1.10): each
case writes the files into a private /etc/codex (a bind mount in a mount namespace of the
real `codex login` alone, tests/lab/hosts.py) and a temporary CODEX_HOME, runs `codex login`,
and runs the wizard's check over the same files (its system root is the same temporary
folder). Where Codex refuses the ChatGPT sign-in, the wizard names managed_policy and the
methods it allows; where Codex opens the sign-in, the wizard proves nothing."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers import make_env, run_check
from tests.lab.codex_cli import codex_env, lab_codex_binary, ports_lock
from tests.lab.hosts import BindLauncher, can_map_hosts
from wizard.checks.codex_probe import LOGIN_ARGS, NO_OP_BROWSER, wait_for_authorize_url
from wizard.checks.login_policy import check_login_policy
from wizard.core.engine import Budget
from wizard.core.model import Status
from wizard.core.rules import cause_table

DISABLED = "ChatGPT login is disabled. Use API key login instead."
NO_METHOD = "authentication requirements do not permit any usable login method"

pytestmark = pytest.mark.skipif(can_map_hosts() is not None, reason=str(can_map_hosts()))


def _codex_login(root: Path, home: Path) -> tuple[str | None, str]:
    """(the sign-in address, or None when Codex stopped first; what it printed)."""
    binary = lab_codex_binary()
    if binary is None:
        pytest.skip("the real Codex CLI is not cached here")
    env = {**codex_env(home), "BROWSER": NO_OP_BROWSER}
    with ports_lock():
        process = BindLauncher([(root / "etc", "/etc")]).start([str(binary), *LOGIN_ARGS], env)
        try:
            url = wait_for_authorize_url(process, Budget(time.monotonic() + 20))
        finally:
            process.kill()
        return url, process.output()


@pytest.fixture
def lab(tmp_path, home):
    """Write /etc/codex and CODEX_HOME files, then ask both Codex and the wizard."""
    root = tmp_path / "root"
    (root / "etc" / "codex").mkdir(parents=True)
    (home / ".codex").mkdir()

    def run(etc: dict[str, str] | None = None, user_config: str | None = None):
        for name, text in (etc or {}).items():
            (root / "etc" / "codex" / name).write_text(text)
        if user_config is not None:
            (home / ".codex" / "config.toml").write_text(user_config)
        url, output = _codex_login(root, home)
        outcome = run_check(check_login_policy, replace(make_env(home), system_root=root))
        return url, output, outcome

    return run


def _cause(outcome) -> set[str]:
    return {cause_table()["faults"][f]["cause"] for f in outcome.faults}


def test_forced_api_in_the_codex_folder_is_managed_policy_with_the_method_named(lab):
    url, output, outcome = lab(user_config='forced_login_method = "api"\n')
    assert url is None and DISABLED in output, output
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("own_login_method_api",)
    assert _cause(outcome) == {"managed_policy"}
    assert outcome.evidence["allowed_methods"] == ["api"]
    assert outcome.summary == (
        f"~/.codex/config.toml allows only API key sign-in, so signing in with ChatGPT stops "
        f"with “{DISABLED}”"
    )


@pytest.mark.parametrize(
    ("etc", "user_config", "fault"),
    [
        (
            {"requirements.toml": 'allowed_login_methods = ["api"]\n'},
            None,
            "chatgpt_login_disabled",
        ),
        (  # an administrator's managed_config.toml wins over the user's own setting
            {"managed_config.toml": 'forced_login_method = "api"\n'},
            'forced_login_method = "chatgpt"\n',
            "chatgpt_login_disabled",
        ),
        (  # the workspace the user chose is not one the requirements allow
            {"requirements.toml": 'allowed_chatgpt_workspaces = ["ws-a"]\n'},
            'forced_chatgpt_workspace_id = "ws-b"\n',
            "chatgpt_login_disabled",
        ),
    ],
)
def test_an_administrators_setting_that_disables_chatgpt_sign_in(lab, etc, user_config, fault):
    url, output, outcome = lab(etc, user_config)
    assert url is None and DISABLED in output, output
    assert outcome.faults == (fault,)
    assert _cause(outcome) == {"managed_policy"}
    assert "etc/codex/" in outcome.summary and "ChatGPT login is disabled" in outcome.summary


def test_requirements_and_a_setting_that_contradict_each_other(lab):
    etc = {"requirements.toml": 'allowed_login_methods = ["chatgpt"]\n'}
    url, output, outcome = lab(etc, 'forced_login_method = "api"\n')
    assert url is None and NO_METHOD in output, output
    assert outcome.faults == ("no_login_method_allowed",)


@pytest.mark.parametrize(
    ("etc", "user_config", "codex_says"),
    [
        ({"requirements.toml": "this is = not toml [\n"}, None, "failed to parse requirements"),
        ({}, 'forced_login_method = "API"\n', "unknown variant `API`"),
    ],
)
def test_a_broken_setting_stops_codex_before_it_starts(lab, etc, user_config, codex_says):
    url, output, outcome = lab(etc, user_config)
    assert url is None and codex_says in output, output
    assert outcome.faults == ("login_policy_unreadable",)
    assert _cause(outcome) == {"managed_policy"}


def test_the_users_own_setting_wins_over_the_system_config(lab):
    etc = {"config.toml": 'forced_login_method = "api"\n'}
    url, output, outcome = lab(etc, 'forced_login_method = "chatgpt"\n')
    assert url is not None, output
    assert outcome.faults == () and outcome.status is Status.PASS
    assert outcome.summary == "The settings on this computer allow signing in with ChatGPT."


def test_a_workspace_list_is_sent_by_codex_and_named_by_the_wizard(lab):
    etc = {"config.toml": 'forced_chatgpt_workspace_id = ["ws-c", "ws-d"]\n'}
    url, output, outcome = lab(etc)
    assert url is not None and "allowed_workspace_id=ws-c%2Cws-d" in url, output
    assert outcome.faults == () and outcome.status is Status.WARN
    assert outcome.evidence["workspaces"] == ["ws-c", "ws-d"]
    assert "limited to the workspace(s) ws-c, ws-d" in outcome.summary
