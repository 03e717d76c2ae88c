"""One dead address of the sign-in server beside a live one (openai/codex#41044), for real.

A private /etc/hosts (tests/lab/hosts.py) gives auth.openai.com two addresses: 127.0.0.1, the
lab's auth server on 443, and 127.0.0.2, a listener that accepts and never answers
(tests/lab/silent.py). Everything the wizard sends goes to the first and works, so before the
per-address check the verdict was "nothing wrong"; now the silent address is named."""

from __future__ import annotations

import pytest

from tests.e2e import clean_env, free_port, run_wizard
from tests.lab.auth_server import AuthServer
from tests.lab.hosts import MAPPED_HOSTS, can_map_hosts, diagnose_the_real_host, hosts_argv
from tests.lab.silent import SilentServer

LIVE, DEAD = "127.0.0.1", "127.0.0.2"


def test_one_silent_address_is_named(pki, tmp_path, home):
    reason = can_map_hosts()
    if reason:
        pytest.skip(reason)
    hosts = tmp_path / "hosts"
    hosts.write_text(
        f"127.0.0.1 localhost\n{LIVE} auth.openai.com\n{DEAD} auth.openai.com\n", encoding="ascii"
    )
    with AuthServer(pki, hostnames=MAPPED_HOSTS, port=443), SilentServer(DEAD, 443) as silent:
        run = run_wizard(
            diagnose_the_real_host(free_port()),
            clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem)),
            wrap=lambda argv: hosts_argv(hosts, argv),
        )
        assert silent.connection_count >= 1  # the dead address was really tried
    report = run.json
    verdict = report["verdict"]
    assert verdict["cause"] == "address_blackhole", verdict
    assert verdict["flow_step"] == "token_exchange"
    assert DEAD in str(verdict) and "auth.openai.com" in str(verdict)
    checks = {c["id"]: c for c in report["checks"]}
    probes = {p["address"]: p["answered"] for p in checks["addresses"]["evidence"]["addresses"]}
    assert probes == {LIVE: True, DEAD: False}
