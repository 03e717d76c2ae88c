"""Where a certificate says its revocation status can be checked: the OCSP responders and CA
issuer addresses of its Authority Information Access (AIA) and its CRL distribution points
(CDP). Windows checks revocation when it builds a chain; a leaf with none of them, as the
leaves an inspecting proxy mints often are, gives CRYPT_E_NO_REVOCATION_CHECK (0x80092012)
to the programs that insist on the check (openai/codex #41275, curl/curl#12241)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509


def revocation_sources(cert: x509.Certificate) -> dict[str, list[str]]:
    """{"ocsp": [...], "ca_issuers": [...], "crl": [...]}: the addresses the certificate names."""
    from cryptography import x509
    from cryptography.x509.oid import AuthorityInformationAccessOID

    found: dict[str, list[str]] = {"ocsp": [], "ca_issuers": [], "crl": []}
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        aia = None
    for entry in aia or ():
        kind = (
            "ocsp"
            if entry.access_method == AuthorityInformationAccessOID.OCSP
            else "ca_issuers"
            if entry.access_method == AuthorityInformationAccessOID.CA_ISSUERS
            else None
        )
        if kind and isinstance(entry.access_location, x509.UniformResourceIdentifier):
            found[kind].append(entry.access_location.value)
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        points = None
    for point in points or ():
        for name in point.full_name or ():
            if isinstance(name, x509.UniformResourceIdentifier):
                found["crl"].append(name.value)
    return found


def can_be_checked(sources: dict[str, list[str]]) -> bool:
    """True when the certificate names an OCSP responder or a CRL to check it against."""
    return bool(sources["ocsp"] or sources["crl"])
