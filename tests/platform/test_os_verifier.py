"""The truststore adapter, for real: a handshake against the lab's TLS server, direct and through
a real CONNECT proxy. On Linux truststore is OpenSSL's default paths, so SSL_CERT_FILE (set
for the handshake only) makes it trust the lab CA; that is how the adapter is tested here. On
Windows and macOS the same code asks the OS (tests/checks/test_tls_os_verifier.py covers what
the check does with those answers)."""

from __future__ import annotations

import socket
import time

import pytest

from tests.helpers import make_env
from wizard.core.engine import Budget
from wizard.core.environment import OsVerdict
from wizard.core.profile import load_profile
from wizard.net.chain import open_route
from wizard.net.route import resolve_route
from wizard.platform.os_verifier import TruststoreVerifier, os_verifier_for
from wizard.platform.system import system_environment

# OpenSSL's words (X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, code 20) for a server whose
# root is not in the trusted paths: what truststore passes on from Python's ssl module.
UNTRUSTED = OsVerdict(False, "unable to get local issuer certificate", 20)


@pytest.fixture
def trusted_roots(monkeypatch):
    """OpenSSL's default paths for this test's handshakes: only the given PEM file."""

    def use(pem) -> None:
        monkeypatch.setenv("SSL_CERT_FILE", str(pem))
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return use


def _direct(server, verifier=None) -> OsVerdict:
    verifier = verifier or TruststoreVerifier("linux")
    with socket.create_connection(("localhost", server.port), timeout=5) as sock:
        return verifier.verify(sock, "localhost", 5.0)


def _via(home, proxy, server) -> OsVerdict:
    """Along the route Codex takes with HTTPS_PROXY set: the chain capture's own tunnel."""
    env = make_env(home, {"HTTPS_PROXY": proxy.url})
    target = load_profile().target(server.url, None)
    route = resolve_route(env, load_profile(), target, timeout=2.0)
    sock = open_route(target.host, target.port, route, Budget(time.monotonic() + 5))
    try:
        return TruststoreVerifier("linux").verify(sock, target.host, 5.0)
    finally:
        sock.close()


def test_the_lab_ca_in_the_trusted_paths_is_trusted(pki, auth_server, trusted_roots):
    trusted_roots(pki.ca_pem)
    assert _direct(auth_server) == OsVerdict(True)
    assert auth_server.requests == []  # handshake only: no request was sent


def test_without_the_lab_ca_the_exact_error_comes_back(auth_server, trusted_roots):
    assert _direct(auth_server) == UNTRUSTED  # the distribution bundle: no lab CA in it


def test_another_root_is_not_trusted_for_the_lab_server(pki, auth_server, trusted_roots):
    trusted_roots(pki.corp_ca_pem)
    assert _direct(auth_server) == UNTRUSTED


def test_through_a_forwarding_proxy(home, pki, auth_server, proxy_factory, trusted_roots):
    trusted_roots(pki.ca_pem)
    proxy = proxy_factory("forward")
    assert _via(home, proxy, auth_server) == OsVerdict(True)
    assert proxy.connects == [f"localhost:{auth_server.port}"]
    assert auth_server.requests == []


def test_through_an_intercepting_proxy(home, pki, auth_server, proxy_factory, trusted_roots):
    proxy = proxy_factory("intercept")
    trusted_roots(pki.ca_pem)  # the real server's root: the proxy's certificate fails it
    assert _via(home, proxy, auth_server) == UNTRUSTED
    trusted_roots(pki.corp_ca_pem)  # the inspection root: trusted, as IT would install it
    assert _via(home, proxy, auth_server) == OsVerdict(True)
    assert proxy.connects == [f"localhost:{auth_server.port}"] * 2


def test_a_server_that_is_not_tls_is_an_error_not_a_verdict(trusted_roots):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            peer, _ = listener.accept()
            peer.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            with pytest.raises(OSError):
                TruststoreVerifier("linux").verify(sock, "localhost", 2.0)
            peer.close()


def test_windows_and_macos_ask_the_os_linux_keeps_its_listed_store():
    assert isinstance(os_verifier_for("windows"), TruststoreVerifier)
    assert isinstance(os_verifier_for("darwin"), TruststoreVerifier)
    assert os_verifier_for("linux") is None
    assert system_environment({"HOME": "/nonexistent"}).os_verifier is None  # this is Linux
    assert os_verifier_for("windows").describe() == (  # type: ignore[union-attr]
        "Windows' own certificate check (CryptoAPI, through truststore)"
    )
