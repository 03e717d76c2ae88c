"""The secure connection, against real lab servers and proxies: capture the presented chain,
verify it against every trust set, name the issuer, lint it."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests.helpers import lab_target, make_env, run_check
from tests.lab.auth_server import AuthServer
from tests.lab.pki import CORP_CN, CORP_ORG, build_root, to_trustme
from wizard.checks.catalog import ALL_CHECKS
from wizard.checks.tls import check_tls, find_vendor
from wizard.core.diagnose import diagnose
from wizard.core.findings import NOTHING
from wizard.core.model import CheckResult, Status
from wizard.core.profile import load_profile

CORP_ISSUER = f"{CORP_CN} ({CORP_ORG})"


def _dep(check_id: str, status: Status = Status.PASS) -> CheckResult:
    return CheckResult(check_id, check_id, status, "", NOTHING, (), 0)


DEPS = {"tcp": _dep("tcp"), "ca_env": _dep("ca_env")}


def _trust(outcome) -> dict[str, bool]:
    return {row["id"]: row["trusted"] for row in outcome.evidence["trust"]}


def _tls(env, url, deps=DEPS, timeout_s=5.0):
    return run_check(check_tls, env, lab_target(url), deps, timeout_s=timeout_s)


def test_healthy_connection_with_codex_ca_certificate(home, pki, auth_server):
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    outcome = _tls(env, auth_server.url)
    assert outcome.status is Status.PASS
    assert outcome.summary == "The connection to localhost is secure and trusted by Codex."
    assert outcome.faults == ()
    assert _trust(outcome) == {
        "codex": True,
        "os": False,
        "certifi": False,
        "file:CODEX_CA_CERTIFICATE": True,
    }
    evidence = outcome.evidence
    assert evidence["route"] == "direct"
    assert evidence["issuer"] == "Sign-in Doctor Lab"
    assert evidence["vendor"] is None
    assert evidence["lint"] == []
    leaf = evidence["chain"][0]
    assert leaf["subject"] == "CN=localhost"
    served = x509.load_pem_x509_certificate(auth_server.leaf.cert_chain_pems[0].bytes())
    assert leaf["sha256"] == hashlib.sha256(served.public_bytes(Encoding.DER)).hexdigest()
    assert leaf["self_signed"] is False
    assert evidence["protocol"].startswith("TLSv1.")
    assert "What Codex trusts with your settings: trusted" in evidence["matrix"]
    assert "Public roots (certifi, used by Python tools): NOT trusted" in evidence["matrix"]


def test_intercepting_proxy_with_an_untrusted_corporate_root(home, pki, auth_server, proxy_factory):
    proxy = proxy_factory("intercept")
    env = make_env(
        home,
        {
            "HTTPS_PROXY": proxy.url,
            "CODEX_CA_CERTIFICATE": str(pki.ca_pem),
            "NODE_EXTRA_CA_CERTS": str(pki.corp_ca_pem),
        },
    )
    outcome = _tls(env, auth_server.url)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("tls_untrusted",)
    assert outcome.evidence["facts"] == {"issuer": CORP_ISSUER, "host": "localhost"}
    assert outcome.evidence["issuer"] == CORP_ISSUER
    assert outcome.evidence["route"] == proxy.url
    assert proxy.connects == [f"localhost:{auth_server.port}"]
    assert _trust(outcome) == {
        "codex": False,
        "os": False,
        "certifi": False,
        "file:CODEX_CA_CERTIFICATE": False,
        "file:NODE_EXTRA_CA_CERTS": True,  # Node tools would trust it; Codex does not
    }
    assert outcome.summary == (
        f"Codex does not trust the certificate localhost presents, issued by {CORP_ISSUER}. "
        f"(NODE_EXTRA_CA_CERTS ({pki.corp_ca_pem}) trusts it.)"
    )
    rows = {row["id"]: row for row in outcome.evidence["trust"]}
    assert (
        rows["codex"]["error"]
        == "no certificate in this set vouches for the chain (unknown issuer)"
    )
    assert not auth_server.requests  # the capture sent no application data


def test_intercepted_real_host_name_is_named_and_the_os_store_shows_the_fix(
    home, pki, proxy_factory
):
    # The default target (auth.openai.com), mapped by the lab proxy to a loopback server.
    with AuthServer(pki, hostnames=("auth.openai.com",)) as server:
        proxy = proxy_factory(
            "intercept", upstream_map={"auth.openai.com:443": ("127.0.0.1", server.port)}
        )
        env = make_env(home, {"HTTPS_PROXY": proxy.url}, os_roots_file=pki.ca_pem)
        outcome = run_check(check_tls, env, lab_target(), DEPS)
    assert outcome.faults == ("tls_untrusted",)
    assert outcome.evidence["facts"]["host"] == "auth.openai.com"
    assert outcome.evidence["chain"][0]["subject"] == "CN=auth.openai.com"
    assert proxy.connects == ["auth.openai.com:443"]


def test_intercepting_root_trusted_by_the_os_store_is_trusted_by_codex(
    home, pki, auth_server, proxy_factory
):
    proxy = proxy_factory("intercept")
    env = make_env(home, {"HTTPS_PROXY": proxy.url}, os_roots_file=pki.corp_ca_pem)
    outcome = _tls(env, auth_server.url)
    assert outcome.status is Status.PASS
    assert _trust(outcome) == {"codex": True, "os": True, "certifi": False}
    assert outcome.evidence["issuer"] == CORP_ISSUER


def test_inspection_vendor_is_recognised(home, pki):
    vendor_ca = to_trustme(*build_root("Zscaler Root CA", "Zscaler Inc."))
    with AuthServer(pki, ca=vendor_ca) as server:
        outcome = _tls(make_env(home), server.url)
    assert outcome.faults == ("tls_untrusted",)
    assert outcome.evidence["vendor"] == "Zscaler"
    assert outcome.evidence["facts"] == {
        "issuer": "Zscaler Root CA (Zscaler Inc.)",
        "host": "localhost",
        "vendor": "Zscaler",
    }
    assert "issued by Zscaler Root CA (Zscaler Inc.), a Zscaler product." in outcome.summary


def test_stale_ssl_cert_file_hides_the_os_store(home, pki, auth_server):
    env = make_env(home, {"SSL_CERT_FILE": certifi.where()}, os_roots_file=pki.ca_pem)
    outcome = _tls(env, auth_server.url)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("ssl_cert_file_hides_os_store",)
    assert outcome.evidence["facts"]["path"] == certifi.where()
    assert outcome.evidence["facts"]["host"] == "localhost"
    assert outcome.evidence["facts"]["variable"] == "SSL_CERT_FILE"
    assert _trust(outcome) == {
        "codex": False,
        "os": True,
        "certifi": False,
        "file:SSL_CERT_FILE": False,
    }


def test_stale_ssl_cert_file_in_codex_dotenv_hides_the_os_store(home, pki, auth_server):
    (home / ".codex").mkdir()
    shutil.copy(certifi.where(), home / "old-bundle.pem")
    (home / ".codex" / ".env").write_text(f"SSL_CERT_FILE={home / 'old-bundle.pem'}\n")
    outcome = _tls(make_env(home, os_roots_file=pki.ca_pem), auth_server.url)
    assert outcome.faults == ("ssl_cert_file_hides_os_store",)
    assert outcome.evidence["facts"]["path"] == "~/old-bundle.pem"


def test_ssl_cert_file_that_verifies_is_fine(home, pki, auth_server):
    bundle = home / "bundle.pem"
    bundle.write_bytes(Path(certifi.where()).read_bytes() + pki.ca_pem.read_bytes())
    outcome = _tls(make_env(home, {"SSL_CERT_FILE": str(bundle)}), auth_server.url)
    assert outcome.status is Status.PASS
    assert outcome.faults == ()
    assert _trust(outcome)["codex"] is True


def test_untrusted_everywhere_is_tls_untrusted_not_a_hidden_store(home, pki, auth_server):
    env = make_env(home, {"SSL_CERT_FILE": certifi.where()}, os_roots_file=pki.corp_ca_pem)
    outcome = _tls(env, auth_server.url)
    assert outcome.faults == ("tls_untrusted",)
    assert outcome.summary.endswith("issued by Sign-in Doctor Lab.")


def test_silent_server_is_tls_no_answer_within_the_budget(home, silent_server):
    outcome = _tls(make_env(home), silent_server.url, timeout_s=1.5)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("tls_no_answer",)
    assert outcome.evidence["facts"]["detail"].startswith(
        "the secure handshake got no answer within"
    )
    assert silent_server.connection_count == 1  # one attempt for the budget, not retries


@contextlib.contextmanager
def _one_connection_server(answer: Callable[[socket.socket], None]):
    """A loopback server that accepts one connection, reads the ClientHello and `answer`s it."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)
    port = listener.getsockname()[1]

    def serve() -> None:
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            conn.settimeout(5)
            conn.recv(4096)
            answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{port}"
    finally:
        thread.join(timeout=5)
        listener.close()


def _cut(conn: socket.socket) -> None:
    """Resets the connection (like a firewall RST)."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()


def _plain_http(conn: socket.socket) -> None:
    """Answers in plain HTTP, as a port that is not TLS does."""
    with conn:
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        conn.recv(4096)


def test_connection_cut_during_the_handshake(home):
    with _one_connection_server(_cut) as url:
        outcome = _tls(make_env(home), url)
    assert outcome.faults == ("tls_no_answer",)
    assert (
        outcome.evidence["facts"]["detail"] == "the connection was cut during the secure handshake"
    )


def test_a_server_that_does_not_speak_tls_fails_with_openssls_reason(home):
    with _one_connection_server(_plain_http) as url:
        outcome = _tls(make_env(home), url)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ()
    assert outcome.evidence["error"] == "tls_failed"
    assert outcome.evidence["detail"] == "the secure handshake failed (wrong version number)"


def test_skipped_when_tcp_failed(home):
    outcome = _tls(make_env(home), "https://localhost:9", deps={"tcp": _dep("tcp", Status.FAIL)})
    assert outcome.status is Status.SKIP
    assert outcome.summary == "Not tested: the connection to the sign-in server failed first."


def test_blocking_proxy_is_left_to_the_proxy_check(home, auth_server, proxy_factory):
    proxy = proxy_factory("block")
    outcome = _tls(make_env(home, {"HTTPS_PROXY": proxy.url}), auth_server.url)
    assert outcome.status is Status.SKIP
    assert outcome.faults == ()
    assert outcome.evidence["proxy_status"] == 403
    assert outcome.summary == (
        f"Not tested: the proxy {proxy.url} answered 'HTTP/1.1 403 Forbidden' to the tunnel "
        "request (see Proxy settings)."
    )


def test_proxy_credentials_are_sent_and_never_shown(home, pki, auth_server, proxy_factory):
    proxy = proxy_factory("auth", credentials=("alice", "s3cret pass"))
    env = make_env(
        home, {"HTTPS_PROXY": proxy.url_with_credentials, "CODEX_CA_CERTIFICATE": str(pki.ca_pem)}
    )
    outcome = _tls(env, auth_server.url)
    assert outcome.status is Status.PASS
    assert outcome.evidence["route"] == f"http://alice:<redacted>@127.0.0.1:{proxy.port}"
    assert "s3cret" not in str(outcome.evidence)


def test_proxy_without_credentials_answers_407(home, auth_server, proxy_factory):
    proxy = proxy_factory("auth", credentials=("alice", "pw"))
    outcome = _tls(make_env(home, {"HTTPS_PROXY": proxy.url}), auth_server.url)
    assert outcome.status is Status.SKIP
    assert outcome.evidence["proxy_status"] == 407


def test_dead_proxy_is_left_to_the_proxy_check(home, auth_server):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    outcome = _tls(make_env(home, {"HTTPS_PROXY": f"http://127.0.0.1:{dead}"}), auth_server.url)
    assert outcome.status is Status.SKIP
    assert outcome.evidence["error"] == "proxy_unreachable"
    assert outcome.summary.startswith(
        f"Not tested: the proxy http://127.0.0.1:{dead} does not accept"
    )


def test_weak_rsa_1024_corporate_root_is_rejected_and_linted(home, pki):
    weak_ca, weak_pem = pki.weak_corp_ca("rsa1024")
    with AuthServer(pki, ca=weak_ca) as server:
        outcome = _tls(make_env(home, {"CODEX_CA_CERTIFICATE": str(weak_pem)}), server.url)
    assert outcome.faults == ("tls_weak_ca",)
    assert [p["code"] for p in outcome.evidence["lint"]] == ["weak_rsa_key"]
    assert _trust(outcome)["file:CODEX_CA_CERTIFICATE"] is False  # even with the root installed
    assert outcome.summary == (
        "Codex rejects the certificate localhost presents: 'Contoso Inspection Root (rsa1024) "
        "(Contoso Web Inspection)' has a 1024-bit RSA key; Codex and other strict programs need "
        "at least 2048 bits."
    )


def test_trusted_but_flawed_chain_warns(home, pki, tmp_path):
    cert, key = build_root("Loose Root", "Loose Corp", loose=True)
    loose = to_trustme(cert, key)
    loose_pem = tmp_path / "loose.pem"
    loose.cert_pem.write_to_path(str(loose_pem))
    with AuthServer(pki, ca=loose) as server:
        outcome = _tls(make_env(home, {"CODEX_CA_CERTIFICATE": str(loose_pem)}), server.url)
    assert outcome.status is Status.WARN
    assert outcome.faults == ()
    assert [p["code"] for p in outcome.evidence["lint"]] == ["basic_constraints_not_critical"]
    assert outcome.summary == (
        "The connection to localhost is trusted by Codex, but its certificates have flaws that "
        "stricter programs reject (1 found)."
    )


def test_wrong_clock_is_not_blamed_on_the_certificate(home, pki, auth_server):
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=800)
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)}, clock=lambda: future)
    outcome = _tls(env, auth_server.url)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ()
    assert outcome.evidence["date_problem"] is True
    assert outcome.summary.startswith(
        "The certificate of localhost is not valid at this computer's date"
    )
    assert "expired" in [p["code"] for p in outcome.evidence["lint"]]


@pytest.fixture
def sha1_server(tmp_path):
    """A TLS server whose leaf is signed with SHA-1 (built with the openssl tool, since
    cryptography refuses SHA-1 signatures here)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to mint a SHA-1 certificate")

    def run(*args: str) -> None:
        subprocess.run(
            ["openssl", *args], cwd=tmp_path, check=True, capture_output=True, timeout=60
        )

    run(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "root.key",
        "-out",
        "root.pem",
        "-sha256",
        "-days",
        "30",
        "-subj",
        "/O=Weak Systems/CN=Weak Corp Root",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    )
    run(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=localhost",
    )
    (tmp_path / "ext.cnf").write_text(
        "basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost\n"
        "extendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid\n"
    )
    run(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "root.pem",
        "-CAkey",
        "root.key",
        "-set_serial",
        "99",
        "-days",
        "30",
        "-sha1",
        "-extfile",
        "ext.cnf",
        "-out",
        "leaf.pem",
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def serve() -> None:
        with contextlib.suppress(OSError, ssl.SSLError):
            conn, _ = listener.accept()
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.settimeout(5)
                with contextlib.suppress(OSError, ssl.SSLError):
                    tls.recv(1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield SimpleNamespace(
        url=f"https://localhost:{listener.getsockname()[1]}", root=tmp_path / "root.pem"
    )
    thread.join(timeout=5)
    listener.close()


def test_sha1_signed_chain_is_seen_rejected_and_named(home, sha1_server):
    outcome = _tls(make_env(home, {"CODEX_CA_CERTIFICATE": str(sha1_server.root)}), sha1_server.url)
    assert outcome.faults == ("tls_weak_ca",)  # installing the root would not help
    assert outcome.evidence["issuer"] == "Weak Corp Root (Weak Systems)"
    assert [p["code"] for p in outcome.evidence["lint"]] == ["weak_signature_hash"]
    assert outcome.summary == (
        "Codex rejects the certificate localhost presents: 'localhost' is signed with SHA-1, which "
        "Codex and other strict programs reject."
    )


def test_find_vendor_matches_whole_words_only():
    profile = load_profile()

    def chain_with(org: str, cn: str) -> list[x509.Certificate]:
        cert, _key = build_root(cn, org)
        return [cert]

    vendors = profile["inspection_vendors"]
    assert find_vendor(chain_with("Netskope Inc", "caadmin.netskope.com"), vendors) == "Netskope"
    assert (
        find_vendor(chain_with("Cisco Systems", "Cisco Umbrella Root CA"), vendors)
        == "Cisco Umbrella"
    )
    assert find_vendor(chain_with("Preset Ltd", "Preset Root"), vendors) is None  # not "ESET"
    assert find_vendor(chain_with(CORP_ORG, CORP_CN), vendors) is None


def test_find_vendor_uses_the_list_it_is_given():
    assert find_vendor([build_root("Acme Box Root", "Acme")[0]], ["Acme Box"]) == "Acme Box"


def test_find_vendor_names_the_first_listed_vendor_of_the_top_most_issuer():
    box, _key = build_root("Acme Box Root", "Umbrella Acme")
    inner, _key = build_root("Zeta Root", "Zeta")
    chain = [inner, box]  # the top of the chain (box) is looked at first
    assert find_vendor(chain, ["Zeta", "Umbrella", "Acme"]) == "Umbrella"
    assert find_vendor(chain, ["Zeta", "Acme", "Umbrella"]) == "Acme"
    assert find_vendor(chain, ["Zeta", "Other"]) == "Zeta"
    assert find_vendor(chain, ["Other"]) is None


def test_verdict_names_the_issuer_and_the_stale_ssl_cert_file(
    home, pki, auth_server, proxy_factory
):
    """The facts this check proves fill the verdict texts of resources/causes.json."""
    specs = [s for s in ALL_CHECKS if s.id in ("ca_env", "dns", "tcp", "tls")]
    proxy = proxy_factory("intercept")
    env = make_env(home, {"HTTPS_PROXY": proxy.url, "CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    result = diagnose(specs, env, load_profile(), lab_target(auth_server.url), timeout_s=4)
    assert result.verdict.cause == "tls_interception"
    assert result.verdict.summary.startswith(
        f"The connection to localhost is decrypted and re-signed by {CORP_ISSUER}."
    )
    env = make_env(home, {"SSL_CERT_FILE": certifi.where()}, os_roots_file=pki.ca_pem)
    result = diagnose(specs, env, load_profile(), lab_target(auth_server.url), timeout_s=4)
    assert result.verdict.cause == "ca_bundle_broken"
    assert result.verdict.summary == (
        f"SSL_CERT_FILE points Codex at {certifi.where()}, which replaces your computer's own "
        "list of trusted certificates, and nothing in it trusts localhost."
    )


def test_loading_the_checks_does_not_load_the_crypto_stack():
    """The window's first paint must stay light (DESIGN budgets): crypto loads when checks run."""
    code = (
        "import sys, wizard.checks.tls, wizard.checks.ca_env, wizard.platform.trust_store; "
        "print(sorted(m for m in ('cryptography', 'OpenSSL', 'certifi') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
