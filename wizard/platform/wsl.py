"""Windows Subsystem for Linux: what `wsl.exe -l -v` and `wsl.exe --status` print, and the
networking mode in %USERPROFILE%\\.wslconfig. Parsers only (the runner decodes wsl.exe's UTF-16);
tested with recorded real outputs in tests/fixtures/wsl/."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LIST_ARGS = ("wsl.exe", "-l", "-v")
STATUS_ARGS = ("wsl.exe", "--status")
DEFAULT_NETWORKING_MODE = "nat"


@dataclass(frozen=True)
class Distro:
    name: str
    state: str
    version: int | None
    default: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "state": self.state,
            "version": self.version,
            "default": self.default,
        }


def run_args(distro: str | None, command: Sequence[str]) -> list[str]:
    """`wsl.exe` running `command` in `distro` (the default one when None)."""
    chosen = ("-d", distro) if distro else ()
    return ["wsl.exe", *chosen, "--", *command]


def _clean(text: str) -> str:
    return text.replace("\x00", "").replace("\ufeff", "").replace("\r", "")


def not_installed(text: str) -> bool:
    """wsl.exe's answer when the WSL component itself is missing."""
    return "is not installed" in _clean(text).lower()


def has_no_distributions(text: str) -> bool:
    return "has no installed distributions" in _clean(text).lower()


def parse_list_verbose(text: str) -> list[Distro]:
    """`wsl -l -v`: a header (NAME STATE VERSION, localised) then one row per distribution,
    the default marked with `*`. Rows end in the WSL version number."""
    distros: list[Distro] = []
    for raw in _clean(text).splitlines():
        line = raw.strip()
        if not line:
            continue
        default = line.startswith("*")
        parts = line.lstrip("*").split()
        if len(parts) < 3 or not parts[-1].isdigit():
            continue  # the header, or a message line
        distros.append(Distro(parts[0], " ".join(parts[1:-1]), int(parts[-1]), default))
    return distros


def parse_status(text: str) -> dict[str, Any]:
    """`wsl --status`: "Default Distribution: X" / "Default Version: 2" (English output only;
    other languages leave the fields None)."""
    result: dict[str, Any] = {"default_distribution": None, "default_version": None}
    for raw in _clean(text).splitlines():
        key, sep, value = raw.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "default distribution" and value:
            result["default_distribution"] = value
        elif key == "default version" and value.isdigit():
            result["default_version"] = int(value)
    return result


@dataclass(frozen=True)
class WslConfig:
    """The networking keys of %USERPROFILE%\\.wslconfig [wsl2]; None: not set (WSL's default)."""

    networking_mode: str = DEFAULT_NETWORKING_MODE
    source: str = "default"  # ".wslconfig" when networkingMode is set there
    dns_tunneling: bool | None = None
    auto_proxy: bool | None = None
    problem: str | None = None


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().strip("\"'").lower() in ("true", "1", "yes", "on")


def read_wslconfig(path: Path) -> WslConfig:
    """networkingMode, dnsTunneling and autoProxy from .wslconfig [wsl2]; WSL's default mode
    is NAT. Keys are case-insensitive, as WSL reads them."""
    if not path.is_file():
        return WslConfig()
    import configparser  # ~1.5 ms, for a file only Windows has: not with every diagnosis

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(path.read_text(encoding="utf-8-sig", errors="replace"))
    except (configparser.Error, OSError) as exc:
        return WslConfig(problem=f"cannot be read: {exc}")
    section = next((parser[s] for s in parser.sections() if s.strip().lower() == "wsl2"), None)
    if section is None:
        return WslConfig()
    mode = (section.get("networkingmode") or "").strip().strip("\"'").lower()
    return WslConfig(
        networking_mode=mode or DEFAULT_NETWORKING_MODE,
        source=".wslconfig" if mode else "default",
        dns_tunneling=_flag(section.get("dnstunneling")),
        auto_proxy=_flag(section.get("autoproxy")),
    )
