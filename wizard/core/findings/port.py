"""What the callback-port check found: each port's state and who listens there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wizard.core.findings import Findings, JsonObject, Record, optional


@dataclass(frozen=True, slots=True)
class Listener(Record):
    """A program listening on a port (pid None: another user's, unseen without privileges)."""

    pid: int | None
    name: str | None
    exe: str | None  # as shown to people (the home folder written ~)
    user: str | None
    address: str


@dataclass(frozen=True, slots=True)
class FamilyFound(Record):
    """One address family's side of a port (the [::1] a browser told `localhost` tries)."""

    address: str
    bind: str
    bind_error: JsonObject | None
    bind_lingering: bool
    connect: str  # accepted | refused | no_answer | unavailable
    owners: tuple[Listener, ...]


@dataclass(frozen=True, slots=True)
class ExcludedRange(Record):
    """A Windows excluded (reserved) port range (wizard.platform.port_reservations)."""

    start: int
    end: int
    administered: bool  # added by an administrator (`*`): still bindable by programs
    family: str = "ipv4"

    def contains(self, port: int) -> bool:
        return self.start <= port <= self.end

    @property
    def blocks_binding(self) -> bool:
        return not self.administered


@dataclass(frozen=True, slots=True)
class PortFound(Record):
    port: int
    free: bool
    state: str  # free | codex | held | reserved | forbidden | refused
    bind_error: JsonObject | None
    bind_lingering: bool
    reserved_range: ExcludedRange | None
    holders: tuple[Listener, ...]
    codex_login_server: bool | None  # None: not asked
    fingerprint: JsonObject | None
    ipv6: FamilyFound | None

    @property
    def busy(self) -> bool:
        return self.state in ("codex", "held")


@dataclass(frozen=True, slots=True)
class PortFindings(Findings):
    check = "callback_port"

    bind_address: str
    bind_tested: bool  # False: another platform's environment, judged by its listeners
    ports: tuple[PortFound, ...]
    facts: Mapping[str, str] = field(default_factory=dict)
    bind_note: str | None = optional()
    reservations: JsonObject | None = optional()

    def waiting_codex_port(self) -> int | None:
        """A port where a Codex sign-in waits right now."""
        return next((p.port for p in self.ports if p.state == "codex"), None)
