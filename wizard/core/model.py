"""The vocabulary shared by checks, rules, reports and the window (see DESIGN.md)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.core.findings import NOTHING, F, Findings, typed


class Status(enum.StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"  # not applicable here, or not testable because something before it failed
    ERROR = "error"  # the check itself broke


class FlowStep(enum.StrEnum):
    AUTHORIZE = "authorize"
    CALLBACK = "callback"
    LISTENER = "listener"
    TOKEN_EXCHANGE = "token_exchange"
    STORE = "store"


@dataclass(frozen=True)
class Outcome:
    """What a check function returns: its finding, before the engine stamps id and timing.

    `faults` are the machine-readable facts this check proved (e.g. "tls_untrusted"); the
    verdict rules map them to causes. `findings` is the check's typed payload
    (wizard.core.findings); `evidence`, its JSON, never holds secrets (the report redacts
    anyway).
    """

    status: Status
    summary: str
    findings: Findings = NOTHING
    faults: tuple[str, ...] = ()

    @property
    def evidence(self) -> dict[str, Any]:
        return self.findings.to_json()


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    status: Status
    summary: str
    findings: Findings
    faults: tuple[str, ...]
    duration_ms: int

    @property
    def evidence(self) -> dict[str, Any]:
        """The findings as JSON: what reports, `--json` and Details show."""
        return self.findings.to_json()

    def typed(self, kind: type[F]) -> F | None:
        return typed(self.findings, kind)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status.value,
            "summary": self.summary,
            "evidence": self.evidence,
            "faults": list(self.faults),
            "duration_ms": self.duration_ms,
        }


@dataclass(frozen=True)
class Verdict:
    cause: str
    flow_step: FlowStep | None
    title: str
    summary: str
    next_action: str
    fixes: tuple[str, ...]
    evidence: tuple[str, ...]  # ids of the checks that prove the cause
    also: tuple[str, ...]  # other proven causes, in precedence order
    passed_steps: tuple[FlowStep, ...] = ()
    overruled: tuple[str, ...] = ()  # causes this tool's emulation saw but the real Codex did not
    # What the picture shows for each step (wizard.core.steps: ok/ready/warn/fail/untested).
    steps: Mapping[FlowStep, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "cause": self.cause,
            "flow_step": self.flow_step.value if self.flow_step else None,
            "title": self.title,
            "summary": self.summary,
            "next_action": self.next_action,
            "fixes": list(self.fixes),
            "evidence": list(self.evidence),
            "also": list(self.also),
            "passed_steps": [s.value for s in self.passed_steps],
            "overruled": list(self.overruled),
            "steps": {step.value: state for step, state in self.steps.items()},
        }


@dataclass(frozen=True)
class Target:
    """What is being diagnosed: the profile's auth host and callback ports, after overrides."""

    profile_id: str
    auth_url: str  # base URL, e.g. https://auth.openai.com
    host: str
    port: int
    callback_ports: tuple[int, ...]
    is_default_host: bool  # False when --auth-url points elsewhere (lab, staging)

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile_id,
            "auth_url": self.auth_url,
            "host": self.host,
            "port": self.port,
            "callback_ports": list(self.callback_ports),
        }


@dataclass(frozen=True)
class Diagnosis:
    target: Target
    checks: tuple[CheckResult, ...]
    verdict: Verdict
    started_at: str  # ISO 8601 UTC
    duration_ms: int

    def result(self, check_id: str) -> CheckResult | None:
        return next((c for c in self.checks if c.id == check_id), None)

    def findings(self, kind: type[F]) -> F | None:
        """What the check of `kind` found, when it ran and found something."""
        result = self.result(kind.check)
        return result.typed(kind) if result else None
