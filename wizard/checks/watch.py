"""Watch a sign-in as it happens: seed 000's PowerShell polling loop, done for the user.

Every 100 ms: who listens on each callback port (and when that changes), which connections
arrive there (the browser's return) and which process received them, and what Codex appends
to its login log and to the newest editor `Codex.log`. Log lines are kept only sanitised (no
query strings, codes, state or tokens) and decoded with the log decoder.

Watching is passive: no request is sent to a listener while the sign-in happens (a request
to its return address would be logged by Codex as a callback with a wrong state). A listener
counts as Codex by its process name (`codex`, `codex.exe`, `codex-…`); the WSL relay never
does."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any, TextIO

from wizard.checks.auth_managers import auth_manager_of
from wizard.checks.port import HIDDEN_OWNER, holder_text
from wizard.core.environment import Environment, PortHolder
from wizard.core.i18n import Text, and_list, join, or_list, sentences, tr, tr_map
from wizard.core.model import Target
from wizard.core.profile import Profile
from wizard.platform.ports import is_wsl_relay

INTERVAL_S = 0.1
MAX_LOG_LINES = 500
RESCAN_TICKS = 10  # look for a newer editor log once a second
_CODEX_NAME = re.compile(r"^codex(?:[-_.].*)?$", re.I)
UNSEEN = tr("watch", "a program this account cannot see")


@dataclass(frozen=True)
class WatchEvent:
    at: str  # ISO 8601 from env.now()
    kind: str  # "listening" | "stopped" | "received" | "log"
    text: str  # one plain line, as printed to progress
    port: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "kind": self.kind, "port": self.port, "text": self.text, **self.data}


@dataclass
class WatchReport:
    ok: bool
    summary: str
    events: list[WatchEvent]
    holders: list[dict[str, Any]]
    callbacks: list[dict[str, Any]]
    log_lines: list[dict[str, Any]]
    ports: tuple[int, ...]
    seconds: float
    logs: dict[str, str | None]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "ok": self.ok,
            "summary": self.summary,
            "ports": list(self.ports),
            "seconds": round(self.seconds, 1),
            "logs": dict(self.logs),
            "holders": list(self.holders),
            "callbacks": list(self.callbacks),
            "log_lines": list(self.log_lines),
            "events": [e.to_json() for e in self.events],
        }


def watch_signin(
    env: Environment,
    profile: Profile,
    target: Target,
    seconds: float,
    progress: TextIO | None = None,
    stop: threading.Event | None = None,
    interval: float = INTERVAL_S,
) -> WatchReport:
    watcher = _Watcher(env, profile, target, progress)
    stop = stop or threading.Event()
    started = time.monotonic()
    deadline = started + seconds
    if progress is not None:
        say(
            progress,
            tr(
                "watch",
                "Watching ports {ports} and Codex's logs for {seconds:g} s: sign in now.",
                ports=and_list([str(p) for p in target.callback_ports]),
                seconds=seconds,
            ),
        )
        say(
            progress,
            tr(
                "watch",
                "Reading Codex's sign-in log {path} (the CODEX_HOME the checks used).",
                path=env.display_path(watcher.login_log),
            ),
        )
    while not stop.is_set():  # nothing is watched (or said) once Stop was pressed
        if watcher.tick() and progress is not None:
            conclude(progress, watcher.conclusion_so_far())
        left = deadline - time.monotonic()
        if left <= 0:
            break
        stop.wait(min(interval, left))
    return watcher.report(time.monotonic() - started)


class _Watcher:
    def __init__(
        self, env: Environment, profile: Profile, target: Target, progress: TextIO | None
    ) -> None:
        self.env, self.profile, self.target, self.progress = env, profile, target, progress
        self.events: list[WatchEvent] = []
        self.holders: dict[tuple[int, int | None, str], dict[str, Any]] = {}
        self.current: set[tuple[int, int | None, str]] = set()
        self.callbacks: list[dict[str, Any]] = []
        self.seen_connections: set[tuple[tuple[str, int], tuple[str, int]]] = set()
        self.there_before: set[tuple[int, int | None, str]] = set()
        self.log_lines: list[dict[str, Any]] = []
        self.ticks = 0
        self.decode, self.sanitize, self.ide_logs = _log_tools()
        self.login_log = env.codex_home() / profile["codex_files"]["login_log"]
        self.tails: dict[Path, _Tail] = {}
        self.ide_log: Path | None = None
        self._tail(self.login_log, from_end=True)
        for path in self._ide_candidates():
            self._tail(path, from_end=True)
        self.ide_log = self._newest_ide_log()
        # Listeners and connections from before the watch (a previous attempt's TIME_WAIT) are
        # not news: this look is taken before the person is told to sign in, so a program that
        # starts listening after that did start, however soon the first poll comes.
        holders, earlier = self._activity()
        self.there_before.update(
            (p, h.pid, h.address) for p, listed in holders.items() for h in listed
        )
        self.seen_connections.update((tuple(c.local), tuple(c.remote)) for c in earlier)

    # --- one poll ---------------------------------------------------------------------

    def tick(self) -> bool:
        """One poll; True when it saw something new."""
        self.ticks += 1
        before = len(self.events)
        holders, arrived = self._activity()
        self._update_holders(holders)
        for conn in arrived:
            self._connection(conn)
        if self.ticks % RESCAN_TICKS == 0:
            newest = self._newest_ide_log()
            if newest is not None and newest != self.ide_log:
                self.ide_log = newest
                self._tail(newest, from_end=False)  # a new log: every line in it is new
        self._read_log(self.login_log, "codex-login.log")
        if self.ide_log is not None:
            self._read_log(self.ide_log, "editor Codex.log")
        return len(self.events) > before

    def _activity(self) -> tuple[dict[int, list[PortHolder]], list[Any]]:
        ports = list(self.target.callback_ports)
        activity = getattr(self.env.ports, "activity", None)
        if callable(activity):
            holders, arrived = activity(ports)
            return holders, arrived
        return {p: self.env.ports.listeners(p) for p in ports}, []

    def _update_holders(self, holders: dict[int, list[PortHolder]]) -> None:
        now = self._now()
        present = set()
        for port, listed in holders.items():
            for h in listed:
                key = (port, h.pid, h.address)
                present.add(key)
                entry = self.holders.get(key)
                if entry is None or key not in self.current:
                    entry = entry or self._new_holder(port, h, now)
                    self.holders[key] = entry
                    where = (
                        ""
                        if h.address == "127.0.0.1"
                        else tr("watch", " on {address}", address=h.address)
                    )
                    what = " (Codex)" if entry["codex"] else ""
                    if entry["auth_manager"]:
                        what = tr(
                            "watch",
                            " ({tool}, an account switcher or local proxy tool)",
                            tool=entry["auth_manager"],
                        )
                    text = (
                        tr(
                            "watch",
                            "port {port}: {holder} was already listening{where}{what}",
                            port=port,
                            holder=holder_text(h),
                            where=where,
                            what=what,
                        )
                        if key in self.there_before
                        else tr(
                            "watch",
                            "port {port}: {holder} started listening{where}{what}",
                            port=port,
                            holder=holder_text(h),
                            where=where,
                            what=what,
                        )
                    )
                    self._event(
                        "listening",
                        text,
                        port,
                        holder=_public(entry),
                    )
                entry["last_seen"] = now
        for key in self.current - present:
            self.there_before.discard(key)  # back later, it started listening again
            entry = self.holders[key]
            self._event(
                "stopped",
                tr(
                    "watch",
                    "port {port}: {holder} stopped listening",
                    port=key[0],
                    holder=entry["text"],
                ),
                key[0],
                holder=_public(entry),
            )
        self.current = present

    def _new_holder(self, port: int, h: PortHolder, now: str) -> dict[str, Any]:
        relay = is_wsl_relay(self.profile, h)
        exe_name = PureWindowsPath(h.exe).name if h.exe else ""
        named_codex = any(_CODEX_NAME.match(n) for n in (h.name or "", exe_name) if n)
        return {
            "port": port,
            "pid": h.pid,
            "name": h.name,
            "exe": self.env.display_path(h.exe) if h.exe else None,
            "address": h.address,
            "first_seen": now,
            "last_seen": now,
            "codex": named_codex and not relay,
            "wsl_relay": relay,
            "auth_manager": auth_manager_of(self.profile, h.name, h.exe),
            "text": holder_text(h),
            "program": program_name(h),
        }

    def _connection(self, conn: Any) -> None:
        key = (tuple(conn.local), tuple(conn.remote))
        if key in self.seen_connections:
            return
        self.seen_connections.add(key)
        receiver = self._receiver_entry(conn)
        client = (
            tr("port", "{name} (pid {pid})", name=conn.peer_name, pid=conn.peer_pid)
            if conn.peer_pid and conn.peer_name
            else tr("watch", "a browser or other program")
        )
        who = receiver["text"] if receiver else UNSEEN
        record = {
            "port": conn.port,
            "at": self._now(),
            "status": conn.status,
            "client": {"pid": conn.peer_pid, "name": conn.peer_name},
            "receiver": _public(receiver) if receiver else None,
            "received_by_codex": bool(receiver and receiver["codex"]),
        }
        self.callbacks.append(record)
        self._event(
            "received",
            tr(
                "watch",
                "port {port}: a connection from {client} was received by {who}",
                port=conn.port,
                client=client,
                who=who,
            ),
            conn.port,
            receiver=record["receiver"],
            received_by_codex=record["received_by_codex"],
        )

    def _receiver_entry(self, conn: Any) -> dict[str, Any] | None:
        holder = getattr(conn, "receiver", None)
        if holder is not None:
            entry = self.holders.get((conn.port, holder.pid, holder.address))
            if entry is not None:
                return entry
        # The listener may be gone already (Codex exits after a sign-in): the last one seen.
        seen = [e for e in self.holders.values() if e["port"] == conn.port]
        return max(seen, key=lambda e: e["last_seen"]) if seen else None

    # --- logs -------------------------------------------------------------------------

    def _ide_candidates(self) -> list[Path]:
        try:
            return [p for _name, p in self.ide_logs(self.env, self.profile)]
        except OSError:
            return []

    def _newest_ide_log(self) -> Path | None:
        files = self._ide_candidates()
        return max(files, key=_mtime) if files else None

    def _tail(self, path: Path, from_end: bool) -> None:
        if path not in self.tails:
            self.tails[path] = _Tail(path, _size(path) if from_end else 0)

    def _read_log(self, path: Path, source: str) -> None:
        self._tail(path, from_end=False)
        for line in self.tails[path].new_lines():
            if not line.strip():
                continue
            decoded = self.decode(line)
            entry = {
                "source": source,
                "at": self._now(),
                "line": self.sanitize(line),
                "decoded": decoded.to_json() if decoded is not None else None,
                "error": bool(decoded is not None and decoded.is_error),
            }
            if len(self.log_lines) < MAX_LOG_LINES:
                self.log_lines.append(entry)
            if decoded is not None:
                template = (
                    tr("watch", "{source} problem: {meaning} ({line})")
                    if entry["error"]
                    else tr("watch", "{source} note: {meaning} ({line})")
                )
                self._event(
                    "log",
                    tr_map(
                        template.context,
                        template.template,
                        {"source": source, "meaning": decoded.meaning, "line": entry["line"]},
                    ),
                    None,
                    source=source,
                    decoded=entry["decoded"],
                )

    # --- results ----------------------------------------------------------------------

    def _now(self) -> str:
        return self.env.now().isoformat(timespec="milliseconds")

    def _event(self, kind: str, text: str, port: int | None, **data: Any) -> None:
        event = WatchEvent(self._now(), kind, text, port, data)
        self.events.append(event)
        if self.progress is not None:
            clock = self.env.now().astimezone().strftime("%H:%M:%S")
            say(self.progress, join([clock, text], " "))

    def conclusion_so_far(self) -> str:
        """What the watch shows up to now, in the words of its final summary; while nothing
        has arrived yet, who is listening and that the return is awaited."""
        failures = [e for e in self.log_lines if e["error"]]
        if self.callbacks or failures:
            to_codex = [c for c in self.callbacks if c["received_by_codex"]]
            return self._summary(to_codex, failures, 0.0)
        listening = [self.holders[k] for k in self.current]
        if listening:
            return tr(
                "watch",
                "{listeners} is listening. Waiting for the browser's return…",
                listeners=and_list([e["program"] for e in listening]),
            )
        return tr("watch", "Nothing is listening yet. Start the sign-in in Codex now.")

    def report(self, elapsed: float) -> WatchReport:
        failures = [e for e in self.log_lines if e["error"]]
        to_codex = [c for c in self.callbacks if c["received_by_codex"]]
        ok = bool(to_codex) and not failures
        return WatchReport(
            ok=ok,
            summary=self._summary(to_codex, failures, elapsed),
            events=self.events,
            holders=[_public(e) for e in self.holders.values()],
            callbacks=self.callbacks,
            log_lines=self.log_lines,
            ports=tuple(self.target.callback_ports),
            seconds=elapsed,
            logs={
                "codex_login_log": self.env.display_path(self.login_log),
                "ide_log": self.env.display_path(self.ide_log) if self.ide_log else None,
            },
        )

    def _summary(
        self, to_codex: list[dict[str, Any]], failures: list[dict[str, Any]], elapsed: float
    ) -> str:
        failure = failures[-1]["decoded"]["meaning"] if failures else None
        elsewhere = [c for c in self.callbacks if not c["received_by_codex"]]
        if elsewhere and not to_codex:
            c = elsewhere[0]
            who = c["receiver"]["program"] if c["receiver"] else UNSEEN
            received = tr(
                "watch",
                "The browser's return on port {port} was received by {who}, not by Codex.",
                port=c["port"],
                who=who,
            )
            tool = c["receiver"] and c["receiver"]["auth_manager"]
            if not tool:
                return received
            return sentences(
                received,
                tr(
                    "watch",
                    "That is {tool}, an account switcher or local proxy tool: quit it, then "
                    "sign in again.",
                    tool=tool,
                ),
            )
        if to_codex:
            c = to_codex[0]
            receiver = c["receiver"]["program"]
            if failure:
                return tr(
                    "watch",
                    "The browser's return on port {port} reached Codex ({receiver}), but the "
                    "sign-in then failed: {failure}",
                    port=c["port"],
                    receiver=receiver,
                    failure=_sentence(failure),
                )
            return tr(
                "watch",
                "The browser's return on port {port} reached Codex ({receiver}) and no error "
                "was logged.",
                port=c["port"],
                receiver=receiver,
            )
        ports = or_list([str(p) for p in self.target.callback_ports])
        if failure:
            return tr(
                "watch",
                "No browser return arrived on port {ports}, and Codex logged a failure: {failure}",
                ports=ports,
                failure=_sentence(failure),
            )
        listeners = and_list(list(dict.fromkeys(e["program"] for e in self.holders.values())))
        if listeners:
            return tr(
                "watch",
                "{listeners} listened, but no browser return arrived on port {ports} "
                "within {duration}.",
                listeners=listeners,
                ports=ports,
                duration=_seconds(elapsed),
            )
        return tr(
            "watch",
            "Nothing listened on port {ports} and no browser return arrived within "
            "{duration}: start the sign-in while watching.",
            ports=ports,
            duration=_seconds(elapsed),
        )


@dataclass
class _Tail:
    """New complete lines appended to a file since `offset`."""

    path: Path
    offset: int
    partial: bytes = b""

    def new_lines(self) -> list[str]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(0, 2)
                size = handle.tell()
                if size < self.offset:  # truncated or replaced: start again
                    self.offset, self.partial = 0, b""
                if size == self.offset:
                    return []
                handle.seek(self.offset)
                data = handle.read(size - self.offset)
        except OSError:
            return []
        self.offset += len(data)
        data = self.partial + data
        *complete, self.partial = data.split(b"\n")
        return [line.decode("utf-8", "replace").rstrip("\r") for line in complete]


def _log_tools() -> tuple[Callable[[str], Any], Callable[[str], str], Callable[..., Any]]:
    """The decoder, sanitiser and editor-log finder of the logs check (loaded when a watch
    starts)."""
    from wizard.checks.logs import decode_line, ide_log_files, sanitize_excerpt

    return decode_line, sanitize_excerpt, ide_log_files


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    return dict(entry)


def program_name(holder: PortHolder) -> str:
    """The listening program for a main line: its name, never its pid."""
    if holder.pid is None:
        return HIDDEN_OWNER
    if holder.pid == 4 and (holder.name or "").lower() == "system":
        return tr("watch", "Windows itself (http.sys)")
    exe = PureWindowsPath(holder.exe).name if holder.exe else ""
    return holder.name or exe or tr("watch", "a program")


def conclude(progress: TextIO, text: str) -> None:
    """The conclusion so far, for a stream that shows one (the window's); others skip it."""
    write_conclusion = getattr(progress, "write_conclusion", None)
    if callable(write_conclusion):
        write_conclusion(text)


def say(progress: TextIO, line: str) -> None:
    """One progress line. A stream that takes whole lines (`write_line`, the window's) gets
    it as translatable text; any other stream (the terminal) gets it printed."""
    write_line = getattr(progress, "write_line", None)
    if callable(write_line):
        write_line(line)
    else:
        print(line, file=progress, flush=True)


def _seconds(value: float) -> str:
    shown = round(value) if value >= 10 else round(value, 1)
    if shown == 1:
        return tr("watch", "{n:g} second", n=shown)
    return tr("watch", "{n:g} seconds", n=shown)


def _sentence(text: str) -> str:
    if isinstance(text, Text):
        return text  # decoder meanings are whole sentences already
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
