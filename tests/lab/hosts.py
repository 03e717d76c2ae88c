"""The direct route to auth.openai.com, inside the lab.

A program started through `HostsLauncher` (or `hosts_argv`) runs in a private mount namespace
where /etc/hosts maps the sign-in hosts to 127.0.0.1, so it resolves and connects the way it
would to the real host - no proxy involved - and lands on a lab server listening on
127.0.0.1:443. Nothing outside that process sees the mapping. Needs root and `unshare` (the
lab machines and CI have both)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from wizard.platform.launcher import LaunchedProcess, SubprocessLauncher

MAPPED_HOSTS = ("auth.openai.com", "chatgpt.com", "status.openai.com")
_BIND_HOSTS = 'mount --bind "$0" /etc/hosts && exec "$@"'


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


def hosts_argv(hosts: Path, argv: Sequence[str]) -> list[str]:
    return ["unshare", "--mount", "sh", "-c", _BIND_HOSTS, str(hosts), *argv]


class HostsLauncher(SubprocessLauncher):
    def __init__(self, hosts: Path) -> None:
        self.hosts = hosts

    def start(self, argv: Sequence[str], env: Mapping[str, str]) -> LaunchedProcess:
        return super().start(hosts_argv(self.hosts, argv), env)
