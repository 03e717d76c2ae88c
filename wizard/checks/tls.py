"""The secure connection: who signed what the sign-in server (or a proxy) presents, and who
trusts it. The differential is the diagnosis: the captured chain is verified against what
Codex trusts, the OS store, public roots and every configured CA file, so the verdict can say
"this computer trusts it, Codex does not" and name the issuer.

The crypto stack (cryptography, certifi) is imported when the check runs, not when
the catalog is loaded: the window's first paint stays light."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from wizard.core.engine import CheckContext
from wizard.core.findings.certificates import Certificate, Handshake, TlsFindings, TrustRow
from wizard.core.i18n import Moment, join, sentences, tr
from wizard.core.model import Outcome, Status
from wizard.net.route import effective_route

if TYPE_CHECKING:
    from cryptography import x509

    from wizard.checks.os_verdict import OsAnswer
    from wizard.net.chain import CaptureFailed
    from wizard.net.trust import TrustSet, Verification

PROXY_KINDS = {"proxy_unreachable", "proxy_no_answer", "proxy_refused", "proxy_unsupported"}


def check_tls(ctx: CheckContext) -> Outcome:
    from wizard.checks.os_verdict import ask_os
    from wizard.checks.revocation import revocation_sources
    from wizard.net.cert_lint import lint_chain, readable_name
    from wizard.net.chain import CaptureFailed, presented_chain
    from wizard.net.trust import (
        Verification,
        ca_settings,
        codex_ca_file,
        trust_sets,
        verify_chain,
    )

    host = ctx.target.host
    tcp = ctx.dep("tcp")
    if tcp is None or tcp.status not in (Status.PASS, Status.WARN):
        return Outcome(
            Status.SKIP, tr("tls", "Not tested: the connection to the sign-in server failed first.")
        )
    route = effective_route(ctx).proxy_display or "direct"
    try:
        presented = presented_chain(ctx)
    except CaptureFailed as failed:
        return _capture_failed(ctx, failed, route)
    if not presented.certificates:
        return Outcome(
            Status.FAIL,
            tr("tls", "{host} presented no certificate.", host=host),
            TlsFindings(route, error="empty chain"),
        )

    chain = presented.certificates
    now = ctx.env.now()
    sets = trust_sets(ctx)
    checks = {s.id: verify_chain(s.roots, chain, host, now) for s in sets}
    asked = ask_os(ctx)
    # Without a CA file Codex verifies with the OS's own library too (native-tls: SChannel,
    # Security.framework); a CA file switches it to rustls over the listed roots.
    ca_file = codex_ca_file(ca_settings(ctx.env, ctx.profile), ctx.profile)
    decided_by_os = {"os"} if ca_file is not None else {"os", "codex"}
    if asked is not None and asked.verdict is not None:  # the OS decides, not its list
        for set_id in decided_by_os:
            checks[set_id] = Verification(asked.verdict.trusted, asked.verdict.error, ())
    top = chain[-1]
    issuer = readable_name(top.issuer)
    vendor = find_vendor(chain, ctx.profile["inspection_vendors"])
    anchor = _anchor(checks, chain, sets)
    lint = lint_chain(chain, now, anchor)
    evidence = TlsFindings(
        route,
        handshake=Handshake(
            protocol=presented.protocol,
            cipher=presented.cipher,
            chain=tuple(_describe(c) for c in chain),
            leaf_revocation=revocation_sources(chain[0]),
            issuer=issuer,
            vendor=vendor,
            trust=tuple(
                _row(s, checks[s.id], ctx.env.display_path(s.origin), asked, s.id in decided_by_os)
                for s in sets
            ),
            matrix=join(
                [
                    tr("tls", "{label}: trusted", label=s.label)
                    if checks[s.id].trusted
                    else tr("tls", "{label}: NOT trusted", label=s.label)
                    for s in sets
                ]
            ),
            lint=tuple(lint),
        ),
    )

    codex = checks["codex"]
    if codex.trusted:
        if lint:
            return Outcome(
                Status.WARN,
                tr(
                    "tls",
                    "The connection to {host} is trusted by Codex, but its certificates have "
                    "flaws that stricter programs reject ({count} found).",
                    host=host,
                    count=len(lint),
                ),
                evidence,
            )
        return Outcome(
            Status.PASS,
            tr("tls", "The connection to {host} is secure and trusted by Codex.", host=host),
            evidence,
        )

    if _only_the_date_is_wrong(checks, sets, chain, host):
        return Outcome(
            Status.FAIL,
            tr(
                "tls",
                "The certificate of {host} is not valid at this computer's date "
                "({date}); check the clock.",
                host=host,
                date=Moment(now.isoformat(timespec="seconds")),
            ),
            replace(evidence, date_problem=True),
        )

    codex_set = next(s for s in sets if s.id == "codex")
    if codex_set.replaced_by and checks["os"].trusted:
        settings = ca_settings(ctx.env, ctx.profile)
        setting = settings[codex_set.replaced_by[0]]
        path = ctx.env.display_path(setting.path(ctx.env))
        facts = {"variable": setting.name, "path": path, "host": host, "issuer": issuer}
        return Outcome(
            Status.FAIL,
            tr(
                "tls",
                "{variable} ({path}) replaces this computer's certificate store for Codex, and "
                "it does not trust {host}; this computer's store would.",
                variable=setting.name,
                path=path,
                host=host,
            ),
            replace(evidence, facts=facts),
            ("ssl_cert_file_hides_os_store",),
        )

    trusted_by = [s.label for s in sets if checks[s.id].trusted]
    weak = _weak_reason(lint, codex)
    facts = {"issuer": issuer, "host": host}
    if vendor:
        facts["vendor"] = vendor
    who = (
        tr("tls", "{issuer}, a {vendor} product", issuer=issuer, vendor=vendor)
        if vendor
        else issuer
    )
    summary = tr(
        "tls",
        "Codex does not trust the certificate {host} presents, issued by {who}.",
        host=host,
        who=who,
    )
    if trusted_by:
        also = tr("tls", "({label} trusts it.)", label=trusted_by[0])
        summary = sentences(summary, also)
    if weak:
        facts["problem"] = weak
        summary = tr(
            "tls",
            "Codex rejects the certificate {host} presents: {problem}",
            host=host,
            problem=weak,
        )
        return Outcome(Status.FAIL, summary, replace(evidence, facts=facts), ("tls_weak_ca",))
    return Outcome(Status.FAIL, summary, replace(evidence, facts=facts), ("tls_untrusted",))


def _capture_failed(ctx: CheckContext, failed: CaptureFailed, route: str) -> Outcome:
    host = ctx.target.host
    evidence = TlsFindings(
        route, error=failed.kind, detail=failed.detail, proxy_status=failed.status
    )
    if failed.kind == "tls_no_answer":
        facts = {"detail": failed.detail, "host": host, "port": ctx.target.port}
        return Outcome(
            Status.FAIL,
            tr(
                "tls",
                "The secure connection to {host} does not complete: {detail}.",
                host=host,
                detail=failed.detail,
            ),
            replace(evidence, facts=facts),
            ("tls_no_answer",),
        )
    if failed.kind in PROXY_KINDS:
        return Outcome(
            Status.SKIP,
            tr("tls", "Not tested: {detail} (see Proxy settings).", detail=failed.detail),
            evidence,
        )
    if failed.kind == "cancelled":
        return Outcome(Status.SKIP, tr("engine", "Cancelled."), evidence)
    if failed.kind == "connect_failed":
        return Outcome(
            Status.FAIL,
            tr(
                "tls",
                "Could not connect to {host} again to check the secure connection ({detail}).",
                host=host,
                detail=failed.detail,
            ),
            evidence,
        )
    return Outcome(
        Status.FAIL,
        tr(
            "tls",
            "The secure connection to {host} failed: {detail}.",
            host=host,
            detail=failed.detail,
        ),
        evidence,
    )


def find_vendor(chain: Sequence[x509.Certificate], vendors: Sequence[str]) -> str | None:
    """The inspection product named in the issuers' O / CN / OU, top of the chain first."""
    from cryptography.x509.oid import NameOID

    from wizard.net.cert_lint import name_parts

    oids = (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME)
    any_vendor = _vendor_pattern(tuple(vendors))
    for cert in reversed(chain):
        texts = [part for oid in oids for part in name_parts(cert.issuer, oid)]
        if not any(any_vendor.search(text) for text in texts):
            continue  # no vendor here: the per-vendor patterns are only compiled for a hit
        for vendor in vendors:
            if any(_vendor_pattern((vendor,)).search(text) for text in texts):
                return vendor
    return None


@cache
def _vendor_pattern(vendors: tuple[str, ...]) -> re.Pattern[str]:
    """Any of `vendors` as a whole word, in any case. One pattern for all of them compiles in
    ~0.5 ms, one per vendor (34 in the profile) in ~6.5 ms (case-insensitive classes)."""
    names = "|".join(re.escape(vendor) for vendor in vendors)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{names})(?![A-Za-z0-9])", re.I)


def _anchor(
    checks: dict[str, Verification], chain: Sequence[x509.Certificate], sets: Sequence[TrustSet]
) -> x509.Certificate | None:
    """The root the chain ends at: from a successful verification, else the presented
    self-signed top, else a root in any set whose subject is the top's issuer."""
    from wizard.net.cert_lint import is_self_signed
    from wizard.net.trust import load_certificates

    for result in checks.values():
        if result.trusted and result.path:
            return result.path[-1]
    top = chain[-1]
    if is_self_signed(top):
        return top
    for trust in sets:
        for root in load_certificates(trust.roots):
            if root.subject == top.issuer:
                return root
    return None


def _only_the_date_is_wrong(
    checks: dict[str, Verification],
    sets: Sequence[TrustSet],
    chain: Sequence[x509.Certificate],
    host: str,
) -> bool:
    """True when the chain would be trusted by Codex at a moment inside every certificate's
    validity, i.e. the only thing wrong is this computer's date (the clock check owns that)."""
    from wizard.net.trust import verify_chain

    start = max(c.not_valid_before_utc for c in chain)
    end = min(c.not_valid_after_utc for c in chain)
    if start >= end or "codex" not in checks:
        return False
    codex_set = next(s for s in sets if s.id == "codex")
    inside: datetime = start + min(timedelta(hours=1), (end - start) / 2)
    return verify_chain(codex_set.roots, chain, host, inside).trusted


def _weak_reason(lint: list[dict[str, str]], codex: Verification) -> str | None:
    """When the chain is rejected for a weakness rather than for an unknown issuer."""
    error = (codex.error or "").lower()
    if "too weak" in error or "signature" in error or "unsupported" in error:
        weak = [p["message"] for p in lint if p["code"] in ("weak_rsa_key", "weak_signature_hash")]
        if weak:
            return weak[0]
    return None


def _row(
    trust: TrustSet,
    result: Verification,
    origin: str,
    asked: OsAnswer | None,
    by_os: bool,
) -> TrustRow:
    row = TrustRow(
        id=trust.id,
        label=trust.label,
        origin=origin,
        roots=len(trust.roots),  # the listed store's, also for the OS row
        trusted=result.trusted,
        error=_plain_error(result.error),
    )
    if by_os and asked is not None:
        if asked.verdict is None:
            shown = tr(
                "tls",
                "{origin} (this computer's own check could not be asked: {problem})",
                origin=origin,
                problem=asked.problem,
            )
            return replace(row, origin=shown)
        return replace(row, origin=asked.verifier, os_code=asked.code)
    return row


def _plain_error(error: str | None) -> str | None:
    """cryptography's wording, with its most common case said plainly."""
    if error and error.endswith("all candidates exhausted with no interior errors"):
        return tr("tls", "no certificate in this set vouches for the chain (unknown issuer)")
    return error


def _describe(cert: x509.Certificate) -> Certificate:
    from cryptography.hazmat.primitives.serialization import Encoding

    from wizard.net.cert_lint import is_self_signed

    return Certificate(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        sha256=hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        self_signed=is_self_signed(cert),
    )
