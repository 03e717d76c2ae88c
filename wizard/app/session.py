"""What one case knows (a window session, or one command): where it looks (injected, so
tests bring their own Environment and lab target), the error the user pasted, and the latest
diagnosis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.core.engine import CheckSpec
from wizard.core.environment import Environment
from wizard.core.i18n import Translator, tr_map
from wizard.core.model import CheckResult, Diagnosis, FlowStep, Target
from wizard.core.profile import Profile
from wizard.core.rules import cause_table
from wizard.core.steps import STEP_CHECKS

if TYPE_CHECKING:
    from wizard.report.redact import RedactionNote


@dataclass
class Session:
    env: Environment
    profile: Profile
    target: Target
    given_specs: Sequence[CheckSpec] | None  # None: the real catalog, imported when first needed
    timeout_s: float
    error_text: str = ""
    decoded: list[dict[str, Any]] | None = None
    diagnosis: Diagnosis | None = None
    history: list[Diagnosis] = field(default_factory=list)
    # A short id people read out on the phone: one per window session, the same on the
    # screen, the picture and the saved case file, across re-checks and fixes (one case from
    # start to end). Reserved before the first diagnosis when a page shows it early.
    case_id: str = ""
    # What happened in this case (wizard.report.timeline): verdicts and the fixes between.
    timeline: list[dict[str, Any]] = field(default_factory=list)
    # The help-desk walkthrough is on (kept when the window is rebuilt in another language).
    walkthrough: bool = False
    # The fix plans for `planned_for` (computed off the GUI thread when a verdict is shown).
    planned: list[Any] | None = None
    planned_for: Diagnosis | None = None
    # A root certificate file the user (or help desk) picked for the ca-bundle fix.
    extra_ca: Path | None = None
    # How this front end lets a person give that file, ending a sentence ("... ask IT for the
    # file {how}"). Empty: the command line's option (wizard.fixes.base.FILE_HINT_CLI).
    file_hint: str = ""
    # The applied fix the person is finishing (wizard.ui.after_fix.AfterFix): restart, check
    # again, "Did sign-in work?". None: no fix is waiting for an answer.
    after_fix: Any = None

    @property
    def specs(self) -> Sequence[CheckSpec]:
        """The checks to run. The catalog pulls in the network and crypto stacks, so the
        window imports it only when the first diagnosis starts, after its first paint."""
        if self.given_specs is None:
            from wizard.checks.catalog import ALL_CHECKS

            self.given_specs = ALL_CHECKS
        return self.given_specs

    def set_diagnosis(self, diagnosis: Diagnosis) -> None:
        from wizard.report.timeline import verdict_entry

        if self.diagnosis is not None:
            self.history.append(self.diagnosis)
        self.diagnosis = diagnosis
        self.upcoming_case_id()
        self.timeline.append(verdict_entry(diagnosis))

    def note_fix(self, result: Any, undone: bool = False) -> None:
        """A fix that was applied (or undone): its place in this case's story."""
        from wizard.report.timeline import fix_entry

        self.timeline.append(fix_entry(result, undone))

    def upcoming_case_id(self) -> str:
        """This session's case id, reserved now if no diagnosis has run yet (so it can be read
        out from the first page on)."""
        if not self.case_id:
            from wizard.report.case_id import new_case_id

            self.case_id = new_case_id()
        return self.case_id

    def facts(self) -> dict[str, Any]:
        """Template values the checks proved (for guidance texts)."""
        facts: dict[str, Any] = {"host": self.target.host, "port": self.target.callback_ports[0]}
        if self.diagnosis is not None:
            for result in self.diagnosis.checks:
                facts.update(result.findings.cause_facts())
        return facts

    def step_results(self, step: FlowStep) -> list[CheckResult]:
        if self.diagnosis is None:
            return []
        ids = list(STEP_CHECKS[step])
        if self.diagnosis.verdict.flow_step == step:
            ids = list(self.diagnosis.verdict.evidence) + ids
        return [r for r in (self.diagnosis.result(i) for i in dict.fromkeys(ids)) if r]

    def evidence_results(self) -> list[CheckResult]:
        if self.diagnosis is None:
            return []
        found = (self.diagnosis.result(i) for i in self.diagnosis.verdict.evidence)
        return [r for r in found if r is not None]

    def document_with_notes(
        self, lang: str, translate: Translator | None
    ) -> tuple[dict[str, Any], list[RedactionNote]]:
        """The report document in `lang`, redacted (what leaves the machine), and what the
        redaction removed. The report stack is imported only now: the window holds a session
        from its first paint."""
        from wizard.app.document import redacted_document

        assert self.diagnosis is not None
        extra: dict[str, Any] = {"case_id": self.case_id, "lang": lang}
        extra["timeline"] = list(self.timeline)
        if self.decoded:
            extra["decoded_error"] = self.decoded
        return redacted_document(self.diagnosis, extra, translate, [str(self.env.home)])


def cause_title(cause: str) -> str:
    """The cause's title (translatable text from causes.json), or its id if unknown."""
    entry = cause_table()["causes"].get(cause)
    return tr_map("causes", str(entry["title"]), {}) if entry else cause
