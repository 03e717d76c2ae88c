"""The real Codex CLI (npm @openai/codex, pinned in the Makefile): the lab's oracle.

Where the wizard and the real client disagree about a condition, the wizard is wrong, so the
lab asks the client. `make test` installs it into a cache and names it in
SIGNIN_DOCTOR_LAB_CODEX. It always talks to https://auth.openai.com (0.169 ignores
--experimental_issuer), so the lab reaches it in one of two ways: a lab proxy whose
`upstream_map` sends auth.openai.com:443 to a lab server with an auth.openai.com certificate
(`openai_via_proxy`), or, for the direct route, a private /etc/hosts in a mount namespace and a
lab server on 127.0.0.1:443 (tests/lab/hosts.py). Codex then trusts the lab root through
CODEX_CA_CERTIFICATE or SSL_CERT_FILE, exactly as a user's would trust a company root.

It always listens on 1455 (fallback 1457): every user of it holds PORTS_LOCK, so parallel
test runs on one machine take turns."""

from __future__ import annotations

import fcntl
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from wizard.checks.codex_probe import (
    LOGIN_ARGS,
    NO_OP_BROWSER,
    LoginRun,
    call_back,
    redirect_and_state,
    run_login,
    wait_for_authorize_url,
)
from wizard.core.engine import Budget
from wizard.core.environment import ProcessLauncher, RunningProcess
from wizard.platform.launcher import SubprocessLauncher

CODEX_VERSION = "0.169.0"
PORTS_LOCK = Path(tempfile.gettempdir()) / "signin-doctor-codex-ports.lock"
DEFAULT_CACHE = Path.home() / ".cache" / "signin-doctor" / f"codex-{CODEX_VERSION}"
ATTEMPT_BUDGET_S = 40.0  # Codex retries a failed exchange through the system proxy (10 s)


def lab_codex_binary() -> Path | None:
    """The native codex binary of the pinned npm install, if it is there."""
    root = Path(os.environ.get("SIGNIN_DOCTOR_LAB_CODEX") or DEFAULT_CACHE)
    found = sorted(root.glob("node_modules/@openai/codex-*/vendor/*/bin/codex"))
    return found[0] if found else None


def lab_codex_command() -> Path | None:
    """`codex` as npm installs it for a user: the package's Node launcher (bin/codex.js),
    which starts the native binary."""
    root = Path(os.environ.get("SIGNIN_DOCTOR_LAB_CODEX") or DEFAULT_CACHE)
    launcher = root / "node_modules" / ".bin" / "codex"
    return launcher if launcher.exists() else None


@contextmanager
def ports_lock() -> Iterator[None]:
    """Only one real Codex at a time on this machine (it needs 1455 and 1457)."""
    with PORTS_LOCK.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def codex_env(home: Path, **extra: str) -> dict[str, str]:
    """What a user's Codex runs with: a home of its own and no proxy or CA variables of this
    machine; `extra` adds the condition under test."""
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "CODEX_HOME": str(home / ".codex"),
        **extra,
    }


def run_codex(
    home: Path, *args: str, stdin: str = "", **variables: str
) -> subprocess.CompletedProcess[str]:
    """One real `codex` command (e.g. `login status`) in `home`'s lab environment plus
    `variables`; the test is skipped where the pinned Codex is not cached."""
    binary = lab_codex_binary()
    if binary is None:
        pytest.skip("the real Codex CLI is not cached here")
    return subprocess.run(
        [str(binary), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=codex_env(home, **variables),
        timeout=30,
        check=False,
    )


@dataclass(frozen=True)
class WaitingLogin:
    """A real `codex login` that printed its sign-in address and waits for the browser."""

    process: RunningProcess
    redirect_uri: str
    state: str

    def waiting(self) -> bool:
        return self.process.wait(0) is None

    def finish(self, code: str, budget_s: float = ATTEMPT_BUDGET_S) -> int | None:
        """The browser's return with `code`: the callback's HTTP status; Codex then ends."""
        budget = Budget(time.monotonic() + budget_s)
        status = call_back(self.redirect_uri, code, self.state, budget)
        self.process.wait(budget.timeout())
        return status


@dataclass(frozen=True)
class LabCodex:
    binary: Path
    version: str = CODEX_VERSION

    @property
    def folder(self) -> str:
        """For PATH: the folder that holds `codex`."""
        return str(self.binary.parent)

    def login(
        self,
        env: Mapping[str, str],
        launcher: ProcessLauncher | None = None,
        budget_s: float = ATTEMPT_BUDGET_S,
    ) -> LoginRun:
        """One real `codex login` whose callback gets a made-up code: what the client does
        under `env` (its CODEX_HOME is only read, for config.toml and .env)."""
        source = Path(env.get("CODEX_HOME") or Path(env["HOME"]) / ".codex")
        return run_login(
            launcher or SubprocessLauncher(),
            str(self.binary),
            env,
            source,
            Budget(time.monotonic() + budget_s),
        )

    @contextmanager
    def waiting(
        self, env: Mapping[str, str], launcher: ProcessLauncher | None = None
    ) -> Iterator[WaitingLogin]:
        """A `codex login` left waiting in `env`'s own CODEX_HOME (it writes its log there),
        ended when the block ends."""
        Path(env["CODEX_HOME"]).mkdir(parents=True, exist_ok=True)
        budget = Budget(time.monotonic() + ATTEMPT_BUDGET_S)
        process = (launcher or SubprocessLauncher()).start(
            [str(self.binary), *LOGIN_ARGS], {**env, "BROWSER": NO_OP_BROWSER}
        )
        try:
            url = wait_for_authorize_url(process, budget)
            assert url is not None, process.output()
            redirect, state = redirect_and_state(url)
            assert redirect is not None, url
            yield WaitingLogin(process, redirect, state)
        finally:
            process.kill()
