"""The operating system's trusted roots, per platform."""

from __future__ import annotations

import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding


class BundleTrustStore:
    """Roots from a PEM bundle file and/or a hashed directory (Linux distributions)."""

    def __init__(self, cafile: str | None, capath: str | None = None) -> None:
        self.cafile, self.capath = cafile, capath

    def certificates(self) -> list[bytes]:
        roots: list[bytes] = []
        files = [Path(self.cafile)] if self.cafile else []
        if self.capath and Path(self.capath).is_dir():
            files += sorted(p for p in Path(self.capath).iterdir() if p.is_file())
        for path in files:
            try:
                certs = x509.load_pem_x509_certificates(path.read_bytes())
            except (OSError, ValueError):
                continue
            roots.extend(c.public_bytes(Encoding.DER) for c in certs)
        return list(dict.fromkeys(roots))

    def describe(self) -> str:
        return self.cafile or self.capath or "no system bundle found"


def system_trust_store(platform: str) -> BundleTrustStore:
    """Linux: the distribution bundle OpenSSL was built with (not SSL_CERT_FILE, which is one
    of the things being diagnosed)."""
    paths = ssl.get_default_verify_paths()
    return BundleTrustStore(paths.openssl_cafile, paths.openssl_capath)
