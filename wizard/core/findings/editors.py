"""What the editor-settings and WSL checks found: which settings files turn on "Run Codex in
WSL", and WSL itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.core.findings import Findings, JsonObject, Record, inline, optional


@dataclass(frozen=True, slots=True)
class IdeFindings(Findings):
    check = "ide_settings"

    files: tuple[JsonObject, ...]  # one per settings file: editor, file, the values read
    wsl_setting: str
    wsl_on_files: tuple[str, ...]
    unreadable: tuple[str, ...]
    proxies: tuple[JsonObject, ...]
    facts: Mapping[str, str] = optional(factory=dict)
    note: str | None = optional()

    def files_shown(self) -> list[str]:
        """Every settings file named, as shown to people."""
        named = [str(f["file"]) for f in self.files if isinstance(f.get("file"), str)]
        return named + list(self.wsl_on_files)


@dataclass(frozen=True, slots=True)
class WslSystem(Record):
    """WSL as installed: its Linux systems, networking and who runs Codex in it."""

    distros: tuple[JsonObject, ...]
    default: str | None
    networking_mode: str
    networking_mode_source: str | None
    dns_tunneling: bool | None
    auto_proxy: bool | None
    wslconfig_problem: str | None = optional()
    status: JsonObject | None = optional(factory=dict)  # `wsl --status` ({}: not asked)
    editors_running_codex_in_wsl: str | None = None
    desktop_app: JsonObject | None = None
    exit_code: int | None = optional()
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class WslFindings(Findings):
    check = "wsl"

    installed: bool | None  # None: WSL did not answer in time
    system: WslSystem | None = inline()

    def cause_facts(self) -> Mapping[str, Any]:
        return self.system.facts if self.system else {}
