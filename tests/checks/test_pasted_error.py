"""The pasted page text or address proves account-side causes no local probe can see: each
real text (tests/fixtures/account/SOURCES.md) -> the check's fault -> the verdict's cause."""

from __future__ import annotations

import pytest

from tests.core.test_rules import HEALTHY, result
from tests.helpers import fixture_text, lab_target, make_env, run_check
from wizard.checks.pasted_error import check_pasted_error
from wizard.core.model import FlowStep, Status
from wizard.core.rules import decide

CASES = [
    ("add-phone-url.txt", "add_phone_page", "account_verification_required"),
    ("add-phone-unable-to-send.txt", "phone_refused", "account_verification_required"),
    ("add-phone-invalid-number.txt", "phone_refused", "account_verification_required"),
    ("auth-error-workspace-disabled.txt", "workspace_disabled", "workspace_policy"),
    ("auth-error-invalid-state.txt", "invalid_state", "auth_session_invalid"),
    ("auth-error-unknown-error.txt", "auth_error_code", "account_side_likely"),
    ("refresh-token-reused-server.txt", "refresh_token_reused", "refresh_token_reused"),
    ("refresh-token-reused-codex-0169.txt", "refresh_token_reused", "refresh_token_reused"),
]


def pasted(home, text):
    return run_check(check_pasted_error, make_env(home), pasted=text)


@pytest.mark.parametrize(("fixture", "fault", "cause"), CASES, ids=[c[0] for c in CASES])
def test_a_real_page_text_proves_its_cause(home, fixture, fault, cause):
    outcome = pasted(home, fixture_text("account", fixture))
    assert outcome.status is Status.FAIL and outcome.faults[0] == fault, outcome
    checked = result("pasted_error", Status.FAIL, outcome.faults, outcome.evidence["facts"])
    verdict = decide(lab_target(), [*HEALTHY, checked])
    assert verdict.cause == cause, verdict
    assert verdict.evidence == ("pasted_error",)
    assert verdict.title != decide(lab_target(), HEALTHY).title
    assert "{" not in verdict.summary and "unknown" not in verdict.summary.split("(")[0]


def test_the_error_code_is_named_and_the_verdict_says_likely_account_side(home):
    outcome = pasted(home, fixture_text("account", "auth-error-unknown-error.txt"))
    assert outcome.evidence["facts"] == {"code": "unknown_error"}
    checked = result("pasted_error", Status.FAIL, outcome.faults, outcome.evidence["facts"])
    verdict = decide(lab_target(), [*HEALTHY, checked])
    assert verdict.title.startswith("Likely account-side")
    assert "(unknown_error)" in verdict.summary
    assert verdict.flow_step is FlowStep.AUTHORIZE


def test_an_account_cause_comes_after_a_broken_network_on_this_computer(home):
    outcome = pasted(home, fixture_text("account", "add-phone-url.txt"))
    checked = result("pasted_error", Status.FAIL, outcome.faults)
    broken = [r for r in HEALTHY if r.id != "tcp"] + [result("tcp", Status.FAIL, ["tcp_failed"])]
    verdict = decide(lab_target(), [*broken, checked])
    assert verdict.cause == "network_blocked"
    assert verdict.also == ("account_verification_required",)


def test_likely_account_side_is_never_named_beside_a_proven_cause(home):
    outcome = pasted(home, fixture_text("account", "auth-error-unknown-error.txt"))
    checked = result("pasted_error", Status.FAIL, outcome.faults)
    clock = [r for r in HEALTHY if r.id != "clock"] + [result("clock", Status.FAIL, ["clock_skew"])]
    verdict = decide(lab_target(), [*clock, checked])
    assert verdict.cause == "clock_skew" and verdict.also == ()


def test_nothing_pasted_or_an_unknown_text_proves_nothing(home):
    assert pasted(home, "  ").status is Status.SKIP
    unknown = pasted(home, "the page is just white")
    assert unknown.status is Status.SKIP and unknown.faults == ()
    only_decoded = pasted(home, "oauth token exchange returned non-success status")
    assert only_decoded.status is Status.WARN and only_decoded.faults == ()


def test_no_secret_of_the_pasted_address_reaches_the_evidence(home):
    text = "https://auth.openai.com/add-phone?state=s3cr3t-state&code=abc123"
    outcome = pasted(home, text)
    assert outcome.faults == ("add_phone_page",)
    assert "s3cr3t" not in str(outcome.evidence) and "abc123" not in str(outcome.evidence)
