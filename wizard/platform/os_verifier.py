"""This computer's own verdict on a server certificate: a real TLS handshake whose certificate
check is done by the operating system through `truststore` (Windows CryptoAPI, macOS Security
framework).

Listing the Windows ROOT store is not the same: it is a partial cache that Windows fills on
demand from its root update, so a root Windows would fetch is missing from the list (a false
"not trusted"), and a policy that stops the fetch (DisableRootAutoUpdate) is invisible in it.
Only asking the chain engine shows what Windows decides.

On Linux truststore is OpenSSL's default paths, which SSL_CERT_FILE and SSL_CERT_DIR change -
variables of the user's session (and of Codex), not the computer's trust - so there "this
computer" stays the distribution bundle, listed (`trust_store.BundleTrustStore`), and no
verifier is used. The adapter itself runs anywhere, which is how it is tested.

The handshake sends no application data: handshake, then close_notify."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from wizard.core.environment import OsVerdict, OsVerifier
from wizard.core.i18n import Text, tr

if TYPE_CHECKING:
    import socket

CLOSE_S = 0.5  # at most this long for the server's close_notify
NAMES: dict[str, Text] = {
    "windows": tr("os_verifier", "Windows' own certificate check (CryptoAPI, through truststore)"),
    "darwin": tr(
        "os_verifier", "macOS's own certificate check (Security framework, through truststore)"
    ),
}
OPENSSL = tr("os_verifier", "OpenSSL's default certificate paths (through truststore)")


class TruststoreVerifier:
    """The OS verifier of this platform, one handshake per question."""

    def __init__(self, platform: str) -> None:
        self.platform = platform

    def verify(self, sock: socket.socket, host: str, timeout: float) -> OsVerdict:
        import ssl  # on first use, not when the Environment is built: it loads OpenSSL

        import truststore

        context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        sock.settimeout(timeout)
        try:
            tls = context.wrap_socket(sock, server_hostname=host.strip("[]"))
        except ssl.SSLCertVerificationError as exc:
            message = getattr(exc, "verify_message", None) or str(exc)
            return OsVerdict(False, message, getattr(exc, "verify_code", None))
        with contextlib.suppress(OSError):
            tls.settimeout(min(timeout, CLOSE_S))
            tls.unwrap()  # close_notify: no application data was ever sent
        tls.close()
        return OsVerdict(True)

    def describe(self) -> str:
        return NAMES.get(self.platform, OPENSSL)


def os_verifier_for(platform: str) -> OsVerifier | None:
    """The verifier that decides "this computer trusts it" on `platform` (see the module text)."""
    if platform in NAMES:
        return TruststoreVerifier(platform)
    return None
