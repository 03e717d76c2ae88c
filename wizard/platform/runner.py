"""Runs OS commands (reg, netsh, scutil, wsl.exe, codex --version) for the checks."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence

from wizard.core.environment import CommandNotFound, CommandOutput


class SubprocessRunner:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = dict(env) if env is not None else None

    def run(self, argv: Sequence[str], timeout: float) -> CommandOutput:
        try:
            done = subprocess.run(
                list(argv),
                capture_output=True,
                timeout=timeout,
                env=self._env,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except FileNotFoundError:
            raise CommandNotFound(argv[0]) from None
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"{argv[0]} did not finish within {timeout:.1f} s") from None
        return CommandOutput(done.returncode, _decode(done.stdout), _decode(done.stderr))


def _decode(data: bytes) -> str:
    """Windows tools print UTF-16 (wsl.exe) or the OEM code page; decode what we can."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and data[1:2] == b"\x00"):
        return data.decode("utf-16-le", errors="replace").lstrip("\ufeff")
    return data.decode("utf-8", errors="replace")
