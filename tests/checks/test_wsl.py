"""check_wsl on a Windows Environment with FakeRunner answering recorded real wsl.exe output."""

from __future__ import annotations

from tests.helpers import FakeRunner, fixture_text, make_env, run_check
from tests.lab.home import LabHome
from wizard.checks.wsl import check_wsl
from wizard.core.model import Status

LIST = ["wsl.exe", "-l", "-v"]
STATUS = ["wsl.exe", "--status"]
WSL_ON = '{\n  // seed 000\n  "chatgpt.runCodexInWindowsSubsystemForLinux": true,\n}\n'


def windows(home, runner, **variables):
    return make_env(home, variables, platform="windows", runner=runner)


def test_not_windows_is_skip(home):
    runner = FakeRunner()
    outcome = run_check(check_wsl, make_env(home, runner=runner))
    assert outcome.status is Status.SKIP
    assert outcome.summary == "Only relevant on Windows."
    assert runner.calls == []


def test_wsl_exe_missing_means_not_installed(home):
    runner = FakeRunner()  # wsl.exe unknown -> CommandNotFound
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.status is Status.PASS
    assert outcome.summary == "WSL is not installed, so it cannot interfere."
    assert outcome.evidence == {"installed": False}
    assert runner.calls == [tuple(LIST)]


def test_no_distributions(home):
    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "no_distributions.txt"), returncode=1)
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.status is Status.PASS
    assert (
        outcome.summary == "WSL is installed without any Linux system, so Codex cannot run in it."
    )
    assert outcome.evidence["distros"] == []
    assert tuple(STATUS) not in runner.calls


def test_distros_without_editor_in_wsl_pass(home):
    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "list_verbose_default_ubuntu.txt"))
    runner.add(STATUS, fixture_text("wsl", "status_default_debian.txt"))
    LabHome(home).settings(
        "Cursor", '{"chatgpt.runCodexInWindowsSubsystemForLinux": false}', windows=True
    )
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.status is Status.PASS
    assert outcome.summary == (
        "WSL is installed (Ubuntu, WSL 2, nat networking); no editor runs Codex inside it."
    )
    ev = outcome.evidence
    assert ev["default"] == "Ubuntu"  # the * marker wins over --status
    assert ev["distros"][0] == {"name": "Ubuntu", "state": "Running", "version": 2, "default": True}
    assert len(ev["distros"]) == 4
    assert ev["status"] == {"default_distribution": "Debian", "default_version": 2}
    assert (ev["networking_mode"], ev["networking_mode_source"]) == ("nat", "default")
    assert ev["editors_running_codex_in_wsl"] is None
    assert outcome.faults == ()


def test_editor_running_codex_in_wsl_warns_with_mirrored_networking(home):
    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "list_verbose_default_ubuntu.txt"))
    lab = LabHome(home)
    lab.settings("Cursor", WSL_ON, windows=True)
    lab.file(".wslconfig", "[wsl2]\r\nnetworkingMode=mirrored\r\n")
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.status is Status.WARN
    assert outcome.summary == "Cursor runs Codex inside WSL (Ubuntu, WSL 2, mirrored networking)."
    assert outcome.evidence["networking_mode"] == "mirrored"
    assert outcome.evidence["networking_mode_source"] == ".wslconfig"
    assert outcome.evidence["facts"] == {"editors": "Cursor"}
    assert outcome.faults == ()  # ide_settings proves it; this check gives the context
    assert outcome.evidence["status"] is None  # --status not answered: optional


def test_no_default_marker_falls_back_to_status(home):
    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "list_verbose_no_default_marker.txt"))
    runner.add(STATUS, fixture_text("wsl", "status_version_only.txt"))
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.status is Status.PASS
    assert outcome.evidence["default"] is None
    assert outcome.summary == (
        "WSL is installed (MyPengwin, WSL 2, nat networking); no editor runs Codex inside it."
    )


def test_userprofile_locates_wslconfig(home, tmp_path):
    profile_dir = tmp_path / "profile"
    profile_dir.mkdir()
    (profile_dir / ".wslconfig").write_text("[wsl2]\nnetworkingMode=mirrored\n", encoding="utf-8")
    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "list_verbose_default_ubuntu.txt"))
    outcome = run_check(check_wsl, windows(home, runner, USERPROFILE=str(profile_dir)))
    assert outcome.evidence["networking_mode"] == "mirrored"


def test_timeout_warns(home):
    runner = FakeRunner()
    runner.fail(LIST, TimeoutError("wsl.exe did not finish within 8.0 s"))
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.status is Status.WARN
    assert outcome.summary == "WSL did not answer in time."


def test_unparsable_listing_warns(home):
    """An old wsl.exe that does not know -v prints its usage text (here in Chinese)."""
    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "list_verbose_unsupported_zh.txt"), returncode=-1)
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.status is Status.WARN
    assert outcome.summary == "WSL is installed but did not list its Linux systems."
    assert outcome.evidence["exit_code"] == -1
    assert outcome.evidence["distros"] == []


DESKTOP_STATE = fixture_text("desktop", "global_state_wsl.json")


def test_desktop_agent_in_wsl_is_the_wsl_relay_fault(home):
    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "list_verbose_default_ubuntu.txt"))
    LabHome(home).file(".codex/.codex-global-state.json", DESKTOP_STATE)
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("desktop_wsl_on",)
    assert (
        outcome.summary
        == "The Codex app runs its agent inside WSL (Ubuntu, WSL 2, nat networking)."
    )
    assert outcome.evidence["desktop_app"] == {
        "exists": True,
        "agent_in_wsl": True,
        "terminal_shell": "wsl",
        "error": None,
        "file": "~/.codex/.codex-global-state.json",
    }


def test_desktop_terminal_in_wsl_alone_is_named(home):
    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "list_verbose_default_ubuntu.txt"))
    state = DESKTOP_STATE.replace('Linux": true', 'Linux": false')
    LabHome(home).file(".codex/.codex-global-state.json", state)
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.faults == ("desktop_wsl_on",)
    assert outcome.summary.startswith("The Codex app's terminal runs inside WSL (Ubuntu")


def test_desktop_on_windows_is_no_fault(home):
    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "list_verbose_default_ubuntu.txt"))
    state = DESKTOP_STATE.replace('Linux": true', 'Linux": false').replace(
        '"integratedTerminalShell": "wsl"', '"integratedTerminalShell": "powershell"'
    )
    LabHome(home).file(".codex/.codex-global-state.json", state)
    outcome = run_check(check_wsl, windows(home, runner))
    assert outcome.status is Status.PASS and outcome.faults == ()
    assert outcome.evidence["desktop_app"]["agent_in_wsl"] is False


def test_desktop_fault_names_wsl_relay_with_the_desktop_advice(home):
    from tests.helpers import lab_target
    from wizard.core.model import CheckResult
    from wizard.core.rules import decide

    runner = FakeRunner()
    runner.add(LIST, fixture_text("wsl", "list_verbose_default_ubuntu.txt"))
    LabHome(home).file(".codex/.codex-global-state.json", DESKTOP_STATE)
    outcome = run_check(check_wsl, windows(home, runner))
    result = CheckResult(
        "wsl", "WSL", outcome.status, outcome.summary, outcome.findings, outcome.faults, 1
    )
    verdict = decide(lab_target(), [result])
    assert verdict.cause == "wsl_relay"
    assert verdict.fixes == ("desktop-wsl-off", "device-auth")
    assert verdict.next_action == (
        "Close the Codex app, set it back to run on Windows itself, and sign in again."
    )
    assert "The Codex app is set to run inside WSL" in verdict.summary
