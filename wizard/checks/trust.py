"""The sets of trusted roots the diagnosis compares, and the one Codex itself would use.

Codex (rustls with native roots) trusts the OS store - or, when SSL_CERT_FILE / SSL_CERT_DIR
is set, only those - and adds the certificates of CODEX_CA_CERTIFICATE (else SSL_CERT_FILE)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from wizard.core.engine import CheckContext
from wizard.core.environment import Environment


@dataclass(frozen=True)
class TrustSet:
    id: str  # "codex", "os", "certifi", or "file:VARIABLE"
    label: str  # for people: "This computer's certificate store"
    origin: str  # where the roots were read from
    roots: tuple[bytes, ...]  # DER


class PemError(ValueError):
    """A CA file that is missing, unreadable, or holds no certificate."""


def read_pem_certificates(path: Path) -> tuple[bytes, ...]:
    """DER of every CERTIFICATE block in a PEM file, as Codex parses it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PemError("the file does not exist") from None
    except IsADirectoryError:
        raise PemError("it is a folder, not a file") from None
    except OSError as exc:
        raise PemError(f"the file cannot be read ({exc.strerror or exc})") from None
    data = data.replace(b"TRUSTED CERTIFICATE-----", b"CERTIFICATE-----")
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise PemError("it holds no PEM certificate") from None
    return tuple(c.public_bytes(Encoding.DER) for c in certs)


def read_cert_dir(path: Path) -> tuple[bytes, ...]:
    roots: list[bytes] = []
    try:
        entries = sorted(path.iterdir())
    except OSError:
        return ()
    for entry in entries:
        if entry.is_file():
            try:
                roots.extend(read_pem_certificates(entry))
            except PemError:
                continue
    return tuple(roots)


def os_roots(ctx: CheckContext) -> TrustSet:
    def load() -> TrustSet:
        store = ctx.env.trust_store
        return TrustSet("os", "This computer's certificate store", store.describe(),
                        tuple(store.certificates()))

    result: TrustSet = ctx.shared.get("trust:os", load)
    return result


def certifi_roots() -> TrustSet:
    path = Path(certifi.where())
    return TrustSet("certifi", "Public roots (certifi, used by Python tools)", str(path),
                    read_pem_certificates(path))


def codex_ca_extra(env: Environment) -> tuple[str, str] | None:
    """(variable, path) of the extra CA file Codex adds, if any."""
    for name in ("CODEX_CA_CERTIFICATE", "SSL_CERT_FILE"):
        value = env.get(name)
        if value:
            return name, value
    return None


def codex_roots(ctx: CheckContext) -> TrustSet:
    """The roots Codex would trust, given this environment. Broken files contribute nothing
    (Codex would refuse to start; the ca_env check reports that)."""

    def load() -> TrustSet:
        env = ctx.env
        parts: list[str] = []
        roots: list[bytes] = []
        cert_file, cert_dir = env.get("SSL_CERT_FILE"), env.get("SSL_CERT_DIR")
        if cert_file or cert_dir:
            if cert_file:
                roots.extend(_quiet_read(env.path(cert_file)))
                parts.append(f"SSL_CERT_FILE ({env.display_path(cert_file)}) instead of the OS store")
            if cert_dir:
                roots.extend(read_cert_dir(env.path(cert_dir)))
                parts.append(f"SSL_CERT_DIR ({env.display_path(cert_dir)}) instead of the OS store")
        else:
            os_set = os_roots(ctx)
            roots.extend(os_set.roots)
            parts.append(f"the OS store ({os_set.origin})")
        extra = codex_ca_extra(env)
        if extra:
            roots.extend(_quiet_read(env.path(extra[1])))
            parts.append(f"plus {extra[0]} ({env.display_path(extra[1])})")
        return TrustSet("codex", "What Codex trusts with your settings", " ".join(parts),
                        tuple(dict.fromkeys(roots)))

    result: TrustSet = ctx.shared.get("trust:codex", load)
    return result


def codex_ssl_context(ctx: CheckContext) -> ssl.SSLContext:
    context: ssl.SSLContext = ctx.shared.get("ssl:codex", lambda: _fresh_context(codex_roots(ctx)))
    return context


def _fresh_context(trust: TrustSet) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies certificate and host name
    if trust.roots:
        context.load_verify_locations(cadata=b"".join(trust.roots))
    return context


def _quiet_read(path: Path) -> tuple[bytes, ...]:
    try:
        return read_pem_certificates(path)
    except PemError:
        return ()
