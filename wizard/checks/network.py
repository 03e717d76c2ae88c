"""Can this computer find the sign-in server and open a connection to it?

Direct route: look up the auth host (IPv4 and IPv6 separately) and connect to it. Via a proxy:
the proxy looks names up itself (inside companies the local resolver often does not know
public names at all, and that is fine), so the proxy's own name and port are what must work;
the auth host is still looked up locally, but only to report what was seen."""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field, replace

from wizard.core.engine import CheckContext
from wizard.core.findings import JsonObject
from wizard.core.findings.network import DnsFindings, Endpoint, RouteOut, TcpFindings
from wizard.core.i18n import join, tr
from wizard.core.model import Outcome, Status
from wizard.net.route import Route, effective_route

CONNECT_CAP_S = 5.0  # one TCP handshake; past this the path is treated as blocked
LOCAL_LOOKUP_CAP_S = 2.0  # the informational local lookup behind a proxy
FAMILIES = ((socket.AF_INET, "ipv4"), (socket.AF_INET6, "ipv6"))


# -- name lookup (getaddrinfo has no timeout: it runs in worker threads we stop waiting for) --


@dataclass
class Lookup:
    host: str
    ipv4: list[str] = field(default_factory=list)
    ipv6: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # family -> why nothing came back
    timed_out: bool = False

    @property
    def addresses(self) -> list[str]:
        return self.ipv4 + self.ipv6

    def failure(self) -> str:
        """Plain words for why no address was found."""
        if self.timed_out and not self.errors:
            return tr("network", "the lookup got no answer in time")
        reasons = sorted(set(self.errors.values()))
        return join(reasons, " / ") if reasons else tr("network", "no address was returned")

    def to_json(self) -> dict[str, object]:
        return {
            "host": self.host,
            "ipv4": list(self.ipv4),
            "ipv6": list(self.ipv6),
            "errors": dict(self.errors),
            "timed_out": self.timed_out,
        }


class PendingLookup:
    """A lookup of both address families running in daemon threads."""

    def __init__(self, host: str, port: int) -> None:
        self.result = Lookup(host)
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        literal = _literal(host)
        if literal is not None:
            (self.result.ipv6 if literal.version == 6 else self.result.ipv4).append(str(literal))
            return
        for family, label in FAMILIES:
            thread = threading.Thread(
                target=self._resolve, args=(host, port, family, label), daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _resolve(self, host: str, port: int, family: int, label: str) -> None:
        try:
            infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
        except socket.gaierror as exc:
            if exc.errno not in _NO_SUCH_FAMILY:
                with self._lock:
                    self.result.errors[label] = _gai_reason(exc)
            return
        except (UnicodeError, OSError) as exc:
            with self._lock:
                self.result.errors[label] = tr(
                    "network", "the name is not valid ({error})", error=str(exc)
                )
            return
        with self._lock:
            found = getattr(self.result, label)
            for info in infos:
                address = str(info[4][0])
                if address not in found:
                    found.append(address)

    def wait(self, timeout: float) -> Lookup:
        """What was found within `timeout` (a snapshot: late answers are ignored)."""
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            return Lookup(
                self.result.host,
                list(self.result.ipv4),
                list(self.result.ipv6),
                dict(self.result.errors),
                timed_out=any(t.is_alive() for t in self._threads),
            )


def lookup(host: str, port: int, timeout: float) -> Lookup:
    return PendingLookup(host, port).wait(timeout)


_NO_SUCH_FAMILY = {
    getattr(socket, name) for name in ("EAI_NODATA", "EAI_ADDRFAMILY") if hasattr(socket, name)
}


def _gai_reason(exc: socket.gaierror) -> str:
    if exc.errno == getattr(socket, "EAI_NONAME", None):
        return tr("network", "the name is not known")
    if exc.errno == getattr(socket, "EAI_AGAIN", None):
        return tr("network", "the name server did not answer")
    if exc.errno == getattr(socket, "EAI_FAIL", None):
        return tr("network", "the name server failed")
    return tr("network", "the lookup failed ({error})", error=str(exc.strerror or exc))


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


# -- TCP connect -------------------------------------------------------------------------------


@dataclass
class Attempt:
    address: str
    ok: bool
    detail: str  # "connected" or plain words for the failure
    ms: int

    def to_json(self) -> dict[str, object]:
        return {"address": self.address, "ok": self.ok, "detail": self.detail, "ms": self.ms}


def connect_first(
    addresses: list[str], port: int, timeout: float
) -> tuple[socket.socket | None, list[Attempt]]:
    """Connect to the addresses at once (IPv6 and IPv4 alike); the first that answers wins.

    Returns the connected socket (the caller closes it) and every attempt made."""
    if not addresses:
        return None, []
    attempts: list[Attempt] = []
    winner: list[socket.socket] = []
    lock = threading.Lock()
    done = threading.Event()
    pending = [len(addresses)]

    def attempt(address: str) -> None:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        started = time.monotonic()
        try:
            sock.connect((address, port))
            ok, detail = True, tr("network", "connected")
        except OSError as exc:
            sock.close()
            ok, detail = False, connect_failure(exc, timeout)
        ms = int((time.monotonic() - started) * 1000)
        with lock:
            attempts.append(Attempt(address, ok, detail, ms))
            if ok and not winner:
                winner.append(sock)
            elif ok:
                sock.close()
            pending[0] -= 1
            if ok or pending[0] == 0:
                done.set()

    for address in addresses:
        threading.Thread(target=attempt, args=(address,), daemon=True).start()
    done.wait(timeout + 0.2)  # each socket gives up at `timeout`; this is only a backstop
    with lock:
        if not winner and pending[0]:
            missing = {a.address for a in attempts}
            attempts.extend(
                Attempt(a, False, _timed_out(timeout), int(timeout * 1000))
                for a in addresses
                if a not in missing
            )
        return (winner[0] if winner else None), list(attempts)


def connect_failure(exc: OSError, timeout: float) -> str:
    """Plain words for a failed connect()."""
    if isinstance(exc, TimeoutError) or exc.errno == errno.ETIMEDOUT:
        return _timed_out(timeout)
    if isinstance(exc, ConnectionRefusedError):
        return tr("network", "the connection was refused")
    if isinstance(exc, ConnectionResetError):
        return tr("network", "the connection was reset")
    if exc.errno in (errno.ENETUNREACH, errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL):
        return tr("network", "this computer has no route to that network")
    if exc.errno == errno.EHOSTUNREACH:
        return tr("network", "the host cannot be reached")
    return tr("network", "the connection failed ({error})", error=str(exc.strerror or exc))


def _timed_out(timeout: float) -> str:
    return tr("network", "timed out after {seconds:.1f} s", seconds=timeout)


def summarize_failures(attempts: list[Attempt]) -> str:
    details = list(dict.fromkeys(a.detail for a in attempts if not a.ok))
    return join(details) if details else tr("network", "no address to connect to")


def interleave(first: list[str], second: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(max(len(first), len(second))):
        out.extend(x[i] for x in (first, second) if i < len(x))
    return out


# -- the checks ----------------------------------------------------------------------------------


def check_dns(ctx: CheckContext) -> Outcome:
    route = effective_route(ctx)
    if route.direct:
        return _dns_direct(ctx, route)
    return _dns_via_proxy(ctx, route)


def _dns_findings(
    found: Lookup,
    connect_to: Endpoint,
    *,
    via_proxy: bool,
    proxy: str | None = None,
    local_resolution: JsonObject | None = None,
) -> DnsFindings:
    """What one lookup found, for `connect_to` (through `proxy`, when there is one)."""
    return DnsFindings(
        via_proxy=via_proxy,
        proxy=proxy,
        connect_to=connect_to,
        ipv4=tuple(found.ipv4),
        ipv6=tuple(found.ipv6),
        errors=found.errors,
        timed_out=found.timed_out,
        local_resolution=local_resolution,
    )


def _dns_direct(ctx: CheckContext, route: Route) -> Outcome:
    host, port = ctx.target.host, ctx.target.port
    found = lookup(host, port, ctx.budget.timeout())
    evidence = _dns_findings(found, Endpoint(host, port, "sign-in server"), via_proxy=False)
    if not found.addresses:
        detail = found.failure()
        route_out = ctx.env.route_out()
        facts = {"host": host, "detail": detail}
        evidence = replace(evidence, facts=facts, outbound=RouteOut(route_out))
        if route_out is False:
            return Outcome(
                Status.FAIL,
                tr(
                    "network",
                    "This computer is not connected to a network, so it cannot find {host}.",
                    host=host,
                ),
                evidence,
                ("offline",),
            )
        return Outcome(
            Status.FAIL,
            tr(
                "network",
                "This computer cannot find the address of {host} ({detail}).",
                host=host,
                detail=detail,
            ),
            evidence,
            ("dns_failure",),
        )
    return Outcome(
        Status.PASS,
        tr("network", "{host} was found at {address}.", host=host, address=found.addresses[0]),
        evidence,
    )


def _dns_via_proxy(ctx: CheckContext, route: Route) -> Outcome:
    host, port = ctx.target.host, ctx.target.port
    proxy_host, proxy_port = route.proxy_address or ("", 0)
    display = route.proxy_display
    local = PendingLookup(host, port)  # at the same time: only information
    proxy = PendingLookup(proxy_host, proxy_port) if proxy_host else None
    proxy_found = proxy.wait(ctx.budget.timeout()) if proxy else Lookup(proxy_host)
    local_found = local.wait(ctx.budget.timeout(LOCAL_LOOKUP_CAP_S))
    evidence = _dns_findings(
        proxy_found,
        Endpoint(proxy_host, proxy_port, "proxy"),
        via_proxy=True,
        proxy=display,
        local_resolution=local_found.to_json(),
    )
    if not proxy_found.addresses:
        detail = (
            tr(
                "network",
                "its name {name} cannot be looked up ({reason})",
                name=proxy_host,
                reason=proxy_found.failure(),
            )
            if proxy_host
            else tr("network", "its address has no host name")
        )
        facts = {"proxy": display, "proxy_source": route.proxy_source, "detail": detail}
        evidence = replace(evidence, facts=facts)
        return Outcome(
            Status.FAIL,
            tr(
                "network",
                "Your proxy {proxy} cannot be found: {detail}.",
                proxy=display,
                detail=detail,
            ),
            evidence,
            ("proxy_unreachable",),
        )
    return Outcome(
        Status.PASS,
        tr(
            "network",
            "Codex goes through the proxy {proxy}, which looks up {host} itself; "
            "the proxy was found at {address}.",
            proxy=display,
            host=host,
            address=proxy_found.addresses[0],
        ),
        evidence,
    )


def check_tcp(ctx: CheckContext) -> Outcome:
    dns = ctx.dep("dns")
    found = ctx.findings(DnsFindings)
    if dns is None or dns.status not in (Status.PASS, Status.WARN):
        return Outcome(Status.SKIP, tr("network", "Not tested: the name could not be looked up."))
    route = effective_route(ctx)
    target = found.connect_to if found else Endpoint(ctx.target.host, ctx.target.port, "")
    host, port = target.host, target.port
    addresses = interleave(list(found.ipv6), list(found.ipv4)) if found else []
    timeout = ctx.budget.timeout(CONNECT_CAP_S)
    sock, attempts = connect_first(addresses, port, timeout)
    evidence = TcpFindings(
        via_proxy=not route.direct,
        host=host,
        port=port,
        attempts=tuple(a.to_json() for a in attempts),
    )
    if sock is not None:
        sock.close()
        winner = next(a for a in attempts if a.ok)
        evidence = replace(evidence, address=winner.address, connect_ms=winner.ms)
        where = (
            tr("network", "the proxy {proxy}", proxy=route.proxy_display)
            if not route.direct
            else host
        )
        return Outcome(
            Status.PASS,
            tr(
                "network",
                "Connected to {where} ({address}) in {ms} ms.",
                where=where,
                address=winner.address,
                ms=winner.ms,
            ),
            evidence,
        )
    detail = summarize_failures(attempts)
    if not route.direct:
        facts = {"proxy": route.proxy_display, "proxy_source": route.proxy_source, "detail": detail}
        evidence = replace(evidence, facts=facts)
        return Outcome(
            Status.FAIL,
            tr(
                "network",
                "Your proxy {proxy} cannot be reached: {detail}.",
                proxy=route.proxy_display,
                detail=detail,
            ),
            evidence,
            ("proxy_unreachable",),
        )
    evidence = replace(evidence, facts={"host": host, "port": port, "detail": detail})
    return Outcome(
        Status.FAIL,
        tr(
            "network",
            "This computer cannot connect to {host} on port {port}: {detail}.",
            host=host,
            port=port,
            detail=detail,
        ),
        evidence,
        ("tcp_failed",),
    )
