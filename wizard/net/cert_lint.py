"""What strict verifiers reject in a certificate chain although "the CA is installed".

rustls (Codex) rejects SHA-1/MD5 signatures and RSA keys under 2048 bits (`BadSignature`,
openai/codex#24167); Python 3.13's VERIFY_X509_STRICT rejects a missing Authority Key
Identifier, a CA without Subject Key Identifier and a CA whose basicConstraints is missing or
not critical (Azure/azure-cli#32206, openai/codex#45202); everybody rejects a certificate
outside its validity period. The rules follow RFC 5280 as OpenSSL's strict mode applies it: a
self-signed root may omit the Authority Key Identifier, and nobody checks the signature a root
puts on itself, so neither is reported for one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from wizard.core.i18n import tr

WEAK_HASHES = {"sha1": "SHA-1", "md5": "MD5"}
MIN_RSA_BITS = 2048


def name_parts(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value) for a in name.get_attributes_for_oid(oid)]


def readable_name(name: x509.Name) -> str:
    """'Common Name (Organisation)', e.g. 'Contoso Inspection Root (Contoso Web Inspection)'."""
    cn = next(iter(name_parts(name, NameOID.COMMON_NAME)), "")
    org = next(iter(name_parts(name, NameOID.ORGANIZATION_NAME)), "")
    if cn and org and org.lower() not in cn.lower():
        return f"{cn} ({org})"
    if cn or org:
        return cn or org
    unit = next(iter(name_parts(name, NameOID.ORGANIZATIONAL_UNIT_NAME)), "")
    return unit or name.rfc4514_string() or tr("cert_lint", "an unnamed certificate authority")


def is_self_signed(cert: x509.Certificate) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except InvalidSignature:
        return False  # same name, other key: a cross-signed or re-keyed CA
    except (ValueError, TypeError):
        return True  # an algorithm this build cannot check (SHA-1): the name must do
    return True


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _has(cert: x509.Certificate, kind: type[x509.ExtensionType]) -> bool:
    try:
        cert.extensions.get_extension_for_class(kind)
    except x509.ExtensionNotFound:
        return False
    return True


def lint_certificate(
    cert: x509.Certificate, now: datetime, *, acts_as_ca: bool = False
) -> list[dict[str, str]]:
    """Problems of one certificate. `acts_as_ca`: it signs others in the chain (or is the top of
    it), so CA rules apply even if it does not say it is a CA."""
    who = readable_name(cert.subject)
    found: list[dict[str, str]] = []

    def add(code: str, message: str) -> None:
        found.append({"code": code, "message": message})

    self_signed = is_self_signed(cert)
    hash_name = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else None
    if hash_name in WEAK_HASHES and not self_signed:
        add(
            "weak_signature_hash",
            tr(
                "cert_lint",
                "'{who}' is signed with {hash}, which Codex and other strict programs reject.",
                who=who,
                hash=WEAK_HASHES[hash_name],
            ),
        )
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        add(
            "weak_rsa_key",
            tr(
                "cert_lint",
                "'{who}' has a {bits}-bit RSA key; Codex and other strict programs need at "
                "least {minimum} bits.",
                who=who,
                bits=key.key_size,
                minimum=MIN_RSA_BITS,
            ),
        )
    if not self_signed and not _has(cert, x509.AuthorityKeyIdentifier):
        add(
            "missing_authority_key_identifier",
            tr(
                "cert_lint",
                "'{who}' has no Authority Key Identifier, which Python 3.13 and other strict "
                "programs require.",
                who=who,
            ),
        )
    is_ca = _is_ca(cert)
    if is_ca or acts_as_ca:
        if not _has(cert, x509.SubjectKeyIdentifier):
            add(
                "missing_subject_key_identifier",
                tr(
                    "cert_lint",
                    "'{who}' is a certificate authority without a Subject Key Identifier, which "
                    "Python 3.13 and other strict programs require.",
                    who=who,
                ),
            )
        try:
            bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
        except x509.ExtensionNotFound:
            add(
                "missing_basic_constraints",
                tr(
                    "cert_lint",
                    "'{who}' does not say it is a certificate authority (no basicConstraints), "
                    "so strict programs do not accept what it signs.",
                    who=who,
                ),
            )
        else:
            if not bc.critical:
                add(
                    "basic_constraints_not_critical",
                    tr(
                        "cert_lint",
                        "'{who}' does not mark its basicConstraints as critical, which Python "
                        "3.13 and other strict programs require of a certificate authority.",
                        who=who,
                    ),
                )
    if now < cert.not_valid_before_utc:
        add(
            "not_yet_valid",
            tr(
                "cert_lint",
                "'{who}' is not valid until {start} (this computer's date is {today}).",
                who=who,
                start=f"{cert.not_valid_before_utc:%Y-%m-%d}",
                today=f"{now:%Y-%m-%d}",
            ),
        )
    elif now > cert.not_valid_after_utc:
        add(
            "expired",
            tr(
                "cert_lint",
                "'{who}' expired on {end}.",
                who=who,
                end=f"{cert.not_valid_after_utc:%Y-%m-%d}",
            ),
        )
    return found


def lint_chain(
    chain: Sequence[x509.Certificate], now: datetime, anchor: x509.Certificate | None = None
) -> list[dict[str, str]]:
    """Lint a presented chain (leaf first) plus the root it ends at, if known. Every certificate
    but the leaf signs another one, so CA rules apply to it."""
    certs = list(chain)
    if anchor is not None and all(anchor != c for c in certs):
        certs.append(anchor)
    found: list[dict[str, str]] = []
    for index, cert in enumerate(certs):
        for problem in lint_certificate(cert, now, acts_as_ca=index > 0):
            if problem not in found:
                found.append(problem)
    return found
