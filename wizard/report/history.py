"""Past runs, kept on this computer so the window can show what changed ("Before the fix: a
security program intercepts ... -> After: nothing wrong found").

One small JSON file per run in `<user data dir>/history/`: when, the case id, what triggered
the run (a check, or the re-check after a fix or an undo), the verdict and each check's status
and one-line summary. Redacted like a case file before it is written, private to the user
(0600 in a 0700 folder), and only the newest `KEEP` runs are kept. Nothing here leaves the
machine."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.core.environment import Environment
from wizard.core.model import Diagnosis
from wizard.platform.atomic import atomic_write
from wizard.platform.paths import user_data_dir

SCHEMA = 1
FOLDER = "history"
KEEP = 50
TRIGGERS = ("check", "fix", "undo")
_NAME = re.compile(r"\d{8}T\d{12}Z-[A-Za-z0-9-]+\.json")


def history_dir(env: Environment) -> Path:
    return user_data_dir(env) / FOLDER


def run_record(
    diagnosis: Diagnosis,
    case_id: str,
    *,
    trigger: str = "check",
    fix: str | None = None,
    home_hints: Iterable[str] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """What is kept of one run, already redacted (`trigger`: check, fix or undo; `fix` the
    fix id that was applied or undone before this re-check)."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    verdict = diagnosis.verdict
    saved = (now or datetime.now(UTC)).astimezone(UTC)
    record: dict[str, Any] = {
        "schema": SCHEMA,
        "saved_at": saved.isoformat(timespec="microseconds"),
        "started_at": diagnosis.started_at,
        "case_id": case_id,
        "auth_url": diagnosis.target.auth_url,
        "trigger": trigger,
        "fix": fix,
        "verdict": {
            "cause": verdict.cause,
            "flow_step": verdict.flow_step.value if verdict.flow_step else None,
            "title": str(verdict.title),
            "summary": str(verdict.summary),
        },
        "checks": [
            {"id": c.id, "title": str(c.title), "status": c.status.value, "summary": str(c.summary)}
            for c in diagnosis.checks
        ],
    }
    from wizard.report.redact import redact_document  # only once there is a run to keep

    return redact_document(record, tuple(home_hints))


def file_name(record: Mapping[str, Any]) -> str:
    """Sortable by time: 20250102T030405123456Z-SD-7K3F-9QXA.json."""
    saved = datetime.fromisoformat(str(record["saved_at"])).astimezone(UTC)
    case_id = re.sub(r"[^A-Za-z0-9-]", "", str(record.get("case_id") or "run")) or "run"
    return f"{saved.strftime('%Y%m%dT%H%M%S%f')}Z-{case_id}.json"


def save_run(folder: Path, record: Mapping[str, Any], keep: int = KEEP) -> Path:
    """Write one run (atomically, private to the user) and drop all but the newest `keep`."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / file_name(record)
    data = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    atomic_write(path, data)  # a new file is created private to the user (0600)
    prune(folder, keep)
    return path


def run_files(folder: Path) -> list[Path]:
    """The run files, oldest first (their names sort by time)."""
    try:
        return sorted(p for p in folder.iterdir() if _NAME.fullmatch(p.name))
    except OSError:
        return []


def prune(folder: Path, keep: int = KEEP) -> list[Path]:
    files = run_files(folder)
    dropped = files[: max(0, len(files) - keep)]
    for path in dropped:
        with contextlib.suppress(OSError):
            path.unlink()
    return dropped


def load_runs(folder: Path) -> list[dict[str, Any]]:
    """Every readable run, oldest first. A damaged or foreign file is skipped, never fatal."""
    runs = []
    for path in run_files(folder):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and record.get("schema") == SCHEMA and "verdict" in record:
            runs.append(record)
    return runs


def previous_run(
    runs: Sequence[Mapping[str, Any]], current: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The newest run before `current` against the same sign-in server (None if none): in one
    case (a session keeps its case id across re-checks and fixes), the run just before."""
    earlier = [
        r
        for r in runs
        if r.get("auth_url") == current.get("auth_url")
        and str(r.get("saved_at", "")) < str(current.get("saved_at", ""))
    ]
    return max(earlier, key=lambda r: str(r.get("saved_at", "")), default=None)
