"""Who listens on a local TCP port (psutil)."""

from __future__ import annotations

import psutil

from wizard.core.environment import PortHolder


class PsutilPortInspector:
    def listeners(self, port: int) -> list[PortHolder]:
        holders: list[PortHolder] = []
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status != psutil.CONN_LISTEN or not conn.laddr or conn.laddr.port != port:
                continue
            holders.append(_describe(port, conn.laddr.ip, conn.pid))
        return holders


def _describe(port: int, address: str, pid: int | None) -> PortHolder:
    name = exe = user = None
    if pid is not None:
        try:
            proc = psutil.Process(pid)
            with proc.oneshot():
                name = proc.name()
                exe = _quiet(proc.exe)
                user = _quiet(proc.username)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return PortHolder(port=port, address=address, pid=pid, name=name, exe=exe, username=user)


def _quiet(getter: object) -> str | None:
    try:
        value = getter()  # type: ignore[operator]
    except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess, OSError):
        return None
    return str(value) if value else None
