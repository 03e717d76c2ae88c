"""What the checks of Codex itself found: its installations, its folder and saved sign-in,
its logs, the sign-in rules set for it and the programs that change its sign-in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.core.findings import Findings, JsonObject, Record, inline, optional


@dataclass(frozen=True, slots=True)
class InstallFindings(Findings):
    check = "codex_install"

    installs: tuple[JsonObject, ...]  # each Codex found: kind, label, path, version, problem
    path_entries: tuple[str, ...]
    known_good: str
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class SavedSignIn(Record):
    """What Codex's folder holds: its config as it bears on sign-in, and the sign-in file."""

    config: JsonObject | None
    config_error: str | None = optional()
    auth_file: JsonObject | None = None  # present, size, age, mode; never a value
    auth_env_vars: tuple[str, ...] = ()
    mixed_auth_signals: bool = optional(False)


@dataclass(frozen=True, slots=True)
class CodexHomeFindings(Findings):
    check = "codex_auth"

    codex_home: str
    codex_home_set: bool
    codex_home_exists: bool
    facts: Mapping[str, str] = field(default_factory=dict)
    saved: SavedSignIn | None = inline()  # None: CODEX_HOME names no folder


@dataclass(frozen=True, slots=True)
class LogsFindings(Findings):
    check = "codex_logs"

    login_log: JsonObject | None
    ide_log: JsonObject | None
    findings: tuple[JsonObject, ...]  # each known line found (wizard/checks/logs.py)
    facts: Mapping[str, Any] = field(default_factory=dict)
    unreadable: tuple[str, ...] = optional(())
    primary_finding: str | None = optional()  # the id of the error the verdict follows
    desktop_log: JsonObject | None = optional()  # the desktop app's newest session (Windows)


@dataclass(frozen=True, slots=True)
class AllowedSignIn(Record):
    allowed_methods: tuple[str, ...]  # what the rules leave Codex: chatgpt, api
    workspaces: tuple[str, ...] | None  # the workspaces a ChatGPT sign-in is held to


@dataclass(frozen=True, slots=True)
class PolicyFindings(Findings):
    check = "login_policy"

    layers: tuple[JsonObject, ...]  # each file or profile with sign-in rules, as read
    cloud_cache: JsonObject | None
    allowed: AllowedSignIn | None = inline()  # None: a layer could not be read
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class AuthManagerFindings(Findings):
    check = "auth_managers"

    processes_listed: bool
    tools: tuple[JsonObject, ...]  # account switchers and sign-in proxies running now
    codex_running: bool | None
    config: JsonObject  # the model provider Codex's config names
    markers: tuple[JsonObject, ...]
    auth_file: JsonObject | None  # the saved sign-in's shape: key names and age, no value
    facts: Mapping[str, str] = field(default_factory=dict)
