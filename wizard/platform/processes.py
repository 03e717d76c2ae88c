"""The programs running on this machine (psutil), by name and program file.

Names of other users' programs are listed too; their program file may be hidden (None)."""

from __future__ import annotations

from wizard.core.environment import ProcessInfo


def running_processes() -> list[ProcessInfo]:
    import psutil  # a C extension, needed only when a check or fix looks at the programs

    return [
        ProcessInfo(proc.pid, proc.info.get("name") or "", proc.info.get("exe"))
        for proc in psutil.process_iter(["name", "exe"])
    ]
