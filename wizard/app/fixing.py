"""A case's bridge to `wizard.fixes`: plans for the verdict's fix ids, apply, undo; for the
Fix page (on worker threads: plans read files) and the `fix`/`undo` commands.

The catalog's fix wins; a fix id it does not know gets the manual steps from `guidance.py`,
so new fixes plug in by landing in the catalog, with no change here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from wizard.app.guidance import FALLBACKS
from wizard.app.session import Session
from wizard.fixes.plan import FixPlan, FixResult

if TYPE_CHECKING:
    from wizard.fixes.base import FixContext
    from wizard.fixes.journal import Journal

# Fixes that can use a certificate file the person picks (the CLI's --extra-ca).
TAKES_CERTIFICATE = ("ca-bundle",)


@dataclass(frozen=True)
class PlannedFix:
    fix_id: str
    plan: FixPlan
    automatic: bool  # the catalog can apply it (files, variables or actions change)
    # The program Apply ends: the person agrees to it by name when pressing "End NAME"
    # (the CLI's --confirm-process). Empty: nothing is ended.
    consent: str = ""

    @property
    def one_click(self) -> bool:
        """Apply does it, or will once the person has chosen the certificate file."""
        return self.automatic or (self.fix_id in TAKES_CERTIFICATE and self.plan.applicable)


def _find_fix(fix_id: str) -> Any:
    from wizard.fixes.catalog import find_fix  # (each fix's module on its first use)

    return find_fix(fix_id)


def fix_context(session: Session, consent: str | None = None) -> FixContext:
    """What a fix sees of this case. `consent`: the program the person agreed to end."""
    from wizard.fixes.base import FILE_HINT_CLI, FixContext

    return FixContext(
        session.env,
        session.profile,
        session.target,
        session.diagnosis,
        session.extra_ca,
        confirm_process=consent,
        file_hint=session.file_hint or FILE_HINT_CLI,
        checks=session.specs,
    )


def _plan(session: Session, fix: Any) -> tuple[FixPlan, str]:
    """The fix's plan, and the program it ends. A plan that would end a program once the
    person agrees to it by name (`data["consent"]`) is planned with that name: the window
    asks before Apply runs, so the plan shows exactly what ending it does."""
    plan = fix.plan(fix_context(session))
    names = plan.data.get("consent") if not plan.applicable else None
    if names:
        agreed = fix.plan(fix_context(session, names[0]))
        if agreed.applicable:
            return agreed, names[0]
    return plan, ""


def plan_fixes(session: Session, fix_ids: tuple[str, ...]) -> list[PlannedFix]:
    """Worker thread: a plan for every fix id, in the verdict's order (best first)."""
    facts = session.facts()
    planned: list[PlannedFix] = []
    for fix_id in fix_ids:
        fix = _find_fix(fix_id)
        plan, consent = _plan(session, fix) if fix is not None else (None, "")
        if plan is not None and plan.other_platform:
            continue  # Windows steps on Linux, say: nothing this person can do here
        if plan is not None and (plan.applicable or fix_id not in FALLBACKS):
            automatic = not plan.guidance_only and plan.applicable and plan.changes_anything
        elif plan is not None:
            # The catalog cannot do it here (e.g. the setting lives somewhere it cannot see):
            # the manual steps still can, and the person learns why it is not automatic.
            manual = FALLBACKS[fix_id](session.env, session.profile, facts)
            plan = replace(manual, reason=plan.reason)
            automatic = False
        elif fix_id in FALLBACKS:
            plan = FALLBACKS[fix_id](session.env, session.profile, facts)
            automatic = False
        else:
            continue
        planned.append(PlannedFix(fix_id, plan, automatic, consent if automatic else ""))
    return planned


def journal(session: Session) -> Journal:
    from wizard.fixes.journal import Journal
    from wizard.platform.paths import user_data_dir

    return Journal(user_data_dir(session.env) / "journal")


def apply_planned(
    session: Session, planned: PlannedFix, progress: Callable[[str], None]
) -> FixResult:
    """Worker thread: apply a consented plan (journaled). The window re-checks afterwards
    with its own QThread checks, so `apply_fix` gets no specs."""
    from wizard.fixes.apply import apply_fix

    fix = _find_fix(planned.fix_id)
    ctx = fix_context(session, planned.consent or None)
    return apply_fix(fix, ctx, planned.plan, journal(session), (), progress)


def undo_last(session: Session) -> FixResult:
    from wizard.fixes.apply import undo_last as core_undo

    return core_undo(journal(session), fix_context(session))
