"""How the error message the user pasted relates to what this computer shows.

The decoder (wizard.checks.logs) says what a message points to: a cause, or at least a step of
the sign-in. The verdict says what the checks found. One sentence puts them side by side, so
nobody is left wondering why the screen names another problem than the message did."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wizard.core.i18n import Text, tr
from wizard.core.model import FlowStep, Verdict
from wizard.core.rules import cause_table, render
from wizard.core.steps import step_label, step_number

_NO_VERDICT = ("none", "unknown")


def relation(decoded: Sequence[Mapping[str, Any]] | None, verdict: Verdict) -> Text | None:
    """One sentence, or None when the message held no known error."""
    errors = [d for d in decoded or () if d.get("severity") == "error"]
    hinted = next((d for d in errors if d.get("cause_hint") in cause_table()["causes"]), None)
    if hinted is not None:
        return _by_cause(str(hinted["cause_hint"]), verdict)
    stepped = next((d for d in errors if d.get("flow_step") in set(FlowStep)), None)
    if stepped is not None:
        return _by_step(FlowStep(stepped["flow_step"]), verdict)
    return None


def _title(cause: str) -> Text:
    return render(cause_table()["causes"][cause]["title"], {})


def _by_cause(hint: str, verdict: Verdict) -> Text:
    points = _title(hint)
    if hint == verdict.cause:
        return tr("pasted", "This is what your message points to too: it confirms the finding.")
    if hint in verdict.also:
        return tr(
            "pasted",
            "Your message points to “{points}”. This computer shows that too, but “{found}” "
            "has to be fixed first.",
            points=points,
            found=verdict.title,
        )
    if verdict.cause == "none":
        return tr(
            "pasted",
            "Your message points to “{points}”, but this computer shows no such problem now. "
            "It may be fixed already, or it happens only where that Codex runs (another "
            "terminal, an editor, WSL).",
            points=points,
        )
    if verdict.cause == "unknown":
        return tr(
            "pasted",
            "Your message points to “{points}”, but the checks on this computer could not "
            "confirm it.",
            points=points,
        )
    return tr(
        "pasted",
        "Your message points to “{points}”, but this computer shows “{found}”.",
        points=points,
        found=verdict.title,
    )


def _by_step(step: FlowStep, verdict: Verdict) -> Text:
    params = {"n": step_number(step), "step": step_label(step)}
    if step == verdict.flow_step:
        return tr(
            "pasted",
            "Your message points to step {n} “{step}”, where the problem was found: it "
            "confirms the finding.",
            **params,
        )
    if step == FlowStep.AUTHORIZE:
        return tr(
            "pasted",
            "Your message points to step {n} “{step}”. That step happens in your browser and at "
            "OpenAI, so this computer cannot test it.",
            **params,
        )
    if verdict.flow_step is not None:
        return tr(
            "pasted",
            "Your message points to step {n} “{step}”, but this computer shows the problem in "
            "step {m} “{found}”.",
            m=step_number(verdict.flow_step),
            found=step_label(verdict.flow_step),
            **params,
        )
    return tr(
        "pasted",
        "Your message points to step {n} “{step}”, but nothing on this computer shows a "
        "problem there now.",
        **params,
    )
