"""auth-env-repair: a variable that makes Codex use another sign-in than the saved one
(CODEX_ACCESS_TOKEN, one or both halves of a workload identity, OPENAI_BASE_URL: the
`auth_mode` check's `remove` list) is taken out wherever it is persisted - the user variables,
shell start-up files, environment.d and `$CODEX_HOME/.env` - like a stale proxy variable.
These variables hold keys and tokens, so the preview, the diff and `undo`'s answer show their
names only: every value is `<redacted>` (the backups in the journal keep the bytes for undo)."""

from __future__ import annotations

from dataclasses import replace

from wizard.core.findings.signin import AuthModeFindings
from wizard.core.i18n import tr
from wizard.fixes.base import ChangeFix, FixContext
from wizard.fixes.env_places import (
    RESTART,
    Stale,
    clean_up,
    findings_of,
    sentences,
    turned_off_places,
    unplaced_note,
    where_text,
)
from wizard.fixes.plan import FixPlan


class AuthEnvRepair(ChangeFix):
    id = "auth-env-repair"
    title = tr("auth_env_repair", "Remove a variable that replaces your sign-in")
    purpose = tr(
        "auth_env_repair", "Removes a variable that makes Codex ignore your saved sign-in."
    )

    def plan(self, ctx: FixContext) -> FixPlan:
        env = ctx.env
        found = findings_of(ctx, AuthModeFindings)
        names = list(found.remove) if found else []
        if not names:
            return self.not_applicable(
                tr(
                    "auth_env_repair",
                    "No variable makes Codex use another sign-in than the saved one: nothing "
                    "to remove.",
                )
            )
        stale = [Stale(n, lambda _value: True, _reason(n)) for n in names]
        cleanup = clean_up(ctx, stale)
        removed = [n for n in names if n in cleanup.places]
        if not removed:
            return self.not_applicable(
                sentences(
                    tr(
                        "auth_env_repair",
                        "{names} is not set in any place Sign-in Doctor can change.",
                        names=where_text(names),
                    ),
                    unplaced_note(env, cleanup.unplaced),
                )
            )
        summary = sentences(
            tr(
                "auth_env_repair",
                "Codex uses {names} instead of the sign-in you saved. This turns off {places}; "
                "the values are not shown.",
                names=where_text(removed),
                places=turned_off_places(cleanup, removed),
            ),
            tr("auth_env_repair", "Codex then uses the sign-in you saved in the browser."),
            unplaced_note(env, cleanup.unplaced),
        )
        return FixPlan(
            fix_id=self.id,
            title=self.title,
            summary=summary,
            files=tuple(replace(e, hidden=tuple(names)) for e in cleanup.files),
            env=tuple(replace(e, secret=True) for e in cleanup.env),
            restart=(RESTART,),
            rechecks=("auth_mode",),
            data={"removed": removed},
        )


def _reason(name: str) -> str:
    return tr(
        "auth_env_repair",
        "{name} made Codex use another sign-in than the one you saved",
        name=name,
    )


AUTH_ENV_REPAIR = AuthEnvRepair()
