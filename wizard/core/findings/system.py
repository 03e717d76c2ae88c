"""What the checks of this computer's situation found: a remote session, Windows' root
updates, WSL's network, and the error message a person pasted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.core.findings import Findings, JsonObject, optional


@dataclass(frozen=True, slots=True)
class RemoteFindings(Findings):
    check = "remote_session"

    markers: tuple[JsonObject, ...]  # {marker, kind}: what says this is SSH, a container, WSL
    display: tuple[str, ...]  # the display variables set (a browser may open here after all)
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class RootUpdateFindings(Findings):
    check = "os_trust_policy"

    root_auto_update: JsonObject  # the AuthRoot policy values as read
    leaf_revocation: JsonObject | None = optional()  # the tls check's, when it got a chain
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class WslNetworkFindings(Findings):
    check = "wsl_network"

    networking_mode: str
    eth0_mtu: int | None
    windows_adapters: tuple[JsonObject, ...]
    nameservers: tuple[str, ...] | None = optional()  # None: asked from Windows, not read
    port_53_listeners: tuple[str, ...] | None = optional()
    problems: Mapping[str, str] = field(default_factory=dict)
    facts: Mapping[str, Any] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class PastedFindings(Findings):
    check = "pasted_error"

    decoded: tuple[JsonObject, ...]  # {id, excerpt} of each known message found in it
    facts: Mapping[str, str] = field(default_factory=dict)
