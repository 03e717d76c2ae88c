"""Apply and undo: originals backed up first, atomic writes, byte-for-byte undo, rollback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.helpers import FakeRunner, lab_target, make_env
from wizard.core.profile import load_profile
from wizard.fixes.apply import PlanOutdated, apply_fix, undo_last
from wizard.fixes.base import FixContext
from wizard.fixes.journal import Journal
from wizard.fixes.plan import EnvEdit, FixPlan
from wizard.platform.atomic import WriteRefused, atomic_write
from wizard.platform.file_edit import FileEdit

ORIGINAL = b'{\r\n  // keep me\r\n  "a": true,\r\n}\r\n'


class FileOnlyFix:
    id = "test-fix"
    title = "Test fix"

    def __init__(self, fail_action: bool = False) -> None:
        self.fail_action = fail_action

    def plan(self, ctx):  # pragma: no cover - plans are built by the tests
        raise NotImplementedError

    def run_actions(self, ctx, plan):
        if self.fail_action:
            raise OSError("the process could not be stopped")
        return []


def setup(home, files):
    env = make_env(home)
    ctx = FixContext(env, load_profile(), lab_target())
    journal = Journal(home / "journal")
    edits = tuple(
        FileEdit(p, str(p), p.read_bytes() if p.exists() else None, after) for p, after in files
    )
    plan = FixPlan("test-fix", "Test fix", "changes two files", files=edits)
    return ctx, journal, plan


def test_apply_then_undo_restores_bytes_exactly(home):
    settings, created = home / "settings.json", home / "new.conf"
    settings.write_bytes(ORIGINAL)
    os.chmod(settings, 0o640)
    ctx, journal, plan = setup(home, [(settings, b"changed"), (created, b"X=1\n")])

    result = apply_fix(FileOnlyFix(), ctx, plan, journal)
    assert result.applied and result.backup
    assert settings.read_bytes() == b"changed" and created.read_bytes() == b"X=1\n"
    assert settings.stat().st_mode & 0o777 == 0o640  # permissions kept

    undone = undo_last(journal, ctx)
    assert undone.applied
    assert settings.read_bytes() == ORIGINAL  # byte for byte, CRLF and comments included
    assert not created.exists()  # a file the fix created is removed again
    assert undo_last(journal, ctx).message == "There is nothing to undo."


def test_a_failing_action_rolls_the_files_back(home):
    settings = home / "settings.json"
    settings.write_bytes(ORIGINAL)
    ctx, journal, plan = setup(home, [(settings, b"changed")])
    plan = FixPlan(plan.fix_id, plan.title, plan.summary, files=plan.files, actions=("stop it",))
    result = apply_fix(FileOnlyFix(fail_action=True), ctx, plan, journal)
    assert not result.applied and "could not be stopped" in result.message
    assert settings.read_bytes() == ORIGINAL
    assert journal.last_undoable() is None


def test_a_file_changed_after_the_preview_is_not_written(home):
    settings = home / "settings.json"
    settings.write_bytes(ORIGINAL)
    ctx, journal, plan = setup(home, [(settings, b"changed")])
    settings.write_bytes(ORIGINAL + b"// edited meanwhile\n")
    with pytest.raises(PlanOutdated):
        apply_fix(FileOnlyFix(), ctx, plan, journal)
    assert settings.read_bytes() == ORIGINAL + b"// edited meanwhile\n"


def test_read_only_files_are_refused_with_a_clear_error(home):
    target = home / "settings.json"
    target.write_bytes(ORIGINAL)
    os.chmod(target, 0o444)
    with pytest.raises(WriteRefused, match="read-only"):
        atomic_write(target, b"x")
    assert target.read_bytes() == ORIGINAL


def test_a_crash_in_the_middle_of_a_write_leaves_the_original(home):
    """Kill a real process between writing the temp file and the rename."""
    target = home / "settings.json"
    target.write_bytes(ORIGINAL)
    script = textwrap.dedent(f"""
        import os, sys
        from pathlib import Path
        from wizard.platform import atomic
        def die(*args):
            os._exit(9)  # the power goes out just before the rename
        atomic.os.replace = die
        atomic.atomic_write(Path({str(target)!r}), b"half-written new content")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30)
    assert done.returncode == 9
    assert target.read_bytes() == ORIGINAL


def test_undo_restores_variables_to_their_previous_absence(home):
    env = make_env(home)
    ctx = FixContext(env, load_profile(), lab_target())
    journal = Journal(home / "journal")
    edits = tuple(ctx.store.file_edits({"CODEX_CA_CERTIFICATE": "/etc/corp.pem"}))
    plan = FixPlan(
        "test-fix",
        "Test fix",
        "sets a variable",
        files=edits,
        env=(EnvEdit("CODEX_CA_CERTIFICATE", None, "/etc/corp.pem"),),
    )
    assert apply_fix(FileOnlyFix(), ctx, plan, journal).applied
    assert ctx.store.current("CODEX_CA_CERTIFICATE") == "/etc/corp.pem"
    undo_last(journal, ctx)
    assert ctx.store.current("CODEX_CA_CERTIFICATE") is None
    assert not (home / ".profile").exists()


def test_variables_go_back_when_a_later_action_fails(home):
    runner = FakeRunner()
    runner.add(["launchctl", "setenv", "SSL_CERT_FILE", "/new.pem"], "")
    runner.add(["launchctl", "unsetenv", "SSL_CERT_FILE"], "")
    env = make_env(home, platform="darwin", runner=runner)
    ctx = FixContext(env, load_profile(), lab_target())
    plan = FixPlan(
        "test-fix",
        "Test fix",
        "sets a variable then fails",
        env=(EnvEdit("SSL_CERT_FILE", None, "/new.pem"),),
        actions=("stop it",),
    )
    result = apply_fix(FileOnlyFix(fail_action=True), ctx, plan, Journal(home / "journal"))
    assert not result.applied
    assert runner.calls[-1] == ("launchctl", "unsetenv", "SSL_CERT_FILE")
