"""The engine: dependency order, parallelism, hard budgets, errors contained, cancellation."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import AsFound, lab_target, make_env
from wizard.core.engine import Budget, CheckContext, CheckSpec, run_checks
from wizard.core.findings import CheckFailure
from wizard.core.model import Outcome, Status
from wizard.core.profile import load_profile

WIZARD = Path(__file__).resolve().parents[2] / "wizard"


def _run(specs, home, timeout_s=1.0, **kwargs):
    return run_checks(specs, make_env(home), load_profile(), lab_target(), timeout_s, **kwargs)


def _ok(ctx: CheckContext) -> Outcome:
    return Outcome(Status.PASS, "fine", AsFound({"saw": sorted(ctx.results)}))


def test_dependencies_run_first_and_are_passed_in(home):
    order: list[str] = []

    def record(name):
        def check(ctx):
            order.append(name)
            return _ok(ctx)

        return check

    specs = [
        CheckSpec("c", "C", record("c"), needs=("b",)),
        CheckSpec("b", "B", record("b"), needs=("a",)),
        CheckSpec("a", "A", record("a")),
    ]
    results = _run(specs, home)
    assert order == ["a", "b", "c"]
    assert [r.id for r in results] == ["c", "b", "a"]  # the order given, not the run order
    assert results[0].evidence == {"saw": ["b"]}


def test_independent_checks_run_in_parallel(home):
    barrier = threading.Barrier(3, timeout=2)

    def meet(ctx):
        barrier.wait()  # deadlocks (and times out) unless all three run at once
        return _ok(ctx)

    results = _run([CheckSpec(n, n, meet) for n in "xyz"], home, timeout_s=3)
    assert {r.status for r in results} == {Status.PASS}


def test_an_exception_becomes_status_error_not_a_crash(home):
    def broken(ctx):
        raise RuntimeError("boom")

    (result,) = _run([CheckSpec("b", "Broken", broken)], home)
    assert result.status is Status.ERROR
    assert "RuntimeError: boom" in result.summary
    # the traceback stays for Details and the case file: where it broke, innermost last
    lines = result.evidence["traceback"].splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert 'raise RuntimeError("boom")' in result.evidence["traceback"]
    assert lines[-1] == "RuntimeError: boom"


def test_a_fault_causes_json_does_not_know_is_a_broken_check(home):
    def typo(ctx):
        return Outcome(Status.FAIL, "found it", faults=("tls_untrusted", "tls_untrustd"))

    (result,) = _run([CheckSpec("t", "Typo", typo)], home)
    assert (result.status, result.faults) == (Status.ERROR, ())
    assert result.summary == (
        "The check itself failed: ValueError: faults not in causes.json: tls_untrustd"
    )


def test_a_check_of_the_catalog_that_reports_other_findings_is_a_broken_check(home):
    # The wire and a case file type the evidence again by the check's own payload class.
    def stray(ctx):
        return Outcome(Status.PASS, "fine", AsFound({"chain": []}))

    (result,) = _run([CheckSpec("tls", "Secure connection", stray)], home)
    assert result.status is Status.ERROR
    assert result.summary == (
        "The check itself failed: TypeError: tls reported AsFound, not TlsFindings"
    )
    failure = result.typed(CheckFailure)
    assert failure is not None and failure.exception == "TypeError"


def test_every_fault_in_causes_json_is_proven_somewhere():
    """No fault the table maps that no check or decoder entry can prove (its id is written
    in the code, or in decoder.json's "proves")."""
    from wizard.core.profile import resource_path
    from wizard.core.rules import cause_table

    written = "".join(p.read_text(encoding="utf-8") for p in WIZARD.rglob("*.py"))
    written += resource_path("decoder.json").read_text(encoding="utf-8")
    never = [f for f in cause_table()["faults"] if f'"{f}"' not in written]
    assert never == []


def test_debug_logging_follows_every_check(home, caplog):
    def broken(ctx):
        raise ValueError("bad value")

    with caplog.at_level(logging.DEBUG, logger="wizard"):
        _run([CheckSpec("b", "Broken", broken), CheckSpec("f", "Fine", _ok)], home)
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "wizard.core.engine"]
    assert ("DEBUG", "check b broke") in said
    assert any(m.startswith("check f: pass in ") for _l, m in said), said
    broke = next(r for r in caplog.records if r.getMessage() == "check b broke")
    assert broke.exc_info is not None and broke.exc_info[0] is ValueError


def test_a_check_that_ignores_its_budget_is_abandoned(home):
    release = threading.Event()

    def hangs(ctx):
        release.wait(30)
        return _ok(ctx)

    results = _run([CheckSpec("h", "Hangs", hangs), CheckSpec("f", "Fine", _ok)], home, 0.5)
    abandoned_while_hanging = not release.is_set()
    release.set()
    assert abandoned_while_hanging  # the run ended while the check still hung
    assert results[0].status is Status.ERROR and results[0].evidence["timed_out"] is True
    assert results[1].status is Status.PASS


def test_a_silent_chain_costs_one_budget_not_one_per_check(home):
    """tls hangs for its whole budget; its dependants are then out of time or skip."""

    def slow(ctx):
        time.sleep(ctx.budget.timeout())
        return Outcome(Status.FAIL, "no answer")

    def dependant(ctx):
        if ctx.dep("tls").status is not Status.PASS:
            return Outcome(Status.SKIP, "Not tested: tls failed.")
        return _ok(ctx)

    specs = [
        CheckSpec("tls", "TLS", slow),
        CheckSpec("openid", "OpenID", dependant, needs=("tls",)),
        CheckSpec("token", "Token", dependant, needs=("tls",)),
    ]
    results = _run(specs, home, timeout_s=1.0)
    assert [r.status for r in results] == [Status.FAIL, Status.SKIP, Status.SKIP]


def test_cancel_returns_promptly_and_marks_the_rest_cancelled(home):
    cancel = threading.Event()

    def waits(ctx):
        ctx.cancel_event.wait(10)
        return _ok(ctx)

    timer = threading.Timer(0.2, cancel.set)
    timer.start()
    results = _run(
        [CheckSpec("w", "W", waits), CheckSpec("n", "N", _ok, needs=("w",))],
        home,
        timeout_s=10,
        cancel=cancel,
    )
    assert [r.status for r in results] == [Status.SKIP, Status.SKIP]
    assert results[1].summary == "Cancelled."


def test_events_report_start_and_finish_for_every_check(home):
    events = []
    _run(
        [CheckSpec("a", "A", _ok), CheckSpec("b", "B", _ok, needs=("a",))],
        home,
        on_event=events.append,
    )
    assert [(e.kind, e.check_id) for e in events] == [
        ("started", "a"),
        ("finished", "a"),
        ("started", "b"),
        ("finished", "b"),
    ]


def test_unknown_dependency_is_a_programming_error(home):
    with pytest.raises(ValueError, match="needs unknown"):
        _run([CheckSpec("a", "A", _ok, needs=("nope",))], home)


def test_a_budget_counts_down_on_its_clock():
    now = [100.0]
    budget = Budget(102.0, clock=lambda: now[0])
    assert (budget.remaining(), budget.timeout(), budget.timeout(0.5)) == (2.0, 2.0, 0.5)
    now[0] = 101.99
    assert budget.timeout() == 0.05  # never zero: a blocking call still gets a moment
    assert not budget.expired()
    now[0] = 102.5
    assert (budget.remaining(), budget.expired()) == (0.0, True)
