"""What the checks of Codex's own sign-in found: the variables that replace it, where it is
saved, and Codex's own answer to a test sign-in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wizard.core.findings import Findings, JsonObject, Record, optional


@dataclass(frozen=True, slots=True)
class AuthVariable(Record):
    name: str
    where: str  # this session, Codex's .env file, or saved for programs started next
    effect: str  # workload | replaces | base_url | inert (the profile's auth_mode vars)


@dataclass(frozen=True, slots=True)
class AuthModeFindings(Findings):
    check = "auth_mode"

    variables: tuple[AuthVariable, ...] = ()
    ignored: tuple[str, ...] | None = optional()  # set, but ignored where only API keys count
    remove: tuple[str, ...] = ()  # what auth-env-repair takes out
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class StoreFindings(Findings):
    check = "credential_store"

    mode: str  # file | keyring | auto (cli_auth_credentials_store)
    folder: str
    folder_writable: bool
    folder_error: str | None
    files: tuple[str, ...]
    store_writable: bool | None  # None: not known (a keyring this tool does not ask)
    keyring: JsonObject | None = optional()
    facts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProbeFindings(Findings):
    check = "codex_probe"

    binary: str
    stage: str
    redirect_uri: str | None
    callback_status: int | None  # None: Codex's login server never answered the test return
    exit_code: int | None
    said: tuple[str, ...]
    decoded: tuple[JsonObject, ...]
