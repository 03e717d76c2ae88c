"""Certificate settings: each CA variable checked against real files in a temporary home."""

from __future__ import annotations

import os

import pytest

from tests.helpers import FIXTURES, make_env, run_check
from wizard.checks.ca_env import check_ca_env
from wizard.core.model import Status
from wizard.fixes.ca_bundle import BUNDLE_NAME
from wizard.platform.paths import user_data_dir

ROOT_PEM = (FIXTURES / "trust" / "simplemdm-root.pem").read_text()


def _dotenv(home, text: str) -> None:
    (home / ".codex").mkdir(exist_ok=True)
    (home / ".codex" / ".env").write_text(text)


def test_nothing_set_passes(home):
    outcome = run_check(check_ca_env, make_env(home))
    assert outcome.status is Status.PASS
    assert (
        outcome.summary == "No certificate settings; Codex uses this computer's certificate store."
    )
    assert outcome.faults == ()
    assert set(outcome.evidence["variables"]) == {
        "CODEX_CA_CERTIFICATE",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "NODE_EXTRA_CA_CERTS",
    }
    assert all(v["set"] is False for v in outcome.evidence["variables"].values())


def test_empty_codex_ca_certificate_counts_as_unset(home):
    outcome = run_check(check_ca_env, make_env(home, {"CODEX_CA_CERTIFICATE": ""}))
    assert outcome.status is Status.PASS
    assert outcome.evidence["variables"]["CODEX_CA_CERTIFICATE"]["set"] is False


def test_valid_codex_ca_certificate_passes(home):
    (home / "corp.pem").write_text(ROOT_PEM)
    outcome = run_check(
        check_ca_env, make_env(home, {"CODEX_CA_CERTIFICATE": str(home / "corp.pem")})
    )
    assert outcome.status is Status.PASS
    assert (
        outcome.summary == "Your certificate settings point at valid files (CODEX_CA_CERTIFICATE)."
    )
    assert outcome.evidence["variables"]["CODEX_CA_CERTIFICATE"] == {
        "set": True,
        "path": "~/corp.pem",
        "exists": True,
        "readable": True,
        "is_dir": False,
        "certificates": 1,
        "problem": None,
        "source": "environment",
    }


def test_trusted_certificate_label_is_accepted_like_codex_does(home):
    (home / "corp.pem").write_text(ROOT_PEM.replace("CERTIFICATE-----", "TRUSTED CERTIFICATE-----"))
    outcome = run_check(
        check_ca_env, make_env(home, {"CODEX_CA_CERTIFICATE": str(home / "corp.pem")})
    )
    assert outcome.status is Status.PASS
    assert outcome.evidence["variables"]["CODEX_CA_CERTIFICATE"]["certificates"] == 1


def _broken(home, variable: str, make) -> object:
    path = make(home)
    return run_check(check_ca_env, make_env(home, {variable: str(path)}))


def _missing(home):
    return home / "missing.pem"


def _folder(home):
    (home / "certs").mkdir()
    return home / "certs"


def _text(home):
    (home / "notes.pem").write_text("these are not the certificates you are looking for\n")
    return home / "notes.pem"


def _empty(home):
    (home / "empty.pem").write_bytes(b"")
    return home / "empty.pem"


@pytest.mark.parametrize(
    ("make", "shown", "problem"),
    [
        (_missing, "~/missing.pem", "the file does not exist"),
        (_folder, "~/certs", "it is a folder, not a file"),
        (_text, "~/notes.pem", "it holds no PEM certificate"),
        (_empty, "~/empty.pem", "it holds no PEM certificate"),
    ],
)
@pytest.mark.parametrize("variable", ["CODEX_CA_CERTIFICATE", "SSL_CERT_FILE"])
def test_broken_ca_file_fails(home, variable, make, shown, problem):
    outcome = _broken(home, variable, make)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("ca_var_broken",)
    assert outcome.summary == f"{variable} points at {shown}, but {problem}."
    assert outcome.evidence["facts"] == {
        "variable": variable,
        "variable_name": variable,
        "path": shown,
        "problem": problem,
    }
    assert outcome.evidence["variables"][variable]["problem"] == problem


def test_unreadable_file_fails(home):
    path = home / "locked.pem"
    path.write_text(ROOT_PEM)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip(
                "running as root (or with CAP_DAC_OVERRIDE): a mode-000 file is still readable"
            )
        outcome = run_check(check_ca_env, make_env(home, {"CODEX_CA_CERTIFICATE": str(path)}))
    finally:
        path.chmod(0o600)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("ca_var_broken",)
    assert outcome.evidence["facts"]["problem"] == "it cannot be read"
    assert outcome.evidence["variables"]["CODEX_CA_CERTIFICATE"]["readable"] is False


def test_unreadable_path_fails_even_for_root(home):
    # A symlink loop cannot be read by anybody (ELOOP), so this case also runs as root.
    loop = home / "loop.pem"
    loop.symlink_to(loop)
    outcome = run_check(check_ca_env, make_env(home, {"CODEX_CA_CERTIFICATE": str(loop)}))
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("ca_var_broken",)
    assert outcome.summary == "CODEX_CA_CERTIFICATE points at ~/loop.pem, but it cannot be read."


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"])
def test_a_broken_file_codex_does_not_read_only_warns(home, variable):
    outcome = _broken(home, variable, _missing)
    assert outcome.status is Status.WARN
    assert outcome.faults == ()
    assert outcome.summary == (
        f"{variable} points at ~/missing.pem, but the file does not exist "
        "(Codex ignores it, other tools may not)."
    )


@pytest.mark.parametrize("make", [_missing, _folder, _text, _empty])
def test_a_broken_ssl_cert_file_beside_a_good_codex_ca_certificate_only_warns(home, make):
    # Real Codex 0.169 signs in: CODEX_CA_CERTIFICATE is its CA file, not SSL_CERT_FILE.
    (home / "corp.pem").write_text(ROOT_PEM)
    variables = {"CODEX_CA_CERTIFICATE": str(home / "corp.pem"), "SSL_CERT_FILE": str(make(home))}
    outcome = run_check(check_ca_env, make_env(home, variables))
    assert (outcome.status, outcome.faults) == (Status.WARN, ())
    assert outcome.summary.endswith(
        "(Codex uses CODEX_CA_CERTIFICATE, but this setting keeps it from using this "
        "computer's store)."
    )


def test_only_the_ca_file_codex_uses_is_blamed(home):
    (home / "bundle.pem").write_text(ROOT_PEM)
    env = make_env(
        home,
        {"CODEX_CA_CERTIFICATE": str(home / "a.pem"), "SSL_CERT_FILE": str(home / "bundle.pem")},
    )
    outcome = run_check(check_ca_env, env)
    assert outcome.faults == ("ca_var_broken",)
    assert outcome.summary == "CODEX_CA_CERTIFICATE points at ~/a.pem, but the file does not exist."


def test_valid_ssl_cert_file_warns_that_it_replaces_the_store(home):
    (home / "bundle.pem").write_text(ROOT_PEM)
    outcome = run_check(check_ca_env, make_env(home, {"SSL_CERT_FILE": str(home / "bundle.pem")}))
    assert outcome.status is Status.WARN
    assert outcome.summary == "SSL_CERT_FILE replaces your computer's certificate store for Codex."
    assert outcome.faults == ()


def test_ssl_cert_file_from_codex_dotenv_counts(home):
    (home / "bundle.pem").write_text(ROOT_PEM)
    _dotenv(
        home, f"SSL_CERT_FILE={home / 'bundle.pem'}\nCODEX_CA_CERTIFICATE={home / 'nope.pem'}\n"
    )
    outcome = run_check(check_ca_env, make_env(home))
    assert outcome.status is Status.WARN
    assert outcome.summary == (
        "SSL_CERT_FILE (in ~/.codex/.env) replaces your computer's certificate store for Codex."
    )
    variables = outcome.evidence["variables"]
    assert variables["SSL_CERT_FILE"]["source"] == ".env"
    assert variables["CODEX_CA_CERTIFICATE"]["set"] is False  # Codex ignores CODEX_* in .env


def test_broken_ssl_cert_file_in_dotenv_fails_and_says_where(home):
    _dotenv(home, 'SSL_CERT_FILE="~/old/bundle.pem"\n')
    outcome = run_check(check_ca_env, make_env(home))
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("ca_var_broken",)
    assert outcome.evidence["facts"]["variable"] == "SSL_CERT_FILE (in ~/.codex/.env)"
    assert outcome.evidence["facts"]["variable_name"] == "SSL_CERT_FILE"
    assert outcome.evidence["facts"]["path"] == "~/old/bundle.pem"


def test_environment_wins_over_dotenv(home):
    (home / "bundle.pem").write_text(ROOT_PEM)
    _dotenv(home, "SSL_CERT_FILE=/nowhere.pem\n")
    outcome = run_check(check_ca_env, make_env(home, {"SSL_CERT_FILE": str(home / "bundle.pem")}))
    assert outcome.status is Status.WARN
    assert outcome.evidence["variables"]["SSL_CERT_FILE"]["source"] == "environment"


def _pem_file(home):
    (home / "f.pem").write_text(ROOT_PEM)
    return home / "f.pem"


@pytest.mark.parametrize(
    ("make", "problem"),
    [(_missing, "the folder does not exist"), (_pem_file, "it is a file, not a folder")],
)
def test_without_a_ca_file_a_broken_ssl_cert_dir_only_warns(home, make, problem):
    # Real Codex 0.169 signs in with its OS store: without a CA file SSL_CERT_DIR only adds.
    outcome = run_check(check_ca_env, make_env(home, {"SSL_CERT_DIR": str(make(home))}))
    assert (outcome.status, outcome.faults) == (Status.WARN, ())
    assert outcome.evidence["variables"]["SSL_CERT_DIR"]["problem"] == problem
    assert outcome.summary.endswith("(Codex ignores it and uses this computer's store).")


def test_with_a_ca_file_a_broken_ssl_cert_dir_warns_that_the_store_is_gone(home):
    (home / "corp.pem").write_text(ROOT_PEM)
    variables = {"CODEX_CA_CERTIFICATE": str(home / "corp.pem"), "SSL_CERT_DIR": str(home / "no")}
    outcome = run_check(check_ca_env, make_env(home, variables))
    assert (outcome.status, outcome.faults) == (Status.WARN, ())
    assert outcome.summary == (
        "SSL_CERT_DIR points at ~/no, but the folder does not exist (Codex uses "
        "CODEX_CA_CERTIFICATE, but this setting keeps it from using this computer's store)."
    )


def test_without_a_ca_file_hashed_files_in_ssl_cert_dir_add_to_the_store(home):
    (home / "certs").mkdir()
    (home / "certs" / "1a2b3c4d.0").write_text(ROOT_PEM)
    outcome = run_check(check_ca_env, make_env(home, {"SSL_CERT_DIR": str(home / "certs")}))
    assert outcome.status is Status.PASS
    assert outcome.summary == "Your certificate settings point at valid files (SSL_CERT_DIR)."
    assert outcome.evidence["variables"]["SSL_CERT_DIR"]["certificates"] == 1


def test_with_a_ca_file_every_file_in_ssl_cert_dir_replaces_the_store(home):
    (home / "certs").mkdir()
    (home / "certs" / "corp.pem").write_text(ROOT_PEM)
    variables = {"CODEX_CA_CERTIFICATE": str(home / "certs" / "corp.pem")}
    outcome = run_check(
        check_ca_env, make_env(home, {**variables, "SSL_CERT_DIR": str(home / "certs")})
    )
    assert outcome.status is Status.WARN
    assert outcome.summary == "SSL_CERT_DIR replaces your computer's certificate store for Codex."
    assert outcome.evidence["variables"]["SSL_CERT_DIR"]["certificates"] == 1


def test_ssl_cert_dir_without_hashed_files_is_ignored_by_codex(home):
    (home / "certs").mkdir()
    (home / "certs" / "corp.pem").write_text(ROOT_PEM)
    outcome = run_check(check_ca_env, make_env(home, {"SSL_CERT_DIR": str(home / "certs")}))
    assert outcome.status is Status.WARN
    assert outcome.faults == ()
    assert outcome.summary == (
        "SSL_CERT_DIR points at ~/certs, but it holds no certificate files named the way OpenSSL "
        "expects (like 1a2b3c4d.0) (Codex ignores it and uses this computer's store)."
    )


def test_the_certificate_file_the_fix_made_replaces_nothing(home):
    env = make_env(home)
    bundle = user_data_dir(env) / BUNDLE_NAME
    bundle.parent.mkdir(parents=True)
    bundle.write_text(ROOT_PEM)
    outcome = run_check(check_ca_env, make_env(home, {"SSL_CERT_FILE": str(bundle)}))
    assert (outcome.status, outcome.faults) == (Status.PASS, ())
    assert outcome.summary == (
        "SSL_CERT_FILE points at the certificate file Sign-in Doctor made for Codex: this "
        "computer's roots, the public roots and your organisation's."
    )
