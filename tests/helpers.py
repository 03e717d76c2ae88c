"""Building blocks for tests: an Environment over a temporary home, fakes for OS commands
(fed with recorded real output), and a way to run one check function for real."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from wizard.core.engine import Budget, CheckContext, Shared
from wizard.core.environment import (
    CommandNotFound,
    CommandOutput,
    Environment,
    OsVerdict,
    OsVerifier,
    PortHolder,
    PortInspector,
    ProcessInfo,
    ProcessLauncher,
)
from wizard.core.findings import Findings
from wizard.core.findings.certificates import Handshake, TlsFindings, TrustRow
from wizard.core.model import CheckResult, Outcome, Target
from wizard.core.profile import load_profile
from wizard.platform.launcher import SubprocessLauncher
from wizard.platform.ports import PsutilPortInspector
from wizard.platform.processes import running_processes
from wizard.platform.runner import SubprocessRunner
from wizard.platform.trust_store import BundleTrustStore, system_trust_store

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(*parts: str) -> str:
    """A recorded real command output (see the SOURCES.md beside each fixture)."""
    return FIXTURES.joinpath(*parts).read_text(encoding="utf-8")


def reg_query_user_variable(name: str, value: str) -> str:
    """`reg query HKCU\\Environment /v NAME` answering `value`: the recorded real output's
    shape (env/reg_query_hkcu_environment_path.txt) with NAME in place of Path."""
    return fixture_text("env", "reg_query_hkcu_environment_path.txt").replace(
        "Path    REG_EXPAND_SZ    C:\\app\\bin", f"{name}    REG_SZ    {value}"
    )


@dataclass
class FakeRunner:
    """Answers commands from recorded outputs, keyed by the program's argv; records calls.
    A program not listed behaves as not installed."""

    outputs: dict[tuple[str, ...], CommandOutput | Exception] = field(default_factory=dict)
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def add(
        self, argv: Sequence[str], stdout: str = "", returncode: int = 0, stderr: str = ""
    ) -> None:
        self.outputs[tuple(argv)] = CommandOutput(returncode, stdout, stderr)

    def fail(self, argv: Sequence[str], error: Exception) -> None:
        self.outputs[tuple(argv)] = error

    def run(self, argv: Sequence[str], timeout: float) -> CommandOutput:
        key = tuple(argv)
        self.calls.append(key)
        answer = self.outputs.get(key)
        if answer is None:
            raise CommandNotFound(argv[0])
        if isinstance(answer, Exception):
            raise answer
        return answer


@dataclass
class StaticPorts:
    """Port holders as a Windows or macOS machine reported them (for non-Linux paths)."""

    holders: Mapping[int, list[PortHolder]] = field(default_factory=dict)

    def listeners(self, port: int) -> list[PortHolder]:
        return list(self.holders.get(port, []))


@dataclass
class RecordedOsVerifier:
    """The Windows/macOS verifier, answering what a real machine answered (cite it where the
    answer is written); records whom it was asked about and where the socket it got leads.
    With `hold`, it answers only once that is set (a chain engine still fetching)."""

    platform: str
    answer: OsVerdict | OSError
    asked: list[tuple[str, int]] = field(default_factory=list)
    hold: threading.Event | None = None

    def verify(self, sock: socket.socket, host: str, timeout: float) -> OsVerdict:
        self.asked.append((host, sock.getpeername()[1]))
        if self.hold is not None:
            self.hold.wait(30)
        if isinstance(self.answer, OSError):
            raise self.answer
        return self.answer

    def describe(self) -> str:
        from wizard.platform.os_verifier import NAMES

        return NAMES[self.platform]


def own_processes() -> list[ProcessInfo]:
    """The real process table, narrowed to the programs this test run started (its children
    and theirs): a program named like an account switcher or the Codex app elsewhere on the
    machine (the developer's own, another run's) is not part of a test's world."""
    import psutil

    mine = {p.pid for p in psutil.Process().children(recursive=True)}
    return [p for p in running_processes() if p.pid in mine]


def make_env(
    home: Path,
    variables: Mapping[str, str] | None = None,
    *,
    platform: str = "linux",
    runner: object | None = None,
    ports: PortInspector | None = None,
    os_roots_file: Path | None = None,
    clock: Callable[[], datetime] | None = None,
    launcher: ProcessLauncher | None = None,
    processes: Callable[[], list[ProcessInfo]] | None = own_processes,
    os_verifier: OsVerifier | None = None,
) -> Environment:
    """An Environment over `home`. Real runner, psutil (the programs this run started) and the
    system bundle by default;
    `os_roots_file` stands in for the OS certificate store (e.g. "Windows trusts the corp root"),
    `os_verifier` for the OS's own certificate check (Windows, macOS)."""
    base = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    if platform == "windows":
        base.update(USERPROFILE=str(home), APPDATA=str(home / "AppData" / "Roaming"))
    env_vars = {**base, **(variables or {})}
    kwargs = {"clock": clock} if clock is not None else {}
    runner = runner if runner is not None else SubprocessRunner(env_vars)
    return Environment(
        vars=env_vars,
        home=home,
        platform=platform,
        runner=runner,  # type: ignore[arg-type]
        ports=ports if ports is not None else PsutilPortInspector(),
        trust_store=BundleTrustStore(str(os_roots_file))
        if os_roots_file
        else system_trust_store(platform, runner),  # type: ignore[arg-type]
        launcher=launcher if launcher is not None else SubprocessLauncher(),
        processes=processes,
        os_verifier=os_verifier,
        **kwargs,
    )


def lab_target(
    auth_url: str = "https://auth.openai.com", callback_port: int | None = None
) -> Target:
    return load_profile().target(
        auth_url if auth_url != "https://auth.openai.com" else None, callback_port
    )


def run_check(
    check: Callable[[CheckContext], Outcome],
    env: Environment,
    target: Target | None = None,
    deps: Mapping[str, CheckResult] | None = None,
    timeout_s: float = 5.0,
    shared: Shared | None = None,
    pasted: str = "",
) -> Outcome:
    """Call one check function with a real context (its budget starts now); `pasted` is what
    the person pasted on the Welcome page."""
    import time

    ctx = CheckContext(
        env=env,
        profile=load_profile(),
        target=target or lab_target(),
        budget=Budget(time.monotonic() + timeout_s),
        results=dict(deps or {}),
        shared=shared or Shared(),
        cancel_event=threading.Event(),
        pasted=pasted,
    )
    return check(ctx)


def hash_file_name(pem: Path) -> str:
    """The name OpenSSL looks the certificate in `pem` up by in a folder (`1a2b3c4d.0`, what
    c_rehash names it). Skips the test on a machine without the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to name a c_rehash file")
    argv = ["openssl", "x509", "-hash", "-noout", "-in", str(pem)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return f"{done.stdout.strip()}.0"


def tls_findings(
    trust: Sequence[Mapping[str, object]],
    issuer: str = "Corp Root",
    leaf: Mapping[str, list[str]] | None = None,
    facts: Mapping[str, str] | None = None,
) -> TlsFindings:
    """The secure-connection check's findings with these trust rows (each at least its `id`
    and `trusted`), the handshake's other details left empty."""
    rows = tuple(
        TrustRow(**{"label": str(r["id"]), "origin": "", "roots": 0, "error": None, **r})
        for r in trust
    )
    handshake = Handshake(None, None, (), leaf, issuer, None, rows, "", ())
    return TlsFindings("direct", handshake=handshake, facts=facts or {})


@dataclass(frozen=True, slots=True)
class AsFound(Findings):
    """Findings of any shape, for a test of what reads only their JSON or their facts (the
    verdict rules, the reports): `to_json()` gives `data` back as it is."""

    data: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)

    def cause_facts(self) -> Mapping[str, Any]:
        return self.data.get("facts") or {}
