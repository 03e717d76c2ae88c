"""On Windows and macOS "this computer trusts it" is the OS's own answer, asked with a second
handshake along Codex's route (real lab servers and proxies; the OS is a fake that answers
with strings real Windows and macOS machines gave). The listed store still names the anchor and
gives the ca-bundle fix its root.

Where each recorded answer comes from:
- Windows, untrusted root: "A certificate chain processed, but terminated in a root certificate
  which is not trusted by the trust provider." - truststore's own test suite, recorded against
  untrusted-root.badssl.com on Windows (sethmlarson/truststore tests/test_api.py, commit
  0875a8c5, "# Windows" entries); the same text a Windows user pasted in jstedfast/MailKit#925.
  truststore passes CertVerifyCertificateChainPolicy's dwError as verify_code: CERT_E_UNTRUSTEDROOT
  is 0x800B0109 (winerror.h).
- Windows, revoked: "The certificate is revoked." (same truststore test file, revoked.badssl.com,
  Windows); CRYPT_E_REVOKED is 0x80092010 (winerror.h).
- Windows, revocation not checkable: "The revocation function was unable to check revocation for
  the certificate." - FormatMessage's text for CRYPT_E_NO_REVOCATION_CHECK (0x80092012), as curl's
  Schannel backend prints it on inspected networks (e.g. codex-storage/codex-testnet-starter
  README: "CRYPT_E_NO_REVOCATION_CHECK (0x80092012) - The revocation function was unable to check
  revocation for the certificate."; field notes 1.8, #41275).
- macOS, untrusted: "“superfish.badssl.com” certificate is not trusted" (truststore
  tests/test_api.py, "# macOS": a leaf whose issuer macOS does not trust is named by its own
  name), here with the lab server's name; errSecNotTrusted is -67843 (rust-native-tls#143:
  `code: -67843, message: "The certificate was not trusted."`)."""

from __future__ import annotations

import re
import threading

import certifi
import pytest

from tests.checks.test_tls import _tls, _trust
from tests.helpers import FakeRunner, RecordedOsVerifier, make_env
from wizard.core.environment import OsVerdict
from wizard.core.model import Status
from wizard.platform.os_verifier import NAMES

WINDOWS_UNTRUSTED_ROOT = OsVerdict(
    False,
    "A certificate chain processed, but terminated in a root certificate which is not trusted "
    "by the trust provider.",
    0x800B0109,
)
WINDOWS_REVOKED = OsVerdict(False, "The certificate is revoked.", 0x80092010)
WINDOWS_NO_REVOCATION_CHECK = OsVerdict(
    False,
    "The revocation function was unable to check revocation for the certificate.",
    0x80092012,
)
MACOS_NOT_TRUSTED = OsVerdict(False, "“localhost” certificate is not trusted", -67843)


def _env(home, os: RecordedOsVerifier, variables=None, **kwargs):
    return make_env(
        home, variables, platform=os.platform, runner=FakeRunner(), os_verifier=os, **kwargs
    )


def _os_row(outcome) -> dict:
    return next(r for r in outcome.evidence["trust"] if r["id"] == "os")


@pytest.mark.parametrize(
    ("platform", "answer", "code"),
    [
        ("windows", WINDOWS_UNTRUSTED_ROOT, "0x800B0109"),
        ("windows", WINDOWS_REVOKED, "0x80092010"),
        ("windows", WINDOWS_NO_REVOCATION_CHECK, "0x80092012"),
        ("darwin", MACOS_NOT_TRUSTED, "-67843"),
    ],
)
def test_the_os_row_is_the_os_answer_word_for_word(home, pki, auth_server, platform, answer, code):
    os = RecordedOsVerifier(platform, answer)
    env = _env(home, os, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)}, os_roots_file=pki.ca_pem)
    outcome = _tls(env, auth_server.url)
    assert outcome.status is Status.PASS  # Codex trusts it through its own CA file
    row = _os_row(outcome)
    assert row["trusted"] is False  # although the listed store holds the root
    assert row["error"] == answer.error
    assert row["os_code"] == code
    assert row["origin"] == NAMES[platform]
    assert row["roots"] == 1  # the listed store's, kept for the anchor and the fix
    assert "This computer's certificate store: NOT trusted" in outcome.evidence["matrix"]
    assert os.asked == [("localhost", auth_server.port)]


def test_a_root_windows_would_fetch_is_trusted_though_its_list_lacks_it(home, auth_server):
    """Windows' ROOT store lists only what it has fetched so far: the list (empty here) says
    "not trusted", Windows itself says trusted, so a stale SSL_CERT_FILE is what hides it."""
    os = RecordedOsVerifier("windows", OsVerdict(True))
    outcome = _tls(_env(home, os, {"SSL_CERT_FILE": certifi.where()}), auth_server.url)
    assert outcome.faults == ("ssl_cert_file_hides_os_store",)
    assert _trust(outcome) == {
        "codex": False,
        "os": True,
        "certifi": False,
        "file:SSL_CERT_FILE": False,
    }
    assert _os_row(outcome)["roots"] == 0
    assert _os_row(outcome)["error"] is None


def test_without_a_ca_file_codex_trusts_what_the_os_trusts(home, auth_server):
    """No CA variable: Codex verifies with the OS's own library (native-tls), so a root Windows
    would fetch is trusted by Codex too, though the listed store (empty here) lacks it
    (field notes, headline finding 2)."""
    os = RecordedOsVerifier("windows", OsVerdict(True))
    outcome = _tls(_env(home, os), auth_server.url)
    assert (outcome.status, outcome.faults) == (Status.PASS, ())
    assert _trust(outcome) == {"codex": True, "os": True, "certifi": False}
    codex_row = next(r for r in outcome.evidence["trust"] if r["id"] == "codex")
    assert codex_row["origin"] == _os_row(outcome)["origin"] == os.describe()


def test_without_a_ca_file_the_os_refusal_is_codex_refusal(home, pki, auth_server):
    """The listed store holds the root, but Windows refuses the chain (a revoked leaf): Codex,
    verifying with Windows, refuses it too."""
    os = RecordedOsVerifier("windows", WINDOWS_REVOKED)
    outcome = _tls(_env(home, os, os_roots_file=pki.ca_pem), auth_server.url)
    assert outcome.status is Status.FAIL
    assert _trust(outcome)["codex"] is False
    codex_row = next(r for r in outcome.evidence["trust"] if r["id"] == "codex")
    assert (codex_row["error"], codex_row["os_code"]) == (WINDOWS_REVOKED.error, "0x80092010")


def test_asked_along_the_proxy_route(home, pki, auth_server, proxy_factory):
    proxy = proxy_factory("intercept")
    os = RecordedOsVerifier("darwin", MACOS_NOT_TRUSTED)
    outcome = _tls(_env(home, os, {"HTTPS_PROXY": proxy.url}), auth_server.url)
    assert outcome.faults == ("tls_untrusted",)
    assert proxy.connects == [f"localhost:{auth_server.port}"] * 2  # the capture, then the OS
    assert os.asked == [("localhost", proxy.port)]
    assert _os_row(outcome)["error"] == MACOS_NOT_TRUSTED.error
    assert not auth_server.requests


def test_an_os_that_cannot_be_asked_leaves_the_listed_answer(home, pki, auth_server):
    failure = OSError("[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol")
    os = RecordedOsVerifier("windows", failure)
    outcome = _tls(_env(home, os, os_roots_file=pki.ca_pem), auth_server.url)
    assert outcome.status is Status.PASS
    row = _os_row(outcome)
    assert row["trusted"] is True  # the listed store's verdict
    assert row["origin"] == (
        f"{pki.ca_pem} (this computer's own check could not be asked: {failure})"
    )
    assert "os_code" not in row


def test_an_os_still_deciding_at_the_budget_leaves_the_listed_answer(home, pki, auth_server):
    """Windows fetching roots from addresses the network blocks: each fetch waits its own
    timeout. The check keeps its budget and its matrix. (The verifier never answers: a check
    that waited for it would hang here; how long the check takes is bench/'s to measure.)"""
    hold = threading.Event()
    os = RecordedOsVerifier("windows", OsVerdict(True), hold=hold)
    try:
        outcome = _tls(_env(home, os, os_roots_file=pki.ca_pem), auth_server.url, timeout_s=1.0)
    finally:
        hold.set()
    assert outcome.status is Status.PASS
    row = _os_row(outcome)
    assert row["trusted"] is True  # the listed store's verdict
    assert re.fullmatch(
        rf"{re.escape(str(pki.ca_pem))} \(this computer's own check could not be asked: "
        r"no answer within [0-9.]+ seconds\)",
        row["origin"],
    ), row["origin"]
    assert os.asked == [("localhost", auth_server.port)]


def test_linux_keeps_the_listed_distribution_bundle(home, pki, auth_server):
    outcome = _tls(make_env(home, os_roots_file=pki.ca_pem), auth_server.url)
    row = _os_row(outcome)
    assert row["trusted"] is True
    assert row["origin"] == str(pki.ca_pem)
    assert "os_code" not in row


def test_no_second_handshake_when_the_chain_cannot_be_captured(home, silent_server):
    os = RecordedOsVerifier("windows", OsVerdict(True))
    outcome = _tls(_env(home, os), f"https://localhost:{silent_server.port}", timeout_s=0.5)
    assert outcome.faults == ("tls_no_answer",)
    assert os.asked == []
