"""Does the sign-in server itself answer, the way Codex reaches it?

`openid` fetches the discovery document (and notes the server's Date for the clock check).
`token_endpoint` does what the field report did with curl: POST a made-up code to the token
endpoint. The server refusing that code as invalid proves the whole path works; a block page,
a region refusal or a server error in its place is the diagnosis."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from wizard.core.engine import CheckContext
from wizard.core.findings.network import (
    Answer,
    Exchange,
    NoAnswer,
    OpenidFindings,
    Page,
    TokenFindings,
)
from wizard.core.i18n import tr
from wizard.core.model import Outcome, Status
from wizard.net import http
from wizard.net.route import effective_route
from wizard.report.redact import redact_secrets

REGION_CODE = "unsupported_country_region_territory"
REGION_TEXT = "country, region, or territory not supported"
PROBE_CODE = "signin-doctor-probe"  # a dummy authorization code: nothing secret is sent
OAUTH_REFUSALS = (400, 401)

NOT_TESTED_TLS = tr("endpoints", "Not tested: the secure connection failed first.")


def check_openid(ctx: CheckContext) -> Outcome:
    skipped = _needs_tls(ctx)
    if skipped:
        return skipped
    url = ctx.target.auth_url + ctx.profile["openid_path"]
    result = http.probe(ctx, "GET", url)
    if not result.answered:
        return _no_answer(ctx, result, OpenidFindings)

    evidence = OpenidFindings(**_answered(result), timing=result.timing())
    document = http.json_body(result)
    if result.status is not None and result.status >= 500:
        return _server_error(f"HTTP {result.status}", evidence)
    if document is None:
        detail = (
            tr("endpoints", "a web page instead of the sign-in server's data")
            if http.looks_like_html(result)
            else tr(
                "endpoints",
                "an unexpected answer (HTTP {status}) instead of the sign-in server's data",
                status=result.status,
            )
        )
        return Outcome(
            Status.FAIL,
            tr("endpoints", "Something else answered instead of the sign-in server."),
            replace(evidence, page=_page(result), facts={"detail": detail}),
            ("html_answer",),
        )
    issuer = document.get("issuer")
    evidence = replace(evidence, issuer=issuer if isinstance(issuer, str) else None)
    if result.status == 200 and isinstance(issuer, str):
        return Outcome(Status.PASS, tr("endpoints", "The sign-in server answers."), evidence)
    return Outcome(
        Status.WARN,
        tr(
            "endpoints",
            "The sign-in server answered, but not as expected ({detail}).",
            detail=f"HTTP {result.status}",
        ),
        replace(evidence, page=Page(http.snippet(result))),
    )


def check_token_endpoint(ctx: CheckContext) -> Outcome:
    return _needs_tls(ctx) or probe_token_endpoint(ctx)


def probe_token_endpoint(ctx: CheckContext) -> Outcome:
    """The harmless test POST along the context's route, judged (the routes check sends it
    along the other ways Codex may take)."""
    url = ctx.target.auth_url + ctx.profile["token_path"]
    form = probe_exchange_form(ctx)
    result = http.probe(ctx, "POST", url, data=form)
    if not result.answered:
        return _no_answer(ctx, result, TokenFindings)

    status = result.status or 0
    document = http.json_body(result)
    code, description = _oauth_error(document)
    sent = {k: v for k, v in form.items() if k != "code_verifier"}
    exchange = Exchange(sent, code, _short(description))
    evidence = TokenFindings(**_answered(result), exchange=exchange)

    if status == 403 and _is_region_block(result, code, description):
        return Outcome(
            Status.FAIL,
            tr("endpoints", "The sign-in server refuses this connection's country or region."),
            replace(
                evidence,
                facts={"detail": tr("endpoints", "country, region, or territory not supported")},
            ),
            ("region_blocked",),
        )
    if status >= 500:
        detail = f"HTTP {status} {result.reason}".strip()
        rid = http.request_id(result)
        evidence = replace(
            evidence,
            exchange=replace(exchange, request_id=rid or None),
            page=_page(result) if document is None else None,
        )
        return _server_error(detail, evidence)
    if document is None:
        what = _foreign_answer(result)
        detail = tr("endpoints", "{what} instead of the sign-in server's answer", what=what)
        return Outcome(
            Status.FAIL,
            tr(
                "endpoints",
                "Something else answered instead of the sign-in server: {what}.",
                what=what,
            ),
            replace(evidence, page=_page(result), facts={"detail": detail}),
            ("html_answer",),
        )
    if 200 <= status < 300:
        # A test code must never be accepted; say what came back without its values.
        evidence = replace(evidence, keys=tuple(sorted(str(k) for k in document)[:20]))
        return Outcome(
            Status.WARN,
            tr(
                "endpoints",
                "The sign-in server accepted a test code (HTTP {status}), which it should not.",
                status=status,
            ),
            evidence,
        )
    if status in OAUTH_REFUSALS and code:
        return Outcome(
            Status.PASS,
            tr(
                "endpoints",
                "The sign-in server answered as expected (it refused a test code), "
                "so the whole path to it works.",
            ),
            evidence,
        )
    evidence = replace(evidence, page=Page(http.snippet(result)))
    return Outcome(
        Status.WARN,
        tr(
            "endpoints",
            "The sign-in server answered, but not as expected ({detail}).",
            detail=f"HTTP {status}" + (f", {code}" if code else ""),
        ),
        evidence,
    )


def probe_exchange_form(ctx: CheckContext) -> dict[str, str]:
    """The form Codex posts after the browser returns, with a made-up code and verifier."""
    profile = ctx.profile
    port = ctx.target.callback_ports[0]
    return {
        "grant_type": "authorization_code",
        "code": PROBE_CODE,
        "redirect_uri": profile.redirect_uri(port),
        "client_id": str(profile["client_id"]),
        "code_verifier": secrets.token_urlsafe(48)[:64],
    }


# --- shared judgement ------------------------------------------------------------------


def _needs_tls(ctx: CheckContext) -> Outcome | None:
    tls = ctx.dep("tls")
    if tls is None or tls.status not in (Status.PASS, Status.WARN):
        return Outcome(Status.SKIP, NOT_TESTED_TLS)
    return None


def _no_answer(
    ctx: CheckContext, result: http.Probe, kind: type[OpenidFindings | TokenFindings]
) -> Outcome:
    """No HTTP answer: say why, and name a fault only when this probe proves it."""
    route = effective_route(ctx)
    host = ctx.target.host
    evidence = kind(
        url=result.url,
        via=result.via or "direct",
        failed=NoAnswer(error=result.error, detail=result.detail),
    )
    proxy_facts = {"proxy": route.proxy_display, "proxy_source": route.proxy_source}
    if result.error == http.UNTRUSTED:
        # The tls check names the issuer and owns the fault; this one only reports the effect.
        return Outcome(
            Status.FAIL,
            tr(
                "endpoints",
                "Codex does not trust the secure connection to {host}, so the sign-in server "
                "could not be asked.",
                host=host,
            ),
            evidence,
        )
    if result.error == http.PROXY_REFUSED:
        refused = NoAnswer(
            error=result.error, detail=result.detail, proxy_status=result.proxy_status
        )
        evidence = replace(evidence, failed=refused)
        if result.proxy_status == 407:
            return Outcome(
                Status.FAIL,
                tr(
                    "endpoints",
                    "The proxy {proxy} wants a user name and password.",
                    proxy=route.proxy_display,
                ),
                replace(evidence, facts=proxy_facts),
                ("proxy_auth_required",),
            )
        detail = (
            tr(
                "endpoints",
                "the proxy {proxy} refused the connection (HTTP {status})",
                proxy=route.proxy_display,
                status=result.proxy_status,
            )
            if result.proxy_status
            else tr(
                "endpoints",
                "the proxy {proxy} refused the connection",
                proxy=route.proxy_display,
            )
        )
        return Outcome(
            Status.FAIL,
            tr(
                "endpoints",
                "The proxy {proxy} refuses to connect to {host}.",
                proxy=route.proxy_display,
                host=host,
            ),
            replace(evidence, facts=proxy_facts | {"detail": detail}),
            ("proxy_blocked",),
        )
    if result.error == http.CONNECT_FAILED and route.proxy:
        return Outcome(
            Status.FAIL,
            tr("endpoints", "The proxy {proxy} does not answer.", proxy=route.proxy_display),
            replace(evidence, facts=proxy_facts),
            ("proxy_unreachable",),
        )
    if result.error in (http.NO_ANSWER, http.CONNECT_FAILED, http.TRANSPORT_ERROR):
        return Outcome(
            Status.FAIL,
            tr("endpoints", "The sign-in server does not answer ({detail}).", detail=result.detail),
            replace(evidence, facts={"detail": result.detail}),
            ("http_no_answer",),
        )
    return Outcome(
        Status.FAIL,
        tr("endpoints", "The request could not be sent: {detail}.", detail=result.detail),
        evidence,
    )


def _answered(result: http.Probe) -> dict[str, Any]:
    """Where the request went and what answered: the start of either check's findings."""
    answer = Answer(
        status=result.status,
        reason=result.reason,
        content_type=result.content_type,
        server=result.headers.get("server"),
        rtt_ms=result.rtt_ms,
    )
    return {"url": result.url, "via": result.via or "direct", "answer": answer}


def _page(result: http.Probe) -> Page:
    location = result.headers.get("location")
    return Page(
        body=http.snippet(result),
        page_title=http.page_title(result) or None,
        location=redact_secrets(location, long_runs=True)[:200] if location else None,
    )


def _foreign_answer(result: http.Probe) -> str:
    """Plain words for an answer that is not the sign-in server's: 'a web page (HTTP 403)'."""
    status = result.status
    location = result.headers.get("location")
    if status is not None and 300 <= status < 400 and location:
        where = urlsplit(location).hostname or location[:60]
        return tr("endpoints", "a redirect to {where} (HTTP {status})", where=where, status=status)
    if http.looks_like_html(result):
        title = http.page_title(result)
        if title:
            return tr(
                "endpoints", 'a web page "{title}" (HTTP {status})', title=title, status=status
            )
        return tr("endpoints", "a web page (HTTP {status})", status=status)
    return tr("endpoints", "an unexpected answer (HTTP {status})", status=status)


def _oauth_error(document: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """(code, description) of an OAuth-style error body, in either shape the server uses."""
    if not document:
        return None, None
    error = document.get("error")
    if isinstance(error, str):
        description = document.get("error_description")
        return error, description if isinstance(description, str) else None
    if isinstance(error, dict):
        code = error.get("code") or error.get("type")
        message = error.get("message")
        return (
            code if isinstance(code, str) else None,
            message if isinstance(message, str) else None,
        )
    return None, None


def _is_region_block(result: http.Probe, code: str | None, description: str | None) -> bool:
    if code == REGION_CODE:
        return True
    text = f"{description or ''} {result.text()}".lower()
    return REGION_CODE in text or REGION_TEXT in text


def _short(text: str | None, limit: int = 200) -> str | None:
    if text is None:
        return None
    clean = redact_secrets(" ".join(text.split()), long_runs=True)
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


def _server_error(detail: str, evidence: OpenidFindings | TokenFindings) -> Outcome:
    """A 5xx: the server's own problem, whoever asked (openid or the token endpoint)."""
    return Outcome(
        Status.FAIL,
        tr("endpoints", "The sign-in server has a problem of its own ({detail}).", detail=detail),
        replace(evidence, facts={"detail": detail}),
        ("server_error",),
    )
