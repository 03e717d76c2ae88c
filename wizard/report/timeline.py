"""What happened in one case, in order: the first verdict, each fix applied (or undone) with
what it changed, and the verdict after. The window keeps it for its session (one case from
start to end); the case file writes it under "What happened in this case"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from wizard.core.i18n import Text, and_list, tr
from wizard.core.model import Diagnosis

if TYPE_CHECKING:
    from wizard.fixes.plan import FixResult

TITLE = tr("report", "What happened in this case")


def verdict_entry(diagnosis: Diagnosis) -> dict[str, Any]:
    verdict = diagnosis.verdict
    return {"event": "verdict", "at": diagnosis.started_at, "cause": verdict.cause,
            "title": verdict.title}  # fmt: skip


def fix_entry(result: FixResult, undone: bool) -> dict[str, Any]:
    """A fix that changed something. Variables by name only: their values can hold secrets."""
    return {
        "event": "undo" if undone else "fix",
        "fix": result.fix,
        "changed_files": list(result.changed_files),
        "variables_set": sorted(n for n, v in result.env.items() if v is not None),
        "variables_removed": sorted(n for n, v in result.env.items() if v is None),
    }


def timeline_lines(timeline: Sequence[Mapping[str, Any]]) -> list[Text]:
    """One sentence per entry (empty when nothing happened after the first verdict)."""
    if len(timeline) < 2:
        return []
    lines: list[Text] = []
    seen_verdict = False
    for entry in timeline:
        event = entry.get("event")
        if event == "verdict":
            title = entry.get("title", "")
            lines.append(
                tr("report", "Checked again: {title}", title=title)
                if seen_verdict
                else tr("report", "First check: {title}", title=title)
            )
            seen_verdict = True
        elif event in ("fix", "undo"):
            lines.append(_fix_line(entry))
    return lines


def _fix_line(entry: Mapping[str, Any]) -> Text:
    from wizard.report.html import fix_label

    what = fix_label(str(entry.get("fix", "")))
    changes: list[Any] = []
    files = list(entry.get("changed_files") or ())
    if files:
        changes.append(tr("report", "changed {files}", files=and_list(files)))
    set_names = list(entry.get("variables_set") or ())
    if set_names:
        changes.append(tr("report", "set {names}", names=and_list(set_names)))
    removed = list(entry.get("variables_removed") or ())
    if removed:
        changes.append(tr("report", "removed {names}", names=and_list(removed)))
    done = and_list(changes) if changes else tr("report", "nothing to change on disk")
    if entry.get("event") == "undo":
        return tr("report", "Fix undone: {fix} ({changes})", fix=what, changes=done)
    return tr("report", "Fix applied: {fix} ({changes})", fix=what, changes=done)
