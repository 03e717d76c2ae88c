"""WSL 2's network as seen from inside the Linux side (field §1.14): whether this program runs
inside WSL, the live networking mode (`wslinfo --networking-mode`), eth0's MTU, the resolver
WSL wrote into /etc/resolv.conf, and the Windows adapters' MTUs (`netsh.exe interface ipv4
show subinterfaces`, reached through WSL's Windows interop). Parsers and readers only; files
are read under the Environment's system_root and commands through its runner, so tests feed
recorded real outputs (tests/fixtures/wsl/)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wizard.core.environment import CommandNotFound, Environment
from wizard.platform.wsl import run_args

WSLINFO_MODE = ("wslinfo", "--networking-mode")
NETSH_SUBINTERFACES = ("netsh.exe", "interface", "ipv4", "show", "subinterfaces")
OSRELEASE = Path("proc/sys/kernel/osrelease")
ETH0_MTU = Path("sys/class/net/eth0/mtu")
RESOLV_CONF = Path("etc/resolv.conf")
# Adapters that are not a way out of Windows: the loopback and Hyper-V's own switches (the
# "vEthernet (WSL)" end of WSL's link is eth0's partner, not the VPN).
_NOT_AN_UPLINK = re.compile(r"^(?:Loopback Pseudo-Interface|vEthernet \()", re.I)
# netsh prints localised headers, so only the number rows are read: MTU, MediaSenseState,
# Bytes In, Bytes Out, then the interface name (which may hold spaces).
_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S.*?)\s*$")
CONNECTED = 1  # MediaSenseState 1 = connected, 5 = disconnected


def inside_wsl(env: Environment) -> bool:
    """True when this Linux runs as a WSL distribution (the variable WSL sets, or the
    Microsoft kernel's release string)."""
    if env.platform != "linux":
        return False
    if env.get("WSL_DISTRO_NAME"):
        return True
    try:
        release = (env.system_root / OSRELEASE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "microsoft" in release.lower()


def parse_networking_mode(text: str) -> str | None:
    """`wslinfo --networking-mode`: one word ("nat", "mirrored", "virtioproxy", ...)."""
    word = text.strip().lower()
    return word if re.fullmatch(r"[a-z0-9_-]+", word) else None


@dataclass(frozen=True)
class Subinterface:
    mtu: int
    media_sense: int
    bytes_in: int
    bytes_out: int
    name: str

    @property
    def uplink(self) -> bool:
        """A connected adapter that carries traffic out of Windows (Wi-Fi, Ethernet, a VPN)."""
        return (
            self.media_sense == CONNECTED
            and self.bytes_in > 0
            and not _NOT_AN_UPLINK.match(self.name)
        )

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "mtu": self.mtu, "connected": self.media_sense == CONNECTED}


def parse_subinterfaces(text: str) -> list[Subinterface]:
    found = []
    for line in text.replace("\r", "").splitlines():
        match = _ROW.match(line)
        if match:
            mtu, sense, got, sent = (int(match.group(i)) for i in range(1, 5))
            found.append(Subinterface(mtu, sense, got, sent, match.group(5)))
    return found


def smallest_uplink(adapters: list[Subinterface]) -> Subinterface | None:
    """The way out of Windows with the smallest MTU (a VPN tunnel, typically)."""
    uplinks = [a for a in adapters if a.uplink]
    return min(uplinks, key=lambda a: a.mtu) if uplinks else None


def narrower_uplink(eth0_mtu: int | None, adapters: list[Subinterface]) -> Subinterface | None:
    """The Windows way out that carries smaller packets than WSL's eth0 sends, if any."""
    narrowest = smallest_uplink(adapters)
    if eth0_mtu and narrowest and narrowest.mtu < eth0_mtu:
        return narrowest
    return None


def eth0_mtu_argv(distro: str | None) -> list[str]:
    """From Windows: eth0's MTU inside the distribution that runs Codex."""
    return run_args(distro, ["cat", "/" + ETH0_MTU.as_posix()])


def parse_mtu(text: str) -> int | None:
    try:
        return int(text.replace("\x00", "").strip())
    except ValueError:
        return None


def read_eth0_mtu(env: Environment) -> int | None:
    try:
        return parse_mtu((env.system_root / ETH0_MTU).read_text(encoding="ascii"))
    except OSError:
        return None


def parse_nameservers(text: str) -> list[str]:
    """The `nameserver` lines of resolv.conf, in order."""
    servers = []
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2 and parts[0] == "nameserver":
            servers.append(parts[1])
    return servers


def read_nameservers(env: Environment) -> list[str] | None:
    try:
        text = (env.system_root / RESOLV_CONF).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return parse_nameservers(text)


def run_text(
    env: Environment, argv: Sequence[str], timeout: Callable[[], float]
) -> tuple[str | None, str | None]:
    """(stdout, None), or (None, why not): a missing program, a timeout or an error exit."""
    try:
        out = env.runner.run(list(argv), timeout())
    except CommandNotFound:
        return None, f"{argv[0]} is not available"
    except (TimeoutError, OSError) as exc:
        return None, str(exc) or type(exc).__name__
    if out.returncode != 0:
        return None, f"{argv[0]} exit {out.returncode}"
    return out.stdout, None
