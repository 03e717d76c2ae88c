"""Can Codex listen for the browser's return (the callback) on its ports?

Codex binds 127.0.0.1:1455; when that is in use (AddrInUse) it asks a stale Codex login server
there to stop (GET /cancel), retries, then falls back to 1457 (0.139 and newer). Any other bind
error (Windows WSAEACCES 10013 for a reserved range, a security program) fails at once, with
no fallback (facts §1a, §7-E, §7-F). Codex sends the browser back to 127.0.0.1 (0.169), so a
program listening on [::1] only never catches the return; both families are still bind- and
connect-tested and the owner of each named, since a browser told `localhost` (older Codex,
other sign-in clients, a hand-typed address) tries [::1] first (field §1.13).

A held port is asked one question to tell a waiting Codex from any other program: the request
in the profile's `login_server` (`GET /`), which a Codex login server answers 404 and does not
log. Never /auth/callback (Codex logs it as a return with the wrong state, which the logs check
would then read as a failed sign-in), /cancel (ends the user's sign-in) or /success."""

from __future__ import annotations

import errno
import socket
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from wizard.checks.auth_managers import auth_manager_of
from wizard.core.engine import CheckContext
from wizard.core.environment import Environment, PortHolder
from wizard.core.findings.port import (
    FamilyFound,
    Listener,
    PortFindings,
    PortFound,
)
from wizard.core.i18n import and_list, join, sentences, tr, word_list
from wizard.core.model import Outcome, Status
from wizard.core.profile import Profile
from wizard.platform.ports import BindProbe, is_wsl_relay, probe_bind
from wizard.platform.system import current_platform

if TYPE_CHECKING:  # read on Windows only (read_reservations is imported there)
    from wizard.platform.port_reservations import ExcludedRange, Reservations

# Addresses whose listener keeps Codex from binding 127.0.0.1 (IPv4 loopback or wildcard, or
# a dual-stack IPv6 wildcard).
_IPV4_BLOCKING = {"127.0.0.1", "0.0.0.0", "::", "::ffff:127.0.0.1"}
# Addresses whose listener answers a browser that tries [::1] (IPv6 loopback or wildcard).
_IPV6_LOOPBACK = "::1"
_IPV6_ANSWERING = {_IPV6_LOOPBACK, "::"}
# A Codex login server answers the fingerprint request on loopback within milliseconds; a
# program still silent after this is not one (hung, or another protocol that waits for the
# client to speak first).
FINGERPRINT_TIMEOUT_S = 0.2


@dataclass
class PortFinding:
    port: int
    state: str  # free | codex | held | reserved | forbidden | refused
    holders: list[PortHolder]
    probe: BindProbe | None  # None: not tested here (not this machine's platform)
    reserved: ExcludedRange | None = None
    codex_login_server: bool | None = None
    fingerprint: dict[str, object] | None = None
    ipv6: FamilyProbe | None = None  # [::1] on the same port (None: not tested here)

    @property
    def usable(self) -> bool:
        """Codex can receive the return here: the port is free, or Codex itself waits on it."""
        return self.state in ("free", "codex")

    @property
    def blocking(self) -> list[PortHolder]:
        """The listeners that keep Codex off 127.0.0.1 (none when the port proved free)."""
        if self.state == "free":
            return []
        return [h for h in self.holders if h.address in _IPV4_BLOCKING]


@dataclass(frozen=True)
class FamilyProbe:
    """One address family's side of a port: can it be bound, does something accept there,
    and who listens. connect: "accepted" | "refused" | "no_answer" | "unavailable"."""

    address: str
    bind: BindProbe
    connect: str
    owners: list[PortHolder]

    @property
    def foreign_listener(self) -> bool:
        """Another program answers here (Codex itself never listens on [::1])."""
        # Only closed connections linger (TIME_WAIT) after a bind error: nobody listens.
        return self.connect == "accepted" or (
            self.bind.kind == "in_use" and not self.bind.lingering
        )

    def found(self, env: Environment) -> FamilyFound:
        return FamilyFound(
            address=self.address,
            bind=self.bind.kind,
            bind_error=self.bind.error_json(),
            bind_lingering=self.bind.lingering,
            connect=self.connect,
            owners=tuple(_listener(env, h) for h in self.owners),
        )


def probe_connect(address: str, port: int, timeout: float) -> str:
    """Whether something accepts a TCP connection on address:port; closed at once, no byte
    sent (nothing to log for a listener that waits for a request)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError:
        return "unavailable"
    with sock:
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
        except ConnectionRefusedError:
            return "refused"
        except TimeoutError:
            return "no_answer"
        except OSError as exc:
            return "unavailable" if exc.errno in _NO_ADDRESS else "refused"
    return "accepted"


_NO_ADDRESS = {errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT, errno.ENETUNREACH}


def _probe_ipv6(ctx: CheckContext, port: int) -> FamilyProbe:
    bind = probe_bind(_IPV6_LOOPBACK, port)
    connect = (
        "unavailable"
        if bind.kind == "unavailable"
        else probe_connect(_IPV6_LOOPBACK, port, ctx.budget.timeout(FINGERPRINT_TIMEOUT_S))
    )
    return FamilyProbe(_IPV6_LOOPBACK, bind, connect, [])  # owners: named by _place


def check_callback_port(ctx: CheckContext) -> Outcome:
    env, profile = ctx.env, ctx.profile
    live = env.platform == current_platform()  # a bind test means something only here
    reservations = None
    if env.platform == "windows":
        from wizard.platform.port_reservations import read_reservations  # Windows only

        reservations = read_reservations(env.runner, lambda: ctx.budget.timeout(2.0))
    ports = ctx.target.callback_ports
    if ctx.cancelled():
        return Outcome(Status.SKIP, tr("engine", "Cancelled."))
    # The bind tests first (they listen for a moment, so the listener table is read after
    # them), then the fingerprint requests side by side with that read: a program that never
    # answers costs the fingerprint wait, not the wait plus the read.
    with ThreadPoolExecutor(len(ports) + 1, thread_name_prefix="callback-port") as pool:
        probed = list(pool.map(lambda port: _probe(ctx, port, live), ports))
        owners = pool.submit(lambda: {port: env.ports.listeners(port) for port in ports})
        list(pool.map(lambda finding: _fingerprint(ctx, finding), probed))
        holders = owners.result()
    if ctx.cancelled():
        return Outcome(Status.SKIP, tr("engine", "Cancelled."))
    findings = [_place(profile, f, holders[f.port], reservations) for f in probed]
    return _verdict(env, profile, findings, live, reservations)


def _bind_address(profile: Profile) -> str:
    return str(profile.data.get("callback_bind_address", "127.0.0.1"))


def _probe(ctx: CheckContext, port: int, live: bool) -> PortFinding:
    """The bind tests on both families; who holds the port is added by `_place`."""
    bind_address = _bind_address(ctx.profile)
    finding = PortFinding(port, "free", [], probe_bind(bind_address, port) if live else None)
    if live and ":" not in bind_address:
        finding.ipv6 = _probe_ipv6(ctx, port)
    return finding


def _fingerprint(ctx: CheckContext, finding: PortFinding) -> None:
    """For a port something holds: is it a Codex login server waiting?"""
    probe = finding.probe
    if probe is None or probe.kind != "in_use" or probe.free or probe.lingering:
        return
    finding.fingerprint = probe_login_server(
        _bind_address(ctx.profile),
        finding.port,
        ctx.budget.timeout(FINGERPRINT_TIMEOUT_S),
        ctx.profile["login_server"],
    )
    finding.codex_login_server = bool(finding.fingerprint.get("codex"))


def _place(
    profile: Profile,
    finding: PortFinding,
    holders: list[PortHolder],
    reservations: Reservations | None,
) -> PortFinding:
    """The probed port with its listeners and reservation: what state it is in for Codex."""
    finding.holders = holders
    finding.reserved = reserved = reservations.blocking(finding.port) if reservations else None
    if finding.ipv6 is not None:
        owners = [h for h in holders if h.address in _IPV6_ANSWERING]
        finding.ipv6 = replace(finding.ipv6, owners=owners)
    probe = finding.probe
    if probe is not None:
        if probe.free or probe.lingering:
            finding.state = "free"
        elif probe.kind == "in_use":
            finding.state = "held"
        elif probe.kind == "forbidden":
            finding.state = "reserved" if reserved else "forbidden"
        else:
            finding.state = "refused"
    elif any(h.address in _IPV4_BLOCKING for h in holders):
        finding.state = "held"
    elif reserved:
        finding.state = "reserved"
    relay = any(is_wsl_relay(profile, h) for h in holders)
    if finding.state == "held" and finding.codex_login_server and not relay:
        finding.state = "codex"
    return finding


def probe_login_server(
    address: str, port: int, timeout: float, login_server: Mapping[str, object]
) -> dict[str, object]:
    """One request that a Codex login server neither logs nor acts on (`login_server` in the
    profile: `GET /` -> 404 "Not Found" from tiny-http); what answered, and whether it is
    Codex."""
    host = f"[{address}]" if ":" in address else address
    path = str(login_server["probe_path"])
    url = f"http://{host}:{port}{path}"
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Connection: close\r\nUser-Agent: signin-doctor\r\n\r\n"
    ).encode("ascii")
    data = b""
    try:
        with socket.create_connection((address, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(request)
            while len(data) < 8192:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
                if _complete(data):
                    break
    except OSError as exc:
        if not data:
            return {"url": url, "error": _short(exc)}
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1", "replace").split("\r\n")
    parts = status_line.split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in header_lines)
    }
    server = headers.get("server", "")
    text = body.decode("utf-8", "replace").strip()
    return {
        "url": url,
        "status": status,
        "server": server[:80],
        "body": text[:120],
        "codex": status == login_server["status"]
        and server.lower().startswith(str(login_server["server"]).lower())
        and text == login_server["body"],
    }


def _complete(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return len(body) >= int(value.strip())
    return False


def _short(exc: OSError) -> str:
    return f"{type(exc).__name__}: {exc.strerror or exc}"


# --- verdict ---------------------------------------------------------------------------------


def _verdict(
    env: Environment,
    profile: Profile,
    findings: list[PortFinding],
    live: bool,
    reservations: Reservations | None,
) -> Outcome:
    first = findings[0]
    faults: list[str] = []
    all_ports = _and([str(f.port) for f in findings])
    facts: dict[str, str] = {"port": str(first.port), "ports": all_ports}

    relay = [(f, h) for f in findings for h in f.holders if is_wsl_relay(profile, h)]
    if relay:
        faults.append("port_held_by_wslrelay")
        relay_finding, relay_holder = relay[0]
        facts["port"] = str(relay_finding.port)
        facts["process"] = holder_text(relay_holder, pid=False)

    usable = [f for f in findings if f.usable]
    holders = ""  # the check's own words: with each program's pid, for the help desk
    # Codex falls back only when the first port is merely in use; any other error is final.
    first_final = first.state in ("reserved", "forbidden", "refused")
    unusable = [f for f in findings if not f.usable]
    if not usable or first_final:
        considered = [first] if first_final and usable else unusable
        facts["ports"] = _and([str(f.port) for f in considered])
        facts["holders"] = _holders_sentence(considered, pid=False)  # the verdict's words
        holders = _holders_sentence(considered)
        states = {f.state for f in considered}
        if states == {"reserved"} or ("reserved" in states and "held" not in states):
            faults.append("callback_ports_reserved")
        elif "held" in states:
            faults.append("callback_ports_busy")

    status, summary = _summary(profile, findings, relay, usable, first_final, facts, holders)
    split = _ipv6_only_listeners(findings)
    if split:
        facts["ipv6_holders"] = _ipv6_sentence(split)
        summary = sentences(summary, facts["ipv6_holders"])
    managers = _auth_manager_holders(profile, findings)
    if managers:
        summary = sentences(summary, *managers)

    found = PortFindings(
        bind_address=_bind_address(profile),
        bind_tested=live,
        ports=tuple(_found(env, f) for f in findings),
        facts=facts,
        bind_note=None
        if live
        else tr(
            "port",
            "Not bind-tested: the environment is {platform}, this machine is "
            "{machine}; based on the listed listeners and reservations.",
            platform=env.platform,
            machine=current_platform(),
        ),
        reservations=reservations.to_json() if reservations is not None else None,
    )
    return Outcome(status, summary, found, tuple(dict.fromkeys(faults)))


def _summary(
    profile: Profile,
    findings: list[PortFinding],
    relay: list[tuple[PortFinding, PortHolder]],
    usable: list[PortFinding],
    first_final: bool,
    facts: dict[str, str],
    holders: str,
) -> tuple[Status, str]:
    first = findings[0]
    if relay:
        finding, holder = relay[0]
        return Status.FAIL, tr(
            "port",
            "Port {port} is held by {holder}, the WSL relay: the browser's "
            "return goes to Codex inside WSL (Linux on Windows), not to Codex on Windows.",
            port=finding.port,
            holder=holder_text(holder),
        )
    if first_final or not usable:
        considered = [first] if first_final and usable else findings
        states = {f.state for f in considered}
        ports = _and([str(f.port) for f in considered])
        one = len(considered) == 1
        if states == {"reserved"}:
            return Status.FAIL, (
                tr(
                    "port",
                    "Windows has reserved port {ports} for its own networking (Hyper-V, "
                    "WSL or Docker), so Codex cannot listen for the browser's return.",
                    ports=ports,
                )
                if one
                else tr(
                    "port",
                    "Windows has reserved ports {ports} for its own networking (Hyper-V, "
                    "WSL or Docker), so Codex cannot listen for the browser's return.",
                    ports=ports,
                )
            )
        if states == {"held"}:
            return Status.FAIL, (
                tr(
                    "port",
                    "Port {ports} is in use, so Codex has nowhere to receive the browser's "
                    "return: {holders}.",
                    ports=ports,
                    holders=holders,
                )
                if one
                else tr(
                    "port",
                    "Ports {ports} are all in use, so Codex has nowhere to receive the "
                    "browser's return: {holders}.",
                    ports=ports,
                    holders=holders,
                )
            )
        if "held" in states or "reserved" in states:
            return Status.FAIL, (
                tr(
                    "port",
                    "Codex cannot listen on port {ports}: {holders}.",
                    ports=ports,
                    holders=holders,
                )
                if one
                else tr(
                    "port",
                    "Codex cannot listen on ports {ports}: {holders}.",
                    ports=ports,
                    holders=holders,
                )
            )
        detail = join([_bind_error_text(f) for f in considered], ", ")
        return Status.FAIL, (
            tr(
                "port",
                "Something on this computer (a security program or network filter) refuses to "
                "let Codex listen on port {ports} ({detail}).",
                ports=ports,
                detail=detail,
            )
            if one
            else tr(
                "port",
                "Something on this computer (a security program or network filter) refuses to "
                "let Codex listen on ports {ports} ({detail}).",
                ports=ports,
                detail=detail,
            )
        )
    if first.state == "codex":
        return Status.WARN, _still_waiting(first.port)
    if first.state == "held":
        target = usable[0]
        if target.state == "codex":
            # Codex asks only the first port to stop (/cancel): a new sign-in finds the
            # fallback taken by the waiting one and fails.
            return Status.WARN, tr(
                "port",
                "Port {port} is used by {holders}, and a Codex sign-in is waiting on port "
                "{fallback} for the browser's return. Finish that sign-in: a new one would "
                "find both ports taken and fail.",
                port=first.port,
                holders=_port_holders(first),
                fallback=target.port,
            )
        version = _short_version(str(profile["versions"]["known_good"]))
        return Status.WARN, tr(
            "port",
            "Port {port} is used by {holders}; Codex {version} and newer "
            "switch to {fallback}, older versions fail.",
            port=first.port,
            holders=_port_holders(first),
            version=version,
            fallback=target.port,
        )
    return Status.PASS, tr(
        "port", "Port {port} is free for Codex to receive the browser's return.", port=first.port
    )


def _ipv6_only_listeners(findings: list[PortFinding]) -> list[PortFinding]:
    """Ports where another program answers on [::1] apart from whatever holds 127.0.0.1 (a
    split: two listeners, one per family), so a browser sent to `localhost` reaches it."""
    split = []
    for f in findings:
        v6 = f.ipv6
        if v6 is None or not v6.foreign_listener:
            continue
        ipv4_pids = {h.pid for h in f.blocking if h.pid is not None}
        v6_pids = {h.pid for h in v6.owners if h.pid is not None}
        if v6_pids and v6_pids <= ipv4_pids:
            continue  # one dual-stack listener: already named for the port
        split.append(f)
    return split


def _ipv6_sentence(findings: list[PortFinding]) -> str:
    parts = [
        tr(
            "port",
            "[::1]:{port} (IPv6) is answered by {holders}",
            port=f.port,
            holders=_and([holder_text(h) for h in _unique(f.ipv6.owners)])
            if f.ipv6 and f.ipv6.owners
            else HIDDEN_OWNER,
        )
        for f in findings
    ]
    return tr(
        "port",
        "Separately, {listeners}. Codex sends the browser to 127.0.0.1, so that program "
        "does not catch this sign-in's return, but a browser sent to localhost reaches it "
        "first.",
        listeners=word_list(parts, tr("port", "{first} and {last}"), tr("port", ", ")),
    )


def _auth_manager_holders(profile: Profile, findings: list[PortFinding]) -> list[str]:
    """A sentence for each port holder that is an account switcher or local proxy tool."""
    said = []
    for f in findings:
        for holder in _unique(f.holders):
            tool = auth_manager_of(profile, holder.name, holder.exe)
            if tool and holder.pid is not None:
                said.append(
                    tr(
                        "port",
                        "{holder} on port {port} is {tool}, an account switcher or local proxy "
                        "tool that takes over Codex's sign-in.",
                        holder=holder_text(holder),
                        port=f.port,
                        tool=tool,
                    )
                )
    return said


def _still_waiting(port: int) -> str:
    """A Codex sign-in holds the first port: not in the way, since a new `codex login` asks
    it to stop (/cancel) and takes the port itself."""
    return tr(
        "port",
        "A Codex sign-in is waiting on port {port} for the browser's return. Starting a new "
        "sign-in replaces it.",
        port=port,
    )


def _holders_sentence(findings: list[PortFinding], pid: bool = True) -> str:
    parts = []
    for i, f in enumerate(findings):
        if f.state == "held":
            parts.append(
                tr(
                    "port",
                    "port {port} is used by {holders}",
                    port=f.port,
                    holders=_port_holders(f, pid),
                )
                if i == 0
                else tr(
                    "port", "port {port} by {holders}", port=f.port, holders=_port_holders(f, pid)
                )
            )
        elif f.state == "reserved":
            parts.append(tr("port", "port {port} is reserved by Windows", port=f.port))
        elif f.state == "forbidden":
            parts.append(
                tr(
                    "port",
                    "port {port} is refused by Windows ({error})",
                    port=f.port,
                    error=_bind_error_text(f),
                )
            )
        elif f.state == "refused":
            parts.append(
                tr(
                    "port",
                    "port {port} is refused ({error})",
                    port=f.port,
                    error=_bind_error_text(f),
                )
            )
    # Whole clauses: joined in the port context (another language joins clauses its own way).
    clauses: str = word_list(parts, tr("port", "{first} and {last}"), tr("port", ", "))
    return clauses


HIDDEN_OWNER = tr("port", "a program whose owner needs admin rights to see")


def _port_holders(finding: PortFinding, pid: bool = True) -> str:
    holders = _unique(finding.blocking or finding.holders)
    if not holders:
        return HIDDEN_OWNER
    return _and([holder_text(h, pid) for h in holders])


def holder_text(holder: PortHolder, pid: bool = True) -> str:
    """ "wslrelay.exe (pid 12528)"; `pid=False` for the verdict a person reads ("wslrelay.exe":
    the pid stays in the check's own line for the help desk). An owner hidden from this
    account is said as such; a program without a name keeps its pid (nothing else names it)."""
    if holder.pid is None:
        return HIDDEN_OWNER
    if holder.pid == 4 and (holder.name or "").lower() == "system":
        if not pid:
            return tr("port", "Windows itself (http.sys)")
        return tr("port", "Windows itself (http.sys, pid 4)")
    if holder.name:
        if not pid:
            return holder.name
        return tr("port", "{name} (pid {pid})", name=holder.name, pid=holder.pid)
    return tr("port", "process {pid}", pid=holder.pid)


def _unique(holders: list[PortHolder]) -> list[PortHolder]:
    seen: dict[object, PortHolder] = {}
    for h in holders:
        seen.setdefault(h.pid if h.pid is not None else id(h), h)
    return list(seen.values())


def _bind_error_text(finding: PortFinding) -> str:
    probe = finding.probe
    if probe is None or probe.code is None:
        return tr("port", "not tested")
    return f"{probe.name or 'error'} {probe.code}"


def _short_version(version: str) -> str:
    return version[:-2] if version.count(".") == 2 and version.endswith(".0") else version


def _and(items: list[str]) -> str:
    result: str = and_list(items)
    return result


def _found(env: Environment, f: PortFinding) -> PortFound:
    return PortFound(
        port=f.port,
        free=f.state == "free",
        state=f.state,
        bind_error=f.probe.error_json() if f.probe else None,
        bind_lingering=bool(f.probe and f.probe.lingering),
        reserved_range=f.reserved,
        holders=tuple(_listener(env, h) for h in f.holders),
        codex_login_server=f.codex_login_server,
        fingerprint=f.fingerprint,
        ipv6=f.ipv6.found(env) if f.ipv6 else None,
    )


def _listener(env: Environment, h: PortHolder) -> Listener:
    exe = env.display_path(h.exe) if h.exe else None
    return Listener(pid=h.pid, name=h.name, exe=exe, user=h.username, address=h.address)
