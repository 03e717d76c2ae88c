"""The clock check: the server's Date (+Age) against the local clock, in both directions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import make_env, run_check
from wizard.checks.clock import check_clock, human_duration
from wizard.checks.endpoints import check_openid
from wizard.core.findings import NOTHING
from wizard.core.findings.network import Answer, OpenidFindings, Timing
from wizard.core.model import CheckResult, Status
from wizard.core.profile import load_profile

PROFILE = load_profile()
SERVER_DATE = "Tue, 01 Sep 2026 12:00:00 GMT"
SERVER_TIME = datetime(2026, 9, 1, 12, 0, 0, tzinfo=UTC)


def openid_result(
    server_date: str | None = SERVER_DATE,
    sent: datetime | None = None,
    received: datetime | None = None,
    age: str | None = None,
    status: Status = Status.PASS,
    faults: tuple[str, ...] = (),
) -> dict[str, CheckResult]:
    """The `openid` dependency as the engine hands it over (an input, built directly)."""
    sent = sent or SERVER_TIME
    received = received or sent
    rtt_ms = int((received - sent).total_seconds() * 1000)
    found = OpenidFindings(
        url="https://auth.openai.com/.well-known/openid-configuration",
        via="direct",
        answer=Answer(200, "OK", "application/json", None, rtt_ms),
        timing=Timing(server_date, age, sent.isoformat(), received.isoformat()),
    )
    return {"openid": CheckResult("openid", "Sign-in server answers", status, "", found, faults, 1)}


def run(home, deps) -> object:
    return run_check(check_clock, make_env(home), deps=deps)


# --- the arithmetic, with exact inputs ------------------------------------------------------


@pytest.mark.parametrize("offset_s", [300, -300, 0, 299.9])
def test_within_five_minutes_passes_including_the_exact_boundary(home, offset_s):
    local = SERVER_TIME + timedelta(seconds=offset_s)

    outcome = run(home, openid_result(sent=local))

    assert outcome.status is Status.PASS
    assert outcome.faults == ()
    assert outcome.evidence["skew_s"] == round(offset_s, 1)
    assert outcome.evidence["limit_s"] == 300


def test_pass_summary_says_how_far_off(home):
    outcome = run(home, openid_result(sent=SERVER_TIME + timedelta(seconds=1.2)))
    assert outcome.summary == "This computer's clock is right (off by 1 s)."
    exact = run(home, openid_result(sent=SERVER_TIME))
    assert exact.summary == "This computer's clock is right (off by less than 1 s)."


@pytest.mark.parametrize(
    ("offset_s", "human", "direction"),
    [
        (301, "5 minutes 1 second", "ahead of"),
        (-301, "5 minutes 1 second", "behind"),
        (7 * 60, "7 minutes", "ahead of"),
        (-(2 * 3600 + 5 * 60), "2 hours 5 minutes", "behind"),
        (3 * 86400 + 4 * 3600, "3 days 4 hours", "ahead of"),
    ],
)
def test_more_than_five_minutes_is_clock_skew(home, offset_s, human, direction):
    local = SERVER_TIME + timedelta(seconds=offset_s)

    outcome = run(home, openid_result(sent=local))

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("clock_skew",)
    assert outcome.evidence["facts"] == {"skew_human": human, "direction": direction}
    assert outcome.summary == f"This computer's clock is {human} {direction} the sign-in server's."


def test_local_time_is_the_middle_of_the_round_trip(home):
    # Sent 4 s before and received 4 s after 12:05:00: the request took 8 s, not the clock.
    sent = SERVER_TIME + timedelta(minutes=5, seconds=-4)
    received = SERVER_TIME + timedelta(minutes=5, seconds=4)

    outcome = run(home, openid_result(sent=sent, received=received))

    assert outcome.status is Status.PASS
    assert outcome.evidence["skew_s"] == 300.0
    assert outcome.evidence["local_time"] == "2026-09-01T12:05:00+00:00"


def test_age_counts_towards_the_servers_time(home):
    # A cache served an answer dated 10 minutes ago: the server's time is Date + Age.
    local = SERVER_TIME + timedelta(minutes=10)

    with_age = run(home, openid_result(sent=local, age="600"))
    without_age = run(home, openid_result(sent=local))

    assert with_age.status is Status.PASS
    assert with_age.evidence["skew_s"] == 0.0
    assert with_age.evidence["server_time"] == "2026-09-01T12:10:00+00:00"
    assert without_age.faults == ("clock_skew",)


@pytest.mark.parametrize(
    ("deps", "summary"),
    [
        (openid_result(server_date=None), "Not tested: the sign-in server did not tell its time."),
        (
            openid_result(status=Status.SKIP),
            "Not tested: the sign-in server could not be asked.",
        ),
        ({}, "Not tested: the sign-in server could not be asked."),
        (
            openid_result(status=Status.FAIL, faults=("html_answer",)),
            "Not tested: the answer did not come from the sign-in server.",
        ),
        (
            openid_result(server_date="yesterday-ish"),
            "Not tested: the sign-in server's time could not be read.",
        ),
    ],
)
def test_skips_without_a_trustworthy_server_time(home, deps, summary):
    outcome = run(home, deps)
    assert outcome.status is Status.SKIP
    assert outcome.summary == summary
    assert outcome.faults == ()


def test_a_server_error_answer_still_tells_the_time(home):
    deps = openid_result(
        sent=SERVER_TIME + timedelta(minutes=20), status=Status.FAIL, faults=("server_error",)
    )
    assert run(home, deps).faults == ("clock_skew",)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (45.4, "45 seconds"),
        (60, "1 minute"),
        (125, "2 minutes 5 seconds"),
        (-420, "7 minutes"),
        (600.4, "10 minutes"),
        (3599, "1 hour"),
        (7500, "2 hours 5 minutes"),
        (86400, "1 day"),
        (90000, "1 day 1 hour"),
    ],
)
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text


# --- for real: the lab server's Date and an injected local clock ------------------------------


def lab_clock_pair(home, pki, auth_server, clock=None):
    """Run openid against the lab for real, then clock on its result (as the engine would)."""
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)}, clock=clock)
    target = PROFILE.target(auth_server.url)
    tls = {"tls": CheckResult("tls", "Secure connection", Status.PASS, "", NOTHING, (), 1)}
    openid = run_check(check_openid, env, target, tls)
    assert openid.status is Status.PASS
    result = CheckResult(
        "openid",
        "Sign-in server answers",
        openid.status,
        openid.summary,
        openid.findings,
        openid.faults,
        1,
    )
    return run_check(check_clock, env, target, {"openid": result})


def test_lab_server_with_a_right_clock_passes(home, pki, auth_server):
    outcome = lab_clock_pair(home, pki, auth_server)

    assert outcome.status is Status.PASS
    assert abs(outcome.evidence["skew_s"]) < 2.5  # Date has whole seconds; the lab is local


def test_lab_server_behind_means_this_computer_is_ahead(home, pki, auth_server):
    auth_server.date_offset_s = -600

    outcome = lab_clock_pair(home, pki, auth_server)

    assert outcome.faults == ("clock_skew",)
    assert outcome.evidence["facts"] == {"skew_human": "10 minutes", "direction": "ahead of"}


def test_lab_server_ahead_means_this_computer_is_behind(home, pki, auth_server):
    auth_server.date_offset_s = 2 * 3600 + 5 * 60

    outcome = lab_clock_pair(home, pki, auth_server)

    assert outcome.faults == ("clock_skew",)
    assert outcome.evidence["facts"] == {"skew_human": "2 hours 5 minutes", "direction": "behind"}


def test_injected_local_clock_ahead(home, pki, auth_server):
    outcome = lab_clock_pair(
        home, pki, auth_server, clock=lambda: datetime.now(UTC) + timedelta(minutes=12)
    )

    assert outcome.faults == ("clock_skew",)
    assert outcome.evidence["facts"] == {"skew_human": "12 minutes", "direction": "ahead of"}


def test_injected_local_clock_and_server_offset_cancel_out(home, pki, auth_server):
    auth_server.date_offset_s = -3600
    outcome = lab_clock_pair(
        home, pki, auth_server, clock=lambda: datetime.now(UTC) - timedelta(hours=1)
    )

    assert outcome.status is Status.PASS


def test_lab_age_header_corrects_an_old_date(home, pki, auth_server):
    auth_server.date_offset_s = -900
    auth_server.age_s = 900

    corrected = lab_clock_pair(home, pki, auth_server)
    assert corrected.status is Status.PASS
    assert corrected.evidence["age"] == "900"

    auth_server.date_offset_s = 0  # a fresh Date with a big Age: the server is "ahead"
    ahead = lab_clock_pair(home, pki, auth_server)
    assert ahead.faults == ("clock_skew",)
    assert ahead.evidence["facts"] == {"skew_human": "15 minutes", "direction": "behind"}
