"""The OS trust stores: Linux bundle, Windows system stores (injected enumerator), macOS
keychains (FakeRunner fed with `security find-certificate -a -p` output)."""

from __future__ import annotations

import ssl

import certifi
from cryptography import x509

from tests.helpers import FakeRunner, fixture_text, hash_file_name
from wizard.platform.trust_store import (
    MAC_KEYCHAINS,
    BundleTrustStore,
    MacTrustStore,
    WindowsTrustStore,
    pem_to_der,
    system_trust_store,
)

SYSTEM_ROOTS = fixture_text("trust", "macos-system-roots.pem")
SYSTEM_KEYCHAIN = fixture_text("trust", "simplemdm-root.pem")


def _subjects(ders: list[bytes]) -> list[str]:
    return [x509.load_der_x509_certificate(d).subject.rfc4514_string() for d in ders]


def _certifi_ders(count: int) -> list[bytes]:
    with open(certifi.where(), "rb") as handle:
        return pem_to_der(handle.read())[:count]


def test_windows_store_keeps_x509_roots_trusted_for_server_auth():
    a, b, c, d, e = _certifi_ders(5)
    calls: list[str] = []
    stores = {
        "ROOT": [
            (a, "x509_asn", True),
            (b, "x509_asn", {"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"}),
            (c, "x509_asn", {"1.3.6.1.5.5.7.3.2"}),  # client auth only: not for servers
            (b"\x30\x03\x02\x01\x00", "pkcs_7_asn", True),  # not a certificate
        ],
        "CA": [(d, "x509_asn", True), (a, "x509_asn", True)],  # a again: listed once
    }

    def enumerate_store(name: str):
        calls.append(name)
        return stores[name]

    store = WindowsTrustStore(enumerate_store)
    assert store.certificates() == [a, b, d]
    assert calls == ["ROOT", "CA"]
    assert e not in store.certificates()
    assert store.describe() == "Windows certificate store (ROOT, CA)"


def test_windows_store_without_the_windows_api_is_empty_and_says_why(monkeypatch):
    monkeypatch.delattr(ssl, "enum_certificates", raising=False)
    store = WindowsTrustStore()
    assert store.certificates() == []
    assert "not available" in store.describe()


def test_windows_store_reports_an_unreadable_store():
    def enumerate_store(name: str):
        if name == "CA":
            raise PermissionError("access denied")
        return [(_certifi_ders(1)[0], "x509_asn", True)]

    store = WindowsTrustStore(enumerate_store)
    assert len(store.certificates()) == 1
    assert store.describe() == (
        "Windows certificate store (ROOT, CA): the CA store cannot be read (access denied)"
    )


def test_macos_store_reads_both_keychains_with_security():
    runner = FakeRunner()
    runner.add(["security", "find-certificate", "-a", "-p", MAC_KEYCHAINS[0]], SYSTEM_ROOTS)
    runner.add(["security", "find-certificate", "-a", "-p", MAC_KEYCHAINS[1]], SYSTEM_KEYCHAIN)
    store = MacTrustStore(runner)
    roots = store.certificates()
    subjects = _subjects(roots)
    assert len(roots) == 7
    assert "CN=ISRG Root X1,O=Internet Security Research Group,C=US" in subjects
    assert subjects[-1] == "O=SimpleMDM,C=US"  # the admin-installed company root
    assert runner.calls == [
        (
            "security",
            "find-certificate",
            "-a",
            "-p",
            "/System/Library/Keychains/SystemRootCertificates.keychain",
        ),
        ("security", "find-certificate", "-a", "-p", "/Library/Keychains/System.keychain"),
    ]
    assert store.describe().startswith("macOS keychains (")
    assert ":" not in store.describe().split(")")[-1]  # no problems reported


def test_macos_store_without_security_tool_is_empty():
    store = MacTrustStore(FakeRunner())
    assert store.certificates() == []
    assert store.describe().endswith("the 'security' tool is not available")


def test_macos_store_keeps_what_one_keychain_gave_when_the_other_fails():
    runner = FakeRunner()
    runner.add(["security", "find-certificate", "-a", "-p", MAC_KEYCHAINS[0]], SYSTEM_ROOTS)
    runner.fail(
        ["security", "find-certificate", "-a", "-p", MAC_KEYCHAINS[1]],
        TimeoutError("security did not finish within 10.0 s"),
    )
    store = MacTrustStore(runner)
    assert len(store.certificates()) == 6
    assert store.describe().endswith(
        "/Library/Keychains/System.keychain: security did not finish within 10.0 s"
    )


def test_system_trust_store_picks_the_platform_store():
    runner = FakeRunner()
    assert isinstance(system_trust_store("windows"), WindowsTrustStore)
    mac = system_trust_store("darwin", runner)
    assert isinstance(mac, MacTrustStore) and mac.runner is runner
    linux = system_trust_store("linux")
    assert isinstance(linux, BundleTrustStore)
    assert linux.cafile == ssl.get_default_verify_paths().openssl_cafile


def test_bundle_store_skips_broken_blocks_and_accepts_trusted_certificate_labels(tmp_path):
    good = SYSTEM_KEYCHAIN.replace("CERTIFICATE-----", "TRUSTED CERTIFICATE-----")
    broken = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(
        broken
        + good
        + SYSTEM_ROOTS.split("-----END CERTIFICATE-----")[0]
        + "-----END CERTIFICATE-----\n"
    )
    store = BundleTrustStore(str(bundle))
    assert _subjects(store.certificates()) == [
        "O=SimpleMDM,C=US",
        "CN=GlobalSign,O=GlobalSign,OU=GlobalSign Root CA - R3",
    ]
    assert store.describe() == str(bundle)


def test_a_block_ends_at_the_first_end_line_after_its_begin_line():
    good = SYSTEM_KEYCHAIN.strip()
    unterminated = "-----BEGIN CERTIFICATE-----\nMII-A-\n"  # runs on into the next block
    dashes = "-----BEGIN CERTIFICATE-----\n----END CERTIFICATE-----\n-----END TRUSTED X-----\n"
    assert _subjects(pem_to_der(f"{unterminated}{good}\n{good}\n".encode())) == ["O=SimpleMDM,C=US"]
    assert pem_to_der(f"{dashes}-----END CERTIFICATE-----\n{good}".encode()) == pem_to_der(
        good.encode()
    )
    # an END line right after BEGIN does not end the block (it holds at least one byte): the
    # block runs on to the good one's END and does not parse, so it hides the good one
    empty = "-----BEGIN CERTIFICATE----------END CERTIFICATE-----\n"
    assert pem_to_der(f"{empty}{good}".encode()) == []


def _hash_name(pem: str, tmp_path) -> str:
    path = tmp_path / "to-name.pem"
    path.write_text(pem)
    return hash_file_name(path)


def _indexed_store(tmp_path, bundle_text: str, folder_files: dict[str, str]) -> BundleTrustStore:
    bundle, folder = tmp_path / "bundle.pem", tmp_path / "certs"
    folder.mkdir(parents=True)
    bundle.write_text(bundle_text)
    for name, text in folder_files.items():
        (folder / name).write_text(text)
    return BundleTrustStore(str(bundle), str(folder))


def test_a_folder_with_every_root_under_its_hash_name_is_the_lookup_folder(tmp_path):
    store = _indexed_store(
        tmp_path,
        SYSTEM_KEYCHAIN,
        {"SimpleMDM.pem": SYSTEM_KEYCHAIN, _hash_name(SYSTEM_KEYCHAIN, tmp_path): SYSTEM_KEYCHAIN},
    )
    assert _subjects(store.certificates()) == ["O=SimpleMDM,C=US"]
    assert store.lookup_folder() == str(tmp_path / "certs")


def test_a_root_only_in_the_bundle_or_an_unindexed_file_means_no_lookup_folder(tmp_path):
    other = SYSTEM_ROOTS.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    in_bundle = _indexed_store(
        tmp_path / "a",
        SYSTEM_KEYCHAIN + other,
        {_hash_name(SYSTEM_KEYCHAIN, tmp_path): SYSTEM_KEYCHAIN},
    )
    assert len(in_bundle.certificates()) == 2
    assert in_bundle.lookup_folder() is None
    in_plain_file = _indexed_store(
        tmp_path / "b",
        SYSTEM_KEYCHAIN,
        {_hash_name(SYSTEM_KEYCHAIN, tmp_path): SYSTEM_KEYCHAIN, "other.pem": other},
    )
    assert len(in_plain_file.certificates()) == 2
    assert in_plain_file.lookup_folder() is None


def test_a_broken_block_in_a_hash_named_file_means_no_lookup_folder(tmp_path):
    broken = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"
    store = _indexed_store(
        tmp_path, SYSTEM_KEYCHAIN, {_hash_name(SYSTEM_KEYCHAIN, tmp_path): SYSTEM_KEYCHAIN + broken}
    )
    assert _subjects(store.certificates()) == ["O=SimpleMDM,C=US"]
    assert store.lookup_folder() is None


def test_stores_without_a_folder_have_no_lookup_folder():
    assert BundleTrustStore(certifi.where()).lookup_folder() is None
    assert WindowsTrustStore(lambda _name: []).lookup_folder() is None
    assert MacTrustStore(FakeRunner()).lookup_folder() is None
