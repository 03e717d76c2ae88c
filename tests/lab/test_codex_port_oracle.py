"""The sign-in return port against the real Codex CLI: what a waiting `codex login` answers
and logs, what a second sign-in does to it, and what the wizard says about both. The wizard's
look at the port must leave nothing in Codex's log and must not end the waiting sign-in."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tests.checks.test_port import ipv6_loopback_available
from tests.e2e import clean_env, run_wizard
from tests.helpers import make_env, run_check
from tests.lab.codex_cli import codex_env
from tests.lab.port_holder import hold_port
from tests.lab.test_codex_oracle import REFUSED
from wizard.checks.endpoints import PROBE_CODE
from wizard.checks.logs import check_codex_logs, decode_error
from wizard.checks.port import check_callback_port
from wizard.core.model import CheckResult, Outcome, Status
from wizard.core.profile import load_profile

WAITING = (
    "A Codex sign-in is waiting on port 1455 for the browser's return. Starting a new "
    "sign-in replaces it."
)


def _lab_env(home: Path, proxy, pki) -> dict[str, str]:
    return codex_env(home, HTTPS_PROXY=proxy.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem))


def _login_log(home: Path) -> list[str]:
    path = home / ".codex" / "log" / "codex-login.log"
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def _before_the_return(lines: list[str]) -> list[str]:
    """The log as it stood while Codex waited: everything before the browser's real return
    (the callback with the right state). Codex writes its log from a queue, so only the
    finished log says for sure what it got while it waited."""
    real = next(i for i, line in enumerate(lines) if "state_valid=true" in line)
    return lines[:real]


def _token_posts(server) -> list[dict[str, list[str]]]:
    return [parse_qs(r[3].decode()) for r in server.requests if r[:2] == ("POST", "/oauth/token")]


def _logs_check_on(lines: list[str], tmp_path: Path, port: Outcome | None = None):
    """The logs check over a codex-login.log holding `lines`, after the port check's `port`."""
    log = tmp_path / "snapshot" / "log" / "codex-login.log"
    log.parent.mkdir(parents=True)
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    deps = {}
    if port is not None:
        deps["callback_port"] = CheckResult(
            "callback_port", "", port.status, port.summary, port.findings, port.faults, 0
        )
    env = make_env(tmp_path, {"CODEX_HOME": str(log.parent.parent)})
    return run_check(check_codex_logs, env, deps=deps)


def _assert_only_the_real_return(lines: list[str]) -> None:
    """Codex logged one return, the real one: nothing the wizard sent counted as an attempt."""
    callbacks = [line for line in lines if "received login callback" in line]
    assert len(callbacks) == 1 and "state_valid=true" in callbacks[0], lines
    assert not [line for line in lines if "state mismatch" in line], lines


def test_a_waiting_codex_is_recognised_and_left_waiting(
    codex_ports, openai_via_proxy, openai_server, pki, home, tmp_path
):
    env = _lab_env(home, openai_via_proxy(), pki)
    with codex_ports.waiting(env) as login:
        port = run_check(check_callback_port, make_env(home, env), load_profile().target())
        still_waiting = login.waiting()
        callback_status = login.finish(PROBE_CODE)
        exit_code, output = login.process.wait(0), login.process.output()
    first = port.evidence["ports"][0]
    assert (first["port"], first["state"], first["codex_login_server"]) == (1455, "codex", True)
    assert first["fingerprint"]["status"] == 404
    assert (port.status, port.faults, port.summary) == (Status.WARN, (), WAITING)
    assert still_waiting
    # The sign-in could still finish: Codex took the return and asked the lab's server.
    assert callback_status is not None
    assert REFUSED in output and exit_code == 1, output
    assert [f["code"] for f in _token_posts(openai_server)] == [[PROBE_CODE]]
    lines = _login_log(home)
    _assert_only_the_real_return(lines)
    # Read while Codex waited (the port check saw it): not 'the browser never came back'.
    logs = _logs_check_on(_before_the_return(lines), tmp_path, port)
    assert logs.status == Status.PASS, logs.evidence
    assert logs.evidence["login_log"]["outcome"] != "failed"
    assert "primary_finding" not in logs.evidence
    # The same log once nobody listens any more: the browser never came back.
    gone = _logs_check_on(_before_the_return(lines), tmp_path / "gone")
    assert (gone.status, gone.faults) == (Status.WARN, ("login_no_callback",)), gone.evidence


def test_a_diagnosis_beside_a_waiting_codex_tells_the_truth_and_leaves_no_trace(
    codex_ports, openai_via_proxy, openai_server, pki, home
):
    proxy = openai_via_proxy()
    env = _lab_env(home, proxy, pki)
    with codex_ports.waiting(env) as login:
        wizard_env = clean_env(home, HTTPS_PROXY=proxy.url, CODEX_CA_CERTIFICATE=str(pki.ca_pem))
        wizard_env["PATH"] = codex_ports.folder + ":" + wizard_env["PATH"]
        args = ["diagnose", "--json", "--timeout", "20"]
        run = run_wizard(args, wizard_env, timeout=120, sees_this_run=True)
        still_waiting = login.waiting()
        wizard_posts = _token_posts(openai_server)
        login.finish(PROBE_CODE)
        output = login.process.output()
    checks = {c["id"]: c for c in run.json["checks"]}
    port = checks["callback_port"]
    assert port["evidence"]["ports"][0]["state"] == "codex", port
    assert checks["codex_probe"]["status"] == "skip"  # a test sign-in would cancel the real one
    assert checks["codex_logs"]["status"] == "pass", checks["codex_logs"]
    verdict = run.json["verdict"]
    assert verdict["cause"] == "none", verdict
    assert WAITING in verdict["summary"]
    assert "sign-in port is free" not in verdict["summary"]
    # The wizard's own harmless token request names the return address Codex 0.169 uses.
    assert [f["redirect_uri"] for f in wizard_posts] == [["http://127.0.0.1:1455/auth/callback"]]
    assert still_waiting
    assert REFUSED in output, output
    _assert_only_the_real_return(_login_log(home))


def test_a_second_sign_in_replaces_the_waiting_one(codex_ports, openai_via_proxy, pki, home):
    env = _lab_env(home, openai_via_proxy(), pki)
    other = home / "second"
    other.mkdir()
    wizard_env = make_env(home, env)
    with codex_ports.waiting(env) as first:
        before = run_check(check_callback_port, wizard_env, load_profile().target())
        with codex_ports.waiting(codex_env(other)) as second:
            first_exit = first.process.wait(10)
            after = run_check(check_callback_port, wizard_env, load_profile().target())
            second_waiting = second.waiting()
    # Codex's own answer to a busy 1455: /cancel to the waiting sign-in, then it takes 1455.
    assert first_exit == 1
    assert "Error logging in: Login cancelled" in first.process.output()
    assert second_waiting and second.redirect_uri == "http://127.0.0.1:1455/auth/callback"
    # The wizard never calls that a busy port, before or after.
    for outcome in (before, after):
        assert (outcome.status, outcome.faults, outcome.summary) == (Status.WARN, (), WAITING)


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_another_program_on_ipv6_loopback_does_not_matter_to_codex(
    codex_ports, openai_via_proxy, pki, home
):
    with hold_port(1455, name="devserver", address="::1") as v6:
        outcome = run_check(check_callback_port, make_env(home), load_profile().target())
        run = codex_ports.login(_lab_env(home, openai_via_proxy(), pki))
    # The browser is sent to 127.0.0.1, where Codex listens: [::1]:1455 is never asked.
    assert run.redirect_uri == "http://127.0.0.1:1455/auth/callback"
    assert REFUSED in run.output, run.output
    assert (outcome.status, outcome.faults) == (Status.PASS, ()), outcome.summary
    # ... but the program on [::1] is named, for a browser that is sent to localhost.
    assert outcome.summary == (
        "Port 1455 is free for Codex to receive the browser's return. Separately, [::1]:1455 "
        f"(IPv6) is answered by devserver (pid {v6.pid}). Codex sends the browser to "
        "127.0.0.1, so that program does not catch this sign-in's return, but a browser sent "
        "to localhost reaches it first."
    )


def test_a_busy_first_port_sends_codex_to_the_fallback(codex_ports, openai_via_proxy, pki, home):
    with hold_port(1455, name="othertool") as other:
        outcome = run_check(check_callback_port, make_env(home), load_profile().target())
        run = codex_ports.login(_lab_env(home, openai_via_proxy(), pki))
    # Codex asks the holder to stop (often printing "Failed to cancel previous login server"),
    # and signs in on 1457 all the same.
    assert run.redirect_uri == "http://127.0.0.1:1457/auth/callback"
    assert REFUSED in run.output, run.output
    assert (outcome.status, outcome.faults) == (Status.WARN, ())
    assert outcome.summary == (
        f"Port 1455 is used by othertool (pid {other.pid}); Codex 0.139 and newer switch to "
        "1457, older versions fail."
    )
    listener_errors = [
        d.id for d in decode_error(run.output) if d.is_error and d.flow_step == "listener"
    ]
    assert listener_errors == []


def test_a_sign_in_waiting_on_the_fallback_makes_a_new_one_fail(
    codex_ports, openai_via_proxy, pki, home
):
    other = home / "second"
    other.mkdir()
    with (
        hold_port(1455, name="othertool") as holder,
        codex_ports.waiting(_lab_env(home, openai_via_proxy(), pki)) as first,
    ):
        outcome = run_check(check_callback_port, make_env(home), load_profile().target())
        second = codex_ports.login(codex_env(other))
        first_waiting = first.waiting()
    # Codex sends /cancel only to 1455: the waiting sign-in on 1457 stays, the new one fails.
    assert first.redirect_uri == "http://127.0.0.1:1457/auth/callback"
    assert "Error logging in: Port 127.0.0.1:1457 is already in use" in second.output
    assert first_waiting
    assert (outcome.status, outcome.faults) == (Status.WARN, ())
    assert outcome.summary == (
        f"Port 1455 is used by othertool (pid {holder.pid}), and a Codex sign-in is waiting on "
        "port 1457 for the browser's return. Finish that sign-in: a new one would find both "
        "ports taken and fail."
    )
