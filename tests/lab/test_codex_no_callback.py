"""The real Codex 0.169 left waiting for a browser that never comes back (the user is stuck on
OpenAI's pages, e.g. the phone verification): its own codex-login.log then proves "no callback
ever arrived", and with a healthy computer the verdict says "likely account-side"."""

from __future__ import annotations

import time
from pathlib import Path

from tests.core.test_rules import HEALTHY
from tests.helpers import FIXTURES, lab_target, make_env, run_check
from tests.lab.codex_cli import codex_env
from wizard.checks.logs import check_codex_logs
from wizard.core.findings import NOTHING
from wizard.core.model import CheckResult
from wizard.core.rules import decide


def _written(log: Path, recorded: Path) -> bool:
    """Codex has written every line of the recorded log (its file logger writes from a
    thread of its own, so the printed sign-in address can come first)."""
    want = len(recorded.read_text(encoding="utf-8").splitlines())
    return log.exists() and len(log.read_text(encoding="utf-8").splitlines()) >= want


def test_a_real_sign_in_without_a_callback_is_likely_account_side(home, codex_ports):
    env = codex_env(home)
    log = home / ".codex" / "log" / "codex-login.log"
    recorded = FIXTURES / "codex-0.169" / "codex-login-log_no-callback.log"
    with codex_ports.waiting(env) as login:
        assert login.waiting()
        deadline = time.monotonic() + 30  # a hang guard: ended before it wrote, it fails below
        while not _written(log, recorded) and time.monotonic() < deadline:
            time.sleep(0.05)
    lines = log.read_text(encoding="utf-8").splitlines()
    # The recorded fixture is this same output (timestamps differ).
    assert [line.split(" ", 1)[1] for line in lines] == [
        line.split(" ", 1)[1] for line in recorded.read_text(encoding="utf-8").splitlines()
    ]
    outcome = run_check(check_codex_logs, make_env(home))
    assert outcome.faults == ("login_no_callback",), outcome
    logs = CheckResult(
        "codex_logs", "Logs", outcome.status, outcome.summary, NOTHING, outcome.faults, 1
    )
    verdict = decide(lab_target(), [*HEALTHY, logs])
    assert verdict.cause == "account_side_likely" and verdict.title.startswith("Likely account")
