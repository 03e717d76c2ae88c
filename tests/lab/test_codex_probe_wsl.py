"""The probe inside WSL, where the editor runs Codex: the shell script the check sends through
`wsl.exe -- sh -lc` runs here for real with the real Codex 0.169 (only `wsl.exe` itself is a
stand-in that drops its `-d DISTRO --` and runs the rest), and the check reads its verdict."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import make_env, run_check
from wizard.checks.codex_probe import check_codex_probe
from wizard.core.findings.editors import WslFindings, WslSystem
from wizard.core.model import CheckResult, Status

FAKE_WSL = """#!/bin/sh
echo "$@" > "$WSL_ARGS_FILE"
[ "$1" = "-d" ] && shift 2
[ "$1" = "--" ] && shift
exec "$@"
"""


def _wsl_result(editors: str | None) -> CheckResult:
    system = WslSystem((), "Ubuntu", "nat", None, None, None, editors_running_codex_in_wsl=editors)
    return CheckResult("wsl", "WSL", Status.WARN, "", WslFindings(True, system), (), 0)


def _windows_env(tmp_path: Path, linux_home: Path, path: str, **variables: str):
    bin_dir = tmp_path / "windows-bin"
    bin_dir.mkdir()
    wsl = bin_dir / "wsl.exe"
    wsl.write_text(FAKE_WSL)
    wsl.chmod(0o755)
    args_file = tmp_path / "wsl-args"
    env_vars = {
        "PATH": f"{bin_dir}:{path}",
        "HOME": str(linux_home),  # what `sh -l` inside the distro sees as its home
        "WSL_ARGS_FILE": str(args_file),
        **variables,
    }
    env = make_env(tmp_path / "windows-home", env_vars, platform="windows")
    return env, args_file


def _linux_home(tmp_path: Path, server: str | None = None, codex: Path | None = None) -> Path:
    """The distro's home: a signed-in ~/.codex and, with `server`, the Codex that editor's
    server installed there."""
    home = tmp_path / "linux-home"
    (home / ".codex").mkdir(parents=True)
    (home / ".codex" / "auth.json").write_bytes(b'{"tokens": {"refresh_token": "never-read"}}')
    (home / ".codex" / "config.toml").write_bytes(b'model = "gpt-5"\n')
    if server and codex:
        bundled = home / server / "extensions/openai.chatgpt-26.1.0-linux-x64/bin/linux-x86_64"
        bundled.mkdir(parents=True)
        (bundled / "codex").symlink_to(codex)
    return home


def _codex_home(linux_home: Path) -> dict[str, tuple[bytes, int]]:
    folder = linux_home / ".codex"
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


def _probe_via(tmp_path: Path, linux_home: Path, proxy, pki):
    """The probe, as VS Code running Codex in WSL, through `proxy` with the lab root."""
    env, args_file = _windows_env(
        tmp_path,
        linux_home,
        "/usr/bin:/bin",
        HTTPS_PROXY=proxy.url,
        CODEX_CA_CERTIFICATE=str(pki.ca_pem),
    )
    deps = {"wsl": _wsl_result("VS Code")}
    return run_check(check_codex_probe, env, deps=deps, timeout_s=40), args_file


def test_the_probe_asks_the_codex_the_editor_runs_in_wsl(
    codex_ports, openai_via_proxy, pki, tmp_path
):
    linux_home = _linux_home(tmp_path, ".cursor-server", codex_ports.binary)
    before = _codex_home(linux_home)
    outcome, args_file = _probe_via(tmp_path, linux_home, openai_via_proxy(), pki)
    assert outcome.status is Status.PASS, outcome.evidence
    assert outcome.evidence["binary"] == "Codex inside WSL (Ubuntu)"
    assert outcome.evidence["redirect_uri"] == "http://127.0.0.1:1455/auth/callback"
    assert args_file.read_text().startswith("-d Ubuntu -- sh -lc ")
    assert _codex_home(linux_home) == before  # the user's login there was never touched


def test_the_editor_installed_codex_is_found_and_its_transport_failure_read(
    codex_ports, openai_via_proxy, pki, tmp_path
):
    linux_home = _linux_home(tmp_path, ".vscode-server", codex_ports.binary)
    outcome, _args = _probe_via(tmp_path, linux_home, openai_via_proxy("intercept"), pki)
    assert (outcome.status, outcome.faults) == (Status.FAIL, ("codex_probe_transport",))
    # Read from the WSL log: only the log has `codex_login::server` lines. Not its last line:
    # Codex's log writer runs beside it and, on a loaded machine, can lose the final ERROR
    # lines when Codex exits (seen on CI); the line before the retry is written first.
    excerpts = [d["excerpt"] for d in outcome.evidence["decoded"]]
    assert any("codex_login::server" in e for e in excerpts), excerpts
    assert not any("codex_login::server" in line for line in outcome.evidence["said"])


def test_without_codex_in_wsl_or_an_editor_using_it_the_probe_does_not_run(tmp_path):
    linux_home = _linux_home(tmp_path)
    env, args_file = _windows_env(tmp_path, linux_home, "/usr/bin:/bin")
    outcome = run_check(check_codex_probe, env, deps={"wsl": _wsl_result("VS Code")})
    assert outcome.status is Status.SKIP
    assert outcome.summary == "Not run: no Codex program was found inside WSL to ask."
    assert args_file.exists()

    args_file.unlink()
    outcome = run_check(check_codex_probe, env, deps={"wsl": _wsl_result(None)})
    assert outcome.status is Status.SKIP
    assert "would open your browser" in outcome.summary
    assert not args_file.exists()
