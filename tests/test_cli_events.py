"""`diagnose --events`: JSON lines as the checks run, for scripts and for a parent process
that wants to show progress. Each check starts once and finishes once, in that order; the
last line is the same redacted document `--json` prints; secrets never reach a line."""

from __future__ import annotations

import json

from tests.e2e import clean_env, free_port, run_wizard
from tests.lab.proxy import LabProxy


def _lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_every_check_starts_then_finishes_and_the_diagnosis_comes_last(home):
    url = f"https://127.0.0.1:{free_port()}"
    args = ["diagnose", "--timeout", "20", "--auth-url", url]  # (a refused port: no wait)
    run = run_wizard([*args, "--events"], clean_env(home))
    lines = _lines(run.stdout)
    *checks, last = lines
    assert last["event"] == "diagnosis"
    assert last["verdict"]["cause"] == "network_blocked"
    assert run.returncode == 1
    assert run.stderr == ""  # no progress text beside the machine output

    order = [(line["event"], line["check"]) for line in checks]
    ids = [c["id"] for c in last["checks"]]
    for check_id in ids:
        assert order.count(("started", check_id)) == 1
        assert order.count(("finished", check_id)) == 1
        assert order.index(("started", check_id)) < order.index(("finished", check_id))
    assert len(order) == 2 * len(ids)

    finished = {line["check"]: line["result"] for line in checks if line["event"] == "finished"}
    assert {i: finished[i]["status"] for i in ids} == {c["id"]: c["status"] for c in last["checks"]}
    assert finished["tcp"]["status"] == "fail"

    document = json.loads(run_wizard([*args, "--json"], clean_env(home)).stdout)
    assert document["verdict"]["cause"] == last["verdict"]["cause"]
    assert [c["id"] for c in document["checks"]] == ids


def test_a_proxy_password_never_reaches_a_line(home):
    with LabProxy("forward", credentials=("carol", "s3cr3t-pw")) as proxy:
        env = clean_env(home, HTTPS_PROXY=proxy.url_with_credentials)
        url = f"https://127.0.0.1:{free_port()}"
        run = run_wizard(["diagnose", "--events", "--timeout", "2", "--auth-url", url], env)
    assert "s3cr3t-pw" not in run.stdout
    proxy_line = next(
        line
        for line in _lines(run.stdout)
        if line["event"] == "finished" and line["check"] == "proxy"
    )
    assert "<redacted>" in json.dumps(proxy_line)


def test_events_and_json_do_not_mix(home):
    run = run_wizard(["diagnose", "--events", "--json"], clean_env(home))
    assert run.returncode == 2
    assert run.stdout == ""
    assert "not allowed with argument" in run.stderr
