"""Can Codex save the sign-in once it has it (the diagram's last step, field §1.11)?

Where Codex saves is `cli_auth_credentials_store` in config.toml: "file" (the default:
$CODEX_HOME/auth.json), "keyring" (the system keyring only) or "auto" (the keyring, else the
file). Both places are proven, not assumed: the folder by creating and deleting a file of our
own in it, the keyring by asking whether it is there and unlocked (wizard/platform/keyring.py).
No saved sign-in is ever opened; the real Codex 0.169 fails with "failed to write OAuth tokens
to keyring: Platform secure storage failure: ..." when the keyring is set and missing, and
falls back to auth.json with "auto"."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

from wizard.checks.codex import read_codex_config
from wizard.core.engine import CheckContext
from wizard.core.findings.signin import StoreFindings
from wizard.core.i18n import sentences, tr
from wizard.core.model import Outcome, Status
from wizard.platform.keyring import KeyringState, keyring_state

KEYRING_CAP_S = 3.0
STORE_SETTING = "cli_auth_credentials_store"
_UNREACHABLE = ("absent", "no_session", "no_default")
_STUCK = ("locked", "no_answer")


def probe_folder(folder: Path) -> str | None:
    """None when a file can be created (and is deleted) in `folder`, else why not."""
    try:
        handle, name = tempfile.mkstemp(prefix=".signin-doctor-", dir=folder)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    os.close(handle)
    os.unlink(name)
    return None


def check_credential_store(ctx: CheckContext) -> Outcome:
    env, profile = ctx.env, ctx.profile
    home = env.codex_home()
    config, _error = read_codex_config(home / profile["codex_files"]["config"])
    mode = str((config or {}).get(STORE_SETTING) or "file")
    # Codex creates a missing default ~/.codex; a CODEX_HOME that does not exist stops it
    # before this matters (the saved sign-in check says so).
    folder = home if home.is_dir() else home.parent
    shown = env.display_path(home)
    folder_error = probe_folder(folder)
    keyring: KeyringState | None = None
    if mode in ("keyring", "auto"):
        keyring = keyring_state(env.platform, env.runner, ctx.budget.timeout(KEYRING_CAP_S))
    evidence = StoreFindings(
        mode=mode,
        folder=shown,
        folder_writable=folder_error is None,
        folder_error=folder_error,
        files=tuple(
            name
            for name in (profile["codex_files"]["auth"], "secrets/cli_auth.age")
            if (home / name).is_file()
        ),
        store_writable=False,
        keyring=keyring.to_json() if keyring else None,
        facts={
            "path": shown,
            "error": folder_error or "",
            "backend": keyring.backend if keyring else "",
            "setting": STORE_SETTING,
        },
    )

    file_ok = tr(
        "store",
        "Codex can save the sign-in in {path} (a test file was written and removed there).",
        path=shown,
    )
    file_bad = tr(
        "store",
        "Codex cannot save the sign-in in {path}: {error}.",
        path=shown,
        error=folder_error or "",
    )
    if keyring is None or (mode == "auto" and keyring.state in _UNREACHABLE):
        evidence = replace(evidence, store_writable=folder_error is None)
        fallback = (
            tr(
                "store",
                "The system keyring ({backend}) is not there, so Codex uses the file instead.",
                backend=keyring.backend,
            )
            if keyring
            else ""
        )
        if folder_error is None:
            return Outcome(Status.PASS, sentences(file_ok, fallback), evidence)
        return Outcome(
            Status.FAIL, sentences(file_bad, fallback), evidence, ("codex_home_not_writable",)
        )

    backend = keyring.backend
    if keyring.state == "available":
        evidence = replace(evidence, store_writable=True)
        return Outcome(
            Status.PASS,
            tr(
                "store",
                "Codex saves the sign-in in the system keyring ({backend}), which is there and "
                "unlocked.",
                backend=backend,
            ),
            evidence,
        )
    if keyring.state == "not_tested":
        evidence = replace(evidence, store_writable=None)
        return Outcome(
            Status.SKIP,
            tr(
                "store",
                "Codex saves the sign-in in the system keyring ({backend}); this tool does not "
                "ask it, since asking can open a password prompt.",
                backend=backend,
            ),
            evidence,
        )
    if keyring.state in _STUCK:
        summary = (
            tr(
                "store",
                "The system keyring ({backend}) is locked, so Codex may wait for it to be "
                "unlocked when it saves the sign-in.",
                backend=backend,
            )
            if keyring.state == "locked"
            else tr(
                "store",
                "The system keyring ({backend}) does not answer, so Codex can hang when it "
                "saves the sign-in.",
                backend=backend,
            )
        )
        return Outcome(Status.FAIL, summary, evidence, ("keyring_locked",))
    if keyring.state in _UNREACHABLE:
        return Outcome(
            Status.FAIL,
            tr(
                "store",
                "Codex is set to save the sign-in only in the system keyring ({backend}), but "
                "there is none to use here.",
                backend=backend,
            ),
            evidence,
            ("keyring_unavailable",),
        )
    evidence = replace(evidence, store_writable=None)
    return Outcome(
        Status.WARN,
        tr(
            "store",
            "The system keyring ({backend}) gave an answer this tool does not understand: {detail}",
            backend=backend,
            detail=keyring.detail,
        ),
        evidence,
    )
