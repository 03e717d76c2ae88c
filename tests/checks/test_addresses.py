"""The per-address check against a real listener: how it words the addresses that answer."""

from __future__ import annotations

from tests.helpers import lab_target, make_env, run_check
from wizard.checks.addresses import check_addresses
from wizard.core.findings.network import DnsFindings, Endpoint
from wizard.core.model import CheckResult, Status


def _dns(*ipv4: str) -> CheckResult:
    found = DnsFindings(
        via_proxy=False,
        connect_to=Endpoint("auth.openai.com", 443, "sign-in server"),
        ipv4=ipv4,
        ipv6=(),
        errors={},
        timed_out=False,
    )
    return CheckResult("dns", "Finding the sign-in server", Status.PASS, "Found.", found, (), 1)


def test_one_address_that_answers_is_said_in_the_singular(home, auth_server):
    target = lab_target(auth_server.url)
    outcome = run_check(check_addresses, make_env(home), target, deps={"dns": _dns("127.0.0.1")})
    assert outcome.status is Status.PASS
    assert outcome.summary == f"The one address of {target.host} answers."
