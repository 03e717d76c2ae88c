"""Verdict rules: check results -> proven faults -> causes -> the step of the sign-in flow.

Deterministic and ordered (the precedence in resources/causes.json). A cause is named only
when a check proved one of its faults; otherwise the verdict is `unknown` with what was seen."""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from wizard.core.i18n import Text, join, sentences, tr, tr_map
from wizard.core.model import CheckResult, FlowStep, Status, Target, Verdict
from wizard.core.profile import resource_path
from wizard.core.steps import step_states

# The user's own Codex: where it and the emulation disagree, it wins.
WITNESS_CHECK = "codex_probe"
# Checks that are not always asked (your own Codex; chatgpt.com, for OpenAI's own server
# only): their skip is no observation.
ASKED_SOMETIMES = (WITNESS_CHECK, "chatgpt")


@cache
def cause_table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("causes.json").read_text(encoding="utf-8"))
    return data


class _Facts(dict[str, Any]):
    """Template values of the checks that prove the cause."""


def render(template: str, facts: Mapping[str, Any]) -> Text:
    """A causes.json template as translatable text (context "causes"), with the facts it
    names; a fact nobody proved is the word "unknown"."""
    names = {f for _t, f, _s, _c in string.Formatter().parse(template) if f}
    unknown = tr("rules", "unknown")
    return tr_map("causes", template, {n: facts.get(n, unknown) for n in sorted(names)})


def _facts(target: Target, results: Sequence[CheckResult]) -> _Facts:
    facts = _Facts(host=target.host, port=target.port)
    for result in results:
        facts.update(result.findings.cause_facts())
    return facts


def proven_causes(results: Sequence[CheckResult]) -> dict[str, list[tuple[str, CheckResult]]]:
    """cause -> [(fault, check that proved it)], for every fault a check reported. A fault
    with `requires` counts only beside one of those faults: a condition that explains a
    failure only when that failure happened (WSL's MTU, say, when TLS stalls). A fault
    `same_as` another one that is proven too is that problem again (the connection to
    chatgpt.com intercepted like the one to the sign-in server), not one more."""
    table = cause_table()["faults"]
    reported = {fault for result in results for fault in result.faults}
    proven: dict[str, list[tuple[str, CheckResult]]] = {}
    for result in results:
        for fault in result.faults:
            entry = table.get(fault)
            if (
                entry
                and (not entry.get("requires") or reported & set(entry["requires"]))
                and entry.get("same_as") not in reported
            ):
                proven.setdefault(entry["cause"], []).append((fault, result))
    return proven


def decide(target: Target, results: Sequence[CheckResult]) -> Verdict:
    table = cause_table()
    proven = proven_causes(results)
    by_id = {r.id: r for r in results}
    token_causes = [c for c in table["precedence"] if c in proven]
    overruled: tuple[str, ...] = ()
    witness = by_id.get(WITNESS_CHECK)
    if witness is not None and witness.status is Status.PASS:
        # The user's own Codex got through: whatever the emulation saw does not stop it -
        # except what the witness does not test (chatgpt.com, asked only after the sign-in).
        blind = set(table["witness_blind_checks"])
        unseen = {c: [(f, r) for f, r in proven[c] if r.id in blind] for c in token_causes}
        overruled = tuple(c for c in token_causes if not unseen[c])
        token_causes = [c for c in token_causes if unseen[c]]
        proven = {c: unseen.get(c, v) for c, v in proven.items() if c not in overruled}
    elif any(c not in table["witness_only"] for c in token_causes):
        # The real client failing is the same problem the emulation explains, not another.
        token_causes = [c for c in token_causes if c not in table["witness_only"]]
    listener_causes = [c for c in table["listener_precedence"] if c in proven]
    account_causes = [c for c in table["account_precedence"] if c in proven]
    post_login_causes = [c for c in table["post_login_precedence"] if c in proven]
    ordered = token_causes + listener_causes + post_login_causes + account_causes
    # Named only where nothing else is and this computer is healthy ("likely account-side").
    last_resort = [c for c in table["last_resort"] if c in proven]
    listener_fault = any(c in proven for c in table["listener_precedence"])

    def states(step: FlowStep | None) -> dict[FlowStep, str]:
        return step_states(results, step, listener_fault)

    def named(cause: str, also: tuple[str, ...]) -> Verdict:
        fault, _ = proven[cause][0]
        proving = [r for _f, r in proven[cause]]
        facts = _facts(target, proving)
        summary_template = (
            table["faults"][fault].get("summary") or table["causes"][cause]["summary"]
        )
        step = table["faults"][fault].get("step", table["causes"][cause]["step"])
        verdict = _verdict(cause, step, facts, summary_template, proving, also, states)
        return _overrule(_fault_advice(verdict, table["faults"][fault], facts), overruled)

    if ordered:
        return named(ordered[0], tuple(ordered[1:]))

    relevant = [
        r
        for c in table["relevant_checks"]
        if (r := by_id.get(c)) is not None
        and not (c in ASKED_SOMETIMES and r.status is Status.SKIP)
    ]
    bad = [r for r in relevant if r.status in (Status.FAIL, Status.ERROR)]
    if overruled:
        bad = [r for r in bad if not set(r.faults) & _faults_of(overruled)]
    token = by_id.get("token_endpoint")
    token_ok = token is not None and token.status is Status.PASS
    if not bad and (token_ok or overruled):
        # Nothing wrong from here - unless a last resort is proven: Codex's own log shows its
        # last attempt got no answer (it ran with other settings, an editor's environment say),
        # or the browser never came back to it ("likely account-side").
        cause, template = "none", table["causes"]["none"]["summary"]
        seen: list[CheckResult] = []
        if last_resort:
            cause = last_resort[0]
            fault, _ = proven[cause][0]
            seen = [r for _f, r in proven[cause]]
            template = table["faults"][fault].get("summary") or table["causes"][cause]["summary"]
        facts = _facts(target, seen)
        facts["listener"] = _listener(by_id.get("callback_port"))
        none = _verdict(cause, table["causes"][cause]["step"], facts, template, seen, (), states)
        return _overrule(none, overruled)

    observed = bad or [r for r in relevant if r.status is not Status.PASS]
    facts = _facts(target, [])
    # Each item is a whole sentence ("Title: summary."), so they follow one another as such.
    facts["observed"] = (
        sentences(
            *(tr("rules", "{title}: {summary}", title=r.title, summary=r.summary) for r in observed)
        )
        if observed
        else tr("rules", "no check ran.")
    )
    unknown = table["causes"]["unknown"]
    return _verdict("unknown", unknown["step"], facts, unknown["summary"], observed, (), states)


def _listener(port: CheckResult | None) -> str:
    """What the port check found, in its own sentence: free, held by a waiting Codex sign-in,
    or held by a program Codex steps around (never "free" unless it was)."""
    if port is None or port.status is Status.SKIP:
        return tr("rules", "The sign-in port was not checked.")
    return port.summary


def _faults_of(causes: Sequence[str]) -> set[str]:
    return {f for f, entry in cause_table()["faults"].items() if entry["cause"] in causes}


def _overrule(verdict: Verdict, overruled: tuple[str, ...]) -> Verdict:
    """The verdict, saying which findings of this tool the user's own Codex contradicted."""
    if not overruled:
        return verdict
    titles = [render(cause_table()["causes"][c]["title"], {}) for c in overruled]
    note = tr(
        "rules",
        "This tool's own test found a problem ({findings}), but your own Codex got through to "
        "the sign-in server, so that is not what stops it.",
        findings=join(titles, "; "),
    )
    return replace(verdict, summary=sentences(verdict.summary, note), overruled=overruled)


def _fault_advice(verdict: Verdict, fault: Mapping[str, Any], facts: Mapping[str, Any]) -> Verdict:
    """A fault may carry its own next step and fixes (the desktop app's WSL setting is fixed
    in another file than the editors')."""
    if "next_action" in fault:
        verdict = replace(verdict, next_action=render(fault["next_action"], facts))
    if "fixes" in fault:
        verdict = replace(verdict, fixes=tuple(fault["fixes"]))
    return verdict


def _verdict(
    cause: str,
    step_id: str | None,  # the cause's step, or the one its fault names (chatgpt.com's)
    facts: Mapping[str, Any],
    summary_template: str,
    proving: Sequence[CheckResult],
    also: tuple[str, ...],
    states: Callable[[FlowStep | None], dict[FlowStep, str]],
) -> Verdict:
    entry = cause_table()["causes"][cause]
    step = FlowStep(step_id) if step_id else None
    steps = states(step)
    return Verdict(
        cause=cause,
        flow_step=step,
        title=render(entry["title"], facts),
        summary=render(summary_template, facts),
        next_action=render(entry["next_action"], facts),
        fixes=tuple(entry["fixes"]),
        evidence=tuple(dict.fromkeys(r.id for r in proving)),
        also=also,
        passed_steps=tuple(s for s, state in steps.items() if state in ("ok", "ready")),
        steps=steps,
    )
