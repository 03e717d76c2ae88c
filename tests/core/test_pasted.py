"""The pasted message beside the verdict: it confirms the finding, or says where it points
and what this computer shows instead (real decoder, real rules)."""

from __future__ import annotations

from tests.core.test_rules import HEALTHY, replace, result
from tests.helpers import lab_target
from wizard.checks.logs import decode_error
from wizard.core.model import Status
from wizard.core.pasted import relation
from wizard.core.rules import decide

SEND_FAILED = (
    "Error logging in: Token exchange failed: error sending request for url "
    "(https://auth.openai.com/oauth/token)"
)
UNKNOWN_ISSUER = "invalid peer certificate: UnknownIssuer"
PORT_IN_USE = "Port 127.0.0.1:1455 is already in use"

DNS_DOWN = replace(HEALTHY, result("dns", Status.FAIL, faults=("dns_failure",)))
PORT_BUSY = replace(HEALTHY, result("callback_port", Status.FAIL, faults=("callback_ports_busy",)))


def related(message, results):
    decoded = [d.to_json() for d in decode_error(message)]
    return relation(decoded, decide(lab_target(), results))


def test_a_message_that_names_the_found_cause_confirms_it():
    busy = decide(lab_target(), PORT_BUSY)
    assert busy.cause == "callback_port_busy"
    assert related(PORT_IN_USE, PORT_BUSY) == (
        "This is what your message points to too: it confirms the finding."
    )


def test_a_message_that_names_another_cause_says_what_this_computer_shows():
    assert related(UNKNOWN_ISSUER, DNS_DOWN) == (
        "Your message points to “A security program intercepts the secure connection”, but "
        "this computer shows “The sign-in server's name cannot be found”."
    )


def test_a_cause_nothing_here_shows_may_live_where_that_codex_runs():
    text = related(UNKNOWN_ISSUER, HEALTHY)
    assert text.startswith(
        "Your message points to “A security program intercepts the secure connection”, but "
        "this computer shows no such problem now."
    )


def test_a_message_that_only_names_a_step_is_set_beside_the_failing_step():
    assert related(SEND_FAILED, DNS_DOWN) == (
        "Your message points to step 4 “Codex completes sign-in with OpenAI”, where the "
        "problem was found: it confirms the finding."
    )
    assert related(SEND_FAILED, PORT_BUSY) == (
        "Your message points to step 4 “Codex completes sign-in with OpenAI”, but this "
        "computer shows the problem in step 3 “Codex receives the return”."
    )
    assert related(SEND_FAILED, HEALTHY) == (
        "Your message points to step 4 “Codex completes sign-in with OpenAI”, but nothing on "
        "this computer shows a problem there now."
    )


def test_no_known_error_no_sentence():
    assert related("The printer is on fire", HEALTHY) is None
    assert relation(None, decide(lab_target(), HEALTHY)) is None
