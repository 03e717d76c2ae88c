"""Persisting per-user variables: real files on Linux/macOS, registry/launchctl via fakes."""

from __future__ import annotations

from tests.helpers import FakeRunner, fixture_text, make_env
from wizard.platform.env_store import (
    BEGIN,
    END,
    LinuxEnvStore,
    MacEnvStore,
    WindowsEnvStore,
    with_block,
)


def test_linux_writes_environment_d_and_a_marked_profile_block(home):
    profile = home / ".profile"
    profile.write_bytes(b"# my profile\r\nexport EDITOR=vim\r\n")
    store = LinuxEnvStore(make_env(home))
    edits = store.file_edits({"SSL_CERT_FILE": "/home/u/bundle.pem", "X": "it's"})
    by_name = {e.path.name: e for e in edits}
    assert by_name["60-signin-doctor.conf"].after.endswith(
        b"SSL_CERT_FILE=/home/u/bundle.pem\nX=it's\n"
    )
    after = by_name[".profile"].after
    assert after.startswith(b"# my profile\r\nexport EDITOR=vim\r\n")  # untouched bytes
    assert b"export X='it'\"'\"'s'\r\n" in after  # shell-quoted, CRLF kept
    assert by_name[".profile"].diff().count("\n+") >= 3


def test_block_is_replaced_in_place_and_removed_when_empty():
    text = f"a\n{BEGIN}\nexport A='1'\n{END}\nb\n"
    assert with_block(text, {"A": "2"}) == f"a\n{BEGIN}\nexport A='2'\n{END}\nb\n"
    assert with_block(text, {}) == "a\nb\n"
    assert with_block("", {}) == ""


def test_windows_sets_user_variables_through_powershell_and_reads_the_registry(home):
    runner = FakeRunner()
    runner.add(
        ["reg", "query", r"HKCU\Environment", "/v", "Path"],
        fixture_text("env", "reg_query_hkcu_environment_path.txt"),
    )
    script = "[Environment]::SetEnvironmentVariable('SSL_CERT_FILE', $null, 'User')"
    runner.add(["powershell", "-NoProfile", "-NonInteractive", "-Command", script], "")
    store = WindowsEnvStore(make_env(home, platform="windows", runner=runner))
    assert store.current("Path") == "C:\\app\\bin"
    assert store.current("SSL_CERT_FILE") is None  # reg.exe not answering for it: not set
    assert store.file_edits({"SSL_CERT_FILE": None}) == []
    assert store.apply_live({"SSL_CERT_FILE": None}) == [r"unset SSL_CERT_FILE in HKCU\Environment"]


def test_windows_failure_is_an_oserror_with_the_message(home):
    runner = FakeRunner()
    script = "[Environment]::SetEnvironmentVariable('A', 'b''c', 'User')"
    runner.add(
        ["powershell", "-NoProfile", "-NonInteractive", "-Command", script],
        "",
        returncode=1,
        stderr="Access is denied.",
    )
    store = WindowsEnvStore(make_env(home, platform="windows", runner=runner))
    try:
        store.apply_live({"A": "b'c"})
    except OSError as exc:
        assert "Access is denied." in str(exc)
    else:
        raise AssertionError("expected OSError")


def test_macos_uses_launchctl_and_zprofile(home):
    runner = FakeRunner()
    runner.add(["launchctl", "setenv", "CODEX_CA_CERTIFICATE", "/Users/u/b.pem"], "")
    runner.add(["launchctl", "getenv", "CODEX_CA_CERTIFICATE"], "/Users/u/b.pem\n")
    store = MacEnvStore(make_env(home, platform="darwin", runner=runner))
    (edit,) = store.file_edits({"CODEX_CA_CERTIFICATE": "/Users/u/b.pem"})
    assert edit.path == home / ".zprofile" and edit.before is None
    assert store.apply_live({"CODEX_CA_CERTIFICATE": "/Users/u/b.pem"}) == [
        "launchctl setenv CODEX_CA_CERTIFICATE"
    ]
    assert store.current("CODEX_CA_CERTIFICATE") == "/Users/u/b.pem"


def test_a_user_variable_is_read_from_the_recorded_reg_query(home):
    out = fixture_text("env", "reg_query_hkcu_environment.txt")
    runner = FakeRunner()
    for name in ("OneDrive", "TEMP", "SSL_CERT_FILE"):
        runner.add(["reg", "query", r"HKCU\Environment", "/v", name], out)
    store = WindowsEnvStore(make_env(home, platform="windows", runner=runner))
    assert store.current("OneDrive") == "C:\\Users\\user\\OneDrive"
    assert store.current("TEMP") == "%USERPROFILE%\\AppData\\Local\\Temp"
    assert store.current("SSL_CERT_FILE") is None


def test_a_symlinked_profile_is_edited_at_its_target_and_stays_a_link(home):
    dotfiles = home / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "profile").write_bytes(b"export EDITOR=vim\n")
    (home / ".profile").symlink_to(dotfiles / "profile")
    edits = LinuxEnvStore(make_env(home)).file_edits({"SSL_CERT_FILE": "/x.pem"})
    (profile_edit,) = [e for e in edits if e.path.name == "profile"]
    assert profile_edit.path == dotfiles / "profile"
    assert profile_edit.shown_as == "~/.profile -> ~/dotfiles/profile"
