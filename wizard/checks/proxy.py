"""Is there a proxy, does Codex use it, and does it let Codex through to the sign-in server?

The proxy Codex would use is asked for a tunnel to the auth host exactly as Codex asks
(`CONNECT host:port`, with the URL's user name and password as Basic credentials), and its
answer is read: 200 lets Codex through, 407 wants credentials, anything else refuses."""

from __future__ import annotations

import base64
import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import unquote

from wizard import __version__
from wizard.checks.network import (
    PendingLookup,
    connect_first,
    interleave,
    summarize_failures,
)
from wizard.checks.route import (
    MACOS_PAC_SOURCE,
    WINDOWS_PAC_SOURCE,
    Route,
    effective_route,
    no_proxy_covers_loopback,
    redact_url,
)
from wizard.core.engine import CheckContext
from wizard.core.model import Outcome, Status

CONNECT_CAP_S = 5.0
HEAD_LIMIT = 16 * 1024  # a proxy's answer head is small; more is not an HTTP proxy talking
BODY_PEEK = 4 * 1024  # enough of an error page to tell a block page and read its title
BODY_WAIT_CAP_S = 0.5
PAC_SOURCES = (WINDOWS_PAC_SOURCE, MACOS_PAC_SOURCE)
HTTP_SCHEMES = ("http", "https")
SOCKS_SCHEMES = ("socks5", "socks5h", "socks4", "socks4a")
LOOPBACK_NOTE = (
    "NO_PROXY does not list localhost, 127.0.0.1 and ::1, so requests Codex makes to this "
    "computer may be sent to the proxy; the usual setting is NO_PROXY=localhost,127.0.0.1,::1 "
    "(openai/codex#36490)."
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
    evidence: dict[str, object] = {
        "effective": {
            "url": route.proxy_display,
            "source": route.proxy_source,
            "bypassed_by": route.bypassed_by,
        },
        "settings": [s.to_json() for s in route.settings],
        "notes": list(route.notes),
    }
    if route.proxy and not no_proxy_covers_loopback(route.no_proxy[1] if route.no_proxy else ""):
        evidence["notes"] = [*route.notes, LOOPBACK_NOTE]
    if route.direct:
        return _direct(ctx, route, evidence)

    display, source = route.proxy_display, route.proxy_source
    scheme = route.proxy_scheme or "http"
    facts: dict[str, object] = {"proxy": display, "proxy_source": source, "scheme": scheme}
    if scheme in SOCKS_SCHEMES:
        evidence["facts"] = facts
        return Outcome(
            Status.WARN,
            f"Codex is told to use the SOCKS proxy {display} ({source}); Codex does not work "
            "reliably through SOCKS, so use the app's HTTP (or mixed) proxy port instead.",
            evidence,
        )
    if scheme not in HTTP_SCHEMES:
        evidence["facts"] = facts
        return Outcome(
            Status.FAIL,
            f"Codex is told to use the proxy {display} ({source}), but Codex cannot use a "
            f"'{scheme}' proxy.",
            evidence,
            ("proxy_unsupported_scheme",),
        )

    result = probe_proxy(ctx, route)
    evidence["probe"] = result.to_json()
    host = ctx.target.host
    if result.failure is not None:
        facts["detail"] = result.failure
        evidence["facts"] = facts
        how = "does not answer properly" if result.connected else "cannot be reached"
        return Outcome(
            Status.FAIL,
            f"Your proxy {display} {how}: {result.failure}.",
            evidence,
            ("proxy_unreachable",),
        )
    status = result.status or 0
    if 200 <= status < 300:
        return Outcome(Status.PASS, f"The proxy {display} lets Codex through.", evidence)
    answer = f"{status} {result.reason}".strip()
    if status == 407:
        sent = route.proxy_credentials is not None
        facts["detail"] = (
            "the user name and password sent with the request were rejected (407)"
            if sent
            else "it answered 407 and no user name and password are configured"
        )
        facts["credentials_sent"] = sent
        evidence["facts"] = facts
        summary = (
            f"The proxy {display} rejected the user name and password Codex would send."
            if sent
            else f"The proxy {display} wants a user name and password, and none is set."
        )
        return Outcome(Status.FAIL, summary, evidence, ("proxy_auth_required",))
    page = " with a block page" if result.html else ""
    facts["detail"] = f"the proxy answered {answer}{page}"
    evidence["facts"] = facts
    return Outcome(
        Status.FAIL,
        f"The proxy {display} refuses to connect to {host} ({answer}{page}).",
        evidence,
        ("proxy_blocked",),
    )


def _direct(ctx: CheckContext, route: Route, evidence: dict[str, object]) -> Outcome:
    active = [s for s in route.settings if s.active]
    if not active:
        return Outcome(Status.PASS, "No proxy is set; Codex connects directly.", evidence)
    script = next((s for s in active if s.used_by_codex and s.source in PAC_SOURCES), None)
    if route.bypassed_by:
        where = route.no_proxy[0] if route.no_proxy else "the proxy's exception list"
        summary = (
            f"Codex connects to {ctx.target.host} directly: {route.bypassed_by} in {where} exempts "
            "it from the proxy, so if your network only lets traffic out through the proxy, "
            "Codex cannot get out."
        )
    elif script is not None:
        summary = (
            f"Codex asks the proxy script {redact_url(script.value)} ({script.source}) which proxy "
            "to use; Sign-in Doctor cannot run proxy scripts, so it tested the direct way."
        )
    else:
        shown = active[0]
        what = "proxy script" if shown.source in PAC_SOURCES else "proxy"
        summary = (
            f"Codex connects directly, although {shown.source} uses the {what} "
            f"{redact_url(shown.value)}; if your network only lets traffic out through a proxy, "
            "Codex cannot get out."
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
        result.failure = "the proxy address has no host name"
        return
    found = PendingLookup(host, port).wait(ctx.budget.timeout())
    if not found.addresses:
        result.failure = f"its name {host} cannot be looked up ({found.failure()})"
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
        conn.sendall(_connect_request(ctx.target.host, ctx.target.port, route))
        head, body = _read_head(ctx, conn, result)
        if head is None:
            return
        _parse_answer(head, result)
        if result.failure is None and not 200 <= (result.status or 0) < 300:
            _peek_body(ctx, conn, head, body, result)
    except OSError as exc:
        result.failure = f"the connection to the proxy broke ({exc.strerror or exc})"
    finally:
        conn.close()


def _wrap_tls(
    ctx: CheckContext, sock: socket.socket, host: str, result: ProbeResult
) -> socket.socket:
    from wizard.checks.trust import codex_ssl_context

    try:
        context = codex_ssl_context(ctx)
        sock.settimeout(ctx.budget.timeout(CONNECT_CAP_S))
        return context.wrap_socket(sock, server_hostname=host)
    except (ssl.SSLError, OSError, ValueError) as exc:
        result.failure = f"the secure connection to the proxy failed ({exc})"
        return sock


def _connect_request(host: str, port: int, route: Route) -> bytes:
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [
        f"CONNECT {authority} HTTP/1.1",
        f"Host: {authority}",
        f"User-Agent: signin-doctor/{__version__}",
    ]
    credentials = route.proxy_credentials
    if credentials is not None:
        user, password = (unquote(part) for part in credentials)
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        lines.append(f"Proxy-Authorization: Basic {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _read_head(
    ctx: CheckContext, conn: socket.socket, result: ProbeResult
) -> tuple[bytes | None, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        if ctx.cancelled():
            result.failure = "the check was cancelled"
            return None, b""
        wait = ctx.budget.timeout(CONNECT_CAP_S)
        conn.settimeout(wait)
        try:
            chunk = conn.recv(4096)
        except TimeoutError:
            if data:
                break  # a head without its blank line: read what came
            result.failure = f"it accepted the connection but sent no answer within {wait:.1f} s"
            return None, b""
        if not chunk:
            if data:
                break
            result.failure = "it closed the connection without answering"
            return None, b""
        data += chunk
        if len(data) > HEAD_LIMIT:
            break
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


_STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)? (\d{3})(?: (.*))?$")


def _parse_answer(head: bytes, result: ProbeResult) -> None:
    lines = head.decode("latin-1").split("\r\n")
    first = lines[0].strip()
    match = _STATUS_LINE.match(first)
    if not match:
        result.failure = "it answered, but not like an HTTP proxy (is it a SOCKS port?)"
        result.status_line = first[:120] or None
        return
    result.status_line = first
    result.status = int(match.group(1))
    result.reason = (match.group(2) or "").strip()
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-type":
            result.content_type = value.strip()


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def _peek_body(
    ctx: CheckContext, conn: socket.socket, head: bytes, body: bytes, result: ProbeResult
) -> None:
    """Read a little of an error answer: enough to tell a block page and name it."""
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
