"""The certificate lint: what strict verifiers (rustls, Python 3.13) reject."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.helpers import FIXTURES
from tests.lab.pki import LabPKI, build_root
from wizard.net.cert_lint import is_self_signed, lint_certificate, lint_chain, readable_name

NOW = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def _load(name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((FIXTURES / "trust" / name).read_bytes())


def _name(cn: str | None = None, org: str | None = None) -> x509.Name:
    attrs = []
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if cn:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _root(*, key=None, ski=True, bc: bool | None = True, start=None, end=None):
    """A self-signed root; bc=None leaves basicConstraints out, False makes it non-critical."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = _name("Lint Root", "Lint Org")
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(start or dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(end or dt.datetime(2036, 1, 1, tzinfo=dt.UTC))
    )
    if bc is not None:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=bc
        )
    if ski:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
    return builder.sign(key, hashes.SHA256()), key


def _leaf(issuer: x509.Certificate, issuer_key, *, aki=True) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(8)
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2028, 1, 1, tzinfo=dt.UTC))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )
    if aki:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _codes(problems: list[dict[str, str]]) -> list[str]:
    return [p["code"] for p in problems]


def test_a_clean_chain_has_no_findings():
    root, key = _root()
    assert lint_chain([_leaf(root, key)], NOW, root) == []


def test_rsa_1024_root_is_flagged():
    root, key = _root(key=rsa.generate_private_key(public_exponent=65537, key_size=1024))
    problems = lint_chain([_leaf(root, key)], NOW, root)
    assert problems == [
        {
            "code": "weak_rsa_key",
            "message": "'Lint Root (Lint Org)' has a 1024-bit RSA key; Codex and other strict "
            "programs need at least 2048 bits.",
        }
    ]


def test_root_without_key_identifier_and_basic_constraints_is_flagged():
    root, key = _root(ski=False, bc=None)
    # The root's own missing AKI is allowed (RFC 5280: self-signed may omit it), so exactly:
    assert _codes(lint_chain([_leaf(root, key)], NOW, root)) == [
        "missing_subject_key_identifier",
        "missing_basic_constraints",
    ]


def test_leaf_without_authority_key_identifier_is_flagged():
    root, key = _root()
    problems = lint_chain([_leaf(root, key, aki=False)], NOW, root)
    assert _codes(problems) == ["missing_authority_key_identifier"]
    assert problems[0]["message"].startswith("'localhost' has no Authority Key Identifier")


def test_real_mdm_root_with_non_critical_basic_constraints():
    # A real company root from a macOS System keychain (see tests/fixtures/trust/SOURCES.md).
    root = _load("simplemdm-root.pem")
    assert is_self_signed(root)
    assert lint_certificate(root, NOW, acts_as_ca=True) == [
        {
            "code": "basic_constraints_not_critical",
            "message": "'SimpleMDM' does not mark its basicConstraints as critical, which Python "
            "3.13 and other strict programs require of a certificate authority.",
        }
    ]


def test_sha1_signature_on_a_leaf_is_flagged_but_not_a_roots_self_signature():
    root, leaf = _load("sha1-root.pem"), _load("sha1-leaf.pem")
    assert root.signature_hash_algorithm.name == "sha1"
    assert is_self_signed(root) and not is_self_signed(leaf)
    assert lint_chain([leaf], NOW, root) == [
        {
            "code": "weak_signature_hash",
            "message": "'localhost' is signed with SHA-1, which Codex and other strict programs "
            "reject.",
        }
    ]


@pytest.mark.parametrize(
    ("now", "code", "message"),
    [
        (
            dt.datetime(2037, 1, 1, tzinfo=dt.UTC),
            "expired",
            "'Lint Root (Lint Org)' expired on 2036-01-01.",
        ),
        (
            dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
            "not_yet_valid",
            "'Lint Root (Lint Org)' is not valid until 2026-01-01 "
            "(this computer's date is 2025-06-01).",
        ),
    ],
)
def test_validity_is_judged_at_the_environment_clock(now, code, message):
    root, _key = _root()
    assert lint_certificate(root, now, acts_as_ca=True) == [{"code": code, "message": message}]


def test_lab_weak_rsa_root_is_flagged(tmp_path):
    pki = LabPKI(tmp_path)
    ca, path = pki.weak_corp_ca("rsa1024")
    root = LabPKI.cert_of(ca)
    assert _codes(lint_chain([], NOW, root)) == ["weak_rsa_key"]
    assert path.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            _name("Contoso Inspection Root", "Contoso Web Inspection"),
            "Contoso Inspection Root (Contoso Web Inspection)",
        ),
        (_name("Zscaler Root CA", "Zscaler Inc."), "Zscaler Root CA (Zscaler Inc.)"),
        (_name("GlobalSign", "GlobalSign"), "GlobalSign"),
        (_name(None, "Sign-in Doctor Lab"), "Sign-in Doctor Lab"),
        (x509.Name([]), "an unnamed certificate authority"),
    ],
)
def test_readable_name(name, expected):
    assert readable_name(name) == expected


def test_build_root_from_lab_is_clean():
    cert, _key = build_root("Clean Root", "Clean Org")
    assert lint_certificate(cert, dt.datetime.now(dt.UTC), acts_as_ca=True) == []
