"""The trust sets: what Codex trusts (the rules of wizard/net/trust.py, each measured on the
real Codex 0.169 in tests/lab/test_codex_ca_oracle.py), and the strict chain verification."""

from __future__ import annotations

import datetime as dt
import threading
import time

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests.helpers import FIXTURES, lab_target, make_env
from tests.lab.pki import build_root, issue_server_cert, to_trustme
from wizard.core.engine import Budget, CheckContext, Shared
from wizard.core.profile import load_profile
from wizard.net.trust import (
    PemError,
    ca_settings,
    certifi_roots,
    codex_roots,
    configured_sets,
    read_cert_dir,
    read_pem_certificates,
    trust_sets,
    verify_chain,
)

MDM = FIXTURES / "trust" / "simplemdm-root.pem"
MAC_ROOTS = FIXTURES / "trust" / "macos-system-roots.pem"


def _ctx(env) -> CheckContext:
    return CheckContext(
        env=env,
        profile=load_profile(),
        target=lab_target(),
        budget=Budget(time.monotonic() + 5),
        results={},
        shared=Shared(),
        cancel_event=threading.Event(),
    )


def _ders(path) -> tuple[bytes, ...]:
    return read_pem_certificates(path)


def test_codex_uses_the_os_store_when_nothing_is_set(home):
    trust = codex_roots(_ctx(make_env(home, os_roots_file=MAC_ROOTS)))
    assert trust.roots == _ders(MAC_ROOTS)
    assert trust.origin == f"the OS store ({MAC_ROOTS})"
    assert trust.replaced_by == ()


def test_codex_adds_codex_ca_certificate_to_the_os_store(home):
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(MDM)}, os_roots_file=MAC_ROOTS)
    trust = codex_roots(_ctx(env))
    assert trust.roots == _ders(MAC_ROOTS) + _ders(MDM)
    assert trust.origin.endswith(f"plus CODEX_CA_CERTIFICATE ({MDM})")


def test_ssl_cert_file_replaces_the_os_store(home):
    env = make_env(home, {"SSL_CERT_FILE": str(MDM)}, os_roots_file=MAC_ROOTS)
    trust = codex_roots(_ctx(env))
    assert trust.roots == _ders(MDM)  # the OS roots are gone; SSL_CERT_FILE is also the extra
    assert trust.replaced_by == ("SSL_CERT_FILE",)
    assert (
        trust.origin == f"SSL_CERT_FILE ({MDM}) instead of the OS store plus SSL_CERT_FILE ({MDM})"
    )


def test_codex_ca_certificate_is_the_extra_when_both_are_set(home):
    env = make_env(
        home, {"SSL_CERT_FILE": str(MAC_ROOTS), "CODEX_CA_CERTIFICATE": str(MDM)}, os_roots_file=MDM
    )
    trust = codex_roots(_ctx(env))
    assert trust.roots == _ders(MAC_ROOTS) + _ders(MDM)
    assert trust.replaced_by == ("SSL_CERT_FILE",)


def test_missing_ssl_cert_file_leaves_codex_with_nothing(home):
    env = make_env(home, {"SSL_CERT_FILE": str(home / "gone.pem")}, os_roots_file=MAC_ROOTS)
    trust = codex_roots(_ctx(env))
    assert trust.roots == ()
    assert trust.replaced_by == ("SSL_CERT_FILE",)


def test_an_empty_ssl_cert_file_still_replaces_the_os_store(home):
    # Real Codex 0.169 (tests/lab/test_codex_ca_oracle.py): with a CA file in use, a set
    # SSL_CERT_FILE replaces the store even when it holds nothing.
    (home / "empty.pem").write_text("nothing here\n")
    variables = {"SSL_CERT_FILE": str(home / "empty.pem"), "CODEX_CA_CERTIFICATE": str(MDM)}
    trust = codex_roots(_ctx(make_env(home, variables, os_roots_file=MAC_ROOTS)))
    assert trust.roots == _ders(MDM)
    assert trust.replaced_by == ("SSL_CERT_FILE",)


def test_a_broken_ssl_cert_file_beside_codex_ca_certificate_leaves_only_that(home):
    variables = {"SSL_CERT_FILE": str(home / "gone.pem"), "CODEX_CA_CERTIFICATE": str(MDM)}
    trust = codex_roots(_ctx(make_env(home, variables, os_roots_file=MAC_ROOTS)))
    assert trust.roots == _ders(MDM)
    assert trust.origin == (
        f"SSL_CERT_FILE (~/gone.pem) instead of the OS store plus CODEX_CA_CERTIFICATE ({MDM})"
    )


def test_ssl_cert_file_from_codex_dotenv_is_honoured(home):
    (home / ".codex").mkdir()
    (home / ".codex" / ".env").write_text(
        f"SSL_CERT_FILE={MDM}\nCODEX_CA_CERTIFICATE={MAC_ROOTS}\n"
    )
    env = make_env(home, os_roots_file=MAC_ROOTS)
    trust = codex_roots(_ctx(env))
    assert trust.roots == _ders(MDM)
    assert trust.replaced_by == ("SSL_CERT_FILE",)
    assert trust.origin.startswith(f"SSL_CERT_FILE in ~/.codex/.env ({MDM})")
    assert set(ca_settings(env, load_profile())) == {"SSL_CERT_FILE"}


def _cert_dir(home):
    certs = home / "certs"
    certs.mkdir()
    (certs / "5ad8a5d6.0").write_text(MDM.read_text())
    (certs / "corp.pem").write_text(MAC_ROOTS.read_text())
    return certs


def test_without_a_ca_file_ssl_cert_dir_adds_its_rehash_named_files(home):
    certs = _cert_dir(home)
    assert read_cert_dir(certs) == _ders(MDM)
    trust = codex_roots(_ctx(make_env(home, {"SSL_CERT_DIR": str(certs)}, os_roots_file=MAC_ROOTS)))
    assert trust.roots == _ders(MAC_ROOTS) + _ders(MDM)
    assert trust.replaced_by == ()
    assert trust.origin == f"the OS store ({MAC_ROOTS}) plus SSL_CERT_DIR (~/certs)"


def test_without_a_ca_file_a_broken_ssl_cert_dir_changes_nothing(home):
    env = make_env(home, {"SSL_CERT_DIR": str(home / "gone")}, os_roots_file=MAC_ROOTS)
    trust = codex_roots(_ctx(env))
    assert (trust.roots, trust.replaced_by) == (_ders(MAC_ROOTS), ())


def test_with_a_ca_file_ssl_cert_dir_replaces_the_store_with_every_file(home):
    certs = _cert_dir(home)
    assert set(read_cert_dir(certs, every_file=True)) == set(_ders(MDM) + _ders(MAC_ROOTS))
    variables = {"SSL_CERT_DIR": str(certs), "CODEX_CA_CERTIFICATE": str(MDM)}
    trust = codex_roots(_ctx(make_env(home, variables, os_roots_file=MDM)))
    assert set(trust.roots) == set(_ders(MDM) + _ders(MAC_ROOTS))
    assert trust.replaced_by == ("SSL_CERT_DIR",)


def test_with_a_ca_file_an_empty_ssl_cert_dir_still_replaces_the_store(home):
    (home / "empty").mkdir()
    variables = {"SSL_CERT_DIR": str(home / "empty"), "CODEX_CA_CERTIFICATE": str(MDM)}
    trust = codex_roots(_ctx(make_env(home, variables, os_roots_file=MAC_ROOTS)))
    assert (trust.roots, trust.replaced_by) == (_ders(MDM), ("SSL_CERT_DIR",))


@pytest.mark.parametrize(
    ("name", "problem"),
    [("missing", "the folder does not exist"), ("file.pem", "it is a file, not a folder")],
)
def test_read_cert_dir_problems(home, name, problem):
    (home / "file.pem").write_text("x")
    with pytest.raises(PemError, match=problem):
        read_cert_dir(home / name)


def test_configured_sets_one_per_variable(home):
    env = make_env(
        home,
        {"NODE_EXTRA_CA_CERTS": str(MDM), "REQUESTS_CA_BUNDLE": str(home / "gone.pem")},
        os_roots_file=MAC_ROOTS,
    )
    sets = configured_sets(_ctx(env))
    assert [(s.id, len(s.roots)) for s in sets] == [
        ("file:REQUESTS_CA_BUNDLE", 0),
        ("file:NODE_EXTRA_CA_CERTS", 1),
    ]
    assert sets[0].origin == "~/gone.pem"
    assert [s.id for s in trust_sets(_ctx(env))] == [
        "codex",
        "os",
        "certifi",
        "file:REQUESTS_CA_BUNDLE",
        "file:NODE_EXTRA_CA_CERTS",
    ]


def test_certifi_set_is_certifis_bundle():
    trust = certifi_roots()
    assert trust.origin == certifi.where()
    assert len(trust.roots) > 100


def test_verify_chain_for_an_ip_address_and_a_name(pki):
    leaf_ip = x509.load_pem_x509_certificate(_leaf_pem(pki, "127.0.0.1"))
    leaf_dns = x509.load_pem_x509_certificate(_leaf_pem(pki, "localhost"))
    roots = read_pem_certificates(pki.ca_pem)
    now = dt.datetime.now(dt.UTC)
    assert verify_chain(roots, [leaf_ip], "127.0.0.1", now).trusted
    assert verify_chain(roots, [leaf_dns], "localhost", now).trusted
    wrong = verify_chain(roots, [leaf_dns], "auth.openai.com", now)
    assert not wrong.trusted and wrong.error
    assert verify_chain((), [leaf_dns], "localhost", now).error == "no certificates to trust"
    assert verify_chain(roots, [], "localhost", now).error == "the server presented no certificate"


def test_verify_chain_accepts_what_rustls_accepts(pki):
    # A real company root with non-critical basicConstraints: rustls (webpki) does not care,
    # so it must count as trusted (the lint reports it instead).
    cert, key = build_root("Loose Root", "Loose Corp", loose=True)
    leaf = issue_server_cert(to_trustme(cert, key), "localhost")
    chain = [x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())]
    result = verify_chain(
        [cert.public_bytes(Encoding.DER)], chain, "localhost", dt.datetime.now(dt.UTC)
    )
    assert result.trusted, result.error
    assert result.path[-1] == cert


def _leaf_pem(pki, host: str) -> bytes:
    return issue_server_cert(pki.ca, host).cert_chain_pems[0].bytes()
