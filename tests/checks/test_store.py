"""check_credential_store on folders of this machine (the keyring cases are in
tests/lab/test_credential_store.py, the real read-only folder there too)."""

from __future__ import annotations

import os

import pytest

from tests.helpers import make_env, run_check
from tests.lab.home import LabHome
from wizard.checks.store import check_credential_store
from wizard.core.model import Status


def test_a_home_that_cannot_hold_the_codex_folder_is_not_writable(tmp_path):
    # ~/.codex cannot be created where ~ itself does not exist (root ignores file modes).
    outcome = run_check(check_credential_store, make_env(tmp_path / "no-such-home"))
    assert (outcome.status, outcome.faults) == (Status.FAIL, ("codex_home_not_writable",))
    assert outcome.evidence["store_writable"] is False
    assert outcome.evidence["folder_error"] == "No such file or directory"


def test_the_default_file_store_is_proven_by_writing(home):
    LabHome(home).codex_home()
    outcome = run_check(check_credential_store, make_env(home))
    assert (outcome.status, outcome.faults) == (Status.PASS, ())
    assert outcome.evidence["store_writable"] is True
    assert list((home / ".codex").iterdir()) == []  # nothing left behind


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores file modes")
def test_read_only_codex_home_is_not_writable(home):
    codex_home = LabHome(home).codex_home()
    codex_home.chmod(0o500)
    try:
        outcome = run_check(check_credential_store, make_env(home))
    finally:
        codex_home.chmod(0o700)
    assert outcome.faults == ("codex_home_not_writable",)


def test_macos_keyring_is_not_asked(home):
    LabHome(home).config_toml('cli_auth_credentials_store = "keyring"\n')
    outcome = run_check(check_credential_store, make_env(home, platform="darwin"))
    assert (outcome.status, outcome.faults) == (Status.SKIP, ())
    assert outcome.evidence["keyring"]["state"] == "not_tested"
    assert outcome.evidence["store_writable"] is None
