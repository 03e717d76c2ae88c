"""desktop-wsl-off over a real state file in a temporary home: only the two values change, a
running app (a real process with the app's name) blocks it, and Undo restores the bytes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e import clean_env, free_port, run_wizard
from tests.helpers import lab_target, make_env
from wizard.core.profile import load_profile
from wizard.fixes.apply import apply_fix, undo_last
from wizard.fixes.base import FixContext
from wizard.fixes.catalog import all_fixes
from wizard.fixes.desktop_wsl_off import NO_APP, NOT_ON, DesktopWslOff
from wizard.fixes.journal import Journal

FIXTURE = Path(__file__).parent.parent / "fixtures" / "desktop" / "global_state_wsl.json"
BEFORE = FIXTURE.read_bytes()
AFTER = BEFORE.replace(
    b'"runCodexInWindowsSubsystemForLinux": true', b'"runCodexInWindowsSubsystemForLinux": false'
).replace(b'"integratedTerminalShell": "wsl"', b'"integratedTerminalShell": "powershell"')


def state_file(home: Path, data: bytes = BEFORE) -> Path:
    path = home / ".codex" / ".codex-global-state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def plan_for(home: Path):
    ctx = FixContext(make_env(home, platform="windows"), load_profile(), lab_target())
    return ctx, DesktopWslOff().plan(ctx)


def test_only_the_two_values_change(home):
    path = state_file(home)
    _ctx, plan = plan_for(home)
    assert plan.applicable, plan.reason
    [edit] = plan.files
    assert (edit.path, edit.before, edit.after) == (path, BEFORE, AFTER)
    assert edit.shown_as == "~/.codex/.codex-global-state.json"
    assert plan.rechecks == ("wsl",)


def test_agent_off_but_terminal_wsl_changes_the_terminal_only(home):
    data = BEFORE.replace(b'Linux": true', b'Linux": false')
    state_file(home, data)
    _ctx, plan = plan_for(home)
    assert plan.files[0].after == AFTER


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (AFTER, NOT_ON),
        (b'{"integratedTerminalShell": "gitBash"}', NOT_ON),
        (b'{"runCodexInWindowsSubsystemForLinux": "yes"}', NOT_ON),  # not ours to judge
    ],
)
def test_not_applicable_when_not_set_to_wsl(home, data, reason):
    state_file(home, data)
    _ctx, plan = plan_for(home)
    assert (plan.applicable, plan.reason) == (False, reason)


def test_no_state_file(home):
    _ctx, plan = plan_for(home)
    assert (plan.applicable, plan.reason) == (False, NO_APP)


def test_broken_file_is_named_and_untouched(home):
    path = state_file(home, BEFORE[:-3])
    _ctx, plan = plan_for(home)
    assert not plan.applicable
    assert plan.reason.startswith(
        "The Codex app's settings file ~/.codex/.codex-global-state.json was not changed: it "
        "has a mistake at line"
    )
    assert path.read_bytes() == BEFORE[:-3]


@pytest.mark.skipif(sys.platform != "linux", reason="process names as Linux shows them")
@pytest.mark.parametrize(
    "relative",
    ["Codex", "OpenAI.Codex_26.908.4834.0_x64__2p2nqsd0c76g0/app/ChatGPT.exe"],
)
def test_refused_while_the_app_runs(home, named_process, relative):
    path = state_file(home)
    proc = named_process(relative)
    _ctx, plan = plan_for(home)
    assert not plan.applicable and not plan.files
    name = Path(relative).name
    assert plan.reason == (
        f"The Codex app is open ({name}). It rewrites its settings when it closes, so the change "
        "would be lost. Quit the Codex app (also from the notification area), then try again."
    )
    proc.kill()
    proc.wait()
    _ctx, plan = plan_for(home)
    assert plan.applicable  # closed: the same file can be changed
    assert path.read_bytes() == BEFORE


@pytest.mark.skipif(sys.platform != "linux", reason="process names as Linux shows them")
def test_a_running_codex_cli_does_not_block_it(home, named_process):
    state_file(home)
    named_process("codex")  # the CLI's name; only the app is called Codex
    _ctx, plan = plan_for(home)
    assert plan.applicable, plan.reason


def test_apply_then_undo_restores_the_bytes(home):
    path = state_file(home)
    ctx, plan = plan_for(home)
    journal = Journal(home / "journal")
    result = apply_fix(DesktopWslOff(), ctx, plan, journal)
    assert result.applied and path.read_bytes() == AFTER
    [entry] = journal.entries()
    assert entry.backup_bytes(0) == BEFORE  # backed up before the write
    assert undo_last(journal, ctx).applied
    assert path.read_bytes() == BEFORE


def test_registered_and_offered_for_the_desktop_fault():
    from wizard.core.rules import cause_table

    assert isinstance(all_fixes()["desktop-wsl-off"], DesktopWslOff)
    table = cause_table()
    assert table["faults"]["desktop_wsl_on"]["fixes"][0] == "desktop-wsl-off"
    assert "desktop-wsl-off" in table["causes"]["wsl_relay"]["fixes"]


def test_e2e_fix_and_undo_through_the_program(home):
    path = state_file(home)
    env = clean_env(home)
    target = ["--auth-url", f"https://localhost:{free_port()}", "--timeout", "2"]
    target += ["--callback-port", str(free_port())]
    run = run_wizard(["fix", "desktop-wsl-off", "--yes", "--json", *target], env)
    assert run.returncode == 0, run.json
    assert run.json["changed_files"] == ["~/.codex/.codex-global-state.json"]
    assert path.read_bytes() == AFTER
    undo = run_wizard(["undo", "--last", "--yes", "--json"], env)
    assert undo.returncode == 0 and undo.json["applied"] is True
    assert path.read_bytes() == BEFORE
