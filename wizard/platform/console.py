"""Standard output for a program that may have none. The windowed Windows and macOS builds
(`console=False`) start without stdout: `diagnose --json` run from a console then attaches to
that console (Windows), and where there is none at all the output goes to a file in the data
folder, so an admin's script still gets its JSON."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

ATTACH_PARENT_PROCESS = -1


def usable(stream: TextIO | None) -> bool:
    """A stream that really leads somewhere (an open file descriptor)."""
    if stream is None:
        return False
    try:
        os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return True


def attach_parent_console() -> bool:
    """Windows: write to the console the program was started from, if any."""
    if sys.platform != "win32":
        return False
    import ctypes

    if not ctypes.windll.kernel32.AttachConsole(ATTACH_PARENT_PROCESS):  # type: ignore[attr-defined]
        return False
    with contextlib.suppress(OSError):
        sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115 (lives as sys.stdout)
        sys.stderr = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
    return usable(sys.stdout)


def ensure_stdout(fallback: Callable[[], Path]) -> Path | None:
    """Make sys.stdout usable: as it is, the parent's console, or else the file `fallback()`
    names (returned, so the caller can say where the output went). stderr without a home goes
    nowhere."""
    if usable(sys.stdout):
        return None
    if attach_parent_console():
        return None
    path = fallback()
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout = open(path, "w", encoding="utf-8")  # noqa: SIM115 (lives as sys.stdout)
    if not usable(sys.stderr):
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    return path
