"""Windows' own certificate trust (field §1.8): Codex on Windows verifies with SChannel, which
trusts the Windows store and fetches a missing public root from Windows Update on first use.
A policy that turns that download off leaves the root missing, so SChannel refuses a server
every browser trusts (SEC_E_UNTRUSTED_ROOT, openai/codex #41275). This check reads the policy
and weighs it against the trust matrix the secure-connection check measured; it also lists
where the presented leaf says its revocation can be checked (none: CRYPT_E_NO_REVOCATION_CHECK).
Elsewhere it is not applicable and costs nothing."""

from __future__ import annotations

from dataclasses import replace

from wizard.checks.revocation import can_be_checked
from wizard.core.engine import CheckContext
from wizard.core.findings.certificates import TlsFindings
from wizard.core.findings.system import RootUpdateFindings
from wizard.core.i18n import tr
from wizard.core.model import Outcome, Status

REG_CAP_S = 4.0


def check_os_trust_policy(ctx: CheckContext) -> Outcome:
    if ctx.env.platform != "windows":
        return Outcome(Status.SKIP, tr("os_trust", "Only relevant on Windows."))
    from wizard.platform.root_updates import read_root_update_policy  # Windows only

    policy = read_root_update_policy(ctx.env.runner, lambda: ctx.budget.timeout(REG_CAP_S))
    measured = ctx.findings(TlsFindings)
    handshake = measured.handshake if measured is not None else None
    trusted = {row.id: row.trusted for row in measured.trust} if measured else {}
    host = ctx.target.host
    leaf = handshake.leaf_revocation if handshake is not None else None
    evidence = RootUpdateFindings(policy.to_json(), leaf)

    if policy.disabled_by and trusted.get("os") is False and trusted.get("certifi"):
        root = (handshake.issuer if handshake else None) or tr("rules", "unknown")
        return Outcome(
            Status.FAIL,
            tr(
                "os_trust",
                "A Windows policy stops Windows from downloading missing root certificates, and "
                "the root that vouches for {host} ({root}) is not on this computer.",
                host=host,
                root=root,
            ),
            replace(evidence, facts={"host": host, "root": root}),
            ("root_auto_update_off",),
        )
    if leaf is not None and not can_be_checked(leaf):
        return Outcome(
            Status.WARN,
            tr(
                "os_trust",
                "The certificate {host} presents names no address where Windows can check "
                "that it was not revoked; Windows programs that insist on that check refuse it "
                "(CRYPT_E_NO_REVOCATION_CHECK).",
                host=host,
            ),
            evidence,
        )
    if policy.disabled_by:
        return Outcome(
            Status.WARN,
            tr(
                "os_trust",
                "A Windows policy stops Windows from downloading missing root certificates. The "
                "sign-in server is not affected, but other addresses Codex uses may be.",
            ),
            evidence,
        )
    if not policy.complete:
        problem = next(iter(policy.problems.values()), "")
        return Outcome(
            Status.SKIP,
            tr(
                "os_trust",
                "Could not read whether Windows downloads missing root certificates ({problem}).",
                problem=problem,
            ),
            evidence,
        )
    return Outcome(
        Status.PASS,
        tr("os_trust", "Windows downloads missing root certificates by itself."),
        evidence,
    )
