"""The five steps of the sign-in and what one diagnosis can honestly say about each.

One vocabulary for the window's picture, the case file and the words read out on a call:
- `ok`       "OK": a check went through the step and it worked (the sign-in server refused a
             test code as expected; the user's own Codex answered a test return);
- `ready`    "Ready": nothing went through it, but what it needs is there (the sign-in port is
             free, the sign-in folder can be written);
- `warn`     "Needs a look": one of the step's own checks warns;
- `fail`     "Problem here": the step the verdict names;
- `untested` "Not tested": nothing on this computer can say (the browser's part, or a check
             that could not run)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wizard.core.findings.signin import ProbeFindings, StoreFindings
from wizard.core.i18n import Text, tr
from wizard.core.model import CheckResult, FlowStep, Status

STEPS = tuple(FlowStep)
STATES = ("ok", "ready", "warn", "fail", "untested")

# Which checks speak for which step (clicking a step shows these; their warnings mark it).
STEP_CHECKS: dict[FlowStep, tuple[str, ...]] = {
    FlowStep.AUTHORIZE: ("status_page", "login_policy", "pasted_error", "codex_logs"),
    FlowStep.CALLBACK: ("ide_settings", "wsl", "codex_logs"),
    FlowStep.LISTENER: ("callback_port", "ide_settings", "wsl"),
    FlowStep.TOKEN_EXCHANGE: (
        "proxy",
        "ca_env",
        "dns",
        "tcp",
        "tls",
        "openid",
        "token_endpoint",
        "routes",
        "clock",
    ),
    FlowStep.STORE: (
        "codex_install",
        "codex_auth",
        "auth_mode",
        "credential_store",
        "auth_managers",
        "chatgpt",
    ),
}
# The checks whose warning means the step itself may not work (the others only inform:
# an editor setting or the last log line is shown with the step, but does not mark it).
_OWN_CHECKS: dict[FlowStep, tuple[str, ...]] = {
    FlowStep.AUTHORIZE: ("login_policy",),
    FlowStep.CALLBACK: (),
    FlowStep.LISTENER: ("callback_port",),
    FlowStep.TOKEN_EXCHANGE: STEP_CHECKS[FlowStep.TOKEN_EXCHANGE],
    FlowStep.STORE: ("codex_auth", "auth_mode", "credential_store", "chatgpt"),
}
WITNESS = ProbeFindings.check  # the user's own Codex: a test return through steps 2 to 4


def step_label(step: FlowStep | str) -> Text:
    return {
        FlowStep.AUTHORIZE: tr("steps", "Sign-in page in your browser"),
        FlowStep.CALLBACK: tr("steps", "Browser returns to this computer"),
        FlowStep.LISTENER: tr("steps", "Codex receives the return"),
        FlowStep.TOKEN_EXCHANGE: tr("steps", "Codex completes sign-in with OpenAI"),
        FlowStep.STORE: tr("steps", "Sign-in is saved"),
    }[FlowStep(step)]


def state_word(state: str) -> Text:
    return {
        "ok": tr("steps", "OK"),
        "ready": tr("steps", "Ready"),
        "warn": tr("steps", "Needs a look"),
        "fail": tr("steps", "Problem here"),
        "untested": tr("steps", "Not tested"),
    }[state]


def step_number(step: FlowStep | str) -> int:
    return STEPS.index(FlowStep(step)) + 1


def step_states(
    results: Sequence[CheckResult], failing: FlowStep | None, listener_fault: bool
) -> dict[FlowStep, str]:
    """Each step's state after a diagnosis. `listener_fault`: a listener-side cause was proven
    (the port check may still pass when Codex steps around a busy port)."""
    by_id = {r.id: r for r in results}
    states = dict.fromkeys(STEPS, "untested")
    witness = by_id.get(WITNESS)
    probe = witness.typed(ProbeFindings) if witness is not None else None
    returned = probe is not None and probe.callback_status is not None
    if returned:  # Codex's own login server answered the test return
        states[FlowStep.CALLBACK] = states[FlowStep.LISTENER] = "ok"
    port = by_id.get("callback_port")
    if not returned and port is not None and port.status is Status.PASS and not listener_fault:
        states[FlowStep.LISTENER] = "ready"
    token = by_id.get("token_endpoint")
    if (token is not None and token.status is Status.PASS) or (
        witness is not None and witness.status is Status.PASS
    ):
        states[FlowStep.TOKEN_EXCHANGE] = "ok"
    store = by_id.get("credential_store")
    saving = store.typed(StoreFindings) if store is not None else None
    if saving is not None and saving.store_writable is True:
        states[FlowStep.STORE] = "ready"
    for step, own in _OWN_CHECKS.items():
        if any(by_id[c].status is Status.WARN for c in own if c in by_id):
            states[step] = "warn"
    if failing is not None:
        states[failing] = "fail"
    return states


def states_of(verdict: Mapping[str, Any]) -> dict[str, str]:
    """A verdict's step states from its JSON (a case file written before `steps` existed
    knows only its failing and passed steps)."""
    saved = verdict.get("steps")
    if isinstance(saved, Mapping) and all(saved.get(s.value) in STATES for s in STEPS):
        return {s.value: str(saved[s.value]) for s in STEPS}
    passed = set(verdict.get("passed_steps") or ())
    failing = verdict.get("flow_step")
    return {
        s.value: "fail" if s.value == failing else "ok" if s.value in passed else "untested"
        for s in STEPS
    }
