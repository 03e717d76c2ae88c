"""Where Windows and macOS keep their proxy settings, read with the systems' own tools.

Windows: the per-user "Internet Options" (WinINET) values under
`HKCU\\...\\Internet Settings` (`reg query`), and the machine-wide WinHTTP proxy
(`netsh winhttp show proxy`). macOS: the active network settings (`scutil --proxy`).

The parsers are pure functions over the commands' text; the readers run the command through
the Environment's runner with the caller's timeout and never raise: a missing command, a
timeout or an unexpected answer gives `None` plus a note saying why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.core.environment import CommandNotFound
from wizard.platform.registry import dword, parse_reg_values

if TYPE_CHECKING:
    from wizard.core.environment import Environment

INTERNET_SETTINGS_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"
REG_QUERY = ("reg", "query", INTERNET_SETTINGS_KEY)
NETSH_WINHTTP = ("netsh", "winhttp", "show", "proxy")
SCUTIL_PROXY = ("scutil", "--proxy")


@dataclass(frozen=True)
class WinInetProxy:
    """The per-user Internet Options proxy (what browsers and most apps on Windows use)."""

    enabled: bool  # ProxyEnable is non-zero
    server: str | None  # ProxyServer: "host:port" or "http=h:p;https=h:p;socks=h:p"
    override: str | None  # ProxyOverride: "<local>;*.corp;10.*" (the bypass list)
    auto_config_url: str | None  # AutoConfigURL: a PAC script


@dataclass(frozen=True)
class WinHttpProxy:
    """The machine-wide WinHTTP proxy set with `netsh winhttp set proxy`."""

    server: str  # as shown, e.g. "proxy:8080" or "http=proxy:80;https=proxy:443"
    bypass: str | None


@dataclass(frozen=True)
class MacProxy:
    """The proxies of the active macOS network service."""

    http: str | None  # "host:port" when HTTPEnable is 1
    https: str | None  # "host:port" when HTTPSEnable is 1
    socks: str | None  # "host:port" when SOCKSEnable is 1
    pac_url: str | None  # ProxyAutoConfigURLString when ProxyAutoConfigEnable is 1
    exceptions: tuple[str, ...]  # ExceptionsList (the bypass list)


@dataclass(frozen=True)
class Reading:
    """What one OS command told us: a parsed value, or None and a note why not."""

    value: object | None
    note: str | None = None


# -- Windows: reg query ----------------------------------------------------------------------


def parse_wininet(text: str) -> WinInetProxy:
    values = parse_reg_values(text)

    def text_value(name: str) -> str | None:
        found = values.get(name.lower())
        return found[1] if found and found[1] else None

    enable = text_value("ProxyEnable")
    return WinInetProxy(
        enabled=dword(enable) != 0 if enable is not None else False,
        server=text_value("ProxyServer"),
        override=text_value("ProxyOverride"),
        auto_config_url=text_value("AutoConfigURL"),
    )


def proxy_server_for_https(server: str) -> str | None:
    """The proxy a ProxyServer value names for https:// addresses, as a URL.

    "host:port" (or "scheme://host:port") serves every protocol; the per-protocol form
    "http=h:p;https=h:p;socks=h:p" is read for its https entry (reqwest's platform rule:
    a malformed entry voids the whole list). An address without a scheme is an HTTP proxy."""
    server = server.strip()
    if not server:
        return None
    if "=" not in server:
        return _as_url(server)
    entries: dict[str, str] = {}
    for part in server.split(";"):
        if not part.strip():
            continue
        protocol, sep, address = part.partition("=")
        if not sep or "=" in address or not protocol.strip() or not address.strip():
            return None
        entries[protocol.strip().lower()] = address.strip()
    return _as_url(entries["https"]) if "https" in entries else None


def _as_url(address: str) -> str:
    return address if "://" in address else f"http://{address}"


def override_as_no_proxy(override: str) -> str:
    """ProxyOverride ("<local>;*.corp.example;10.*") as a NO_PROXY list, the way reqwest
    reads it on Windows: ';' becomes ',' and every "*." is dropped."""
    entries = [part.strip() for part in override.split(";") if part.strip()]
    return ",".join(entries).replace("*.", "")


# -- Windows: netsh winhttp show proxy -------------------------------------------------------

_NETSH_FIELD = re.compile(r"^\s*(Proxy Server\(s\)|Bypass List)\s*:\s*(.*?)\s*$")


def parse_netsh_winhttp(text: str) -> WinHttpProxy | None:
    """`netsh winhttp show proxy` -> the named proxy, or None for "Direct access".

    Only the English wording is understood; a localised Windows prints translated labels,
    which read as no proxy (the caller notes that nothing could be read)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        match = _NETSH_FIELD.match(line)
        if match:
            fields[match.group(1)] = match.group(2)
    server = fields.get("Proxy Server(s)")
    if not server:
        return None
    bypass = fields.get("Bypass List")
    return WinHttpProxy(server=server, bypass=None if bypass in (None, "", "(none)") else bypass)


def netsh_says_direct(text: str) -> bool:
    return "Direct access" in text


# -- macOS: scutil --proxy -------------------------------------------------------------------

_SCUTIL_KEY = re.compile(r"^\s*(?P<key>[A-Za-z0-9_]+) : (?P<value>.*)$")
_SCUTIL_ITEM = re.compile(r"^\s*\d+ : (?P<value>.*)$")


def parse_scutil_values(text: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """`scutil --proxy` -> (scalar values, arrays). Nested dictionaries (__SCOPED__) are
    skipped: the top level is what applies to the primary service."""
    scalars: dict[str, str] = {}
    arrays: dict[str, list[str]] = {}
    depth = 0  # inside the outer <dictionary> depth is 1
    current_array: list[str] | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if stripped == "}":
            depth -= 1
            if current_array is not None and depth == 1:
                current_array = None
            continue
        if current_array is not None and depth == 2:
            item = _SCUTIL_ITEM.match(line)
            if item:
                current_array.append(item.group("value").strip())
            continue
        if stripped.endswith("{"):
            if depth == 1:
                key = _SCUTIL_KEY.match(line)
                if key and key.group("value").startswith("<array>"):
                    current_array = arrays.setdefault(key.group("key"), [])
            depth += 1
            continue
        if depth == 1:
            key = _SCUTIL_KEY.match(line)
            if key:
                scalars[key.group("key")] = key.group("value").strip()
    return scalars, arrays


def parse_scutil(text: str) -> MacProxy:
    scalars, arrays = parse_scutil_values(text)

    def endpoint(prefix: str) -> str | None:
        if scalars.get(f"{prefix}Enable") != "1":
            return None
        host = scalars.get(f"{prefix}Proxy")
        if not host:
            return None
        port = scalars.get(f"{prefix}Port")
        return f"{host}:{port}" if port else host

    pac = (
        scalars.get("ProxyAutoConfigURLString")
        if scalars.get("ProxyAutoConfigEnable") == "1"
        else None
    )
    return MacProxy(
        http=endpoint("HTTP"),
        https=endpoint("HTTPS"),
        socks=endpoint("SOCKS"),
        pac_url=pac or None,
        exceptions=tuple(arrays.get("ExceptionsList", [])),
    )


# -- readers (run the command, never raise) --------------------------------------------------


def _run(env: Environment, argv: tuple[str, ...], timeout: float) -> tuple[str | None, str | None]:
    """(stdout, None) or (None, why not)."""
    name = argv[0]
    try:
        out = env.runner.run(argv, timeout)
    except CommandNotFound:
        return None, f"`{name}` is not available here, so this setting could not be read."
    except TimeoutError:
        return None, f"`{' '.join(argv[:2])}` did not answer within {timeout:.1f} s."
    except OSError as exc:
        return None, f"`{name}` could not be run: {exc.strerror or exc}."
    if out.returncode != 0:
        first = (out.stderr or out.stdout).strip().splitlines()
        reason = first[0] if first else f"exit code {out.returncode}"
        return None, f"`{' '.join(argv[:2])}` failed: {reason}"
    return out.stdout, None


def read_wininet(env: Environment, timeout: float) -> Reading:
    stdout, note = _run(env, REG_QUERY, timeout)
    return Reading(parse_wininet(stdout), None) if stdout is not None else Reading(None, note)


def read_winhttp(env: Environment, timeout: float) -> Reading:
    stdout, note = _run(env, NETSH_WINHTTP, timeout)
    if stdout is None:
        return Reading(None, note)
    parsed = parse_netsh_winhttp(stdout)
    if parsed is None and not netsh_says_direct(stdout):
        return Reading(None, "`netsh winhttp show proxy` answered in a form not understood.")
    return Reading(parsed, None)


def read_macos(env: Environment, timeout: float) -> Reading:
    stdout, note = _run(env, SCUTIL_PROXY, timeout)
    if stdout is None:
        return Reading(None, note)
    if "<dictionary>" not in stdout:
        return Reading(None, "`scutil --proxy` answered in a form not understood.")
    return Reading(parse_scutil(stdout), None)
