"""Does OpenAI's status page report a problem right now?

Only asked when the target is OpenAI's own sign-in server. It goes the same way as the other
probes (Codex's proxy), but trusts what a browser would (the OS store plus public roots): the
page is OpenAI's, not Codex's, and a trust problem there is not the diagnosis."""

from __future__ import annotations

import ssl
from dataclasses import replace
from urllib.parse import urlsplit

from wizard.core.engine import CheckContext
from wizard.core.findings.network import StatusPageFindings
from wizard.core.i18n import tr
from wizard.core.model import Outcome, Status
from wizard.net import http

INDICATORS = ("none", "minor", "major", "critical")


def check_status_page(ctx: CheckContext) -> Outcome:
    if not ctx.target.is_default_host:
        return Outcome(Status.SKIP, tr("status", "Only checked for OpenAI's own sign-in server."))
    page_host = urlsplit(str(ctx.profile["status_page"])).hostname or tr(
        "status", "the status page"
    )
    unreachable = tr(
        "status", "Could not reach {host} (that alone is not a problem).", host=page_host
    )
    url = str(ctx.profile["status_url"])
    result = http.probe(ctx, "GET", url, verify=public_ssl_context(ctx))
    evidence = StatusPageFindings(url, result.via or "direct")
    if not result.answered:
        return Outcome(
            Status.SKIP, unreachable, replace(evidence, error=result.error, detail=result.detail)
        )
    evidence = replace(evidence, http_status=result.status)
    status = (http.json_body(result) or {}).get("status")
    status = status if isinstance(status, dict) else {}
    indicator = status.get("indicator")
    if result.status != 200 or indicator not in INDICATORS:
        return Outcome(Status.SKIP, unreachable, replace(evidence, body=http.snippet(result, 120)))
    description = str(status.get("description") or indicator)[:200]
    evidence = replace(evidence, indicator=indicator, description=description)
    if indicator == "none":
        return Outcome(Status.PASS, tr("status", "OpenAI reports no problems right now."), evidence)
    if indicator == "minor":
        return Outcome(
            Status.WARN,
            tr("status", "OpenAI reports a minor problem: {description}.", description=description),
            evidence,
        )
    return Outcome(
        Status.FAIL,
        tr("status", "OpenAI reports a problem right now: {description}.", description=description),
        replace(evidence, facts={"indicator": indicator, "description": description}),
        ("status_incident",),
    )


def public_ssl_context(ctx: CheckContext) -> ssl.SSLContext:
    """A verifying context with the OS roots plus certifi's public roots."""
    from wizard.net.trust import certifi_roots, os_roots, verifying_context

    def build() -> ssl.SSLContext:
        roots = tuple(dict.fromkeys(os_roots(ctx).roots + certifi_roots().roots))
        return verifying_context(ctx, roots)

    context: ssl.SSLContext = ctx.shared.get("ssl:public", build)
    return context
