"""Whether this computer has any way onto a network at all.

Asked only when no name resolves, to tell "this computer is not connected" from "this one name
is not found": a network interface that is up with an address other than loopback or
link-local and, where the kernel shows its routing table (Linux), a default route. No packet is
sent. None when it cannot be told."""

from __future__ import annotations

from pathlib import Path

PROC_ROUTES = (Path("/proc/net/route"), Path("/proc/net/ipv6_route"))
_DEFAULT = {"00000000", "00000000000000000000000000000000"}


def has_route_out() -> bool | None:
    try:
        import psutil

        stats = psutil.net_if_stats()
        addresses = psutil.net_if_addrs()
    except (ImportError, OSError, RuntimeError):
        return None
    usable = [
        name
        for name, stat in stats.items()
        if stat.isup and any(_routable(a.family, a.address) for a in addresses.get(name, ()))
    ]
    if not usable:
        return False
    default = default_route(PROC_ROUTES)
    return True if default is None else default


def _routable(family: int, address: str) -> bool:
    # Imported here: the window builds its Environment at start-up, before any network use.
    import ipaddress
    import socket

    if family not in (socket.AF_INET, socket.AF_INET6):
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified)


def default_route(tables: tuple[Path, ...]) -> bool | None:
    """A default route in Linux's routing tables (IPv4, IPv6); None without such tables."""
    seen = False
    for table in tables:
        try:
            lines = table.read_text(encoding="ascii", errors="replace").splitlines()
        except OSError:
            continue
        seen = True
        for line in lines:
            fields = line.split()
            if len(fields) < 2 or fields[0] == "Iface":
                continue
            if table.name == "route" and fields[1] == "00000000" and fields[0] != "lo":
                return True
            if (
                table.name == "ipv6_route"
                and fields[0] in _DEFAULT
                and fields[1] == "00"
                and fields[-1] != "lo"
            ):
                return True
    return False if seen else None
