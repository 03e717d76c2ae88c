"""The keyring probe's parsers over recorded real outputs (tests/fixtures/keyring/SOURCES.md),
and the probe itself with a fake runner for the platforms this machine is not."""

from __future__ import annotations

import pytest

from tests.helpers import FakeRunner, fixture_text
from wizard.core.environment import CommandOutput
from wizard.platform.keyring import (
    LINUX_ARGS,
    WINDOWS_ARGS,
    keyring_state,
    parse_busctl_locked,
    parse_cmdkey_list,
)


@pytest.mark.parametrize(
    ("fixture", "returncode", "state"),
    [
        ("busctl_locked_false.txt", 0, "available"),
        ("busctl_locked_true.txt", 0, "locked"),
        ("busctl_no_service.txt", 1, "absent"),
        ("busctl_no_bus.txt", 1, "no_session"),
    ],
)
def test_busctl_answers(fixture, returncode, state):
    text = fixture_text("keyring", fixture)
    out = CommandOutput(
        returncode, text if returncode == 0 else "", "" if returncode == 0 else text
    )
    found = parse_busctl_locked(out)
    assert (found.state, found.backend) == (state, "Secret Service")
    assert found.detail == ("" if returncode == 0 else text.strip())


def test_cmdkey_list_answers_and_counts_no_codex_entry():
    out = CommandOutput(0, fixture_text("keyring", "cmdkey_list_domain.txt"), "")
    found = parse_cmdkey_list(out)
    assert (found.state, found.codex_entries) == ("available", 0)
    assert found.backend == "Windows Credential Manager"


def test_windows_probe_uses_cmdkey_and_never_prints_a_secret():
    runner = FakeRunner()
    runner.add(WINDOWS_ARGS, fixture_text("keyring", "cmdkey_list_domain.txt"))
    found = keyring_state("windows", runner, 3.0)
    assert runner.calls == [WINDOWS_ARGS]
    assert found.state == "available"
    assert "mike.katz" not in repr(found)  # user names of other entries are not kept


def test_a_keyring_tool_that_hangs_is_no_answer():
    runner = FakeRunner()
    runner.fail(LINUX_ARGS, TimeoutError("busctl did not finish within 3.0 s"))
    assert keyring_state("linux", runner, 3.0).state == "no_answer"


def test_no_busctl_is_not_tested_and_macos_is_never_asked():
    runner = FakeRunner()
    assert keyring_state("linux", runner, 3.0).state == "not_tested"
    assert keyring_state("darwin", runner, 3.0).state == "not_tested"
    assert runner.calls == [LINUX_ARGS]  # macOS: no command at all (it may prompt)
