"""port-release: free the port Codex needs to receive the browser's return.

A stale Codex login server is asked to stop through its own `/cancel` endpoint - exactly what
Codex itself does when it finds the port busy (server.rs `send_cancel_request`). Any other
program is only ended after the user confirms it by name (`--confirm-process NAME`), and never
when it is part of the operating system or belongs to another user. Windows' reserved port
ranges cannot be freed by ending a program: that needs an administrator (`winnat-restart`)."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, replace
from typing import Any

from wizard.core.environment import PortHolder
from wizard.core.findings.port import Listener, PortFindings, PortFound
from wizard.core.i18n import and_list, sentences, tr
from wizard.fixes.base import FixContext
from wizard.fixes.env_places import check_result
from wizard.fixes.plan import FixPlan
from wizard.platform.ports import is_wsl_relay, probe_bind
from wizard.platform.system import current_platform

CANCEL_TIMEOUT_S = 2.0  # Codex's own connect/read/write timeouts for /cancel
FREE_WAIT_S = 5.0
TERMINATE_WAIT_S = 3.0
IPV4_BLOCKING = {"127.0.0.1", "0.0.0.0", "::", "::ffff:127.0.0.1"}
PROTECTED_NAMES = {
    "system",
    "system idle process",
    "registry",
    "smss.exe",
    "csrss.exe",
    "wininit.exe",
    "winlogon.exe",
    "services.exe",
    "lsass.exe",
    "svchost.exe",
    "init",
    "systemd",
    "launchd",
    "kernel_task",
    "kthreadd",
}


@dataclass(frozen=True)
class Holder:
    port: int
    pid: int | None
    name: str | None
    exe: str | None
    user: str | None
    created: float | None  # the process start time, so a recycled pid is never ended

    def text(self) -> str:
        name = self.name or tr("port_release", "an unnamed program")
        return tr("port", "{name} (pid {pid})", name=name, pid=self.pid)


class PortRelease:
    id = "port-release"
    title = tr("port_release", "Free the sign-in port")

    def plan(self, ctx: FixContext) -> FixPlan:
        result = check_result(ctx, "callback_port")
        if result is None:
            return self._not_applicable(tr("port_release", "The sign-in port was not checked."))
        found = result.typed(PortFindings)
        ports = found.ports if found is not None else ()
        busy = [p for p in ports if p.busy]
        reserved = [p for p in ports if p.state == "reserved"]
        if not busy:
            if reserved or "callback_ports_reserved" in result.faults:
                return self._reserved(ctx, reserved)
            return self._not_applicable(
                tr("port_release", "The sign-in port is free; there is nothing to stop.")
            )

        actions: list[dict[str, Any]] = []
        said: list[str] = []
        plain: list[str] = []
        refusals: list[str] = []
        consent: list[str] = []  # programs that may be ended once the person agrees by name
        ending: dict[str, tuple[list[int], bool]] = {}  # name -> (its ports, is the WSL relay)
        handled: set[int] = set()
        for finding in busy:
            port = finding.port
            holders = [_holder(ctx, port, h) for h in finding.holders]
            relay = [h for h in holders if _is_relay(ctx, h)]
            if finding.codex_login_server and not relay:
                actions.append({"kind": "cancel", "port": port})
                said.append(
                    tr(
                        "port_release",
                        "Port {port} is held by a Codex sign-in that is still waiting. This asks "
                        "it to stop (http://127.0.0.1:{port}/cancel), exactly as Codex itself "
                        "does.",
                        port=port,
                    )
                )
                plain.append(
                    tr(
                        "port_release",
                        "A Codex sign-in that is still waiting holds port {port}; Sign-in Doctor "
                        "asks it to stop, as Codex itself does.",
                        port=port,
                    )
                )
                continue
            blocking = [h for h in holders if _address(finding, h) in IPV4_BLOCKING] or holders
            if not blocking:
                refusals.append(
                    tr(
                        "port_release",
                        "Port {port} is in use by a program whose owner needs admin rights to "
                        "see; Sign-in Doctor cannot end it. Restarting the computer frees it.",
                        port=port,
                    )
                )
                continue
            for holder in blocking:
                if holder.pid in handled:
                    continue
                never = _never(ctx, holder)
                refusal = never or _unconfirmed(ctx, holder)
                note = _relay_note(holder) if holder in relay else []
                used_by = tr(
                    "port_release",
                    "Port {port} is used by {holder}.",
                    port=port,
                    holder=holder.text(),
                )
                if refusal:
                    if never is None and ctx.confirm_process is None and holder.name:
                        consent.append(holder.name)
                    refusals.append(sentences(used_by, refusal, *note))
                    continue
                handled.add(holder.pid or -1)
                actions.append(_end_action(holder))
                ends = tr(
                    "port_release",
                    "You confirmed '{name}': this ends it (save your work in it first).",
                    name=ctx.confirm_process,
                )
                said.append(sentences(used_by, ends, *note))
                ports_of, relay_of = ending.get(holder.name or "", ([], False))
                ending[holder.name or ""] = ([*ports_of, port], relay_of or bool(note))
        if not actions:
            plan = self._not_applicable(sentences(*refusals))
            return replace(plan, data={"consent": list(dict.fromkeys(consent))})
        summary = sentences(*said, *refusals)
        descriptions = tuple(_describe(a) for a in actions)
        return FixPlan(
            fix_id=self.id,
            title=self.title,
            summary=summary,
            actions=descriptions,
            rechecks=("callback_port",),
            data={"actions": actions},
            headline=sentences(*plain, *(_plain_end(n, p, r) for n, (p, r) in ending.items())),
        )

    def run_actions(self, ctx: FixContext, plan: FixPlan) -> list[str]:
        bind_address = str(ctx.profile.data.get("callback_bind_address", "127.0.0.1"))
        done: list[str] = []
        for action in plan.data.get("actions", []):
            port = int(action["port"])
            if action["kind"] == "cancel":
                send_cancel(bind_address, port)
                what = tr(
                    "port_release",
                    "asked the waiting Codex sign-in on port {port} to stop",
                    port=port,
                )
            else:
                end_process(action)
                what = tr(
                    "port_release",
                    "ended {name} (pid {pid})",
                    name=action["name"],
                    pid=action["pid"],
                )
            if not wait_until_free(bind_address, port, FREE_WAIT_S):
                raise OSError(
                    tr(
                        "port_release",
                        "Port {port} is still in use after Sign-in Doctor {what}.",
                        port=port,
                        what=what,
                    )
                )
            done.append(what)
        return done

    def _reserved(self, ctx: FixContext, reserved: list[PortFound]) -> FixPlan:
        ports = ", ".join(str(p.port) for p in reserved) or tr("port_release", "the sign-in ports")
        ranges = [p.reserved_range for p in reserved if p.reserved_range]
        if ranges:
            ports = tr(
                "port_release",
                "{ports} (range {start}-{end})",
                ports=ports,
                start=ranges[0].start,
                end=ranges[0].end,
            )
        return self._not_applicable(
            tr(
                "port_release",
                "Windows has reserved {ports} for its own networking (Hyper-V, WSL or Docker); "
                "no program holds them, so there is nothing to end. An administrator can free "
                "them (the fix 'Free the reserved ports', winnat-restart). Meanwhile a device "
                "code sign-in needs no local port.",
                ports=ports,
            )
        )

    def _not_applicable(self, reason: str) -> FixPlan:
        return FixPlan(
            self.id,
            self.title,
            tr("port_release", "Stops what holds the port Codex needs for the browser's return."),
            applicable=False,
            reason=reason,
        )


# -- who holds the port -----------------------------------------------------------------------


def _live(ctx: FixContext) -> bool:
    return ctx.env.platform == current_platform()


def _holder(ctx: FixContext, port: int, found: Listener) -> Holder:
    """The holder from the findings, completed from the process table when it is this
    machine (the full program path and the start time)."""
    pid = found.pid
    holder = Holder(port, pid, found.name, found.exe, found.user, None)
    if pid is None or not _live(ctx):
        return holder
    import psutil

    try:
        proc = psutil.Process(pid)
        with proc.oneshot():
            name, created = proc.name(), proc.create_time()
            try:
                exe: str | None = proc.exe() or None
            except (psutil.AccessDenied, psutil.ZombieProcess):
                exe = holder.exe
            try:
                user: str | None = proc.username()
            except psutil.AccessDenied:
                user = holder.user
    except psutil.NoSuchProcess:
        return holder
    except psutil.AccessDenied:
        return holder
    shown = ctx.env.display_path(exe) if exe else None
    return Holder(port, pid, name, shown, user, created)


def _address(finding: PortFound, holder: Holder) -> str:
    return next((h.address for h in finding.holders if h.pid == holder.pid), "")


def _is_relay(ctx: FixContext, holder: Holder) -> bool:
    as_port_holder = PortHolder(holder.port, "", holder.pid, holder.name, holder.exe, holder.user)
    return is_wsl_relay(ctx.profile, as_port_holder)


def _relay_note(holder: Holder) -> list[str]:
    return [
        tr(
            "port_release",
            "{name} is the WSL relay: ending it stops every port forwarded from WSL "
            "(Linux on Windows) until WSL restarts, and the editor starts it again. The real "
            "fix is to run Codex on Windows, not inside WSL: turn off the editor's 'Run Codex "
            "in WSL' setting instead.",
            name=holder.name,
        )
    ]


def _plain_end(name: str, ports: list[int], relay: bool) -> str:
    """What ending a program means, for a person (no pid, path or user)."""
    port = (
        tr("port_release", "port {port}", port=ports[0])
        if len(ports) == 1
        else tr("port_release", "ports {ports}", ports=and_list([str(p) for p in ports]))
    )
    if relay:
        return tr(
            "port_release",
            "{name}, the WSL relay, holds {port}. Ending it frees the port until the "
            "editor starts it again; the lasting fix is to stop running Codex inside WSL.",
            name=name,
            port=port,
        )
    return tr(
        "port_release",
        "{name} holds {port}, which Codex needs for the browser's return. Ending {name} "
        "frees it: save your work in it first.",
        name=name,
        port=port,
    )


def _never(ctx: FixContext, holder: Holder) -> str | None:
    """Why this process must never be ended by Sign-in Doctor; None when it may be."""
    name = holder.name or ""
    if holder.pid is None:
        return tr(
            "port_release",
            "Its owner needs admin rights to see, so Sign-in Doctor cannot end it.",
        )
    if holder.pid <= 4 or name.casefold() in PROTECTED_NAMES:
        if not name:
            return tr(
                "port_release",
                "It is part of the operating system: Sign-in Doctor never ends it. "
                "Restarting the computer usually frees the port.",
            )
        return tr(
            "port_release",
            "{name} is part of the operating system: Sign-in Doctor never ends it. "
            "Restarting the computer usually frees the port.",
            name=name,
        )
    if _live(ctx) and holder.pid in _own_family():
        return tr(
            "port_release",
            "That is Sign-in Doctor itself or the program that started it; close it yourself.",
        )
    me = _current_user(ctx)
    if holder.user is None or me is None:
        return tr(
            "port_release",
            "Sign-in Doctor cannot tell which user it belongs to, so it does not end it.",
        )
    if not _same_user(holder.user, me, ctx.env.platform):
        return tr(
            "port_release",
            "It belongs to another user ({user}); only that user or an administrator can end it.",
            user=holder.user,
        )
    return None


def _unconfirmed(ctx: FixContext, holder: Holder) -> str | None:
    """Why a process that may be ended is not ended yet: the person has not agreed to it by
    name (the window asks with a button, the CLI takes --confirm-process)."""
    name = holder.name or ""
    confirmed = ctx.confirm_process
    if confirmed is None:
        return tr(
            "port_release",
            "If you want Sign-in Doctor to end it, run this fix again with "
            "--confirm-process {name}.",
            name=name,
        )
    if not _same_process_name(confirmed, name):
        return tr(
            "port_release",
            "You confirmed '{confirmed}', but the program holding the port is '{name}'; "
            "nothing is ended.",
            confirmed=confirmed,
            name=name,
        )
    return None


def _same_process_name(confirmed: str, actual: str) -> bool:
    def norm(text: str) -> str:
        text = text.strip().casefold()
        return text[:-4] if text.endswith(".exe") else text

    return bool(actual) and norm(confirmed) == norm(actual)


def _current_user(ctx: FixContext) -> str | None:
    if _live(ctx):
        import psutil

        try:
            return str(psutil.Process().username())
        except (psutil.Error, KeyError):
            pass
    return ctx.env.get("USERNAME") or ctx.env.get("USER")


def _same_user(a: str, b: str, platform: str) -> bool:
    if platform == "windows":
        return a.rsplit("\\", 1)[-1].casefold() == b.rsplit("\\", 1)[-1].casefold()
    return a == b


def _own_family() -> set[int]:
    import psutil

    me = psutil.Process()
    return {me.pid, *(p.pid for p in me.parents())}


def _end_action(holder: Holder) -> dict[str, Any]:
    return {
        "kind": "end",
        "port": holder.port,
        "pid": holder.pid,
        "name": holder.name,
        "exe": holder.exe,
        "user": holder.user,
        "created": holder.created,
    }


def _describe(action: dict[str, Any]) -> str:
    if action["kind"] == "cancel":
        port = action["port"]
        return tr(
            "port_release",
            "Ask the waiting Codex sign-in on port {port} to stop (GET /cancel)",
            port=port,
        )
    return tr(
        "port_release",
        "End {name} (pid {pid}, {exe}, user {user}) to free port {port}",
        name=action["name"],
        pid=action["pid"],
        exe=action["exe"] or tr("port_release", "program unknown"),
        user=action["user"],
        port=action["port"],
    )


# -- doing it ---------------------------------------------------------------------------------


def send_cancel(address: str, port: int) -> None:
    """`GET /cancel` to a Codex login server, the request Codex itself sends."""
    request = (
        f"GET /cancel HTTP/1.1\r\nHost: {address}:{port}\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    try:
        with socket.create_connection((address, port), timeout=CANCEL_TIMEOUT_S) as sock:
            sock.settimeout(CANCEL_TIMEOUT_S)
            sock.sendall(request)
            try:
                while sock.recv(4096):
                    pass
            except OSError:
                pass  # the server may close as it stops
    except OSError as exc:
        raise OSError(
            tr(
                "port_release",
                "Could not reach the Codex sign-in on port {port} ({error}).",
                port=port,
                error=str(exc.strerror or exc),
            )
        ) from None


def end_process(action: dict[str, Any]) -> None:
    """Terminate the confirmed process (then kill it if it does not stop), after checking it
    is still the very process the user confirmed."""
    import psutil

    pid, name = int(action["pid"]), str(action["name"])
    try:
        proc = psutil.Process(pid)
        if proc.name() != name or (
            action.get("created") is not None and proc.create_time() != action["created"]
        ):
            raise OSError(
                tr(
                    "port_release",
                    "The program with pid {pid} is no longer {name}; nothing was ended. "
                    "Run the fix again.",
                    pid=pid,
                    name=name,
                )
            )
        proc.terminate()
        if not _ended(proc):
            proc.kill()
            if not _ended(proc):
                raise OSError(
                    tr("port_release", "{name} (pid {pid}) did not stop.", name=name, pid=pid)
                )
    except psutil.NoSuchProcess:
        return  # it ended by itself meanwhile
    except psutil.AccessDenied:
        raise OSError(
            tr("port_release", "Not allowed to end {name} (pid {pid}).", name=name, pid=pid)
        ) from None


def _ended(proc: Any) -> bool:
    """True once the process has ended (our own child is also collected). One that its parent
    has not collected yet (a zombie) has ended too: its sockets are closed."""
    import psutil

    _gone, alive = psutil.wait_procs([proc], timeout=TERMINATE_WAIT_S)
    for left in alive:
        try:
            if left.status() != psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            pass
    return True


def wait_until_free(address: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        probe = probe_bind(address, port)
        if probe.free or probe.lingering:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


PORT_RELEASE = PortRelease()
