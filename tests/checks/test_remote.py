"""check_remote_session over real marker files in a temporary system root and the variables
SSH, Codespaces, dev containers and WSL really set (names only ever reported)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers import make_env, run_check
from wizard.checks.remote import check_remote_session
from wizard.core.model import CheckResult, Status
from wizard.core.profile import load_profile
from wizard.core.rules import decide

# What OpenSSH's sshd sets (client address, client port, server address, server port).
SSH = {"SSH_CONNECTION": "192.0.2.10 52144 198.51.100.7 22", "SSH_TTY": "/dev/pts/3"}


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "root"
    (folder / "run").mkdir(parents=True)
    return folder


def run_remote(home, root, variables=None, platform="linux"):
    env = dataclasses.replace(make_env(home, variables, platform=platform), system_root=root)
    return run_check(check_remote_session, env, load_profile().target())


def test_nothing_remote_passes(home, root):
    outcome = run_remote(home, root, {"DISPLAY": ":0"})
    assert (outcome.status, outcome.faults) == (Status.PASS, ())
    assert outcome.evidence["markers"] == []


def test_ssh_session_without_a_display_is_a_remote_listener(home, root):
    outcome = run_remote(home, root, SSH)
    assert (outcome.status, outcome.faults) == (Status.WARN, ("remote_session",))
    assert outcome.evidence["markers"] == [
        {"marker": "SSH_CONNECTION", "kind": "ssh"},
        {"marker": "SSH_TTY", "kind": "ssh"},
    ]
    assert outcome.summary == (
        "This runs in an SSH session on another computer. A browser on your own computer "
        "returns to port 1455 on your own computer, not here, unless that port is forwarded "
        "to this machine."
    )
    # the addresses in SSH_CONNECTION are never repeated
    assert "192.0.2.10" not in repr(outcome)


def test_ssh_with_a_forwarded_display_warns_without_a_fault(home, root):
    outcome = run_remote(home, root, {**SSH, "DISPLAY": "localhost:10.0"})
    assert (outcome.status, outcome.faults) == (Status.WARN, ())
    assert outcome.evidence["display"] == ["DISPLAY"]


def test_codespaces_and_a_dev_container_are_named_together(home, root):
    (root / ".dockerenv").write_bytes(b"")
    outcome = run_remote(home, root, {"CODESPACES": "true", "REMOTE_CONTAINERS": "true"})
    assert outcome.faults == ("remote_session",)
    assert outcome.evidence["facts"]["where"] == (
        "GitHub Codespaces (a computer in the cloud) and a dev container"
    )
    assert {"marker": "/.dockerenv", "kind": "container"} in outcome.evidence["markers"]


def test_a_variable_set_to_false_is_no_sign(home, root):
    outcome = run_remote(home, root, {"CODESPACES": "false"})
    assert (outcome.status, outcome.evidence["markers"]) == (Status.PASS, [])


@pytest.mark.parametrize(
    ("variables", "marker_file", "where"),
    [
        ({}, ".dockerenv", "a container"),
        ({}, "run/.containerenv", "a container"),
        ({"WSL_DISTRO_NAME": "Ubuntu"}, None, "WSL (Linux on Windows)"),
    ],
)
def test_a_container_or_wsl_alone_warns_without_a_fault(home, root, variables, marker_file, where):
    if marker_file:
        (root / marker_file).write_bytes(b"")
    outcome = run_remote(home, root, variables)
    assert (outcome.status, outcome.faults) == (Status.WARN, ())
    assert outcome.summary.startswith(f"This runs in {where}. The browser's return reaches")


def test_marker_files_count_only_on_linux(home, root):
    (root / ".dockerenv").write_bytes(b"")
    assert run_remote(home, root, platform="darwin").status == Status.PASS


def test_the_verdict_is_remote_listener_at_the_callback_step(home, root):
    outcome = run_remote(home, root, SSH)
    result = CheckResult(
        "remote_session",
        "Where Codex runs",
        outcome.status,
        outcome.summary,
        outcome.findings,
        outcome.faults,
        0,
    )
    verdict = decide(load_profile().target(), [result])
    assert (verdict.cause, verdict.flow_step) == ("remote_listener", "callback")
    assert verdict.fixes[:2] == ("device-auth", "port-forward")
    assert "an SSH session on another computer" in verdict.summary
    assert "port 1455 on your own computer" in verdict.summary
