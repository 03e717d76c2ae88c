"""Apply a consented plan atomically with an undo journal entry, re-check, and undo."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from wizard.core.diagnose import diagnose
from wizard.core.engine import CheckSpec
from wizard.core.environment import Environment
from wizard.core.i18n import Text, join, sentences, tr
from wizard.core.model import CheckResult, Diagnosis, Status
from wizard.fixes.base import Fix, FixContext
from wizard.fixes.journal import Journal, JournalEntry
from wizard.fixes.plan import FixPlan, FixResult
from wizard.platform.atomic import atomic_remove, atomic_write
from wizard.platform.file_edit import FileEdit
from wizard.report.redact import REDACTED

RECHECK_TIMEOUT_S = 6.0


class PlanOutdated(Exception):
    """A file changed between the preview and the apply: nothing is written."""


def apply_fix(
    fix: Fix,
    ctx: FixContext,
    plan: FixPlan,
    journal: Journal,
    specs: Sequence[CheckSpec] = (),
    progress: Callable[[str], None] = lambda _m: None,
) -> FixResult:
    """Write the plan's files (temp + rename, originals backed up first), persist its
    variables, run its actions, then re-run the checks and report the new verdict."""
    if not plan.applicable or not plan.changes_anything:
        return FixResult(
            plan.fix_id,
            False,
            (),
            {},
            None,
            plan.reason or tr("apply", "Nothing to change: this fix is guidance only."),
        )
    _ensure_unchanged(plan.files)
    entry = journal.begin(plan)
    progress(
        tr(
            "apply",
            "Backed up the originals ({folder}).",
            folder=ctx.env.display_path(entry.folder),
        )
    )
    written: list[FileEdit] = []
    env_applied = False
    try:
        for edit in plan.files:
            _write(edit)
            written.append(edit)
            progress(tr("apply", "Changed {file}.", file=edit.shown_as))
        done = ctx.store.apply_live({e.name: e.after for e in plan.env}) if plan.env else []
        env_applied = bool(plan.env)
        done += fix.run_actions(ctx, plan)
    except OSError as exc:
        _restore(entry, written)
        if env_applied:  # registry / launchctl values go back to what they were
            ctx.store.apply_live({e.name: e.before for e in plan.env})
        entry.data["state"] = "rolled_back"
        entry.save()
        return FixResult(
            plan.fix_id,
            False,
            (),
            {},
            None,
            tr("apply", "Nothing was changed: {error}", error=error_text(exc)),
        )
    entry.data["state"] = "applied"
    entry.data["done"] = done
    entry.save()
    changed = tuple(e.shown_as for e in plan.files)
    env = {e.name: e.after for e in plan.env}
    if not specs or not plan.rechecks:
        return FixResult(plan.fix_id, True, changed, env, entry.id, _applied_message(plan))
    progress(tr("apply", "Checking again ..."))
    after = recheck(ctx, plan, specs)
    failing = [
        c
        for c in after.checks
        if c.id in plan.rechecks and c.status not in (Status.PASS, Status.WARN, Status.SKIP)
    ]
    verdict = after.verdict.to_json()
    proof = tuple(_proof(c) for c in after.checks if c.id in plan.rechecks)
    if failing:
        names = join(
            [tr("apply", "{title} ({summary})", title=c.title, summary=c.summary) for c in failing],
            tr("words", ", "),
        )
        message = tr(
            "apply",
            "Applied, but the re-check still fails: {names}. Undo with `undo --last`.",
            names=names,
        )
        return FixResult(plan.fix_id, False, changed, env, entry.id, message, verdict, proof)
    recheck_words = tr("apply", "Re-check: {title}.", title=after.verdict.title)
    return FixResult(
        plan.fix_id,
        True,
        changed,
        env,
        entry.id,
        sentences(_applied_message(plan), recheck_words),
        verdict,
        proof,
    )


def _proof(check: CheckResult) -> dict[str, Any]:
    return {
        "id": check.id,
        "status": check.status.value,
        "summary": check.summary,
        "faults": list(check.faults),
    }


def recheck(ctx: FixContext, plan: FixPlan, specs: Sequence[CheckSpec]) -> Diagnosis:
    """The diagnosis as a freshly started app would see it: with the plan's variables."""
    env = env_after(ctx.env, {e.name: e.after for e in plan.env})
    return diagnose(specs, env, ctx.profile, ctx.target, RECHECK_TIMEOUT_S)


def env_after(env: Environment, variables: Mapping[str, str | None]) -> Environment:
    """The environment a freshly started app sees once a fix's variables are persisted."""
    merged = dict(env.vars)
    for name, value in variables.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return replace(env, vars=merged)


def undo_last(journal: Journal, ctx: FixContext) -> FixResult:
    entry = journal.last_undoable()
    if entry is None:
        return FixResult("undo", False, (), {}, None, tr("apply", "There is nothing to undo."))
    restored: list[str] = []
    for index, record in enumerate(entry.data["files"]):
        original = entry.backup_bytes(index)
        path = Path(record["path"])
        if original is None:
            atomic_remove(path)
        else:
            atomic_write(path, original)
        restored.append(record["shown_as"])
    env_before = {e["name"]: e["before"] for e in entry.data["env"]}
    secret = {e["name"] for e in entry.data["env"] if e.get("secret")}  # never shown
    if env_before:
        ctx.store.apply_live(env_before)
    entry.data["state"] = "undone"
    entry.save()
    return FixResult(
        entry.data["fix"],
        True,
        tuple(restored),
        {n: REDACTED if n in secret and v is not None else v for n, v in env_before.items()},
        entry.id,
        tr(
            "apply",
            "Undid '{title}': restored {files} file(s) and {variables} variable(s).",
            title=_fix_title(entry.data["fix"], entry.data["title"]),
            files=len(restored),
            variables=len(env_before),
        ),
    )


def _ensure_unchanged(edits: Sequence[FileEdit]) -> None:
    for edit in edits:
        try:
            current: bytes | None = edit.path.read_bytes()
        except FileNotFoundError:
            current = None
        if current != edit.before:
            raise PlanOutdated(
                tr(
                    "apply",
                    "{file} changed since the preview; nothing was written. "
                    "Run the fix again to see a fresh preview.",
                    file=edit.shown_as,
                )
            )


def _write(edit: FileEdit) -> None:
    if edit.after is None:
        atomic_remove(edit.path)
    else:
        atomic_write(edit.path, edit.after)


def _restore(entry: JournalEntry, written: Sequence[FileEdit]) -> None:
    for index, edit in enumerate(written):
        original = entry.backup_bytes(index)
        if original is None:
            atomic_remove(edit.path)
        else:
            atomic_write(edit.path, original)


def _applied_message(plan: FixPlan) -> str:
    result: str = sentences(tr("apply", "Done: {title}.", title=plan.title), *plan.restart)
    return result


def error_text(exc: BaseException) -> str:
    """The plain reason of a fix's error, still translatable when it was raised as text."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Text):
        return exc.args[0]
    return str(exc)


def _fix_title(fix_id: str, saved: str) -> str:
    """The fix's title in the reader's language (the journal keeps the English one)."""
    from wizard.fixes.catalog import find_fix

    fix = find_fix(fix_id)
    return fix.title if fix is not None and fix.title == saved else saved
