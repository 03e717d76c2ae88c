"""What the certificate checks found: the CA variables, and the secure connection's chain and
who trusts it (the trust differential)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wizard.core.findings import Findings, JsonObject, Record, inline, optional


@dataclass(frozen=True, slots=True)
class CaVariable(Record):
    """One CA variable: set or not, and what its file or folder holds."""

    set: bool = False
    path: str | None = None  # as shown to people
    exists: bool | None = None
    readable: bool | None = None
    is_dir: bool | None = None
    certificates: int | None = None
    problem: str | None = None  # why Codex cannot use it, in plain words
    source: str | None = None  # where it is set (".env": Codex's own .env file)


@dataclass(frozen=True, slots=True)
class CaEnvFindings(Findings):
    check = "ca_env"

    variables: Mapping[str, CaVariable] = field(default_factory=dict)
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class Certificate(Record):
    subject: str
    issuer: str
    not_before: str
    not_after: str
    sha256: str
    self_signed: bool


@dataclass(frozen=True, slots=True)
class TrustRow(Record):
    """One set of certificates (this computer's, public roots, a file, Codex's own) and its
    answer for the presented chain."""

    id: str
    label: str
    origin: str
    roots: int
    trusted: bool
    error: str | None
    os_code: str | None = optional("")  # the OS verifier's own error code ("": not asked)


@dataclass(frozen=True, slots=True)
class Handshake(Record):
    """What the server (or what stands in its place) presented, and who trusts it."""

    protocol: str | None
    cipher: str | None
    chain: tuple[Certificate, ...]
    leaf_revocation: JsonObject | None
    issuer: str
    vendor: str | None  # an inspection product named in the issuers
    trust: tuple[TrustRow, ...]
    matrix: str
    lint: tuple[JsonObject, ...]


@dataclass(frozen=True, slots=True)
class TlsFindings(Findings):
    check = "tls"

    route: str  # the proxy it went through, or "direct"
    error: str | None = optional()  # why no chain was captured
    detail: str | None = optional()
    proxy_status: int | None = optional()
    handshake: Handshake | None = inline()
    date_problem: bool = optional(False)  # only this computer's date makes it untrusted
    facts: Mapping[str, str | int] = optional(factory=dict)

    def hiding_variable(self) -> str | None:
        """The CA variable whose file replaces this computer's store for Codex and does not
        trust the host (fault ssl_cert_file_hides_os_store)."""
        name = self.facts.get("variable")
        return str(name) if name else None

    @property
    def chain(self) -> tuple[Certificate, ...]:
        return self.handshake.chain if self.handshake else ()

    @property
    def trust(self) -> tuple[TrustRow, ...]:
        return self.handshake.trust if self.handshake else ()
