"""The Codex desktop app on Windows: its state file and whether the app is running.

The app keeps its settings in %USERPROFILE%\\.codex\\.codex-global-state.json (plain JSON);
`runCodexInWindowsSubsystemForLinux` is Settings > Agent environment = WSL and
`integratedTerminalShell` the integrated terminal ("powershell", "commandPrompt", "gitBash",
"wsl"). The app rewrites the file while it runs, so it is only changed while the app is closed
(openai/codex#37682, #42943). Never raises: a missing or broken file is reported as such."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core.environment import Environment, ProcessInfo
from wizard.core.profile import Profile
from wizard.platform.atomic import read_capped

MAX_STATE_BYTES = 20_000_000  # the state file holds workspace lists; beyond this it is not it


@dataclass(frozen=True)
class DesktopState:
    path: Path
    exists: bool
    agent_in_wsl: bool  # runCodexInWindowsSubsystemForLinux is true
    shell: str | None  # integratedTerminalShell as written, when it is a string
    error: str | None = None  # why the file could not be read

    def to_json(self) -> dict[str, Any]:
        return {
            "exists": self.exists,
            "agent_in_wsl": self.agent_in_wsl,
            "terminal_shell": self.shell,
            "error": self.error,
        }


def state_path(env: Environment, profile: Profile) -> Path:
    base = env.get("USERPROFILE")
    return (Path(base) if base else env.home) / str(profile["desktop"]["state_file"])


def read_state(env: Environment, profile: Profile) -> DesktopState:
    keys = profile["desktop"]
    path = state_path(env, profile)
    try:
        data = read_bytes(path)
    except FileNotFoundError:
        return DesktopState(path, False, False, None)
    except OSError as exc:
        return DesktopState(path, True, False, None, f"cannot be read: {exc.strerror or exc}")
    try:
        values = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return DesktopState(path, True, False, None, f"is not valid JSON ({exc})")
    if not isinstance(values, dict):
        return DesktopState(path, True, False, None, "does not hold a settings object")
    shell = values.get(keys["shell_key"])
    return DesktopState(
        path,
        True,
        values.get(keys["wsl_key"]) is True,
        shell if isinstance(shell, str) else None,
    )


def running_app_names(env: Environment, profile: Profile) -> list[str]:
    """The programs of `env` that are the Codex desktop app: named Codex.exe (or Codex), or
    started from its Store package (OpenAI.Codex_<ver>_x64__..., which ships app\\ChatGPT.exe
    since 2026-09). Names compare case-sensitively: the CLI is `codex`/`codex.exe`, and a
    running CLI must not block this fix. An environment that cannot list its programs has
    none to name."""
    table = env.processes() if env.processes is not None else []
    return sorted({proc.name for proc in table if is_desktop_app(profile, proc)})


def is_desktop_app(profile: Profile, proc: ProcessInfo) -> bool:
    keys = profile["desktop"]
    return proc.name in keys["process_names"] or keys["package_marker"] in (proc.exe or "")


def read_bytes(path: Path) -> bytes:
    """The state file's exact bytes, for an edit that changes only two values."""
    return read_capped(path, MAX_STATE_BYTES, "too large to be the app's state file")
