"""The Codex desktop app's own log, read by check_codex_logs in a Windows-shaped home: the
folder of openai/codex#46812 laid out for real, the lines the reports posted
(tests/fixtures/desktop/SOURCES.md), the verdict the real rules give."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta

from tests.core.test_rules import HEALTHY
from tests.helpers import FakeRunner, fixture_text, lab_target, make_env, run_check
from tests.lab.home import LabHome
from wizard.checks.logs import MAX_LOG_BYTES, check_codex_logs
from wizard.core.model import CheckResult, FlowStep, Status
from wizard.core.rules import decide
from wizard.report.redact import redact_document

DAY_S = 86_400


def log_text(name):
    """A fixture's lines as the app writes them: #46812's line-number column is the
    reporter's, not the log's."""
    return "".join(
        re.sub(r"^L\d+\s+", "", line) + "\n" for line in fixture_text("desktop", name).splitlines()
    )


def windows_env(home):
    return make_env(home, platform="windows", runner=FakeRunner())


def today(env):
    return env.now().date()


def diagnosed(env):
    """The check run for real, then the verdict of the real rules with every other check
    healthy."""
    outcome = run_check(check_codex_logs, env)
    logs = CheckResult(
        "codex_logs",
        "Last sign-in attempt",
        outcome.status,
        str(outcome.summary),
        outcome.findings,
        outcome.faults,
        1,
    )
    return outcome, logs, decide(lab_target(), [*HEALTHY, logs])


def test_routing_432_in_the_newest_desktop_log_is_the_post_login_routing_fault(home):
    env = windows_env(home)
    path = LabHome(home).desktop_log(log_text("routing-432-46812.log"), today(env))
    outcome, _logs, verdict = diagnosed(env)
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("workspace_routing_unavailable",)
    assert outcome.evidence["desktop_log"]["files"] == [env.display_path(path)]
    [finding] = outcome.evidence["findings"]
    assert (finding["id"], finding["count"], finding["flow_step"]) == (
        "workspace_routing_unavailable",
        4,
        "store",
    )
    assert finding["timestamp"] == "2026-09-20T13:38:39.512Z"
    assert (verdict.cause, verdict.flow_step) == ("post_login_routing_failed", FlowStep.STORE)
    assert "Workspace routing is unavailable" in verdict.summary
    assert verdict.evidence == ("codex_logs",)


def test_a_global_state_exdev_names_the_app_that_cannot_save_its_state(home):
    """The lines as #46786 posted them, one field per line: the errorCode line alone says it."""
    env = windows_env(home)
    text = fixture_text("desktop", "global-state-exdev-46786.txt")
    path = LabHome(home).desktop_log(text, today(env))
    outcome, _logs, verdict = diagnosed(env)
    assert outcome.faults == ("desktop_state_exdev",)
    assert (verdict.cause, verdict.flow_step) == ("desktop_state_not_saved", FlowStep.STORE)
    assert verdict.fixes == ("desktop-app-update",)
    assert env.display_path(path) in verdict.summary


def test_the_432_outranks_the_exdev_seen_beside_it(home):
    """#46786 had both; the routing answer is what the app stops at."""
    env = windows_env(home)
    both = fixture_text("desktop", "global-state-exdev-46786.txt") + fixture_text(
        "desktop", "routing-432-46786.txt"
    )
    LabHome(home).desktop_log(both, today(env))
    outcome, _logs, verdict = diagnosed(env)
    assert outcome.faults == ("workspace_routing_unavailable", "desktop_state_exdev")
    assert verdict.cause == "post_login_routing_failed"
    assert verdict.also == ("desktop_state_not_saved",)


def test_a_lost_app_token_warns_in_the_apps_words_and_proves_no_cause(home):
    """A 401 and the token the app then drops (#44578, #39491): the reference calls it a
    behaviour, not a cause, so the check warns and the rules name nothing."""
    env = windows_env(home)
    text = log_text("auth-401-44578.log") + fixture_text("desktop", "no-token-attached-39491.txt")
    LabHome(home).desktop_log(text, today(env))
    outcome, _logs, verdict = diagnosed(env)
    assert outcome.status is Status.WARN and outcome.faults == ()
    assert [f["id"] for f in outcome.evidence["findings"]] == [
        "desktop_token_missing",
        "desktop_auth_401",
    ]
    assert "lost its sign-in" in str(outcome.summary)
    assert verdict.cause == "none"


def test_an_old_desktop_log_is_not_read(home):
    env = windows_env(home)
    LabHome(home).desktop_log(
        log_text("routing-432-46812.log"), today(env) - timedelta(days=5), age_s=5 * DAY_S
    )
    outcome, _logs, verdict = diagnosed(env)
    assert outcome.status is Status.SKIP and outcome.faults == ()
    assert outcome.findings.desktop_log is None
    assert verdict.cause == "none"


def test_a_healthy_newest_session_outweighs_yesterdays_432(home):
    env = windows_env(home)
    lab = LabHome(home)
    lab.desktop_log(
        log_text("routing-432-46812.log"),
        today(env) - timedelta(days=1),
        "codex-desktop-0b7e-2210-t0-i1-091500-0.log",
        age_s=DAY_S,
    )
    healthy = lab.desktop_log(log_text("response-routed-30775.log"), today(env))
    outcome, _logs, verdict = diagnosed(env)
    assert outcome.status is Status.PASS and outcome.faults == ()
    assert outcome.evidence["desktop_log"]["files"] == [env.display_path(healthy)]
    assert outcome.evidence["findings"] == []
    assert verdict.cause == "none"


def test_the_newest_sessions_files_are_read_within_one_budget(home):
    """A session's earlier file keeps the 432 while its newest one is longer than a log's
    whole budget and quiet: both are read (the long one only its tail)."""
    env = windows_env(home)
    lab = LabHome(home)
    first = lab.desktop_log(
        log_text("routing-432-46812.log"),
        today(env),
        "codex-desktop-5f2c9a1e-4410-t0-i1-132812-0.log",
        age_s=60,
    )
    quiet = log_text("response-routed-30775.log") * (MAX_LOG_BYTES // 300)
    lab.desktop_log(quiet, today(env), "codex-desktop-5f2c9a1e-4410-t0-i1-132812-1.log")
    outcome = run_check(check_codex_logs, env)
    assert outcome.faults == ("workspace_routing_unavailable",)
    assert len(outcome.evidence["desktop_log"]["files"]) == 2
    assert outcome.evidence["findings"][0]["file"] == env.display_path(first)


def test_no_token_value_or_address_of_the_log_reaches_the_report(home):
    """The real #44578 line, with what a log might also carry (the test's own values): a
    token in the address, a Bearer header, an e-mail address."""
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXZhbHVl"
    real = log_text("auth-401-44578.log").strip()
    leaky = real.replace("/wham/tasks/list", f"/wham/tasks/list?access_token={jwt}")
    leaky += " Authorization: Bearer sess-ABCDEF0123456789 user=kenji@example.com"
    text = leaky + "\n" + fixture_text("desktop", "no-token-attached-39491.txt")
    env = windows_env(home)
    LabHome(home).desktop_log(text, today(env))
    _outcome, logs, verdict = diagnosed(env)
    shown = json.dumps(redact_document(logs.to_json())) + str(verdict.summary)
    for secret in (jwt, "eyJhbGci", "sess-ABCDEF0123456789", "kenji@example.com"):
        assert secret not in shown, secret
    assert "desktop_fetch_auth_401" in shown  # the line is still there, only its secrets went


def test_outside_windows_no_desktop_log_is_looked_for(home):
    """Where the macOS app writes its log is not known (UNVERIFIED): nothing is guessed."""
    env = windows_env(home)
    LabHome(home).desktop_log(log_text("routing-432-46812.log"), today(env))
    mac = replace(env, platform="darwin")
    outcome = run_check(check_codex_logs, mac)
    assert outcome.findings.desktop_log is None and outcome.faults == ()


def test_desktop_fixture_sources_are_documented():
    from tests.helpers import FIXTURES

    sources = (FIXTURES / "desktop" / "SOURCES.md").read_text(encoding="utf-8")
    for path in (FIXTURES / "desktop").iterdir():
        if path.name != "SOURCES.md":
            assert path.name in sources, path.name
