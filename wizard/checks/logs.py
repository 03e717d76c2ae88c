"""What Codex's own logs say about the last sign-in, and a decoder for its error messages.

Three logs count: `$CODEX_HOME/log/codex-login.log` (direct `codex login`; only the lines of the
latest attempt), the newest `Codex.log` of the editor extension, and the desktop app's own log
(its newest session of the last days, wizard.platform.desktop_logs). The decoder patterns live in
resources/decoder.json. Logs tell what happened, not why: a failure found here is a warning and
the live checks decide the cause. What a log proves: "Codex runs inside WSL" in the newest
editor log; a latest codex-login.log attempt whose request never got an answer (a pattern with a
`log_fault`), which names the cause only when the live checks find nothing; and in the desktop
app's log, what the same line would prove when pasted (a pattern's `proves`: the app signed in
and then got "Workspace routing is unavailable", say), since the app's own words are evidence
no probe from here can give."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from wizard.core.engine import CheckContext
from wizard.core.environment import Environment
from wizard.core.findings.codex import LogsFindings
from wizard.core.findings.port import PortFindings
from wizard.core.i18n import Moment, tr, tr_map
from wizard.core.model import Outcome, Status
from wizard.core.profile import Profile, resource_path
from wizard.platform.desktop_logs import modified_time, newest_session_logs
from wizard.report.redact import drop_url_queries, redact_secrets

MAX_LOG_BYTES = 1_000_000  # only the tail of a log is read
MAX_EXCERPT = 300

# Lines that open a sign-in attempt in codex-login.log (PR #13797), strongest first.
ATTEMPT_STARTS = (
    re.compile(r"starting browser login flow|[Ss]tarting local login server"),
    re.compile(r"received login callback"),
    re.compile(r"starting oauth token exchange"),
)
ATTEMPT_SUCCEEDED = re.compile(r"oauth token exchange succeeded|Successfully logged in")
BROWSER_FLOW = re.compile(r"starting browser login flow")
CALLBACK_RECEIVED = re.compile(r"received login callback")
TIMESTAMP = re.compile(
    r"^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)"
)
VSCODE_SERVER_LOGS = ".vscode-server/data/logs/*/exthost*/openai.chatgpt/Codex.log"


# --- the decoder --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    id: str
    regex: re.Pattern[str]
    severity: str  # "error" | "info"
    meaning: str
    technical: str
    cause_hint: str | None
    flow_step: str | None
    confirm_checks: tuple[str, ...]
    generic: bool
    log_fault: str | None
    proves: str | None  # the fault this text proves when the user pasted it


@dataclass(frozen=True)
class Decoded:
    id: str
    meaning: str
    technical: str
    cause_hint: str | None
    flow_step: str | None
    confirm_checks: tuple[str, ...]
    severity: str
    excerpt: str  # the matching line, with codes, tokens and query strings removed
    log_fault: str | None = None
    proves: str | None = None
    groups: Mapping[str, str] = field(default_factory=dict)  # the pattern's named groups

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "meaning": self.meaning,
            "technical": self.technical,
            "cause_hint": self.cause_hint,
            "flow_step": self.flow_step,
            "confirm_checks": list(self.confirm_checks),
            "severity": self.severity,
            "excerpt": self.excerpt,
            "log_fault": self.log_fault,
        }


@cache
def _decoder_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("decoder.json").read_text(encoding="utf-8"))
    return data


@cache
def decoder_patterns() -> tuple[Pattern, ...]:
    return tuple(
        Pattern(
            id=p["id"],
            regex=re.compile(p["regex"]),
            severity=p.get("severity", "error"),
            meaning=tr_map("decoder", p["meaning"], {}),
            technical=tr_map("decoder", p["technical"], {}) if p.get("technical") else "",
            cause_hint=p.get("cause_hint"),
            flow_step=p.get("flow_step"),
            confirm_checks=tuple(p.get("confirm", ())),
            generic=bool(p.get("generic", False)),
            log_fault=p.get("log_fault"),
            proves=p.get("proves"),
        )
        for p in _decoder_data()["patterns"]
    )


def step_summary(flow_step: str | None) -> str:
    summaries: dict[str, str] = _decoder_data().get("step_summaries", {})
    summary = summaries.get(flow_step or "")
    return tr_map("decoder", summary, {}) if summary else tr("logs", "The last sign-in failed.")


def _line_matches(line: str) -> list[Decoded]:
    """Every pattern matching `line`; generic ones only when nothing specific matched."""
    hits = [(p, m) for p in decoder_patterns() if (m := p.regex.search(line))]
    specific = [(p, m) for p, m in hits if not p.generic]
    chosen = specific or hits[:1]
    excerpt = sanitize_excerpt(line)
    return [
        Decoded(
            p.id,
            p.meaning,
            p.technical,
            p.cause_hint,
            p.flow_step,
            p.confirm_checks,
            p.severity,
            excerpt,
            p.log_fault,
            p.proves,
            {k: v for k, v in m.groupdict().items() if v is not None},
        )
        for p, m in chosen
    ]


def decode_line(line: str) -> Decoded | None:
    """The most specific explanation of one line, or None."""
    found = _line_matches(line)
    return found[0] if found else None


def decode_error(text: str) -> list[Decoded]:
    """Every known error in `text` (a pasted message or log lines), once each, most specific
    pattern first."""
    found: dict[str, Decoded] = {}
    for line in text.splitlines():
        for decoded in _line_matches(line):
            found.setdefault(decoded.id, decoded)
    order = {p.id: i for i, p in enumerate(decoder_patterns())}
    return sorted(found.values(), key=lambda d: order[d.id])


def sanitize_excerpt(line: str) -> str:
    """A log line fit for evidence: no URL query strings, OAuth codes, state, tokens or keys."""
    text = redact_secrets(drop_url_queries(line.strip().replace("\x00", "")), named=True)
    if len(text) > MAX_EXCERPT:
        text = text[: MAX_EXCERPT - 1] + "…"
    return text


# --- reading logs ----------------------------------------------------------------------


def read_tail(path: Path, limit: int = MAX_LOG_BYTES) -> str:
    """The last `limit` bytes of a log as text, starting at a whole line."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        start = max(0, size - limit)
        handle.seek(start)
        data = handle.read(limit)
    if start > 0:
        newline = data.find(b"\n")
        data = data[newline + 1 :] if newline >= 0 else b""
    return data.decode("utf-8", errors="replace")


def latest_attempt(lines: list[str]) -> list[str]:
    """The lines of the last sign-in attempt in codex-login.log."""
    for marker in ATTEMPT_STARTS:
        starts = [i for i, line in enumerate(lines) if marker.search(line)]
        if starts:
            return lines[starts[-1] :]
    return lines


def line_timestamp(line: str) -> str | None:
    match = TIMESTAMP.match(line)
    return match.group(1) if match else None


def ide_log_files(env: Environment, profile: Profile) -> list[tuple[str, Path]]:
    """(editor name, Codex.log) for every editor log of the Codex extension that exists."""
    appdata = env.config_dirs()["appdata"]
    glob = profile["ide"]["log_glob"]
    found: list[tuple[str, Path]] = []
    for editor in profile["ide"]["editors"]:
        base = appdata / editor["folder"]
        if base.is_dir():
            found.extend((editor["name"], p) for p in base.glob(glob) if p.is_file())
    found.extend(("VS Code Server", p) for p in env.home.glob(VSCODE_SERVER_LOGS) if p.is_file())
    return found


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _findings(env: Environment, path: Path, lines: list[str]) -> list[dict[str, Any]]:
    """Decoded lines, once per pattern (first occurrence, with a count)."""
    found: dict[str, dict[str, Any]] = {}
    for line in lines:
        for decoded in _line_matches(line):
            entry = found.get(decoded.id)
            if entry:
                entry["count"] += 1
                continue
            found[decoded.id] = {
                **decoded.to_json(),
                "file": env.display_path(path),
                "timestamp": line_timestamp(line),
                "count": 1,
            }
    order = {p.id: i for i, p in enumerate(decoder_patterns())}
    return sorted(found.values(), key=lambda f: order[f["id"]])


def _read_lines(path: Path, limit: int = MAX_LOG_BYTES) -> list[str] | str:
    try:
        return read_tail(path, limit).splitlines()
    except OSError as exc:
        return tr("logs", "cannot be read: {error}", error=str(exc.strerror or exc))


def _never_called_back(attempt: list[str], findings: list[dict[str, Any]]) -> bool:
    """A browser sign-in that Codex started without trouble and that the browser never
    returned to (no error, no port fallback: then the port, not the account, is in question)."""
    if not any(BROWSER_FLOW.search(line) for line in attempt):
        return False
    if any(CALLBACK_RECEIVED.search(line) or ATTEMPT_SUCCEEDED.search(line) for line in attempt):
        return False
    troubled = {"port_fallback", "login_server_cancel_failed"}
    return not any(f["severity"] == "error" or f["id"] in troubled for f in findings)


def _desktop_log(
    env: Environment, profile: Profile, problems: list[str]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The desktop app's newest session: what was read, and its decoded lines. The session's
    files share one read budget, so a long session costs no more than one log."""
    files = newest_session_logs(env, profile)
    findings: list[dict[str, Any]] = []
    read: list[str] = []
    for path in reversed(files):  # oldest first: the first finding is the earliest
        lines = _read_lines(path, MAX_LOG_BYTES // len(files))
        if isinstance(lines, str):
            problems.append(
                tr("logs", "{file} {problem}", file=env.display_path(path), problem=lines)
            )
            continue
        read.append(env.display_path(path))
        findings.extend(_findings(env, path, lines))
    if not read:
        return None, []
    return {"files": read, "modified": _iso(modified_time(files[0]))}, findings


def _proven(findings: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    """(finding, the fault its text proves: decoder `proves`), in the findings' order."""
    proves = {p.id: p.proves for p in decoder_patterns() if p.proves}
    return [(f, proves[f["id"]]) for f in findings if f["id"] in proves]


def _codex_waiting(ctx: CheckContext) -> bool:
    """A Codex sign-in still listens for the browser: its attempt is not over yet."""
    port = ctx.findings(PortFindings)
    return port is not None and port.waiting_codex_port() is not None


# --- the check -------------------------------------------------------------------------


def check_codex_logs(ctx: CheckContext) -> Outcome:
    env, profile = ctx.env, ctx.profile
    login_log: dict[str, Any] | None = None
    ide_log: dict[str, Any] | None = None
    facts: dict[str, Any] = {}
    findings: list[dict[str, Any]] = []
    succeeded = no_callback = False
    problems: list[str] = []
    log_faults: tuple[str, ...] = ()

    login_path = env.codex_home() / profile["codex_files"]["login_log"]
    login_file = env.display_path(login_path)
    if login_path.is_file():
        lines = _read_lines(login_path)
        if isinstance(lines, str):
            problems.append(
                tr("logs", "{file} {problem}", file=env.display_path(login_path), problem=lines)
            )
        else:
            attempt = latest_attempt(lines)
            attempt_findings = _findings(env, login_path, attempt)
            succeeded = any(ATTEMPT_SUCCEEDED.search(line) for line in attempt)
            failed = any(f["severity"] == "error" for f in attempt_findings)
            no_callback = _never_called_back(attempt, attempt_findings) and not _codex_waiting(ctx)
            login_log = {
                "file": env.display_path(login_path),
                "modified": _iso(modified_time(login_path)),
                "attempt_started": next((t for t in map(line_timestamp, attempt) if t), None),
                "attempt_lines": len(attempt),
                "outcome": "succeeded" if succeeded else "failed" if failed else "unclear",
                "callback_arrived": not no_callback,
            }
            findings.extend(attempt_findings)
            if not succeeded:
                log_faults = tuple(
                    dict.fromkeys(f["log_fault"] for f in attempt_findings if f["log_fault"])
                )
            if log_faults:
                started = login_log["attempt_started"] or login_log["modified"]
                facts = {"log_file": login_file, "attempt_started": Moment(started)}

    ide_logs = ide_log_files(env, profile)
    runs_in_wsl = False
    if ide_logs:
        editor, newest = max(ide_logs, key=lambda item: modified_time(item[1]))
        lines = _read_lines(newest)
        if isinstance(lines, str):
            problems.append(
                tr("logs", "{file} {problem}", file=env.display_path(newest), problem=lines)
            )
        else:
            ide_findings = _findings(env, newest, lines)
            runs_in_wsl = any(f["id"] == "wsl_spawn" for f in ide_findings)
            ide_log = {
                "file": env.display_path(newest),
                "editor": editor,
                "modified": _iso(modified_time(newest)),
                "runs_codex_in_wsl": runs_in_wsl,
                "logs_found": len(ide_logs),
            }
            findings.extend(ide_findings)

    desktop_log, desktop_findings = _desktop_log(env, profile, problems)
    findings.extend(desktop_findings)

    evidence = LogsFindings(
        login_log, ide_log, tuple(findings), facts, tuple(problems), desktop_log=desktop_log
    )
    if login_log is None and ide_log is None and desktop_log is None:
        if problems:
            return Outcome(
                Status.WARN, tr("logs", "The Codex sign-in logs could not be read."), evidence
            )
        return Outcome(Status.SKIP, tr("logs", "No Codex sign-in logs found."), evidence)

    if runs_in_wsl and env.platform == "windows" and ide_log is not None:
        return Outcome(
            Status.FAIL,
            tr(
                "logs",
                "The {editor} log shows it starts Codex inside WSL (Linux on Windows).",
                editor=ide_log["editor"],
            ),
            replace(evidence, facts={"editors": ide_log["editor"]}),
            faults=("log_wsl_spawn",),
        )

    proving = _proven(desktop_findings)
    if proving:
        # The app's own log says what stopped it (after a sign-in that worked, typically).
        primary = proving[0][0]
        facts = {**facts, "desktop_log": primary["file"]}
        evidence = replace(evidence, facts=facts, primary_finding=primary["id"])
        faults = tuple(dict.fromkeys((*log_faults, *(fault for _f, fault in proving))))
        return Outcome(Status.FAIL, primary["meaning"], evidence, faults)

    # An attempt that ended in success outweighs the errors on its way (a stray callback, say).
    ignored = login_file if succeeded else None
    errors = [f for f in findings if f["severity"] == "error" and f["file"] != ignored]
    if errors:
        primary = errors[0]
        evidence = replace(evidence, primary_finding=primary["id"])
        # The desktop app's lines say it in their own words; the sign-in steps are the CLI's.
        in_app = desktop_log is not None and primary["file"] in desktop_log["files"]
        summary = primary["meaning"] if in_app else step_summary(primary["flow_step"])
        return Outcome(Status.WARN, summary, evidence, log_faults)
    if succeeded:
        return Outcome(
            Status.PASS, tr("logs", "The last sign-in in the Codex log worked."), evidence
        )
    if no_callback:
        # Codex listened and nothing came back: the browser stopped on OpenAI's pages.
        return Outcome(
            Status.WARN,
            tr(
                "logs",
                "In the last sign-in the browser never came back to Codex: the Codex log shows "
                "no return from the sign-in page.",
            ),
            evidence,
            faults=("login_no_callback",),
        )
    if problems:
        return Outcome(
            Status.WARN, tr("logs", "Some Codex sign-in logs could not be read."), evidence
        )
    return Outcome(Status.PASS, tr("logs", "The Codex logs show no sign-in error."), evidence)
