"""Is there a proxy, does Codex use it, and does it let Codex through to the sign-in server?

The proxy Codex would use is asked for a tunnel to the auth host exactly as Codex asks
(`CONNECT host:port`, with the URL's user name and password as Basic credentials), and its
answer is read: 200 lets Codex through, 407 wants credentials, anything else refuses."""

from __future__ import annotations

import re
import socket
import ssl
import time
from dataclasses import dataclass, replace

from wizard.checks.network import (
    PendingLookup,
    connect_first,
    interleave,
    summarize_failures,
)
from wizard.core.engine import CheckContext
from wizard.core.findings.network import ProxyFindings
from wizard.core.i18n import tr
from wizard.core.model import Outcome, Status
from wizard.net.route import (
    HTTP_SCHEMES,
    MACOS_PAC_SOURCE,
    WINDOWS_PAC_SOURCE,
    Route,
    effective_route,
    no_proxy_covers_loopback,
)
from wizard.net.tunnel import connect_request, read_head
from wizard.report.redact import redact_url

CONNECT_CAP_S = 5.0
HEAD_LIMIT = 16 * 1024  # a proxy's answer head is small; more is not an HTTP proxy talking
BODY_PEEK = 4 * 1024  # enough of an error page to tell a block page and read its title
BODY_WAIT_CAP_S = 0.5
PAC_SOURCES = (WINDOWS_PAC_SOURCE, MACOS_PAC_SOURCE)
LOOPBACK_NOTE = tr(
    "proxy",
    "NO_PROXY does not list localhost, 127.0.0.1 and ::1, so requests Codex makes to this "
    "computer may be sent to the proxy; the usual setting is NO_PROXY=localhost,127.0.0.1,::1 "
    "(openai/codex#36490).",
)


@dataclass
class ProbeResult:
    connected: bool = False
    tls: bool = False  # an https:// proxy: TLS to the proxy itself
    status_line: str | None = None
    status: int | None = None
    reason: str = ""
    content_type: str = ""
    page_title: str | None = None
    html: bool = False
    failure: str | None = None  # plain words when no usable answer came back
    elapsed_ms: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "connected": self.connected,
            "tls": self.tls,
            "status_line": self.status_line,
            "status": self.status,
            "content_type": self.content_type or None,
            "page_title": self.page_title,
            "elapsed_ms": self.elapsed_ms,
        }


def check_proxy(ctx: CheckContext) -> Outcome:
    route = effective_route(ctx)
    notes = list(route.notes)
    if route.proxy and not no_proxy_covers_loopback(route.no_proxy[1] if route.no_proxy else ""):
        notes.append(LOOPBACK_NOTE)
    evidence = ProxyFindings(
        effective={
            "url": route.proxy_display,
            "source": route.proxy_source,
            "bypassed_by": route.bypassed_by,
        },
        settings=tuple(s.to_json() for s in route.settings),
        notes=tuple(notes),
    )
    if route.direct:
        return _direct(ctx, route, evidence)

    display, source = route.proxy_display, route.proxy_source
    scheme = route.proxy_scheme or "http"
    facts: dict[str, object] = {"proxy": display, "proxy_source": source, "scheme": scheme}
    if scheme not in HTTP_SCHEMES:
        # A SOCKS address (route.py leaves out what Codex ignores): Codex 0.169 takes it,
        # then fails before it connects to it (tests/lab/test_codex_routes.py).
        evidence = replace(evidence, facts=facts)
        return Outcome(
            Status.FAIL,
            tr(
                "proxy",
                "Codex is told to use the SOCKS proxy {proxy} ({source}), but Codex cannot "
                "use SOCKS proxies: it gives up before connecting to it.",
                proxy=display,
                source=source,
            ),
            evidence,
            ("proxy_unsupported_scheme",),
        )

    result = probe_proxy(ctx, route)
    evidence = replace(evidence, probe=result.to_json())
    host = ctx.target.host
    if result.failure is not None:
        facts["detail"] = result.failure
        evidence = replace(evidence, facts=facts)
        summary = (
            tr(
                "proxy",
                "Your proxy {proxy} does not answer properly: {failure}.",
                proxy=display,
                failure=result.failure,
            )
            if result.connected
            else tr(
                "proxy",
                "Your proxy {proxy} cannot be reached: {failure}.",
                proxy=display,
                failure=result.failure,
            )
        )
        return Outcome(
            Status.FAIL,
            summary,
            evidence,
            ("proxy_unreachable",),
        )
    status = result.status or 0
    if 200 <= status < 300:
        return Outcome(
            Status.PASS,
            tr("proxy", "The proxy {proxy} lets Codex through.", proxy=display),
            evidence,
        )
    answer = f"{status} {result.reason}".strip()
    if status == 407:
        sent = route.proxy_credentials is not None
        facts["detail"] = (
            tr("proxy", "the user name and password sent with the request were rejected (407)")
            if sent
            else tr("proxy", "it answered 407 and no user name and password are configured")
        )
        facts["credentials_sent"] = sent
        evidence = replace(evidence, facts=facts)
        summary = (
            tr(
                "proxy",
                "The proxy {proxy} rejected the user name and password Codex would send.",
                proxy=display,
            )
            if sent
            else tr(
                "proxy",
                "The proxy {proxy} wants a user name and password, and none is set.",
                proxy=display,
            )
        )
        return Outcome(Status.FAIL, summary, evidence, ("proxy_auth_required",))
    if result.html:
        facts["detail"] = tr(
            "proxy", "the proxy answered {answer} with a block page", answer=answer
        )
        summary = tr(
            "proxy",
            "The proxy {proxy} refuses to connect to {host} ({answer} with a block page).",
            proxy=display,
            host=host,
            answer=answer,
        )
    else:
        facts["detail"] = tr("proxy", "the proxy answered {answer}", answer=answer)
        summary = tr(
            "proxy",
            "The proxy {proxy} refuses to connect to {host} ({answer}).",
            proxy=display,
            host=host,
            answer=answer,
        )
    evidence = replace(evidence, facts=facts)
    return Outcome(
        Status.FAIL,
        summary,
        evidence,
        ("proxy_blocked",),
    )


def _direct(ctx: CheckContext, route: Route, evidence: ProxyFindings) -> Outcome:
    active = [s for s in route.settings if s.active]
    if not active:
        return Outcome(
            Status.PASS, tr("proxy", "No proxy is set; Codex connects directly."), evidence
        )
    script = next((s for s in active if s.used_by_codex and s.source in PAC_SOURCES), None)
    ignored = next((s for s in active if s.ignored), None)
    if route.bypassed_by:
        where = route.no_proxy[0] if route.no_proxy else tr("proxy", "the proxy's exception list")
        summary = tr(
            "proxy",
            "Codex connects to {host} directly: {entry} in {where} exempts "
            "it from the proxy, so if your network only lets traffic out through the proxy, "
            "Codex cannot get out.",
            host=ctx.target.host,
            entry=route.bypassed_by,
            where=where,
        )
    elif script is not None:
        summary = tr(
            "proxy",
            "Codex asks the proxy script {script} ({source}) which proxy "
            "to use; Sign-in Doctor cannot run proxy scripts, so it tested the direct way.",
            script=redact_url(script.value),
            source=script.source,
        )
    elif ignored is not None:
        summary = tr(
            "proxy",
            "Codex ignores {source} ({value}): it does not read '{scheme}://' proxy addresses, "
            "so it connects directly; if your network only lets traffic out through a proxy, "
            "Codex cannot get out.",
            source=ignored.source,
            value=redact_url(ignored.value),
            scheme=ignored.value.partition("://")[0],
        )
    else:
        shown = active[0]
        what = (
            tr("proxy", "the proxy script {value}", value=redact_url(shown.value))
            if shown.source in PAC_SOURCES
            else tr("proxy", "the proxy {value}", value=redact_url(shown.value))
        )
        summary = tr(
            "proxy",
            "Codex connects directly, although {source} uses {what}; if your network only lets "
            "traffic out through a proxy, Codex cannot get out.",
            source=shown.source,
            what=what,
        )
    return Outcome(Status.WARN, summary, evidence)


# -- the probe ---------------------------------------------------------------------------------


def probe_proxy(ctx: CheckContext, route: Route) -> ProbeResult:
    """Ask the proxy for a tunnel to the auth host and read its answer."""
    result = ProbeResult()
    started = time.monotonic()
    try:
        _probe(ctx, route, result)
    finally:
        result.elapsed_ms = int((time.monotonic() - started) * 1000)
    return result


def _probe(ctx: CheckContext, route: Route, result: ProbeResult) -> None:
    host, port = route.proxy_address or ("", 0)
    if not host:
        result.failure = tr("proxy", "the proxy address has no host name")
        return
    found = PendingLookup(host, port).wait(ctx.budget.timeout())
    if not found.addresses:
        result.failure = tr(
            "network",
            "its name {name} cannot be looked up ({reason})",
            name=host,
            reason=found.failure(),
        )
        return
    timeout = ctx.budget.timeout(CONNECT_CAP_S)
    sock, attempts = connect_first(interleave(found.ipv6, found.ipv4), port, timeout)
    if sock is None:
        result.failure = summarize_failures(attempts)
        return
    result.connected = True
    conn: socket.socket = sock
    try:
        if route.proxy_scheme == "https":
            result.tls = True
            conn = _wrap_tls(ctx, sock, host, result)
            if result.failure:
                return
        conn.settimeout(ctx.budget.timeout(CONNECT_CAP_S))
        conn.sendall(connect_request(ctx.target.host, ctx.target.port, route.proxy_credentials))
        if _read_answer(ctx, conn, result) and not 200 <= (result.status or 0) < 300:
            _peek_body(ctx, conn, result)
    except OSError as exc:
        result.failure = tr(
            "proxy", "the connection to the proxy broke ({error})", error=str(exc.strerror or exc)
        )
    finally:
        conn.close()


def _wrap_tls(
    ctx: CheckContext, sock: socket.socket, host: str, result: ProbeResult
) -> socket.socket:
    from wizard.net.trust import codex_ssl_context

    try:
        context = codex_ssl_context(ctx)
        sock.settimeout(ctx.budget.timeout(CONNECT_CAP_S))
        return context.wrap_socket(sock, server_hostname=host)
    except (ssl.SSLError, OSError, ValueError) as exc:
        result.failure = tr(
            "proxy", "the secure connection to the proxy failed ({error})", error=str(exc)
        )
        return sock


def _read_answer(ctx: CheckContext, conn: socket.socket, result: ProbeResult) -> bool:
    """Read the proxy's answer head into `result`; False (with the failure) when none came."""
    wait = ctx.budget.timeout(CONNECT_CAP_S)
    try:
        head = read_head(conn, lambda: ctx.budget.timeout(CONNECT_CAP_S), HEAD_LIMIT, ctx.cancelled)
    except TimeoutError:
        result.failure = tr(
            "proxy",
            "it accepted the connection but sent no answer within {seconds:.1f} s",
            seconds=wait,
        )
        return False
    if head.ended == "cancelled":
        result.failure = tr("proxy", "the check was cancelled")
        return False
    if head.ended == "closed" and not head.data:
        result.failure = tr("proxy", "it closed the connection without answering")
        return False
    first = head.status_line
    if head.status is None:
        result.failure = tr(
            "proxy", "it answered, but not like an HTTP proxy (is it a SOCKS port?)"
        )
        result.status_line = first[:120] or None
        return False
    result.status_line = first
    result.status = head.status
    result.reason = head.reason
    result.content_type = head.header("content-type") or result.content_type
    return True


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def _peek_body(ctx: CheckContext, conn: socket.socket, result: ProbeResult) -> None:
    """Read a little of an error answer: enough to tell a block page and name it."""
    body = b""
    deadline = time.monotonic() + ctx.budget.timeout(BODY_WAIT_CAP_S)
    while len(body) < BODY_PEEK and time.monotonic() < deadline:
        conn.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = conn.recv(BODY_PEEK - len(body))
        except (TimeoutError, OSError):
            break
        if not chunk:
            break
        body += chunk
    lowered = body[:BODY_PEEK].lower()
    result.html = "html" in result.content_type.lower() or b"<html" in lowered
    title = _TITLE.search(body[:BODY_PEEK])
    if title:
        text = " ".join(title.group(1).decode("utf-8", errors="replace").split())
        result.page_title = text[:120] or None
