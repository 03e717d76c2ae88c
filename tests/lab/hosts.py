"""Private system files for one program: the direct route to auth.openai.com, a made-up OS
certificate store.

A program started through `BindLauncher` (or `bind_argv`) runs in a private mount namespace
where the given files are bind-mounted over system ones. `HostsLauncher` / `hosts_argv` put a
/etc/hosts there that maps the sign-in hosts to 127.0.0.1, so the program resolves and connects
the way it would to the real host - no proxy involved - and lands on a lab server listening on
127.0.0.1:443; `OS_BUNDLE` is the Linux certificate store that Codex and the wizard both read.
Nothing outside that process sees the mounts. Needs root and `unshare` (the lab machines and
CI have both)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from wizard.platform.launcher import LaunchedProcess, SubprocessLauncher

MAPPED_HOSTS = ("auth.openai.com", "chatgpt.com", "status.openai.com")
OS_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
_BIND = (
    'while [ "$1" != -- ]; do mount --bind "$1" "$2" || exit 99; shift 2; done; shift; exec "$@"'
)
Binds = Sequence[tuple[Path, str]]  # (our file, the system path it covers)


def diagnose_the_real_host(callback_port: int) -> list[str]:
    """`diagnose --json` against the real auth host's name, which a private /etc/hosts maps."""
    return [
        "diagnose",
        "--json",
        "--auth-url",
        "https://auth.openai.com",
        "--callback-port",
        str(callback_port),
        "--timeout",
        "8",
    ]


def can_map_hosts() -> str | None:
    """None when this machine can run the direct route, else why not."""
    if os.geteuid() != 0:
        return "mapping hosts needs root"
    if shutil.which("unshare") is None:
        return "no unshare command"
    return None


def write_hosts(folder: Path) -> Path:
    path = folder / "hosts"
    lines = ["127.0.0.1 localhost", "::1 localhost ip6-localhost"]
    lines += [f"127.0.0.1 {host}" for host in MAPPED_HOSTS]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def bind_argv(binds: Binds, argv: Sequence[str]) -> list[str]:
    pairs = [part for ours, system in binds for part in (str(ours), system)]
    return ["unshare", "--mount", "sh", "-c", _BIND, "sh", *pairs, "--", *argv]


def hosts_argv(hosts: Path, argv: Sequence[str]) -> list[str]:
    return bind_argv([(hosts, "/etc/hosts")], argv)


class BindLauncher(SubprocessLauncher):
    def __init__(self, binds: Binds) -> None:
        self.binds = tuple(binds)

    def start(self, argv: Sequence[str], env: Mapping[str, str]) -> LaunchedProcess:
        return super().start(bind_argv(self.binds, argv), env)


class HostsLauncher(BindLauncher):
    def __init__(self, hosts: Path) -> None:
        super().__init__([(hosts, "/etc/hosts")])
