"""The status page check, served by the lab's HTTPS server (never the real status page)."""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
import time

import pytest

from tests.helpers import hash_file_name, make_env
from wizard.checks.status import check_status_page, public_ssl_context
from wizard.core.engine import Budget, CheckContext, Shared
from wizard.core.model import Status
from wizard.core.profile import Profile, load_profile
from wizard.net.trust import certifi_roots

STATUS_PATH = "/api/v2/status.json"


def statuspage(indicator: str, description: str) -> str:
    """The shape of a Statuspage /api/v2/status.json answer."""
    return json.dumps(
        {
            "page": {
                "id": "lab",
                "name": "OpenAI",
                "url": "https://status.openai.com",
                "time_zone": "Etc/UTC",
                "updated_at": "2026-09-01T12:00:00.000Z",
            },
            "status": {"indicator": indicator, "description": description},
        }
    )


def context(env, status_url: str, *, default_host: bool = True, timeout_s: float = 5.0):
    """A CheckContext whose profile points the status URL at the lab, for OpenAI's own host."""
    data = copy.deepcopy(load_profile().data)
    data["status_url"] = status_url
    profile = Profile(data)
    target = profile.target()  # OpenAI's own sign-in server...
    assert target.is_default_host
    if not default_host:
        target = dataclasses.replace(target, is_default_host=False)
    return CheckContext(
        env=env,
        profile=profile,
        target=target,
        budget=Budget(time.monotonic() + timeout_s),
        results={},
        shared=Shared(),
        cancel_event=threading.Event(),
    )


@pytest.fixture
def env(home, pki):
    # The lab CA stands in for a public root this computer trusts.
    return make_env(home, os_roots_file=pki.ca_pem)


@pytest.fixture
def status_url(auth_server):
    return auth_server.url + STATUS_PATH


def serve(auth_server, body: str, status: int = 200, content_type: str = "application/json"):
    auth_server.routes[STATUS_PATH] = (status, body, content_type)


def test_other_sign_in_servers_are_not_checked(env, status_url, auth_server):
    serve(auth_server, statuspage("major", "Major outage"))

    outcome = check_status_page(context(env, status_url, default_host=False))

    assert outcome.status is Status.SKIP
    assert outcome.summary == "Only checked for OpenAI's own sign-in server."
    assert auth_server.requests == []


def test_all_clear_passes(env, status_url, auth_server):
    serve(auth_server, statuspage("none", "All Systems Operational"))

    outcome = check_status_page(context(env, status_url))

    assert outcome.status is Status.PASS
    assert outcome.faults == ()
    assert outcome.evidence["indicator"] == "none"
    assert outcome.evidence["description"] == "All Systems Operational"
    assert auth_server.requests[-1][:2] == ("GET", STATUS_PATH)


def test_minor_problem_warns(env, status_url, auth_server):
    serve(auth_server, statuspage("minor", "Partially Degraded Service"))

    outcome = check_status_page(context(env, status_url))

    assert outcome.status is Status.WARN
    assert outcome.faults == ()
    assert outcome.summary == "OpenAI reports a minor problem: Partially Degraded Service."


@pytest.mark.parametrize(
    ("indicator", "description"),
    [("major", "Partial System Outage"), ("critical", "Major System Outage")],
)
def test_incident_fails_with_status_incident(env, status_url, auth_server, indicator, description):
    serve(auth_server, statuspage(indicator, description))

    outcome = check_status_page(context(env, status_url))

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("status_incident",)
    assert outcome.evidence["facts"] == {"indicator": indicator, "description": description}


UNREACHABLE = "Could not reach status.openai.com (that alone is not a problem)."


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (200, "<html>maintenance</html>", "text/html"),
        (200, '{"status": {"indicator": "purple"}}', "application/json"),
        (200, '{"page": {}}', "application/json"),
        (404, "Not Found", "text/plain"),
        (503, statuspage("none", "All Systems Operational"), "application/json"),
    ],
)
def test_invalid_answers_are_skipped(env, status_url, auth_server, status, body, content_type):
    serve(auth_server, body, status, content_type)

    outcome = check_status_page(context(env, status_url))

    assert outcome.status is Status.SKIP
    assert outcome.summary == UNREACHABLE
    assert outcome.faults == ()


def test_untrusted_status_page_is_never_read(home, pki, status_url, auth_server):
    # Codex's extra CA does not count here: the page is verified with the OS roots + certifi.
    serve(auth_server, statuspage("critical", "Major System Outage"))
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})

    outcome = check_status_page(context(env, status_url))

    assert outcome.status is Status.SKIP
    assert outcome.summary == UNREACHABLE
    assert outcome.evidence["error"] == "untrusted"
    assert auth_server.requests == []


def test_silent_status_page_is_skipped_within_the_budget(env, silent_server):
    outcome = check_status_page(context(env, silent_server.url + STATUS_PATH, timeout_s=1.0))

    assert outcome.status is Status.SKIP
    assert outcome.evidence["error"] == "no_answer"


def test_status_page_goes_through_codex_proxy(home, pki, status_url, auth_server, proxy_factory):
    serve(auth_server, statuspage("none", "All Systems Operational"))
    proxy = proxy_factory("forward")
    env = make_env(home, {"HTTPS_PROXY": proxy.url}, os_roots_file=pki.ca_pem)

    outcome = check_status_page(context(env, status_url))

    assert outcome.status is Status.PASS
    assert outcome.evidence["via"] == proxy.url
    assert proxy.connects == [f"localhost:{auth_server.port}"]


def test_the_public_roots_are_found_in_the_os_folder_by_name(home, pki, status_url, auth_server):
    """A store whose folder holds every root under its hash name gives the context that
    folder, not the roots: the handshake still finds the lab root there."""
    from wizard.platform.trust_store import BundleTrustStore

    folder = home / "certs"
    folder.mkdir()
    (folder / hash_file_name(pki.ca_pem)).write_bytes(pki.ca_pem.read_bytes())
    env = make_env(home)
    env = dataclasses.replace(env, trust_store=BundleTrustStore(str(pki.ca_pem), str(folder)))
    serve(auth_server, statuspage("none", "All Systems Operational"))
    ctx = context(env, status_url)
    public = public_ssl_context(ctx)  # the one the check will use (one per run)
    certifi_count = len(set(certifi_roots().roots))
    assert env.trust_store.lookup_folder() == str(folder)
    assert public.cert_store_stats()["x509_ca"] == certifi_count  # only those given as data

    outcome = check_status_page(ctx)

    assert outcome.status is Status.PASS
    assert public.cert_store_stats()["x509_ca"] == certifi_count + 1  # the lab root, looked up
