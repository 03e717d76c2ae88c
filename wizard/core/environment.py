"""The world as checks see it. Checks read env vars, files, processes and commands only
through an `Environment`, so a Windows code path runs on Linux with a fake runner and a
fake home, and tests point the whole tool at a temporary home and a lab proxy."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePath, PureWindowsPath
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import socket


class CommandNotFound(Exception):
    """The program is not installed (or not on PATH) on this machine."""


@dataclass(frozen=True)
class CommandOutput:
    returncode: int
    stdout: str
    stderr: str


class CommandRunner(Protocol):
    def run(self, argv: Sequence[str], timeout: float) -> CommandOutput:
        """Run a program without a shell. Raises CommandNotFound, or TimeoutError."""


@dataclass(frozen=True)
class PortHolder:
    """A process listening on a local TCP port. Unknown fields are None (no privileges)."""

    port: int
    address: str
    pid: int | None
    name: str | None
    exe: str | None
    username: str | None


@dataclass(frozen=True)
class ProcessInfo:
    """A running program: its process name and program file (None when hidden)."""

    pid: int
    name: str
    exe: str | None


class PortInspector(Protocol):
    def listeners(self, port: int) -> list[PortHolder]:
        """Processes listening on `port` on any local address."""


class RunningProcess(Protocol):
    """A program started by a `ProcessLauncher`, its output read line by line."""

    def read_line(self, timeout: float) -> str | None:
        """The next line of output (stdout and stderr together), or None when the program
        has closed its output or nothing came within `timeout` seconds."""

    def output(self) -> str:
        """Everything the program printed so far."""

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None if it is still running after `timeout` seconds."""

    def kill(self) -> None:
        """End the program (and what it started) if it still runs."""


class ProcessLauncher(Protocol):
    def start(self, argv: Sequence[str], env: Mapping[str, str]) -> RunningProcess:
        """Start a program without a shell, with exactly `env`. Raises CommandNotFound."""


class OsTrustStore(Protocol):
    def certificates(self) -> list[bytes]:
        """DER certificates the operating system trusts as roots for TLS servers."""

    def describe(self) -> str:
        """Where the roots come from, for the evidence (e.g. a bundle path)."""

    def lookup_folder(self) -> str | None:
        """A folder OpenSSL finds every root of the last `certificates()` in, if there is one."""


@dataclass(frozen=True)
class OsVerdict:
    """What the operating system's own certificate check said about a server."""

    trusted: bool
    error: str | None = None  # the OS's words, verbatim (e.g. Windows' CERT_E_UNTRUSTEDROOT text)
    code: int | None = None  # the OS's error code (a Windows HRESULT, a macOS OSStatus)


class OsVerifier(Protocol):
    """The operating system's verifier (Windows CryptoAPI, macOS Security framework), asked
    through a real TLS handshake: the roots it trusts are more than any list of them shows."""

    def verify(self, sock: socket.socket, host: str, timeout: float) -> OsVerdict:
        """Do the handshake for `host` on the connected `sock` (sending no application data)
        and say whether the OS trusts the server. Raises OSError when the handshake itself
        fails for another reason than the certificate."""

    def describe(self) -> str:
        """Which verifier this is, for the evidence."""


@dataclass(frozen=True)
class Environment:
    vars: Mapping[str, str]
    home: Path
    platform: str  # "linux" | "windows" | "darwin"
    runner: CommandRunner
    ports: PortInspector
    trust_store: OsTrustStore
    # The OS's own certificate check (Windows, macOS); None: the enumerated store is the
    # computer's trust (Linux, where it is the distribution's bundle).
    os_verifier: OsVerifier | None = None
    clock: _Clock = field(default_factory=lambda: _system_clock)
    # Starts long-running programs (the user's own Codex for `codex_probe`); None = not here.
    launcher: ProcessLauncher | None = None
    # Where system files such as /.dockerenv are looked up (tests point it at a folder).
    system_root: Path = Path("/")
    # Whether this computer has a way onto a network at all (None: cannot tell).
    route_out: Callable[[], bool | None] = field(default=lambda: None)
    # The programs running now (None: this environment cannot list them).
    processes: Callable[[], list[ProcessInfo]] | None = None

    def now(self) -> datetime:
        return self.clock()

    def get(self, name: str) -> str | None:
        """An env var; on Windows names are case-insensitive."""
        if name in self.vars:
            return self.vars[name]
        if self.platform == "windows":
            upper = name.upper()
            for key, value in self.vars.items():
                if key.upper() == upper:
                    return value
        return None

    def path(self, value: str) -> Path:
        """A path from a variable or config, with ~ expanded against this environment's home."""
        if value == "~" or value.startswith(("~/", "~\\")):
            return self.home / value[2:]
        return Path(value)

    def codex_home(self) -> Path:
        value = self.get("CODEX_HOME")
        return self.path(value) if value else self.home / ".codex"

    def config_dirs(self) -> dict[str, Path]:
        """Per-user application-data roots: Windows %APPDATA%, macOS Application Support,
        Linux $XDG_CONFIG_HOME."""
        if self.platform == "windows":
            appdata = self.get("APPDATA")
            return {"appdata": Path(appdata) if appdata else self.home / "AppData" / "Roaming"}
        if self.platform == "darwin":
            return {"appdata": self.home / "Library" / "Application Support"}
        xdg = self.get("XDG_CONFIG_HOME")
        return {"appdata": Path(xdg) if xdg else self.home / ".config"}

    def which(self, program: str) -> str | None:
        return shutil.which(program, path=self.get("PATH"))

    def display_path(self, path: PurePath | str) -> str:
        """A path for humans and reports: the home folder shown as ~ (hides the user name)."""
        text = str(path)
        home = str(self.home)
        if home and (text == home or text.startswith(home.rstrip("/\\") + os.sep)):
            return "~" + text[len(home.rstrip("/\\")) :]
        if self.platform == "windows":
            win = PureWindowsPath(text)
            if str(win).lower().startswith(str(PureWindowsPath(home)).lower()):
                return "~" + str(win)[len(str(PureWindowsPath(home))) :]
        return text


class _Clock(Protocol):
    def __call__(self) -> datetime: ...


def _system_clock() -> datetime:
    return datetime.now(UTC)
