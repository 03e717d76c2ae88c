"""The one HTTP path every probe of the sign-in server takes: the way Codex would go.

Same proxy as Codex (the effective route), same trusted roots (Codex's trust, always
verifying), nothing from this process's own environment, no redirects followed, and every
timeout taken from the check's budget. Failures become a small, plain classification."""

from __future__ import annotations

import json
import re
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from wizard import __version__
from wizard.core.engine import CheckContext
from wizard.core.findings.network import Timing
from wizard.core.i18n import tr
from wizard.net.route import effective_route
from wizard.report.redact import redact_secrets

if TYPE_CHECKING:  # httpx and the trust module load lazily: the window starts without them
    import httpx

USER_AGENT = f"signin-doctor/{__version__}"
MAX_BODY = 64 * 1024  # enough for any error page or discovery document; the rest is dropped
SNIPPET_CHARS = 300

# What went wrong when no HTTP answer came back.
NO_ANSWER = "no_answer"  # nothing within the time budget
CONNECT_FAILED = "connect_failed"  # refused / unreachable (the proxy, when there is one)
UNTRUSTED = "untrusted"  # the certificate chain fails the trust in use
PROXY_REFUSED = "proxy_refused"  # the proxy answered the tunnel request with an error (407, 403)
TRANSPORT_ERROR = "transport_error"  # anything else on the wire: a dropped connection, say
BAD_PROXY = "bad_proxy"  # the proxy setting itself cannot be used (the proxy check explains)


@dataclass(frozen=True)
class Probe:
    """One request and what came back (or why nothing did)."""

    url: str
    method: str
    via: str | None  # the proxy, redacted; None = direct
    error: str | None = None  # one of the constants above; None = an HTTP answer arrived
    detail: str = ""  # plain words for `error`
    proxy_status: int | None = None  # the proxy's status code for PROXY_REFUSED
    status: int | None = None
    reason: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    sent_at: datetime | None = None  # local clock (ctx.env.now) just before sending
    received_at: datetime | None = None  # local clock right after the response head arrived
    rtt_ms: int | None = None

    @property
    def answered(self) -> bool:
        return self.error is None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def timing(self) -> Timing:
        """The facts the clock check needs (with the answer's `rtt_ms`)."""
        return Timing(
            server_date=self.headers.get("date"),
            age=self.headers.get("age"),
            sent_at=self.sent_at.isoformat() if self.sent_at else None,
            received_at=self.received_at.isoformat() if self.received_at else None,
        )


def probe_client(ctx: CheckContext, verify: ssl.SSLContext | None = None) -> httpx.Client:
    """An httpx client that goes where Codex goes: its proxy, its roots, nothing inherited."""
    import httpx

    from wizard.net.trust import codex_ssl_context

    route = effective_route(ctx)
    proxy = route.proxy
    if proxy and "://" not in proxy:
        proxy = f"http://{proxy}"  # Codex accepts a bare host:port as an http proxy
    return httpx.Client(
        proxy=proxy,
        verify=verify if verify is not None else codex_ssl_context(ctx),
        trust_env=False,
        follow_redirects=False,
        timeout=_timeout(ctx),
        headers={"User-Agent": USER_AGENT},
    )


def probe(
    ctx: CheckContext,
    method: str,
    url: str,
    *,
    data: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    verify: ssl.SSLContext | None = None,
) -> Probe:
    """Send one request along Codex's route and read at most MAX_BODY bytes of the answer."""
    import httpx

    route = effective_route(ctx)
    base = Probe(url, method, route.proxy_display)
    try:
        client = probe_client(ctx, verify)
    except (ValueError, ImportError, httpx.InvalidURL):
        # The message may quote the proxy URL with its password: say only what kind it is.
        detail = tr(
            "http",
            "the proxy address cannot be used (a '{scheme}' proxy)",
            scheme=route.proxy_scheme,
        )
        return replace(base, error=BAD_PROXY, detail=detail)
    with client:
        request = client.build_request(method, url, data=data, headers=headers)
        started = time.monotonic()
        sent_at = ctx.env.now()
        try:
            response = client.send(request, stream=True)
        except httpx.HTTPError as exc:
            kind, detail, proxy_status = classify(exc)
            return replace(base, error=kind, detail=detail, proxy_status=proxy_status)
        received_at = ctx.env.now()
        rtt_ms = int((time.monotonic() - started) * 1000)
        try:
            body = _read_limited(ctx, response)
        except httpx.HTTPError:
            body = b""  # the head arrived; a body cut short is still an answer
        finally:
            response.close()
    return replace(
        base,
        status=response.status_code,
        reason=response.reason_phrase,
        headers={k.lower(): v for k, v in response.headers.items()},
        body=body,
        sent_at=sent_at,
        received_at=received_at,
        rtt_ms=rtt_ms,
    )


def classify(exc: BaseException) -> tuple[str, str, int | None]:
    """(kind, plain detail, proxy status) for a failed request."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return NO_ANSWER, tr("http", "no answer within the time limit"), None
    if isinstance(exc, httpx.ProxyError):
        status = _leading_status(str(exc))
        if status == 407:
            asks = tr("http", "the proxy asks for a user name and password (HTTP 407)")
            return PROXY_REFUSED, asks, 407
        if status is not None:
            refused = tr("http", "the proxy refused the connection ({error})", error=str(exc))
            return PROXY_REFUSED, refused, status
        return PROXY_REFUSED, tr("http", "the proxy failed ({error})", error=str(exc)), None
    if isinstance(exc, httpx.ConnectError):
        verify_error = _cause_of(exc, ssl.SSLCertVerificationError)
        if verify_error is not None or "CERTIFICATE_VERIFY_FAILED" in str(exc):
            reason = getattr(verify_error, "verify_message", "") or "certificate verify failed"
            untrusted = tr("http", "the certificate is not trusted ({reason})", reason=reason)
            return UNTRUSTED, untrusted, None
        failed = tr("http", "the connection failed ({error})", error=_short(exc))
        return CONNECT_FAILED, failed, None
    if isinstance(exc, httpx.RemoteProtocolError):
        return TRANSPORT_ERROR, tr("http", "the connection was closed without an answer"), None
    return TRANSPORT_ERROR, tr("http", "the connection broke ({error})", error=_short(exc)), None


def _timeout(ctx: CheckContext) -> httpx.Timeout:
    import httpx

    # One figure for every phase: connect (incl. the TLS handshake), write, read, pool.
    return httpx.Timeout(ctx.budget.timeout())


def _read_limited(ctx: CheckContext, response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY or ctx.budget.expired() or ctx.cancelled():
            break
    return b"".join(chunks)[:MAX_BODY]


def _cause_of(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _leading_status(message: str) -> int | None:
    match = re.match(r"\s*(\d{3})\b", message)
    return int(match.group(1)) if match else None


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


# --- reading answers -------------------------------------------------------------------


def snippet(probe_result: Probe, limit: int = SNIPPET_CHARS) -> str:
    """The start of the body for the evidence: whitespace squeezed, token-like runs removed."""
    text = " ".join(probe_result.text().split())
    text = redact_secrets(text, long_runs=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def json_body(probe_result: Probe) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one."""
    try:
        value = json.loads(probe_result.body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def looks_like_html(probe_result: Probe) -> bool:
    if "html" in probe_result.content_type.lower():
        return True
    return probe_result.body[:512].lstrip().startswith(b"<")


def page_title(probe_result: Probe) -> str | None:
    match = re.search(r"<title[^>]*>(.*?)</title>", probe_result.text(), re.I | re.S)
    if not match:
        return None
    title = redact_secrets(" ".join(match.group(1).split()), long_runs=True)
    return title[:120] or None


def request_id(probe_result: Probe) -> str | None:
    for name in ("x-request-id", "x-openai-request-id", "cf-ray"):
        value = probe_result.headers.get(name)
        if value:
            return value[:100]
    return None
