"""Who listens on a local TCP port, who connects to it (psutil), and whether a port can be bound.

psutil shows other users' sockets with pid None on Linux (no privileges) and refuses the whole
table on macOS unless root; then only this account's processes are listed. An unknown owner
stays None: the checks say "the owner needs admin rights to see", never guess."""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath
from typing import Any, NamedTuple

from wizard.core.environment import PortHolder
from wizard.core.profile import Profile

# psutil is imported where it is used: the window builds this inspector at start-up, and
# psutil (a C extension) is needed only once a check or the watcher looks at the ports.

# psutil's connection states are these strings (psutil.CONN_LISTEN == "LISTEN", ...).
_LISTEN = "LISTEN"
# Connection states that prove a client reached the port (the accepted side of a connection).
_ARRIVED = {
    "SYN_RECV",
    "ESTABLISHED",
    "CLOSE_WAIT",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "LAST_ACK",
    "CLOSING",
}


@dataclass(frozen=True)
class PortConnection:
    """A connection that arrived on a watched port. `receiver` is the listener it arrived at
    (the process that owns the listening socket: who received it); `pid` owns the accepted
    socket (None while it waits in the accept queue, once closed, or when hidden);
    `peer_pid` owns the client's socket when the client runs here too."""

    port: int
    local: tuple[str, int]
    remote: tuple[str, int]
    status: str
    pid: int | None
    peer_pid: int | None
    peer_name: str | None
    receiver: PortHolder | None = None


class PsutilPortInspector:
    def listeners(self, port: int) -> list[PortHolder]:
        holders, _ = self.activity([port], connections=False)
        return holders[port]

    def connections(self, port: int) -> list[PortConnection]:
        _, arrived = self.activity([port])
        return arrived

    def activity(
        self, ports: Iterable[int], connections: bool = True
    ) -> tuple[dict[int, list[PortHolder]], list[PortConnection]]:
        """One pass over the socket table: the listeners of each port, and the connections
        that arrived on them."""
        wanted = set(ports)
        rows = _tcp_table()
        names: dict[int, PortHolder] = {}
        holders: dict[int, list[PortHolder]] = {p: [] for p in wanted}
        arrived: list[PortConnection] = []
        by_local = {(c.laddr.ip, c.laddr.port): c for c in rows if c.laddr}
        pending: list[tuple[_Row, int]] = []
        for conn in rows:
            if not conn.laddr or conn.laddr.port not in wanted:
                continue
            port = conn.laddr.port
            if conn.status == _LISTEN:
                holders[port].append(_describe(port, conn.laddr.ip, conn.pid, names))
            elif connections and conn.raddr and conn.status in _ARRIVED:
                pending.append((conn, port))
        for conn, port in pending:
            peer = by_local.get((conn.raddr.ip, conn.raddr.port))
            peer_pid = peer.pid if peer is not None else None
            peer_name = _describe(0, "", peer_pid, names).name if peer_pid else None
            arrived.append(
                PortConnection(
                    port=port,
                    local=(conn.laddr.ip, conn.laddr.port),
                    remote=(conn.raddr.ip, conn.raddr.port),
                    status=str(conn.status),
                    pid=conn.pid,
                    peer_pid=peer_pid,
                    peer_name=peer_name,
                    receiver=_receiver(holders[port], conn.laddr.ip, conn.pid),
                )
            )
        return holders, arrived


class _Row(NamedTuple):
    laddr: Any
    raddr: Any
    status: str
    pid: int | None


def _receiver(listeners: list[PortHolder], local_ip: str, pid: int | None) -> PortHolder | None:
    """The listener a connection to local_ip arrived at: the same process if known, else the
    one bound to that exact address, else a wildcard one."""
    if pid is not None:
        for holder in listeners:
            if holder.pid == pid:
                return holder
    mapped = local_ip.removeprefix("::ffff:")
    for wanted in (local_ip, mapped):
        for holder in listeners:
            if holder.address == wanted:
                return holder
    wildcard = "::" if ":" in local_ip and not local_ip.startswith("::ffff:") else "0.0.0.0"
    for holder in listeners:
        if holder.address in (wildcard, "::"):
            return holder
    return None


def _tcp_table() -> list[_Row]:
    import psutil

    try:
        return [_Row(c.laddr, c.raddr, c.status, c.pid) for c in psutil.net_connections("tcp")]
    except psutil.AccessDenied:
        pass
    # macOS without root: only this account's processes can be asked, one by one.
    rows: list[_Row] = []
    for proc in psutil.process_iter():
        try:
            conns = proc.net_connections(kind="tcp")
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess, OSError):
            continue
        rows.extend(_Row(c.laddr, c.raddr, c.status, proc.pid) for c in conns)
    return rows


def _describe(
    port: int, address: str, pid: int | None, cache: dict[int, PortHolder] | None = None
) -> PortHolder:
    if pid is not None and cache is not None and pid in cache:
        known = cache[pid]
        return PortHolder(port, address, pid, known.name, known.exe, known.username)
    name = exe = user = None
    if pid is not None:
        import psutil

        try:
            proc = psutil.Process(pid)
            with proc.oneshot():
                name = proc.name()
                exe = _quiet(proc.exe)
                user = _quiet(proc.username)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    holder = PortHolder(port=port, address=address, pid=pid, name=name, exe=exe, username=user)
    if pid is not None and cache is not None:
        cache[pid] = holder
    return holder


def _quiet(getter: object) -> str | None:
    import psutil

    try:
        value = getter()  # type: ignore[operator]
    except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess, OSError):
        return None
    return str(value) if value else None


# --- bind test -------------------------------------------------------------------------------

_IN_USE = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", 10048)}
_FORBIDDEN = {errno.EACCES, errno.EPERM, getattr(errno, "WSAEACCES", 10013)}


@dataclass(frozen=True)
class BindProbe:
    """What happened when this machine tried to listen on address:port, like Codex does.

    kind: "free" | "in_use" (a process holds it) | "forbidden" (EACCES / WSAEACCES: on Windows
    usually a reserved range) | "other" (something else refuses: a security program, a filter
    driver) | "unavailable" (the address itself cannot be used here, e.g. no IPv6)."""

    address: str
    port: int
    kind: str
    code: int | None = None
    name: str | None = None
    message: str | None = None
    lingering: bool = False  # only closed connections linger (TIME_WAIT): Codex can still bind

    @property
    def free(self) -> bool:
        return self.kind == "free"

    def error_json(self) -> dict[str, object] | None:
        if self.code is None:
            return None
        return {"code": self.code, "name": self.name, "message": self.message, "kind": self.kind}


def probe_bind(address: str, port: int) -> BindProbe:
    """Bind (and listen) on address:port and close at once. No SO_REUSEADDR: a socket that is
    listening anywhere on the port must make this fail, as it makes Codex fail."""
    import socket  # here, not at start-up: the window builds the Environment before it shows

    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        return _failed(address, port, exc, "unavailable")
    try:
        sock.bind((address, port))
        sock.listen(1)
    except OSError as exc:
        code = _code(exc)
        if code in _IN_USE:
            return _failed(address, port, exc, "in_use", lingering=_only_lingering(address, port))
        if code in _FORBIDDEN:
            return _failed(address, port, exc, "forbidden")
        if code == errno.EADDRNOTAVAIL:
            return _failed(address, port, exc, "unavailable")
        return _failed(address, port, exc, "other")
    finally:
        sock.close()
    return BindProbe(address, port, "free")


def _only_lingering(address: str, port: int) -> bool:
    """Linux: EADDRINUSE, yet binding with SO_REUSEADDR works -> no socket listens there,
    only connections in TIME_WAIT. Codex's listener (Rust std sets SO_REUSEADDR on Unix) binds
    such a port fine. (On macOS SO_REUSEADDR would also pass next to a wildcard listener, so
    the retry proves nothing there.)"""
    if not sys.platform.startswith("linux"):
        return False
    import socket

    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
            sock.listen(1)
        except OSError:
            return False
    return True


def _code(exc: OSError) -> int | None:
    winerror = getattr(exc, "winerror", None)
    return winerror if winerror else exc.errno


def _failed(address: str, port: int, exc: OSError, kind: str, lingering: bool = False) -> BindProbe:
    code = _code(exc)
    name = _errno_name(code)
    return BindProbe(address, port, kind, code, name, exc.strerror or str(exc), lingering)


def _errno_name(code: int | None) -> str | None:
    if code is None:
        return None
    windows = {10048: "WSAEADDRINUSE", 10013: "WSAEACCES", 10049: "WSAEADDRNOTAVAIL"}
    return errno.errorcode.get(code) or windows.get(code)


def is_wsl_relay(profile: Profile, holder: PortHolder) -> bool:
    """The holder is the WSL relay (by process name or program file, any case)."""
    names = {str(n).lower() for n in profile.data.get("wsl_relay_names", [])}
    candidates = [holder.name or ""]
    if holder.exe:
        candidates.append(PureWindowsPath(holder.exe).name)
        candidates.append(PurePath(holder.exe).name)
    return any(c.lower() in names for c in candidates if c)
