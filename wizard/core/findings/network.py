"""What the checks of the way to the sign-in server found: its name, a connection to it,
each of its addresses (and, for chatgpt.com, the same again)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wizard.core.findings import Findings, JsonObject, Record, inline, optional


@dataclass(frozen=True, slots=True)
class Endpoint(Record):
    host: str
    port: int
    role: str  # "sign-in server", or "proxy" when Codex goes through one


@dataclass(frozen=True, slots=True)
class RouteOut(Record):
    """Asked when a name is not found: whether this computer has a way out at all."""

    route_out: bool | None  # None: could not be told


@dataclass(frozen=True, slots=True, kw_only=True)
class DnsFindings(Findings):
    check = "dns"

    via_proxy: bool
    proxy: str | None = optional()  # the proxy, which looks the sign-in server up itself
    connect_to: Endpoint  # what Codex connects to: the server, or the proxy
    ipv4: tuple[str, ...]
    ipv6: tuple[str, ...]
    errors: Mapping[str, str]
    timed_out: bool
    local_resolution: JsonObject | None = optional()  # this computer's own answer, for people
    facts: Mapping[str, str] = optional(factory=dict)
    outbound: RouteOut | None = inline()


@dataclass(frozen=True, slots=True)
class TcpFindings(Findings):
    check = "tcp"

    via_proxy: bool
    host: str
    port: int
    attempts: tuple[JsonObject, ...]  # each address tried: ok, detail, ms
    address: str | None = optional()  # the one that accepted
    connect_ms: int | None = optional()
    facts: Mapping[str, Any] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class AddressesFindings(Findings):
    check = "addresses"

    host: str
    port: int
    addresses: tuple[JsonObject, ...]  # each address: answered, detail, ms
    facts: Mapping[str, Any] = optional(factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class NoAnswer(Record):
    """A request that got no HTTP answer, and why (wizard.net.http's error kinds)."""

    error: str
    detail: str
    proxy_status: int | None = optional(0)  # the proxy's answer to CONNECT (0: none asked)


@dataclass(frozen=True, slots=True)
class Answer(Record):
    status: int | None
    reason: str | None
    content_type: str | None
    server: str | None
    rtt_ms: int | None


@dataclass(frozen=True, slots=True)
class Timing(Record):
    """The server's Date and when the request went and came back (the clock check's)."""

    server_date: str | None
    age: str | None
    sent_at: str | None
    received_at: str | None


@dataclass(frozen=True, slots=True)
class Page(Record):
    """What answered in place of the sign-in server's data (a block page, a redirect)."""

    body: str
    page_title: str | None = optional()
    location: str | None = optional()


@dataclass(frozen=True, slots=True)
class Exchange(Record):
    """The test code sent to the token endpoint and the OAuth error that refused it."""

    sent: Mapping[str, str]  # the form, without the verifier
    error: str | None
    error_description: str | None
    request_id: str | None = optional()


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpFindings(Findings):
    """A request to the sign-in server: where it went, and its answer or why none came."""

    url: str
    via: str  # the proxy, or "direct"
    failed: NoAnswer | None = inline()
    answer: Answer | None = inline()


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenidFindings(HttpFindings):
    check = "openid"

    timing: Timing | None = inline()
    issuer: str | None = optional("")  # "": no JSON document to read it from
    page: Page | None = inline()
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenFindings(HttpFindings):
    check = "token_endpoint"

    exchange: Exchange | None = inline()
    page: Page | None = inline()
    keys: tuple[str, ...] | None = optional()  # what an accepted test code got back: names
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class ClockReading(Record):
    age: str | None  # the answer's Age header: how long a cache held it
    server_time: str
    local_time: str
    rtt_ms: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClockFindings(Findings):
    check = "clock"

    skew_s: float | None = optional()  # this computer's clock minus the server's
    limit_s: float | None = optional()
    server_date: str
    reading: ClockReading | None = inline()  # None: the Date could not be read
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class StatusPageFindings(Findings):
    check = "status_page"

    url: str
    via: str
    error: str | None = optional()  # no answer: why
    detail: str | None = optional()
    http_status: int | None = optional()
    body: str | None = optional()  # an answer that was not the status document
    indicator: str | None = optional()  # none | minor | major | critical
    description: str | None = optional()
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class OtherWays(Record):
    """The ways to the sign-in server besides Codex's own, each tried with the test POST."""

    respect_system_proxy: bool
    system_proxy_fallback: bool
    tried: tuple[JsonObject, ...]  # {way, status, summary}


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutesFindings(Findings):
    check = "routes"

    codex_way: str | None = optional()
    os_way: str | None  # this computer's proxy settings' way (a browser's)
    ways: OtherWays | None = inline()  # None: a proxy script, which cannot be run here
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class ProxyFindings(Findings):
    check = "proxy"

    effective: JsonObject  # the proxy Codex uses for the sign-in server: url, source, bypass
    settings: tuple[JsonObject, ...]  # every proxy setting found, and where
    notes: tuple[str, ...]
    probe: JsonObject | None = optional()  # the proxy asked to CONNECT to the sign-in server
    facts: Mapping[str, Any] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class BackendAnswer(Record):
    http_status: int | None
    request_id: str | None


@dataclass(frozen=True, slots=True)
class BackendFindings(Findings):
    """chatgpt.com's backend asked the way Codex asks it right after sign-in (a step of the
    chatgpt check, not a check of its own)."""

    url: str
    via: str
    error: str | None = optional()  # no answer: why
    answer: BackendAnswer | None = inline()
    facts: Mapping[str, str] = optional(factory=dict)


@dataclass(frozen=True, slots=True)
class ChatgptStep(Record):
    status: str
    summary: str
    evidence: JsonObject  # that step's findings, as its own check reports them


@dataclass(frozen=True, slots=True)
class ChatgptFindings(Findings):
    check = "chatgpt"

    host: str
    steps: Mapping[str, ChatgptStep]  # dns, tcp, addresses, tls, backend: as far as it got
    facts: Mapping[str, str] = optional(factory=dict)
