"""chatgpt.com, the second host a sign-in needs (field-failure-modes §1.3), for real.

A private /etc/hosts (tests/lab/hosts.py) maps the real names: auth.openai.com to the lab's
auth server on 127.0.0.1:443, which works, and chatgpt.com to an address where nothing
listens, or to that server and a second address that accepts and never answers
(tests/lab/silent.py). Before this check both ended on "nothing wrong": every probe went to
the sign-in server only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import clean_env, free_port, run_wizard
from tests.lab.auth_server import AuthServer
from tests.lab.hosts import MAPPED_HOSTS, can_map_hosts, diagnose_the_real_host, hosts_argv
from tests.lab.silent import SilentServer

LIVE, DEAD = "127.0.0.1", "127.0.0.2"


def diagnose(pki, home: Path, hosts: Path, lines: list[str]) -> dict:
    reason = can_map_hosts()
    if reason:
        pytest.skip(reason)
    hosts.write_text("\n".join(["127.0.0.1 localhost", *lines]) + "\n", encoding="ascii")
    run = run_wizard(
        diagnose_the_real_host(free_port()),
        clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem)),
        wrap=lambda argv: hosts_argv(hosts, argv),
    )
    report: dict = run.json
    return report


def test_chatgpt_unreachable_while_the_sign_in_server_works(pki, tmp_path, home):
    with AuthServer(pki, hostnames=MAPPED_HOSTS, port=443) as server:
        report = diagnose(
            pki, home, tmp_path / "hosts", [f"{LIVE} auth.openai.com", f"{DEAD} chatgpt.com"]
        )
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["token_endpoint"]["status"] == "pass"  # the sign-in server itself is fine
    assert checks["chatgpt"]["status"] == "fail"
    verdict = report["verdict"]
    assert verdict["cause"] == "chatgpt_unreachable", verdict
    assert verdict["flow_step"] == "store"  # after the sign-in, when the workspace is looked up
    assert "chatgpt.com" in verdict["summary"] and "refused" in verdict["summary"]
    assert verdict["steps"]["token_exchange"] == "ok"
    assert not any(r[0] == "GET" and r[1] == "/backend-api/" for r in server.requests)


def test_one_silent_chatgpt_address_is_named(pki, tmp_path, home):
    with AuthServer(pki, hostnames=MAPPED_HOSTS, port=443) as server, SilentServer(DEAD, 443):
        report = diagnose(
            pki,
            home,
            tmp_path / "hosts",
            [f"{LIVE} auth.openai.com", f"{LIVE} chatgpt.com", f"{DEAD} chatgpt.com"],
        )
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["addresses"]["status"] == "pass"  # auth.openai.com has one, live address
    chatgpt = checks["chatgpt"]
    assert chatgpt["status"] == "warn"
    probes = chatgpt["evidence"]["steps"]["addresses"]["evidence"]["addresses"]
    assert {p["address"]: p["answered"] for p in probes} == {LIVE: True, DEAD: False}
    verdict = report["verdict"]
    assert verdict["cause"] == "address_blackhole", verdict
    assert verdict["flow_step"] == "store"
    assert "chatgpt.com" in verdict["title"] and DEAD in verdict["summary"]
    # The read-only request codex doctor makes, and nothing else, went to chatgpt.com.
    sent = [(r[0], r[1]) for r in server.requests if r[2].get("Host") == "chatgpt.com"]
    assert sent == [("GET", "/backend-api/")]


def test_a_healthy_chatgpt_com_is_said_to_work(pki, tmp_path, home):
    with AuthServer(pki, hostnames=MAPPED_HOSTS, port=443):
        report = diagnose(
            pki, home, tmp_path / "hosts", [f"{LIVE} auth.openai.com", f"{LIVE} chatgpt.com"]
        )
    chatgpt = next(c for c in report["checks"] if c["id"] == "chatgpt")
    assert chatgpt["status"] == "pass", chatgpt
    assert chatgpt["evidence"]["steps"]["backend"]["evidence"]["http_status"] == 404
    assert report["verdict"]["cause"] in ("none", "account_side_likely")
