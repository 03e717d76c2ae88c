"""The ca-bundle fix's plan (wizard.fixes.ca_bundle): where the organisation's root comes from,
the bundle that adds it, and the proof that the captured chain verifies against it before
anything is written. Loaded only where plans are made (the window's planning child, the `fix`
command): it brings cryptography, ssl and certifi."""

from __future__ import annotations

import hashlib
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding

from wizard.core.engine import Budget
from wizard.core.findings.certificates import TlsFindings
from wizard.core.i18n import and_list, join, sentences, tr
from wizard.core.model import CheckResult, Status
from wizard.fixes.base import FixContext
from wizard.fixes.ca_bundle import BUNDLE_NAME, CaBundle
from wizard.fixes.env_places import (
    RESTART,
    Stale,
    check_result,
    clean_up,
    expand,
    where_text,
)
from wizard.fixes.plan import FixPlan
from wizard.net.cert_lint import is_self_signed, readable_name
from wizard.net.chain import CaptureFailed, capture_chain
from wizard.net.route import resolve_route
from wizard.net.trust import ca_settings, certifi_roots, read_pem_certificates, verify_chain
from wizard.platform.file_edit import FileEdit
from wizard.platform.paths import user_data_dir
from wizard.platform.trust_store import pem_to_der

UNTRUSTED_FAULTS = ("tls_untrusted", "ssl_cert_file_hides_os_store")
CAPTURE_TIMEOUT_S = 5.0
OS_STORE, USER_FILE, NETWORK = "os", "file", "network"


@dataclass(frozen=True)
class Root:
    cert: x509.Certificate
    origin: str  # OS_STORE | USER_FILE | NETWORK

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(Encoding.DER)

    @property
    def subject(self) -> str:
        return readable_name(self.cert.subject)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.der)

    def describe(self) -> str:
        return f"{self.subject} [{self.cert.subject.rfc4514_string()}], SHA-256 {self.fingerprint}"


def fingerprint(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def plan_bundle(fix: CaBundle, ctx: FixContext) -> FixPlan:
    """The bundle, the variables pointed at it and the proof, or why there is none."""
    env, host = ctx.env, ctx.target.host
    extra, problem = load_extra_ca(ctx.extra_ca) if ctx.extra_ca else ([], None)
    if problem:
        return fix.not_applicable(problem)
    tls = check_result(ctx, "tls", run_if_missing=False)
    untrusted = tls is not None and any(f in tls.faults for f in UNTRUSTED_FAULTS)
    if not extra and not untrusted:
        return fix.not_applicable(_why_not(tls, host))

    chain = _capture(ctx) if _captured(tls) else None
    os_roots = list(env.trust_store.certificates())
    roots: list[Root] = []
    if untrusted and chain:
        roots += [Root(c, OS_STORE) for c in issuers_in(os_roots, chain[-1])]
    roots += [Root(c, USER_FILE) for c in extra]
    if not roots:
        top = chain[-1] if chain else None
        if top is None or not is_ca(top):
            return fix.not_applicable(
                tr(
                    "ca_bundle",
                    "The certificate that signed the connection is neither in this "
                    "computer's store nor sent by the network. Ask your IT department for "
                    "your organisation's root certificate file {how}",
                    how=ctx.file_hint,
                )
            )
        roots = [Root(top, NETWORK)]

    bundle = user_data_dir(env) / BUNDLE_NAME
    ders = _bundle_roots(ctx, roots, os_roots, bundle)
    if chain:
        proof = verify_chain(ders, chain, host, env.now())
        if not proof.trusted:
            return fix.not_applicable(
                tr(
                    "ca_bundle",
                    "Even with {roots} the connection to {host} would not be trusted "
                    "({error}); nothing was changed. Ask your IT department for the right "
                    "root certificate.",
                    roots=_and([r.subject for r in roots]),
                    host=host,
                    error=_plain(proof.error),
                )
            )

    data = render_bundle(roots, ders)
    before = bundle.read_bytes() if bundle.exists() else None
    preview = _preview(roots, ders, before, len(os_roots))
    bundle_edit = FileEdit(bundle, env.display_path(bundle), before, data, preview)
    value = str(bundle)
    reason = tr(
        "ca_bundle",
        "replaced by the certificate bundle {file}",
        file=env.display_path(bundle),
    )

    def other_value(found: str) -> bool:
        return found != value

    variables = ctx.profile.env_names("ca_bundle_sets")
    stale = [Stale(n, other_value, reason, replace_with=value) for n in variables]
    cleanup = clean_up(ctx, stale)
    files = ((bundle_edit,) if before != data else ()) + cleanup.files
    summary, steps = _explain(ctx, tls, roots, ders, bundle, cleanup.lines)
    return FixPlan(
        fix_id=fix.id,
        title=fix.title,
        summary=summary,
        files=files,
        env=cleanup.env,
        steps=steps,
        restart=(RESTART,),
        rechecks=("tls", "token_endpoint", "codex_probe"),
        headline=_headline(roots),
        data={
            "bundle": value,
            "certificates": len(ders),
            "source": roots[0].origin,
            "roots": [
                {
                    "subject": r.cert.subject.rfc4514_string(),
                    "sha256": r.fingerprint,
                    "origin": r.origin,
                }
                for r in roots
            ],
            "proved_before_writing": bool(chain),
        },
    )


# -- where the root comes from ---------------------------------------------------------------


def load_extra_ca(path: Path) -> tuple[list[x509.Certificate], str | None]:
    """The CA certificates in a PEM or DER file, or why it cannot be used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], tr(
            "ca_bundle",
            "The file {file} cannot be read ({error}).",
            file=str(path),
            error=str(exc.strerror or exc),
        )
    ders = pem_to_der(data)
    if not ders:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ders = [x509.load_der_x509_certificate(data).public_bytes(Encoding.DER)]
        except ValueError:
            return [], tr(
                "ca_bundle",
                "The file {file} holds no certificate (neither PEM nor DER).",
                file=str(path),
            )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        certs = [x509.load_der_x509_certificate(d) for d in ders]
    cas = [c for c in certs if is_ca(c)]
    if not cas:
        return [], tr(
            "ca_bundle",
            "The file {file} holds no certificate authority, only a server's own certificate "
            "({subject}); ask your IT department for the root certificate instead.",
            file=str(path),
            subject=readable_name(certs[0].subject),
        )
    return cas, None


def is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return cert.version == x509.Version.v1 and is_self_signed(cert)  # an old v1 root
    except ValueError:
        return False


def issuers_in(store: list[bytes], top: x509.Certificate) -> list[x509.Certificate]:
    """The certificates in `store` that are the chain's top itself or signed it."""
    found: list[x509.Certificate] = []
    top_der = top.public_bytes(Encoding.DER)
    for der in store:
        try:
            with warnings.catch_warnings():  # some public roots have odd serials
                warnings.simplefilter("ignore")
                cert = x509.load_der_x509_certificate(der)
        except ValueError:
            continue
        if der == top_der and is_self_signed(top):
            found.append(cert)
        elif cert.subject == top.issuer:
            try:
                top.verify_directly_issued_by(cert)
            except (InvalidSignature, ValueError, TypeError):  # another key, or unknown algorithm
                continue
            found.append(cert)
    return found


def _capture(ctx: FixContext) -> tuple[x509.Certificate, ...] | None:
    """The chain presented now on Codex's route (handshake only; no data is sent)."""
    target = ctx.target
    budget = Budget(time.monotonic() + CAPTURE_TIMEOUT_S)
    try:
        route = resolve_route(ctx.env, ctx.profile, target, timeout=2.0)
        return capture_chain(target.host, target.port, route, budget).certificates or None
    except CaptureFailed:
        return None


# -- the bundle -------------------------------------------------------------------------------


def _bundle_roots(
    ctx: FixContext, roots: list[Root], os_roots: list[bytes], bundle: Path
) -> list[bytes]:
    """Organisation root(s) first, then what the current CA settings add, the OS roots and
    the public roots; each certificate once."""
    existing: list[bytes] = []
    for name, setting in ca_settings(ctx.env, ctx.profile).items():
        path = Path(expand(ctx.env, setting.value))
        if name == "SSL_CERT_DIR" or path == bundle:
            continue
        try:
            existing.extend(read_pem_certificates(path))
        except ValueError:
            continue  # a broken file adds nothing (ca-env-repair deals with it)
    public = list(certifi_roots().roots)
    return list(dict.fromkeys([*(r.der for r in roots), *existing, *os_roots, *public]))


def render_bundle(roots: list[Root], ders: list[bytes]) -> bytes:
    lines = [
        "# Certificate bundle written by Sign-in Doctor for Codex and Python tools.",
        "# Your organisation's root first, then the roots your settings already added, this",
        "# computer's trusted roots and the public roots (certifi).",
        "# `python -m wizard undo --last` removes it;",
        "# `python -m wizard fix ca-bundle` rebuilds it.",
        "",
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for der in ders:
            cert = x509.load_der_x509_certificate(der)
            lines.append(f"# {readable_name(cert.subject)}")
            lines.append(f"# SHA-256: {fingerprint(der)}")
            lines.append(cert.public_bytes(Encoding.PEM).decode("ascii").rstrip("\n"))
            lines.append("")
    return ("\n".join(lines)).encode("ascii", "replace")


def _preview(roots: list[Root], ders: list[bytes], before: bytes | None, os_count: int) -> str:
    """The bundle's contents in a few lines (its full diff would be thousands of lines)."""
    head = (
        tr("ca_bundle", "  (replaced: a PEM bundle of {count} certificates)", count=len(ders))
        if before is not None
        else tr("ca_bundle", "  (new file: a PEM bundle of {count} certificates)", count=len(ders))
    )
    lines = [head]
    lines += [f"  + {r.subject}, SHA-256 {r.fingerprint}" for r in roots]
    lines.append(
        tr(
            "ca_bundle",
            "  + this computer's trusted roots ({count}) and the public roots (certifi)",
            count=os_count,
        )
    )
    return join(lines, "\n")


# -- words ------------------------------------------------------------------------------------


def _captured(tls: CheckResult | None) -> bool:
    """The secure-connection check got a certificate chain to look at."""
    found = tls.typed(TlsFindings) if tls is not None else None
    return found is not None and bool(found.chain)


def _why_not(tls: CheckResult | None, host: str) -> str:
    if tls is None or not _captured(tls):
        if tls is not None:
            return tr(
                "ca_bundle",
                "No certificate chain from {host} was captured ({detail}), and no --extra-ca "
                "file was given, so there is no certificate to add.",
                host=host,
                detail=tls.summary,
            )
        return tr(
            "ca_bundle",
            "No certificate chain from {host} was captured, and no --extra-ca file was given, "
            "so there is no certificate to add.",
            host=host,
        )
    if tls.status in (Status.PASS, Status.WARN):
        return tr(
            "ca_bundle",
            "Codex already trusts the connection to {host}; there is nothing to add.",
            host=host,
        )
    found = tls.typed(TlsFindings)
    if found is not None and found.date_problem:
        return tr(
            "ca_bundle",
            "The certificate is only rejected because of this computer's date: set the clock "
            "(clock-sync) instead.",
        )
    return tr(
        "ca_bundle",
        "The secure connection to {host} fails for another reason: {detail}",
        host=host,
        detail=tls.summary,
    )


def _explain(
    ctx: FixContext,
    tls: CheckResult | None,
    roots: list[Root],
    ders: list[bytes],
    bundle: Path,
    lines: dict[str, list[str]],
) -> tuple[str, tuple[str, ...]]:
    env, host = ctx.env, ctx.target.host
    shown = env.display_path(bundle)
    variables = ctx.profile.env_names("ca_bundle_sets")
    names = and_list(variables)
    origin = roots[0].origin
    where = {
        OS_STORE: tr(
            "ca_bundle",
            "found in this computer's certificate store (your IT department installed "
            "it; Codex's own list lacks it)",
        ),
        USER_FILE: tr(
            "ca_bundle",
            "from the file you gave ({file})",
            file=env.display_path(ctx.extra_ca or ""),
        ),
        NETWORK: tr(
            "ca_bundle",
            "TAKEN FROM THE NETWORK CONNECTION ITSELF, not from this computer or your IT "
            "department",
        ),
    }[origin]
    parts = []
    if tls is not None and tls.status == Status.FAIL:
        parts.append(
            tr("ca_bundle", "Codex does not trust the certificate {host} presents.", host=host)
        )
    parts.append(
        tr(
            "ca_bundle",
            "This writes a certificate bundle ({count} certificates: your organisation's root, "
            "this computer's trusted roots and the public roots) to {file} and sets {names} to "
            "it for your user account.",
            count=len(ders),
            file=shown,
            names=names,
        )
    )
    root_words = "; ".join(r.describe() for r in roots)
    parts.append(
        tr(
            "ca_bundle",
            "Your organisation's root, {where}: {roots}.",
            where=where,
            roots=root_words,
        )
    )
    turned_off = [
        tr("ca_bundle", "{name} in {places}", name=n, places=where_text(lines[n]))
        for n in variables
        if lines.get(n)
    ]
    if turned_off:
        parts.append(
            tr("ca_bundle", "Older settings are turned off: {settings}.", settings=join(turned_off))
        )
    steps: tuple[str, ...] = ()
    if origin == NETWORK:
        parts.insert(
            0,
            tr(
                "ca_bundle",
                "CAUTION: the root below comes from the network, so anyone in the middle could "
                "have sent it. Apply only if your IT department confirms its fingerprint.",
            ),
        )
        steps = tuple(
            tr(
                "ca_bundle",
                "Compare with your IT department: {subject}, SHA-256 {fingerprint}",
                subject=r.subject,
                fingerprint=r.fingerprint,
            )
            for r in roots
        )
    return sentences(*parts), steps


def _headline(roots: list[Root]) -> str:
    """The plan for a person: whose certificate, where it came from, what Apply does."""
    issuer = _and([r.subject for r in roots])
    does = tr(
        "ca_bundle",
        "Apply makes a certificate file for Codex with it and sets it for your user account; "
        "you can undo it.",
    )
    origin = roots[0].origin
    if origin == NETWORK:
        return sentences(
            tr(
                "ca_bundle",
                "Careful: the certificate of {issuer} was taken from the network connection "
                "itself, not from this computer or your IT department. Apply only after IT has "
                "confirmed its fingerprint (under Details).",
                issuer=issuer,
            ),
            does,
        )
    first = (
        tr(
            "ca_bundle",
            "Codex will trust {issuer}, found in this computer's certificate store (your IT "
            "department installed it).",
            issuer=issuer,
        )
        if origin == OS_STORE
        else tr("ca_bundle", "Codex will trust {issuer}, from the file you chose.", issuer=issuer)
    )
    return sentences(first, does)


def _plain(error: str | None) -> str:
    if not error or error.endswith("all candidates exhausted with no interior errors"):
        return tr("ca_bundle", "no certificate in the bundle vouches for it")
    return error


def _and(items: list[str]) -> str:
    result: str = and_list(items)
    return result
