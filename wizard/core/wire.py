"""The diagnosis as it travels from the checks' process to the window's (`diagnose --events
--wire`): JSON that gives back the same model objects, nothing rendered and nothing redacted.

The public `--events` lines are for people and scripts: texts in one language, the document
redacted. The window needs what it would have had in-process: `Text` (it renders in the
user's language, again after a switch), `Moment` (written in the user's time zone) and the
findings as found (typed again on arrival: wizard.core.findings.registry). It goes through a
pipe between two processes of the same user and is never written anywhere."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.core.findings.registry import rebuild
from wizard.core.i18n import Moment, Text
from wizard.core.model import CheckResult, Diagnosis, FlowStep, Status, Target, Verdict

TEXT, MOMENT = "$text", "$moment"


def encode(value: Any) -> Any:
    """JSON-safe, with every Text and Moment kept as what it is."""
    if isinstance(value, Text):
        return {TEXT: [value.context, value.template, encode(value.params)]}
    if isinstance(value, Moment):
        return {MOMENT: str(value)}
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if value.keys() == {TEXT}:
            context, template, params = value[TEXT]
            return Text(context, template, decode(params))
        if value.keys() == {MOMENT}:
            return Moment(value[MOMENT])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def result_to_wire(result: CheckResult) -> dict[str, Any]:
    return dict(encode({**result.to_json(), "title": result.title, "summary": result.summary}))


def result_from_wire(data: Mapping[str, Any]) -> CheckResult:
    status = Status(data["status"])
    return CheckResult(
        id=data["id"],
        title=decode(data["title"]),
        status=status,
        summary=decode(data["summary"]),
        findings=rebuild(data["id"], status, decode(data["evidence"])),
        faults=tuple(data["faults"]),
        duration_ms=data["duration_ms"],
    )


def diagnosis_to_wire(diagnosis: Diagnosis) -> dict[str, Any]:
    v, t = diagnosis.verdict, diagnosis.target
    verdict = {**v.to_json(), "title": v.title, "summary": v.summary, "next_action": v.next_action}
    return {
        "target": {**t.to_json(), "is_default_host": t.is_default_host},
        "checks": [result_to_wire(c) for c in diagnosis.checks],
        "verdict": encode(verdict),
        "started_at": diagnosis.started_at,
        "duration_ms": diagnosis.duration_ms,
    }


def diagnosis_from_wire(data: Mapping[str, Any]) -> Diagnosis:
    t, v = data["target"], data["verdict"]
    target = Target(
        profile_id=t["profile"],
        auth_url=t["auth_url"],
        host=t["host"],
        port=t["port"],
        callback_ports=tuple(t["callback_ports"]),
        is_default_host=t["is_default_host"],
    )
    verdict = Verdict(
        cause=v["cause"],
        flow_step=FlowStep(v["flow_step"]) if v["flow_step"] else None,
        title=decode(v["title"]),
        summary=decode(v["summary"]),
        next_action=decode(v["next_action"]),
        fixes=tuple(v["fixes"]),
        evidence=tuple(v["evidence"]),
        also=tuple(v["also"]),
        passed_steps=tuple(FlowStep(s) for s in v["passed_steps"]),
        overruled=tuple(v["overruled"]),
        steps={FlowStep(k): state for k, state in v["steps"].items()},
    )
    checks = tuple(result_from_wire(c) for c in data["checks"])
    return Diagnosis(target, checks, verdict, data["started_at"], data["duration_ms"])
