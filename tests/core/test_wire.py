"""wizard.core.wire: the diagnosis from the checks' process to the window's gives back the same
objects: translatable texts stay translatable, times stay times, findings
come back typed, as found."""

from __future__ import annotations

import json

import pytest

from tests.e2e import clean_env, free_port, run_wizard
from wizard.core.findings.codex import LogsFindings
from wizard.core.findings.port import Listener, PortFindings, PortFound
from wizard.core.i18n import Moment, Text, localize, tr
from wizard.core.model import CheckResult, Diagnosis, FlowStep, Status, Verdict
from wizard.core.profile import load_profile
from wizard.core.wire import diagnosis_from_wire, diagnosis_to_wire


def _japanese(context: str, template: str) -> str:
    return {"Port {port} is busy.": "ポート {port} は使用中です。"}.get(template, "")


def _diagnosis() -> Diagnosis:
    busy = tr("port", "Port {port} is busy.", port=1455)
    holder = Listener(4242, "node", "/home/ann/bin/node", "ann", "127.0.0.1")
    port = PortFound(1455, False, "held", None, False, None, (holder,), False, None, None)
    result = CheckResult(
        id="callback_port",
        title=tr("checks", "Sign-in return port"),
        status=Status.FAIL,
        summary=busy,
        findings=PortFindings("127.0.0.1", True, (port,), {"holders": busy}),
        faults=("callback_ports_busy",),
        duration_ms=12,
    )
    logs = CheckResult(
        id="codex_logs",
        title=tr("checks", "Last sign-in attempt"),
        status=Status.WARN,
        summary=busy,
        findings=LogsFindings(
            login_log={"file": "~/.codex/log/codex-login.log", "outcome": "failed"},
            ide_log=None,
            findings=({"id": "port_busy", "meaning": busy},),
            facts={"attempt_started": Moment("2026-12-04T19:00:00+00:00")},
        ),
        faults=(),
        duration_ms=3,
    )
    verdict = Verdict(
        cause="callback_ports_busy",
        flow_step=FlowStep.LISTENER,
        title=tr("causes", "The sign-in return port is taken"),
        summary=busy,
        next_action=tr("causes", "Close the program that holds it."),
        fixes=("port-release",),
        evidence=("callback_port",),
        also=(),
        passed_steps=(FlowStep.AUTHORIZE,),
        steps={FlowStep.LISTENER: "fail"},
    )
    target = load_profile().target("https://127.0.0.1:8443", 1455)
    return Diagnosis(target, (result, logs), verdict, "2026-12-04T19:00:00Z", 800)


def test_a_diagnosis_comes_back_as_the_same_objects():
    original = _diagnosis()
    back = diagnosis_from_wire(json.loads(json.dumps(diagnosis_to_wire(original))))
    assert back == original
    summary = back.checks[0].summary
    assert isinstance(summary, Text) and summary.params == {"port": 1455}
    assert localize(summary, _japanese) == "ポート 1455 は使用中です。"
    port = back.findings(PortFindings)
    assert port is not None and port.ports[0].holders[0].exe == "/home/ann/bin/node"  # as found
    assert isinstance(port.facts["holders"], Text)
    logs = back.findings(LogsFindings)
    assert logs is not None and isinstance(logs.facts["attempt_started"], Moment)
    assert isinstance(logs.findings[0]["meaning"], Text)
    assert back.target.is_default_host is False


def test_the_window_child_lines_decode_to_the_diagnosis_the_command_line_reports(home):
    url = f"https://127.0.0.1:{free_port()}"
    args = ["diagnose", "--timeout", "20", "--auth-url", url]  # (a refused port: no wait)
    wire = run_wizard([*args, "--wire"], clean_env(home))
    lines = [json.loads(line) for line in wire.stdout.splitlines()]
    diagnosis = diagnosis_from_wire(lines[-1]["diagnosis"])
    document = run_wizard([*args, "--json"], clean_env(home)).json
    assert diagnosis.verdict.cause == document["verdict"]["cause"] == "network_blocked"
    assert [c.id for c in diagnosis.checks] == [c["id"] for c in document["checks"]]
    assert isinstance(diagnosis.verdict.title, Text)
    assert {line["event"] for line in lines[:-1]} == {"started", "finished"}


@pytest.mark.parametrize("command", ["diagnose", "plan"])  # (the window's two children)
def test_the_lossless_lines_go_to_a_pipe_only(home, tmp_path, command):
    import subprocess
    import sys

    out = tmp_path / "lines.jsonl"
    with out.open("w") as fh:
        done = subprocess.run(
            [sys.executable, "-m", "wizard", command, "--wire"],
            stdout=fh,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(home),
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert "--wire writes to a pipe only" in done.stderr
    assert out.read_text() == ""
