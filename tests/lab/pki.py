"""Certificate authorities for the test lab.

Two roots, because the diagnosis is all about *which* root signed what the client sees:

* ``ca`` — the lab's "public" root that signs the auth server (stands in for a public CA that
  Codex's bundled roots trust).
* ``corp_ca`` — a "corporate TLS inspection" root (O="Contoso Web Inspection",
  CN="Contoso Inspection Root") used by the intercepting proxy to mint leaves on the fly.
  trustme cannot set a CA's common name, so this one is built with ``cryptography`` directly and
  wrapped back into a ``trustme.CA``; it carries everything a strict verifier (rustls/webpki,
  ``cryptography.x509.verification``) requires of a root: critical basicConstraints CA=True,
  critical keyUsage keyCertSign/cRLSign, SKI and AKI.
"""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import subprocess
import tempfile
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CORP_ORG = "Contoso Web Inspection"
CORP_CN = "Contoso Inspection Root"
LAB_ORG = "Sign-in Doctor Lab"


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def build_root(
    common_name: str,
    organization: str,
    *,
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | None = None,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
    loose: bool = False,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey]:
    """Build a self-signed root with the extensions strict verifiers insist on, or (`loose`)
    one like real MDM roots: non-critical basicConstraints, no keyUsage or AKI - rustls
    accepts it, Python 3.13's strict mode does not."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - datetime.timedelta(days=1))
        .not_valid_after(not_after or now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=not loose)
        .add_extension(ski, critical=False)
    )
    if not loose:
        builder = builder.add_extension(_ca_key_usage(), critical=True).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    return builder.sign(key, hashes.SHA256()), key


def to_trustme(
    cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
) -> trustme.CA:
    """Wrap a cryptography root into a trustme.CA so it can issue leaves."""
    return trustme.CA.from_pem(
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def issue_server_cert(
    ca: trustme.CA,
    *hostnames: str,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
) -> trustme.LeafCert:
    """A server leaf for ``hostnames`` (DNS names or IP literals) signed by ``ca``; valid from
    yesterday for a year unless ``not_before``/``not_after`` say otherwise (expired leaves).

    Built here rather than with ``ca.issue_cert`` because trustme marks subjectAltName critical
    next to a non-empty subject, which strict verifiers (cryptography's, webpki) reject; ours looks
    like a real public leaf: CN = first name, non-critical SAN, serverAuth EKU, SKI/AKI.
    """
    if not hostnames:
        raise ValueError("need at least one hostname")
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = x509.load_pem_x509_certificate(ca.cert_pem.bytes())
    issuer_key = serialization.load_pem_private_key(ca.private_key_pem.bytes(), password=None)
    now = datetime.datetime.now(datetime.UTC)
    issuer_ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostnames[0])]))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - datetime.timedelta(days=1))
        .not_valid_after(not_after or now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName([_general_name(h) for h in hostnames]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return trustme.LeafCert(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert.public_bytes(serialization.Encoding.PEM),
        [],
    )


class LabPKI:
    """The lab's roots, with their certificates written as PEM files under ``tmpdir``."""

    def __init__(self, tmpdir: Path) -> None:
        self.tmpdir = Path(tmpdir)
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        self.ca = trustme.CA(organization_name=LAB_ORG, organization_unit_name="Lab Root CA")
        self.corp_ca = to_trustme(*build_root(CORP_CN, CORP_ORG))
        self.ca_pem = self.tmpdir / "lab-ca.pem"
        self.corp_ca_pem = self.tmpdir / "corp-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_pem))
        self.corp_ca.cert_pem.write_to_path(str(self.corp_ca_pem))

    @staticmethod
    def cert_of(ca: trustme.CA) -> x509.Certificate:
        """The root certificate of a trustme CA as a cryptography object."""
        return x509.load_pem_x509_certificate(ca.cert_pem.bytes())

    def _openssl_sha1_root(self, common_name: str) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        openssl = shutil.which("openssl")
        if openssl is None:
            raise RuntimeError("cannot build a sha1 root here: no openssl command")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with tempfile.TemporaryDirectory(dir=self.tmpdir) as tmp:
            key_path, cert_path, cnf = (Path(tmp) / n for n in ("k.pem", "c.pem", "req.cnf"))
            key_path.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            cnf.write_text(
                "[req]\ndistinguished_name = dn\nx509_extensions = v3\nprompt = no\n"
                f"[dn]\nO = {CORP_ORG}\nCN = {common_name}\n"
                "[v3]\nbasicConstraints = critical,CA:TRUE\n"
                "keyUsage = critical,keyCertSign,cRLSign,digitalSignature\n"
                "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n"
            )
            argv = [openssl, "req", "-x509", "-sha1", "-days", "3650", "-config", str(cnf)]
            argv += ["-key", str(key_path), "-out", str(cert_path)]
            done = subprocess.run(argv, capture_output=True, timeout=30, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"cannot build a sha1 root here: {done.stderr.decode()}")
            return x509.load_pem_x509_certificate(cert_path.read_bytes()), key

    def weak_corp_ca(self, kind: str = "sha1") -> tuple[trustme.CA, Path]:
        """A deliberately weak corporate root for lint tests, written next to the others.

        ``kind``: "sha1" (SHA-1 signature, RSA-2048; minted by the ``openssl`` command because
        cryptography refuses SHA-1 signing), "rsa1024" (1024-bit RSA key, SHA-256) or "expired"
        (valid 2019-2020). Raises ``RuntimeError`` if this machine cannot produce it (callers
        should ``pytest.skip``). Returns the CA (it can still issue leaves) and its PEM path.
        """
        cert: x509.Certificate
        key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
        name = f"{CORP_CN} ({kind})"
        if kind == "sha1":
            # cryptography refuses to sign with SHA-1, so the openssl CLI mints this one.
            cert, key = self._openssl_sha1_root(name)
        elif kind == "rsa1024":
            small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
            cert, key = build_root(name, CORP_ORG, key=small)
        elif kind == "expired":
            cert, key = build_root(
                name,
                CORP_ORG,
                not_before=datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC),
                not_after=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
            )
        else:
            raise ValueError(f"unknown weak root kind {kind!r}")
        path = self.tmpdir / f"corp-ca-{kind}.pem"
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return to_trustme(cert, key), path
