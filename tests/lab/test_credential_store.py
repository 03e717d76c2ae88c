"""The store step for real: a private session D-Bus with no keyring, a locked one and one that
never answers (tests/lab/secret_service.py), a Codex folder that is really read-only (a
read-only bind mount in a mount namespace of its own), and the real Codex 0.169 saving a
sign-in (`codex login --with-api-key`, no network) under the same conditions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import make_env, run_check
from tests.lab import secret_service
from tests.lab.codex_cli import codex_env, lab_codex_binary, run_codex
from wizard.checks.store import check_credential_store

pytestmark = pytest.mark.skipif(
    not secret_service.available(), reason="needs dbus-daemon, busctl and system dbus-python"
)
NO_BUS = "unix:path=/nonexistent/signin-doctor-bus"
LAB_KEY = "sk-lab-not-a-key"


def _store(home: Path, mode: str) -> None:
    codex_home = home / ".codex"
    codex_home.mkdir(exist_ok=True)
    (codex_home / "config.toml").write_text(f'cli_auth_credentials_store = "{mode}"\n')


def _check(home: Path, bus: str):
    return run_check(check_credential_store, make_env(home, {"DBUS_SESSION_BUS_ADDRESS": bus}))


def _codex_saves(home: Path, bus: str) -> subprocess.CompletedProcess[str]:
    return run_codex(
        home, "login", "--with-api-key", stdin=LAB_KEY + "\n", DBUS_SESSION_BUS_ADDRESS=bus
    )


def test_keyring_only_without_a_session_bus_fails_like_codex(home):
    _store(home, "keyring")
    outcome = _check(home, NO_BUS)
    assert outcome.faults == ("keyring_unavailable",)
    assert outcome.evidence["keyring"]["state"] == "no_session"
    assert outcome.evidence["keyring"]["detail"].startswith("Failed to connect to bus")
    assert outcome.summary == (
        "Codex is set to save the sign-in only in the system keyring (Secret Service), but "
        "there is none to use here."
    )
    codex = _codex_saves(home, NO_BUS)
    assert codex.returncode == 1
    assert "failed to write OAuth tokens to keyring" in codex.stderr
    assert not (home / ".codex" / "auth.json").exists()


def test_keyring_only_with_no_secret_service_on_the_bus(home):
    _store(home, "keyring")
    with secret_service.session_bus() as bus:
        outcome = _check(home, bus.address)
        codex = _codex_saves(home, bus.address)
    assert outcome.faults == ("keyring_unavailable",)
    assert outcome.evidence["keyring"]["state"] == "absent"
    assert codex.returncode == 1
    assert "org.freedesktop.secrets was not provided by any .service files" in codex.stderr


def test_auto_falls_back_to_the_file_as_codex_does(home):
    _store(home, "auto")
    outcome = _check(home, NO_BUS)
    assert (outcome.status.value, outcome.faults) == ("pass", ())
    assert outcome.evidence["store_writable"] is True
    assert outcome.summary == (
        "Codex can save the sign-in in ~/.codex (a test file was written and removed there). "
        "The system keyring (Secret Service) is not there, so Codex uses the file instead."
    )
    assert list((home / ".codex").glob(".signin-doctor-*")) == []  # the test file is gone
    codex = _codex_saves(home, NO_BUS)
    assert codex.returncode == 0, codex.stderr
    assert (home / ".codex" / "auth.json").is_file()
    after = _check(home, NO_BUS)
    assert after.evidence["files"] == ["auth.json"]
    assert LAB_KEY not in repr(after)  # the saved key is never read


@pytest.mark.parametrize(
    ("mode", "state", "summary"),
    [
        (
            "locked",
            "locked",
            "The system keyring (Secret Service) is locked, so Codex may wait for it to be "
            "unlocked when it saves the sign-in.",
        ),
        (
            "silent",
            "no_answer",
            "The system keyring (Secret Service) does not answer, so Codex can hang when it "
            "saves the sign-in.",
        ),
    ],
)
@pytest.mark.parametrize("store", ["keyring", "auto"])
def test_a_locked_or_hung_keyring_is_a_fault(home, mode, state, summary, store):
    _store(home, store)
    with secret_service.session_bus() as bus, bus.secret_service(mode):
        outcome = _check(home, bus.address)
    assert (outcome.status.value, outcome.faults) == ("fail", ("keyring_locked",))
    assert outcome.evidence["keyring"]["state"] == state
    assert outcome.summary == summary


def test_an_unlocked_keyring_passes(home):
    _store(home, "keyring")
    with secret_service.session_bus() as bus, bus.secret_service("unlocked"):
        outcome = _check(home, bus.address)
    assert (outcome.status.value, outcome.faults) == ("pass", ())
    assert outcome.evidence["store_writable"] is True


def test_the_file_store_does_not_ask_the_keyring(home):
    outcome = _check(home, NO_BUS)
    assert (outcome.status.value, outcome.evidence["mode"]) == ("pass", "file")
    assert "keyring" not in outcome.evidence


# --- a Codex folder that really cannot be written ---------------------------------------

_CHECK_JSON = """
import json, sys
from pathlib import Path
from tests.helpers import make_env, run_check
from wizard.checks.store import check_credential_store
outcome = run_check(check_credential_store, make_env(Path(sys.argv[1])))
print(json.dumps({"status": outcome.status.value, "faults": outcome.faults,
                  "summary": outcome.summary, "evidence": outcome.evidence}))
"""


def _read_only(folder: Path, *argv: str, stdin: str = "", env=None):
    """Run argv with `folder` bind-mounted read-only (a mount namespace of its own)."""
    script = (
        f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && exec "$@"'
    )
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=Path(__file__).parents[2],
    )


def test_a_read_only_codex_folder_is_proven_not_writable(home):
    codex_home = home / ".codex"
    codex_home.mkdir()
    probe = _read_only(codex_home, "true")
    if probe.returncode != 0:
        pytest.skip("cannot make a read-only bind mount here: " + probe.stderr.strip())
    run = _read_only(codex_home, sys.executable, "-c", _CHECK_JSON, str(home))
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout)
    assert (outcome["status"], outcome["faults"]) == ("fail", ["codex_home_not_writable"])
    assert outcome["evidence"]["folder_error"] == "Read-only file system"
    assert outcome["summary"] == (
        "Codex cannot save the sign-in in ~/.codex: Read-only file system."
    )
    binary = lab_codex_binary()
    if binary is None:
        pytest.skip("the real Codex CLI is not cached here")
    codex = _read_only(
        codex_home,
        str(binary),
        "login",
        "--with-api-key",
        stdin=LAB_KEY + "\n",
        env=codex_env(home),
    )
    assert codex.returncode == 1
    assert "Error logging in: Read-only file system (os error 30)" in codex.stderr
