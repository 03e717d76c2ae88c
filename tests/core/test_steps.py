"""The picture's step states: OK only for a step a check went through, Ready for what is
merely there, Needs a look while one of the step's own checks warns."""

from __future__ import annotations

from dataclasses import replace as dc_replace

from tests.core.test_rules import HEALTHY, replace, result
from tests.helpers import lab_target
from wizard.core.findings.signin import ProbeFindings, StoreFindings
from wizard.core.model import CheckResult, FlowStep, Status
from wizard.core.rules import decide
from wizard.core.steps import STATES, STEPS, state_word, states_of


def steps(results):
    return decide(lab_target(), results).steps


def test_a_free_port_is_ready_not_ok_and_the_exercised_token_step_is_ok():
    states = steps(HEALTHY)
    assert states[FlowStep.LISTENER] == "ready"
    assert states[FlowStep.TOKEN_EXCHANGE] == "ok"
    assert states[FlowStep.AUTHORIZE] == states[FlowStep.CALLBACK] == "untested"
    assert states[FlowStep.STORE] == "untested"  # no check looked at the sign-in folder


def test_a_writable_folder_is_ready():
    found = StoreFindings("file", "~/.codex", True, None, (), store_writable=True)
    writable = CheckResult("credential_store", "Saving", Status.PASS, "s", found, (), 1)
    assert steps([*HEALTHY, writable])[FlowStep.STORE] == "ready"
    unknown = dc_replace(writable, findings=dc_replace(found, store_writable=None))
    assert steps([*HEALTHY, unknown])[FlowStep.STORE] == "untested"


def test_a_test_return_answered_by_codex_makes_steps_2_and_3_ok():
    probe = ProbeFindings("codex", "refused", "http://localhost:1455/auth/callback", 302, 1, (), ())
    witness = CheckResult("codex_probe", "Own Codex", Status.PASS, "s", probe, (), 1)
    states = steps([*HEALTHY, witness])
    assert states[FlowStep.CALLBACK] == states[FlowStep.LISTENER] == "ok"
    silent = dc_replace(witness, findings=dc_replace(probe, callback_status=None))
    assert steps([*HEALTHY, silent])[FlowStep.CALLBACK] == "untested"


def test_a_warning_of_its_own_check_beats_ok():
    states = steps(replace(HEALTHY, result("proxy", Status.WARN)))
    assert states[FlowStep.TOKEN_EXCHANGE] == "warn"
    assert steps(replace(HEALTHY, result("callback_port", Status.WARN)))[FlowStep.LISTENER] == (
        "warn"
    )


def test_the_failing_step_is_the_problem_and_nothing_else_is():
    failing = replace(HEALTHY, result("dns", Status.FAIL, faults=("dns_failure",)))
    verdict = decide(lab_target(), failing)
    assert verdict.flow_step is FlowStep.TOKEN_EXCHANGE
    assert [s for s, state in verdict.steps.items() if state == "fail"] == [verdict.flow_step]
    assert verdict.to_json()["steps"]["token_exchange"] == "fail"


def test_each_state_has_its_own_word():
    assert len({state_word(s) for s in STATES}) == len(STATES)


def test_a_case_file_without_steps_reads_its_passed_and_failing_steps():
    old = {"flow_step": "listener", "passed_steps": ["token_exchange"]}
    assert states_of(old) == {
        "authorize": "untested",
        "callback": "untested",
        "listener": "fail",
        "token_exchange": "ok",
        "store": "untested",
    }
    new = decide(lab_target(), HEALTHY).to_json()
    assert states_of(new) == {s.value: new["steps"][s.value] for s in STEPS}
