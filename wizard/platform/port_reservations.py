"""Windows excluded (reserved) TCP port ranges, from `netsh interface ipv4|ipv6 show
excludedportrange protocol=tcp`.

Hyper-V, WinNAT, WSL 2 and Docker reserve blocks of ports; a program that binds inside one
gets WSAEACCES (os error 10013) although nothing listens there (openai/codex #40344, #42994).
Ranges an administrator added (marked `*`) are only kept away from the dynamic pool: programs
may still bind them, which is why reserving 1455-1457 after `net stop winnat` helps.

netsh prints localised headers ("Start Port", "开始端口", "Puerto de inicio", ...), so only the
number rows are read: two numbers, optionally followed by `*`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from wizard.core.environment import CommandNotFound, CommandRunner
from wizard.core.findings.port import ExcludedRange

_ROW = re.compile(r"^\s*(\d{1,5})\s+(\d{1,5})\s*(\*)?\s*$")
FAMILIES = ("ipv4", "ipv6")


def parse_excluded_ranges(text: str, family: str = "ipv4") -> list[ExcludedRange]:
    """The ranges listed in netsh's output, in the order printed."""
    ranges = []
    for line in text.splitlines():
        match = _ROW.match(line)
        if not match:
            continue
        start, end = int(match.group(1)), int(match.group(2))
        if 0 < start <= end <= 65535:
            ranges.append(ExcludedRange(start, end, match.group(3) is not None, family))
    return ranges


def netsh_argv(family: str) -> list[str]:
    return ["netsh", "interface", family, "show", "excludedportrange", "protocol=tcp"]


@dataclass(frozen=True)
class Reservations:
    """What netsh reported, per address family; `errors` says why a family is unknown."""

    ranges: tuple[ExcludedRange, ...] = ()
    read: tuple[str, ...] = ()  # families whose table was read
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return bool(self.read)

    def blocking(self, port: int) -> ExcludedRange | None:
        """The first range that forbids binding `port` (IPv4 first: Codex binds 127.0.0.1)."""
        return next((r for r in self.ranges if r.blocks_binding and r.contains(port)), None)

    def covering(self, port: int) -> list[ExcludedRange]:
        return [r for r in self.ranges if r.contains(port)]

    def to_json(self) -> dict[str, object]:
        return {"read": list(self.read), "errors": dict(self.errors)}


def read_reservations(
    runner: CommandRunner,
    timeout: float | Callable[[], float],
    families: Iterable[str] = FAMILIES,
) -> Reservations:
    """Ask netsh for each family. A missing netsh, a timeout or an error leaves that family
    unknown (never "no reservations"). `timeout` may be a callable, asked before each run
    (a check passes its budget)."""
    ranges: list[ExcludedRange] = []
    read: list[str] = []
    errors: dict[str, str] = {}
    for family in families:
        try:
            out = runner.run(netsh_argv(family), timeout() if callable(timeout) else timeout)
        except CommandNotFound:
            errors[family] = "netsh is not available"
            continue
        except (TimeoutError, OSError) as exc:
            errors[family] = str(exc) or type(exc).__name__
            continue
        if out.returncode != 0:
            detail = (out.stderr or out.stdout).strip().splitlines()
            errors[family] = f"netsh exit {out.returncode}" + (f": {detail[0]}" if detail else "")
            continue
        ranges.extend(parse_excluded_ranges(out.stdout, family))
        read.append(family)
    return Reservations(tuple(ranges), tuple(read), errors)
