"""Does every address of the sign-in server answer, each on its own short budget?

The name check may return several addresses (A and AAAA). A client that tries them one after
another waits its whole connect timeout on a dead one before it falls back, which can overrun
the time Codex gives a request (openai/codex#41044: one of two Cloudflare addresses silent, ~10 s
to fall back). Here every address gets a TCP connect and a TLS handshake at once, in parallel,
so the total stays one short budget. Certificate verification stays on: a certificate the
default store rejects is still an answer (trust is the secure-connection check's business)."""

from __future__ import annotations

import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace

from wizard.checks.network import connect_failure, interleave
from wizard.core.engine import CheckContext
from wizard.core.findings.network import AddressesFindings, DnsFindings
from wizard.core.i18n import join, tr
from wizard.core.model import Outcome, Status

ADDRESS_CAP_S = 3.0  # TCP and TLS together, per address; all addresses run at the same time


@dataclass(frozen=True)
class AddressProbe:
    address: str
    answered: bool
    detail: str
    ms: int

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def probe_address(
    host: str, address: str, port: int, timeout: float, context: ssl.SSLContext
) -> AddressProbe:
    """TCP then TLS (SNI `host`) to one address within `timeout` seconds in all."""
    started = time.monotonic()

    def done(answered: bool, detail: str) -> AddressProbe:
        return AddressProbe(address, answered, detail, int((time.monotonic() - started) * 1000))

    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect((address, port))
        except OSError as exc:
            return done(False, connect_failure(exc, timeout))
        sock.settimeout(max(0.05, timeout - (time.monotonic() - started)))
        try:
            with context.wrap_socket(sock, server_hostname=host):
                return done(True, tr("addresses", "secure connection completed"))
        except ssl.SSLCertVerificationError:
            return done(True, tr("addresses", "answered with a certificate"))
        except TimeoutError:
            return done(
                False,
                tr(
                    "addresses",
                    "connected, but the secure connection got no answer in {seconds:.1f} s",
                    seconds=timeout,
                ),
            )
        except (ssl.SSLError, OSError) as exc:
            return done(
                False, tr("addresses", "the secure connection failed ({error})", error=str(exc))
            )
    finally:
        sock.close()


def probe_all(host: str, addresses: list[str], port: int, timeout: float) -> list[AddressProbe]:
    """Every address at once, in the order given; each gives up at `timeout`. One context for
    all: loading the default roots costs ~25 ms of CPU each time."""
    context = ssl.create_default_context()
    with ThreadPoolExecutor(max(1, len(addresses)), thread_name_prefix="address") as pool:
        return list(pool.map(lambda a: probe_address(host, a, port, timeout, context), addresses))


def check_addresses(ctx: CheckContext) -> Outcome:
    dns = ctx.dep("dns")
    found = ctx.findings(DnsFindings)
    if dns is None or dns.status not in (Status.PASS, Status.WARN) or found is None:
        return Outcome(Status.SKIP, tr("addresses", "Not tested: the name could not be looked up."))
    if found.via_proxy:
        return Outcome(
            Status.SKIP,
            tr("addresses", "Not tested: Codex goes through a proxy, which picks the address."),
        )
    host, port = ctx.target.host, ctx.target.port
    addresses = interleave(list(found.ipv6), list(found.ipv4))
    probes = probe_all(host, addresses, port, ctx.budget.timeout(ADDRESS_CAP_S))
    evidence = AddressesFindings(host, port, tuple(p.to_json() for p in probes))
    dead = [p for p in probes if not p.answered]
    alive = [p for p in probes if p.answered]
    if not dead:
        summary = (
            tr("addresses", "The one address of {host} answers.", host=host)
            if len(probes) == 1
            else tr(
                "addresses", "All {count} addresses of {host} answer.", count=len(probes), host=host
            )
        )
        return Outcome(Status.PASS, summary, evidence)
    if not alive:  # nothing answers: the connection checks name that
        return Outcome(
            Status.FAIL,
            tr("addresses", "No address of {host} answers.", host=host),
            evidence,
        )
    dead_list = join([f"{p.address} ({p.detail})" for p in dead])
    facts = {
        "host": host,
        "dead_addresses": dead_list,
        "live_addresses": join([p.address for p in alive]),
        "address_count": len(probes),
    }
    return Outcome(
        Status.WARN,
        tr(
            "addresses",
            "{host} has {count} addresses; these do not answer: {dead}.",
            host=host,
            count=len(probes),
            dead=dead_list,
        ),
        replace(evidence, facts=facts),
        ("address_blackhole",),
    )
