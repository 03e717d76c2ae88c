"""check_ide_settings over real settings files in a temporary home."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import FakeRunner, make_env, run_check
from wizard.checks.ide import check_ide_settings
from wizard.core.model import Status

WSL_ON = """{
    // Codex in WSL (seed 000)
    "chatgpt.runCodexInWindowsSubsystemForLinux": true,
}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def roaming(home: Path, folder: str) -> Path:
    return home / "AppData" / "Roaming" / folder / "User" / "settings.json"


def windows_env(home: Path):
    return make_env(home, platform="windows", runner=FakeRunner())


def test_no_editors_is_skip(home):
    outcome = run_check(check_ide_settings, make_env(home))
    assert outcome.status is Status.SKIP
    assert outcome.summary == "No VS Code, Cursor, Windsurf or VSCodium settings found."
    assert outcome.faults == ()


def test_windows_wsl_on_in_cursor_fails(home):
    write(roaming(home, "Cursor"), WSL_ON)
    write(roaming(home, "Code"), '{"editor.fontSize": 14}')
    outcome = run_check(check_ide_settings, windows_env(home))
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("ide_wsl_on",)
    assert outcome.evidence["facts"] == {"editors": "Cursor"}
    assert outcome.evidence["wsl_on_files"] == ["~/AppData/Roaming/Cursor/User/settings.json"]
    assert outcome.summary.startswith("Cursor runs Codex inside WSL")


def test_windows_wsl_on_in_two_editors_names_both(home):
    write(roaming(home, "Code"), WSL_ON)
    write(roaming(home, "Cursor"), WSL_ON.replace("\n", "\r\n"))
    outcome = run_check(check_ide_settings, windows_env(home))
    assert outcome.faults == ("ide_wsl_on",)
    assert outcome.evidence["facts"] == {"editors": "VS Code and Cursor"}
    assert outcome.summary.startswith("VS Code and Cursor run Codex inside WSL")


def test_windows_wsl_on_in_a_profile_counts(home):
    write(roaming(home, "Code"), "{}")
    write(home / "AppData/Roaming/Code/User/profiles/3f1a/settings.json", WSL_ON)
    outcome = run_check(check_ide_settings, windows_env(home))
    assert outcome.faults == ("ide_wsl_on",)
    assert outcome.evidence["wsl_on_files"] == [
        "~/AppData/Roaming/Code/User/profiles/3f1a/settings.json"
    ]


def test_windows_wsl_explicitly_off_passes(home):
    write(roaming(home, "Cursor"), '{"chatgpt.runCodexInWindowsSubsystemForLinux": false}')
    outcome = run_check(check_ide_settings, windows_env(home))
    assert outcome.status is Status.PASS
    assert outcome.faults == ()
    [entry] = outcome.evidence["files"]
    assert entry["chatgpt.runCodexInWindowsSubsystemForLinux"] is False


def test_wsl_setting_is_ignored_outside_windows(home):
    write(home / ".config/Cursor/User/settings.json", WSL_ON)
    outcome = run_check(check_ide_settings, make_env(home))
    assert outcome.status is Status.PASS
    assert outcome.faults == ()
    assert "only uses it on Windows" in outcome.evidence["note"]


def test_string_true_is_not_true(home):
    """VS Code ignores a setting of the wrong type; so do we."""
    write(roaming(home, "Code"), '{"chatgpt.runCodexInWindowsSubsystemForLinux": "true"}')
    outcome = run_check(check_ide_settings, windows_env(home))
    assert outcome.status is Status.PASS
    assert outcome.faults == ()


def test_proxy_settings_are_reported_without_password(home):
    write(
        home / ".config/Code/User/settings.json",
        """{
  "http.proxy": "http://alice:s3cret-pw@proxy.corp.example:8080",
  "http.proxyStrictSSL": false,
  "http.noProxy": ["localhost", "127.0.0.1"],
}""",
    )
    outcome = run_check(check_ide_settings, make_env(home))
    assert outcome.status is Status.PASS
    [entry] = outcome.evidence["files"]
    assert entry["http.proxy"] == "http://alice:<redacted>@proxy.corp.example:8080"
    assert entry["http.proxyStrictSSL"] is False
    assert entry["http.noProxy"] == ["localhost", "127.0.0.1"]
    assert entry["file"] == "~/.config/Code/User/settings.json"
    assert outcome.evidence["proxies"] == [
        {
            "editor": "VS Code",
            "file": "~/.config/Code/User/settings.json",
            "proxy": "http://alice:<redacted>@proxy.corp.example:8080",
        }
    ]
    assert "s3cret-pw" not in repr(outcome)


def test_broken_file_warns_with_file_and_line(home):
    write(home / ".config/Code/User/settings.json", '{\n  "a": 1,\n  "b" 2\n}\n')
    write(home / ".config/Cursor/User/settings.json", "{}")
    outcome = run_check(check_ide_settings, make_env(home))
    assert outcome.status is Status.WARN
    assert outcome.summary == (
        "VS Code's settings file ~/.config/Code/User/settings.json cannot be read (line 3); "
        "the other settings were checked."
    )
    assert outcome.evidence["unreadable"][0].startswith(
        "~/.config/Code/User/settings.json: line 3:"
    )


def test_broken_file_does_not_hide_wsl_on_elsewhere(home):
    write(roaming(home, "Code"), '{"x": }')
    write(roaming(home, "Cursor"), WSL_ON)
    outcome = run_check(check_ide_settings, windows_env(home))
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("ide_wsl_on",)
    assert len(outcome.evidence["unreadable"]) == 1
