"""What every fix is: a plan from the current state, optional actions beyond files and
variables, and the checks that prove it worked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from wizard.core.engine import CheckSpec
from wizard.core.environment import Environment
from wizard.core.i18n import tr
from wizard.core.model import Diagnosis, Target
from wizard.core.profile import Profile
from wizard.fixes.plan import FixPlan
from wizard.platform.env_store import EnvStore, env_store_for

FILE_HINT_CLI = tr("ca_bundle", "and run this fix again with --extra-ca FILE.")


@dataclass(frozen=True)
class FixContext:
    env: Environment
    profile: Profile
    target: Target
    diagnosis: Diagnosis | None = None  # the diagnosis the fix answers, when there is one
    extra_ca: Path | None = None  # --extra-ca: a root the user or help desk picked
    store: EnvStore = field(default=None)  # type: ignore[assignment]
    confirm_process: str | None = None  # --confirm-process: the program the user agreed to end
    # How this front end lets a person give a certificate file, ending a sentence ("... ask IT
    # for the file {how}"): the CLI's option by default, a button in the window.
    file_hint: str = field(default_factory=lambda: FILE_HINT_CLI)
    # The checks a fix may run for itself when there is no diagnosis (the app's catalog).
    checks: Sequence[CheckSpec] = ()

    def __post_init__(self) -> None:
        if self.store is None:
            object.__setattr__(self, "store", env_store_for(self.env))


class Fix(Protocol):
    id: str
    title: str

    def plan(self, ctx: FixContext) -> FixPlan:
        """What would change now; never changes anything."""

    def run_actions(self, ctx: FixContext, plan: FixPlan) -> list[str]:
        """Effects that are neither files nor variables (e.g. stop a process). Raise OSError
        with a plain message on failure."""


class ChangeFix:
    """A fix whose changes are files and variables only: nothing to run beyond them."""

    id: str
    title: str
    purpose: str  # what the fix does, in one line (shown when it does not apply)

    def run_actions(self, ctx: FixContext, plan: FixPlan) -> list[str]:
        return []

    def not_applicable(self, reason: str) -> FixPlan:
        return FixPlan(self.id, self.title, self.purpose, applicable=False, reason=reason)
