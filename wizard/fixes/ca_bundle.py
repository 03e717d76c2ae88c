"""ca-bundle: give Codex (and Python tools) the organisation's root certificate.

The bundle is this computer's trusted roots + the public roots (certifi) + the intercepting
root (+ the certificates the user's current CA settings already add, so nothing trusted before
stops being trusted), written as PEM to the user data folder. CODEX_CA_CERTIFICATE,
SSL_CERT_FILE and REQUESTS_CA_BUNDLE are pointed at it for the user; since the bundle holds the
OS roots, SSL_CERT_FILE replacing the OS store hides nothing.

Where the root comes from, in this order: this computer's store, when the presented chain's
issuer is there (IT installed it; Codex's own list lacks it); the file the user or help desk
picks (--extra-ca); only as a last resort the top of the chain the network presented - and then
the plan says so and shows its subject and SHA-256 fingerprint, and applying it is the explicit
consent (`--yes` after that preview).

Proof, twice: before anything is written the captured chain must verify against the new
bundle (the plan refuses otherwise); after writing, apply_fix re-runs the checks with the new
variables and reports success only when `tls` and `token_endpoint` pass (else it says so, and
`undo --last` restores everything).

The fix is this small module, its plan wizard.fixes.ca_bundle_plan: applying a plan writes its
files and variables and runs nothing else, so Apply (in the window's own process) loads none
of what the plan is made with - cryptography, ssl, the network's chain, certifi."""

from __future__ import annotations

from wizard.core.i18n import tr
from wizard.fixes.base import ChangeFix, FixContext
from wizard.fixes.plan import FixPlan

BUNDLE_NAME = "ca-bundle.pem"


class CaBundle(ChangeFix):
    id = "ca-bundle"
    title = tr("ca_bundle", "Give Codex your organisation's certificate")
    purpose = tr(
        "ca_bundle",
        "Builds a certificate bundle with your organisation's root and points Codex at it.",
    )

    def plan(self, ctx: FixContext) -> FixPlan:
        from wizard.fixes.ca_bundle_plan import plan_bundle

        return plan_bundle(self, ctx)


CA_BUNDLE = CaBundle()
