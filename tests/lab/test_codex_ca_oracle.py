"""The CA variables, row by row: the real Codex CLI 0.169 and the wizard's diagnosis under the
same certificate settings must agree. Codex signs in exactly when the wizard finds no cause;
when Codex fails, the wizard names why (the broken CA file, the setting that hides the OS store,
or a certificate nobody here trusts).

Each row gives both the same made-up "OS store": in a private mount namespace the Linux bundle
(/etc/ssl/certs/ca-certificates.crt, which Codex and the wizard both read) is replaced by one
that trusts the lab's server (STORE_TRUSTS) or does not (STORE_DOES_NOT). Both reach the lab's
auth.openai.com through the lab's forwarding proxy, and the wizard runs without a Codex to ask,
so what is compared is its own reading of the settings."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import partial
from pathlib import Path

import pytest

from tests.e2e import clean_env, run_wizard
from tests.lab.codex_cli import codex_env
from tests.lab.hosts import OS_BUNDLE, BindLauncher, bind_argv, can_map_hosts
from tests.lab.test_codex_oracle import REFUSED, TRANSPORT

SIGNS_IN, CA_FILE_ERROR, UNTRUSTED = "signs in", "CA file error", "untrusted"
STORE_TRUSTS, STORE_DOES_NOT = "lab", "other"
CODEX, FILE, DIR = "CODEX_CA_CERTIFICATE", "SSL_CERT_FILE", "SSL_CERT_DIR"
NONE, BROKEN, INTERCEPTED = "none", "ca_bundle_broken", "tls_interception"

# (condition, OS store, variables -> file kind, what the real Codex 0.169 does, the wizard's
# cause, the variable the verdict names); every row was first seen on the real client, and the
# test below sees it again each run.
ROWS = [
    ("nothing set", STORE_TRUSTS, {}, SIGNS_IN, NONE, None),
    ("nothing set, the store does not trust", STORE_DOES_NOT, {}, UNTRUSTED, INTERCEPTED, None),
    ("CODEX_CA_CERTIFICATE good", STORE_DOES_NOT, {CODEX: "good"}, SIGNS_IN, NONE, None),
    (
        "CODEX_CA_CERTIFICATE missing",
        STORE_TRUSTS,
        {CODEX: "missing"},
        CA_FILE_ERROR,
        BROKEN,
        CODEX,
    ),
    ("CODEX_CA_CERTIFICATE empty", STORE_TRUSTS, {CODEX: "empty"}, CA_FILE_ERROR, BROKEN, CODEX),
    ("CODEX_CA_CERTIFICATE other CA adds", STORE_TRUSTS, {CODEX: "other"}, SIGNS_IN, NONE, None),
    (
        "CODEX_CA_CERTIFICATE other CA, the store does not trust",
        STORE_DOES_NOT,
        {CODEX: "other"},
        UNTRUSTED,
        INTERCEPTED,
        None,
    ),
    ("SSL_CERT_FILE good", STORE_DOES_NOT, {FILE: "good"}, SIGNS_IN, NONE, None),
    ("SSL_CERT_FILE missing", STORE_TRUSTS, {FILE: "missing"}, CA_FILE_ERROR, BROKEN, FILE),
    ("SSL_CERT_FILE empty", STORE_TRUSTS, {FILE: "empty"}, CA_FILE_ERROR, BROKEN, FILE),
    ("SSL_CERT_FILE not PEM", STORE_TRUSTS, {FILE: "not_pem"}, CA_FILE_ERROR, BROKEN, FILE),
    ("SSL_CERT_FILE a directory", STORE_TRUSTS, {FILE: "folder"}, CA_FILE_ERROR, BROKEN, FILE),
    (
        "SSL_CERT_FILE other CA hides the store",
        STORE_TRUSTS,
        {FILE: "other"},
        UNTRUSTED,
        BROKEN,
        FILE,
    ),
    # CODEX_CA_CERTIFICATE is Codex's CA file: a broken SSL_CERT_FILE beside it is no cause
    *[
        (
            f"CODEX_CA_CERTIFICATE good, SSL_CERT_FILE {kind}",
            STORE_DOES_NOT,
            {CODEX: "good", FILE: kind},
            SIGNS_IN,
            NONE,
            None,
        )
        for kind in ("missing", "empty", "not_pem", "folder")
    ],
    (
        "CODEX_CA_CERTIFICATE other CA, SSL_CERT_FILE empty hides the store",
        STORE_TRUSTS,
        {CODEX: "other", FILE: "empty"},
        UNTRUSTED,
        BROKEN,
        FILE,
    ),
    (
        "CODEX_CA_CERTIFICATE other CA, SSL_CERT_FILE good",
        STORE_TRUSTS,
        {CODEX: "other", FILE: "good"},
        SIGNS_IN,
        NONE,
        None,
    ),
    # without a CA file SSL_CERT_DIR only adds its c_rehash-named files
    ("SSL_CERT_DIR missing", STORE_TRUSTS, {DIR: "missing"}, SIGNS_IN, NONE, None),
    ("SSL_CERT_DIR unhashed", STORE_DOES_NOT, {DIR: "unhashed"}, UNTRUSTED, INTERCEPTED, None),
    ("SSL_CERT_DIR hashed", STORE_DOES_NOT, {DIR: "hashed"}, SIGNS_IN, NONE, None),
    # with one, SSL_CERT_DIR replaces the store, broken or not, and every file in it counts
    (
        "CODEX_CA_CERTIFICATE good, SSL_CERT_DIR missing",
        STORE_DOES_NOT,
        {CODEX: "good", DIR: "missing"},
        SIGNS_IN,
        NONE,
        None,
    ),
    (
        "CODEX_CA_CERTIFICATE other CA, SSL_CERT_DIR missing hides the store",
        STORE_TRUSTS,
        {CODEX: "other", DIR: "missing"},
        UNTRUSTED,
        BROKEN,
        DIR,
    ),
    (
        "CODEX_CA_CERTIFICATE other CA, SSL_CERT_DIR empty hides the store",
        STORE_TRUSTS,
        {CODEX: "other", DIR: "empty"},
        UNTRUSTED,
        BROKEN,
        DIR,
    ),
    (
        "CODEX_CA_CERTIFICATE other CA, SSL_CERT_DIR unhashed",
        STORE_DOES_NOT,
        {CODEX: "other", DIR: "unhashed"},
        SIGNS_IN,
        NONE,
        None,
    ),
    (
        "SSL_CERT_FILE other CA, SSL_CERT_DIR unhashed",
        STORE_DOES_NOT,
        {FILE: "other", DIR: "unhashed"},
        SIGNS_IN,
        NONE,
        None,
    ),
    # not read by Codex at all
    (
        "REQUESTS_CA_BUNDLE missing",
        STORE_TRUSTS,
        {"REQUESTS_CA_BUNDLE": "missing"},
        SIGNS_IN,
        NONE,
        None,
    ),
]


@pytest.fixture(scope="module")
def ca_files(pki, tmp_path_factory) -> dict[str, Path]:
    """One file (or folder) of each kind the rows name; "missing" names nothing."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to name a c_rehash file")
    folder = tmp_path_factory.mktemp("ca-files")
    subject_hash = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", str(pki.ca_pem)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    files = {
        "good": pki.ca_pem,
        "other": pki.corp_ca_pem,
        "missing": folder / "missing.pem",
        "empty": folder / "empty.pem",
        "not_pem": folder / "notes.pem",
        "folder": folder / "a-folder",
        "unhashed": folder / "unhashed",
        "hashed": folder / "hashed",
    }
    files["empty"].write_bytes(b"")
    files["not_pem"].write_text("these are not the certificates you are looking for\n")
    files["folder"].mkdir()
    files["unhashed"].mkdir()
    shutil.copy(pki.ca_pem, files["unhashed"] / "lab-root.pem")
    files["hashed"].mkdir()
    shutil.copy(pki.ca_pem, files["hashed"] / f"{subject_hash}.0")
    (folder / "empty-folder").mkdir()
    return files


def _store_binds(pki, store: str):
    reason = can_map_hosts()
    if reason or not os.path.exists(OS_BUNDLE):
        pytest.skip(f"no made-up OS store here: {reason or OS_BUNDLE + ' is missing'}")
    bundle = pki.ca_pem if store == STORE_TRUSTS else pki.corp_ca_pem
    return [(bundle, OS_BUNDLE)]


def _variables(ca_files, kinds: dict[str, str]) -> dict[str, str]:
    def path(name: str, kind: str) -> Path:
        if name == DIR and kind == "empty":
            return ca_files["folder"].parent / "empty-folder"
        return ca_files[kind]

    return {name: str(path(name, kind)) for name, kind in kinds.items()}


def _codex_outcome(run) -> str:
    if REFUSED in run.output:
        return SIGNS_IN
    if "selected by" in run.output and "Token exchange failed" in run.output:
        return CA_FILE_ERROR
    if TRANSPORT in run.output:
        return UNTRUSTED
    return f"unexplained: {run.stage} {run.output[-300:]}"


@pytest.mark.parametrize(
    ("store", "kinds", "codex_does", "cause", "named"),
    [r[1:] for r in ROWS],
    ids=[r[0] for r in ROWS],
)
def test_codex_and_the_wizard_agree_on_certificate_settings(
    store, kinds, codex_does, cause, named, codex_ports, openai_via_proxy, ca_files, pki, home
):
    binds = _store_binds(pki, store)
    variables = _variables(ca_files, kinds)
    proxy = openai_via_proxy()
    run = codex_ports.login(
        codex_env(home, HTTPS_PROXY=proxy.url, **variables), launcher=BindLauncher(binds)
    )
    assert run.callback_status is not None, run.output  # the browser step worked every time
    wizard = run_wizard(
        ["diagnose", "--json", "--timeout", "20"],
        clean_env(home, HTTPS_PROXY=proxy.url, **variables),
        timeout=120,
        wrap=partial(bind_argv, binds),
    )
    verdict = wizard.json["verdict"]
    checks = {c["id"]: c for c in wizard.json["checks"]}
    assert checks["codex_probe"]["status"] == "skip"  # the wizard's own reading, not Codex's
    assert (_codex_outcome(run), verdict["cause"]) == (codex_does, cause), verdict
    if named:
        assert verdict["summary"].startswith(named), verdict["summary"]
    if codex_does == CA_FILE_ERROR:
        assert f"selected by {named}" in run.output
        assert checks["ca_env"]["faults"] == ["ca_var_broken"]
