"""openid and token_endpoint against the real lab: HTTPS auth server, proxies, silent server."""

from __future__ import annotations

import json
import socket
from urllib.parse import parse_qs

import pytest

from tests.helpers import make_env, run_check
from tests.lab.proxy import BLOCK_PAGE
from wizard.checks.endpoints import check_openid, check_token_endpoint
from wizard.core.findings import NOTHING
from wizard.core.model import CheckResult, Status
from wizard.core.profile import load_profile

PROFILE = load_profile()


def tls_result(status: Status = Status.PASS) -> dict[str, CheckResult]:
    """The `tls` dependency as the engine would hand it over (an input, built directly)."""
    return {"tls": CheckResult("tls", "Secure connection", status, "", NOTHING, (), 1)}


@pytest.fixture
def env(home, pki):
    return make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})


@pytest.fixture
def target(auth_server):
    return PROFILE.target(auth_server.url)


def no_token_like(evidence) -> None:
    text = json.dumps(evidence)
    assert "eyJ" not in text
    assert "code_verifier" not in text


# --- openid ---------------------------------------------------------------------------------


def test_openid_passes_and_records_the_servers_time(env, target, auth_server):
    outcome = run_check(check_openid, env, target, tls_result())

    assert outcome.status is Status.PASS
    assert outcome.summary == "The sign-in server answers."
    assert outcome.faults == ()
    ev = outcome.evidence
    assert ev["status"] == 200
    assert ev["issuer"] == auth_server.url
    assert ev["content_type"] == "application/json"
    assert ev["server_date"].endswith(" GMT")
    assert ev["age"] is None
    assert ev["sent_at"] <= ev["received_at"]
    assert isinstance(ev["rtt_ms"], int)
    method, path, headers, _body = auth_server.requests[-1]
    assert (method, path) == ("GET", PROFILE["openid_path"])
    assert headers["User-Agent"] == "signin-doctor/0.1.0"


@pytest.mark.parametrize("tls_status", [Status.FAIL, Status.SKIP, Status.ERROR])
def test_openid_is_not_tested_when_tls_failed(env, target, auth_server, tls_status):
    outcome = run_check(check_openid, env, target, tls_result(tls_status))

    assert outcome.status is Status.SKIP
    assert outcome.summary == "Not tested: the secure connection failed first."
    assert auth_server.requests == []


def test_openid_runs_when_tls_only_warned(env, target):
    assert run_check(check_openid, env, target, tls_result(Status.WARN)).status is Status.PASS


def test_openid_web_page_is_html_answer(env, target, auth_server):
    auth_server.openid_body = "<html><head><title>Sign in to Wi-Fi</title></head></html>"
    auth_server.openid_content_type = "text/html"

    outcome = run_check(check_openid, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("html_answer",)
    assert outcome.evidence["facts"] == {
        "detail": "a web page instead of the sign-in server's data"
    }
    assert outcome.evidence["page_title"] == "Sign in to Wi-Fi"


def test_openid_server_error(env, target, auth_server):
    auth_server.openid_status = 503
    auth_server.openid_body = '{"error": "temporarily_unavailable"}'

    outcome = run_check(check_openid, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("server_error",)
    assert outcome.evidence["facts"] == {"detail": "HTTP 503"}
    assert outcome.evidence["server_date"]  # a real server answer still tells the time


def test_openid_json_without_issuer_warns(env, target, auth_server):
    auth_server.openid_body = '{"hello": "world"}'

    outcome = run_check(check_openid, env, target, tls_result())

    assert outcome.status is Status.WARN
    assert outcome.faults == ()
    assert outcome.evidence["issuer"] is None


# --- token endpoint: what the server says ----------------------------------------------------


def test_token_endpoint_refusing_the_test_code_is_a_pass(env, target, auth_server):
    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.status is Status.PASS
    assert outcome.summary == (
        "The sign-in server answered as expected (it refused a test code), "
        "so the whole path to it works."
    )
    assert outcome.faults == ()
    assert outcome.evidence["status"] == 400
    assert outcome.evidence["error"] == "invalid_grant"
    no_token_like(outcome.evidence)

    method, path, headers, body = auth_server.requests[-1]
    assert (method, path) == ("POST", PROFILE["token_path"])
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    verifier = form.pop("code_verifier")
    assert form == {
        "grant_type": "authorization_code",
        "code": "signin-doctor-probe",
        "redirect_uri": "http://127.0.0.1:1455/auth/callback",
        "client_id": "app_EMoamEEZ73f0CkXaXp7hrann",
    }
    assert len(verifier) == 64
    assert set(verifier) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_token_endpoint_uses_the_first_callback_port(env, auth_server):
    target = PROFILE.target(auth_server.url, callback_port=1457)

    run_check(check_token_endpoint, env, target, tls_result())

    form = parse_qs(auth_server.requests[-1][3].decode())
    assert form["redirect_uri"] == ["http://127.0.0.1:1457/auth/callback"]


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (
            400,
            '{"error": "invalid_request", "error_description": "Missing code"}',
            "invalid_request",
        ),
        (401, '{"error": "invalid_client"}', "invalid_client"),
        (400, '{"error": {"code": "invalid_grant", "message": "Bad code"}}', "invalid_grant"),
    ],
)
def test_token_endpoint_any_oauth_refusal_passes(env, target, auth_server, status, body, code):
    auth_server.token_status, auth_server.token_body = status, body

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.status is Status.PASS
    assert outcome.evidence["status"] == status
    assert outcome.evidence["error"] == code


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            '{"error": {"code": "unsupported_country_region_territory", '
            '"message": "Country, region, or territory not supported", '
            '"type": "request_forbidden"}}',
            "application/json",
        ),
        ('{"error": "unsupported_country_region_territory"}', "application/json"),
        ("unsupported_country_region_territory", "text/plain"),
    ],
)
def test_token_endpoint_region_block(env, target, auth_server, body, content_type):
    auth_server.token_status = 403
    auth_server.token_body, auth_server.token_content_type = body, content_type

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("region_blocked",)
    assert outcome.evidence["status"] == 403


def test_token_endpoint_server_error_names_the_request_id(env, target, auth_server):
    auth_server.token_status = 503
    auth_server.token_body = '{"error": {"message": "upstream connect error"}}'
    auth_server.extra_headers = {"x-request-id": "req_lab_123"}

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("server_error",)
    assert outcome.evidence["facts"] == {"detail": "HTTP 503 Service Unavailable"}
    assert outcome.evidence["request_id"] == "req_lab_123"
    assert outcome.summary == (
        "The sign-in server has a problem of its own (HTTP 503 Service Unavailable)."
    )


def test_token_endpoint_cf_ray_is_a_request_id_too(env, target, auth_server):
    auth_server.token_status = 502
    auth_server.token_body, auth_server.token_content_type = "<html>Bad gateway</html>", "text/html"
    auth_server.extra_headers = {"cf-ray": "8f1e2d3c4b5a6978-FRA"}

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.faults == ("server_error",)
    assert outcome.evidence["request_id"] == "8f1e2d3c4b5a6978-FRA"


@pytest.mark.parametrize(
    ("status", "body", "detail"),
    [
        (
            403,
            BLOCK_PAGE,
            'a web page "Access Denied" (HTTP 403) instead of the sign-in server\'s answer',
        ),
        (
            200,
            "<!doctype html><html><body>Accept the terms to use this Wi-Fi</body></html>",
            "a web page (HTTP 200) instead of the sign-in server's answer",
        ),
    ],
)
def test_token_endpoint_web_page_is_html_answer(env, target, auth_server, status, body, detail):
    auth_server.token_status = status
    auth_server.token_body, auth_server.token_content_type = body, "text/html; charset=utf-8"

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("html_answer",)
    assert outcome.evidence["facts"] == {"detail": detail}
    assert len(outcome.evidence["body"]) <= 300


def test_token_endpoint_plain_text_is_not_the_server(env, target, auth_server):
    auth_server.token_status = 200
    auth_server.token_body, auth_server.token_content_type = "OK", "text/plain"

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.faults == ("html_answer",)
    assert outcome.evidence["facts"]["detail"] == (
        "an unexpected answer (HTTP 200) instead of the sign-in server's answer"
    )


def test_token_endpoint_accepting_a_test_code_warns_without_echoing_tokens(
    env, target, auth_server
):
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsYWIifQ.c2lnbmF0dXJlc2lnbmF0dXJl"
    auth_server.token_status = 200
    auth_server.token_body = json.dumps(
        {"id_token": jwt, "access_token": jwt, "refresh_token": "rt-x"}
    )

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.status is Status.WARN
    assert outcome.faults == ()
    assert outcome.evidence["keys"] == ["access_token", "id_token", "refresh_token"]
    assert jwt not in json.dumps(outcome.evidence)
    assert "rt-x" not in json.dumps(outcome.evidence)


def test_token_endpoint_long_bodies_are_cut_and_token_like_runs_removed(env, target, auth_server):
    secret = (
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    )
    auth_server.token_status = 500
    auth_server.token_content_type = "text/plain"
    auth_server.token_body = f"failure {secret} " + "x " * 2000

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.faults == ("server_error",)
    assert len(outcome.evidence["body"]) <= 300
    assert outcome.evidence["body"].startswith("failure <redacted> x x")
    no_token_like(outcome.evidence)


def test_token_endpoint_redirect_is_html_answer(env, target, auth_server):
    auth_server.token_status = 302
    auth_server.token_body, auth_server.token_content_type = "", "text/html"
    auth_server.extra_headers = {"Location": "http://portal.example.net/login?next=x"}

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.faults == ("html_answer",)
    assert outcome.evidence["facts"]["detail"] == (
        "a redirect to portal.example.net (HTTP 302) instead of the sign-in server's answer"
    )
    assert len(auth_server.requests) == 1  # the redirect was not followed


# --- the route: proxies, silence, trust ------------------------------------------------------


@pytest.mark.parametrize("check", [check_openid, check_token_endpoint])
def test_through_a_forward_proxy(home, pki, target, auth_server, proxy_factory, check):
    proxy = proxy_factory("forward")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})

    outcome = run_check(check, env, target, tls_result())

    assert outcome.status is Status.PASS
    assert outcome.evidence["via"] == proxy.url
    assert proxy.connects == [f"localhost:{auth_server.port}"]
    assert len(auth_server.requests) == 1


def test_process_environment_does_not_leak_in(home, pki, target, auth_server, monkeypatch):
    # The injected Environment is the only source: a proxy in this process's own environment
    # (pointing at a closed port) must not be used.
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent.pem")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})

    outcome = run_check(check_openid, env, target, tls_result())

    assert outcome.status is Status.PASS
    assert outcome.evidence["via"] == "direct"


def test_blocking_proxy_is_reported_by_the_openid_probe(
    home, pki, target, auth_server, proxy_factory
):
    proxy = proxy_factory("block")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})

    outcome = run_check(check_openid, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("proxy_blocked",)
    assert outcome.evidence["error"] == "proxy_refused"
    assert outcome.evidence["proxy_status"] == 403
    assert outcome.evidence["facts"] == {
        "proxy": proxy.url,
        "proxy_source": "HTTPS_PROXY",
        "detail": f"the proxy {proxy.url} refused the connection (HTTP 403)",
    }
    assert proxy.connects == [f"localhost:{auth_server.port}"]
    assert auth_server.requests == []


def test_proxy_wanting_a_password(home, pki, target, auth_server, proxy_factory):
    proxy = proxy_factory("auth", credentials=("alice", "s3cret"))
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("proxy_auth_required",)
    assert outcome.evidence["proxy_status"] == 407


def test_proxy_password_from_the_url_is_sent_and_never_shown(
    home, pki, target, auth_server, proxy_factory
):
    proxy = proxy_factory("auth", credentials=("alice", "s3cret"))
    env = make_env(
        home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url_with_credentials}
    )

    outcome = run_check(check_token_endpoint, env, target, tls_result())

    assert outcome.status is Status.PASS
    assert outcome.evidence["via"] == f"http://alice:<redacted>@127.0.0.1:{proxy.port}"
    assert "s3cret" not in json.dumps(outcome.evidence)


def test_dead_proxy_is_unreachable(home, pki, target, auth_server):
    port = closed_port()
    env = make_env(
        home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": f"127.0.0.1:{port}"}
    )

    outcome = run_check(check_openid, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("proxy_unreachable",)
    assert outcome.evidence["error"] == "connect_failed"
    assert outcome.evidence["facts"] == {
        "proxy": f"127.0.0.1:{port}",
        "proxy_source": "HTTPS_PROXY",
    }


@pytest.mark.parametrize("check", [check_openid, check_token_endpoint])
def test_silent_server_is_no_answer_within_the_budget(home, pki, silent_server, check):
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    target = PROFILE.target(silent_server.url)

    outcome = run_check(check, env, target, tls_result(), timeout_s=1.0)

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("http_no_answer",)
    assert outcome.evidence["error"] == "no_answer"
    assert outcome.evidence["facts"] == {"detail": "no answer within the time limit"}
    assert silent_server.connection_count >= 1


def test_silent_proxy_is_no_answer(home, pki, target, auth_server, proxy_factory):
    proxy = proxy_factory("silent")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})

    outcome = run_check(check_token_endpoint, env, target, tls_result(), timeout_s=1.0)

    assert outcome.faults == ("http_no_answer",)
    assert outcome.evidence["via"] == proxy.url


def test_dropped_connection_is_no_answer(home, pki):
    # A middlebox that completes TLS and then hangs up without an HTTP answer.
    import ssl
    import threading

    from tests.lab.pki import issue_server_cert

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    issue_server_cert(pki.ca, "localhost", "127.0.0.1").configure_cert(context)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve_once() -> None:
        conn, _ = listener.accept()
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(65536)  # read the request, answer nothing

    thread = threading.Thread(target=serve_once, daemon=True)
    thread.start()
    try:
        env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
        outcome = run_check(
            check_openid, env, PROFILE.target(f"https://localhost:{port}"), tls_result()
        )
    finally:
        thread.join(timeout=5)
        listener.close()

    assert outcome.status is Status.FAIL
    assert outcome.faults == ("http_no_answer",)
    assert outcome.evidence["error"] == "transport_error"
    assert outcome.evidence["facts"] == {"detail": "the connection was closed without an answer"}


@pytest.mark.parametrize("check", [check_openid, check_token_endpoint])
def test_untrusted_connection_fails_without_a_fault_of_its_own(home, target, auth_server, check):
    env = make_env(home)  # the lab CA is nowhere in Codex's trust

    outcome = run_check(check, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ()  # the tls check names the issuer and owns the fault
    assert outcome.evidence["error"] == "untrusted"
    assert "not trust" in outcome.summary
    assert auth_server.requests == []  # nothing was sent over an unverified connection


def test_intercepting_proxy_is_untrusted_unless_its_root_is_given(
    home, pki, target, auth_server, proxy_factory, tmp_path
):
    proxy = proxy_factory("intercept")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})
    refused = run_check(check_token_endpoint, env, target, tls_result())

    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(pki.ca_pem.read_bytes() + pki.corp_ca_pem.read_bytes())
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(bundle), "HTTPS_PROXY": proxy.url})
    accepted = run_check(check_token_endpoint, env, target, tls_result())

    assert (refused.status, refused.faults, refused.evidence["error"]) == (
        Status.FAIL,
        (),
        "untrusted",
    )
    assert accepted.status is Status.PASS
    assert len(auth_server.requests) == 1  # only the trusted attempt reached the server


def test_unusable_proxy_scheme_is_not_blamed_on_the_server(home, pki, target, auth_server):
    env = make_env(
        home,
        {
            "CODEX_CA_CERTIFICATE": str(pki.ca_pem),
            "HTTPS_PROXY": "socks5h://bob:pw9@127.0.0.1:1080",
        },
    )

    outcome = run_check(check_openid, env, target, tls_result())

    assert outcome.status is Status.FAIL
    assert outcome.faults == ()  # the proxy check explains an unusable proxy
    assert outcome.evidence["error"] == "bad_proxy"
    assert outcome.evidence["detail"] == "the proxy address cannot be used (a 'socks5h' proxy)"
    assert "pw9" not in json.dumps(outcome.evidence)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- through the engine and the verdict rules ------------------------------------------------


def run_token_path(env, target):
    """openid, token_endpoint and clock from the catalog, run by the engine after a passed tls."""
    from wizard.checks.catalog import ALL_CHECKS
    from wizard.core.engine import CheckSpec, run_checks
    from wizard.core.model import Outcome

    wanted = {s.id: s for s in ALL_CHECKS if s.id in ("openid", "token_endpoint", "clock")}
    tls = CheckSpec("tls", "Secure connection", lambda ctx: Outcome(Status.PASS, "Trusted."))
    specs = [tls, wanted["openid"], wanted["token_endpoint"], wanted["clock"]]
    return run_checks(specs, env, PROFILE, target, timeout_s=5.0)


def test_engine_runs_the_token_path_and_the_clock_reads_openid(env, target, auth_server):
    from wizard.core.rules import decide

    results = {r.id: r for r in run_token_path(env, target)}

    assert [results[i].status for i in ("openid", "token_endpoint", "clock")] == [Status.PASS] * 3
    assert results["clock"].evidence["server_date"] == results["openid"].evidence["server_date"]
    verdict = decide(target, tuple(results.values()))
    assert verdict.cause == "none"


@pytest.mark.parametrize(
    ("status", "body", "content_type", "cause", "in_summary"),
    [
        (
            403,
            '{"error": "unsupported_country_region_territory"}',
            "application/json",
            "region_blocked",
            "country, region, or territory not supported",
        ),
        (
            503,
            '{"error": "server_error"}',
            "application/json",
            "server_error",
            "(HTTP 503 Service Unavailable)",
        ),
        (
            403,
            BLOCK_PAGE,
            "text/html",
            "blocked_by_proxy",
            '(a web page "Access Denied" (HTTP 403) instead of the sign-in server\'s answer)',
        ),
    ],
)
def test_faults_become_the_verdict(
    env, target, auth_server, status, body, content_type, cause, in_summary
):
    from wizard.core.rules import decide

    auth_server.token_status, auth_server.token_body = status, body
    auth_server.token_content_type = content_type

    verdict = decide(target, run_token_path(env, target))

    assert verdict.cause == cause
    assert verdict.evidence == ("token_endpoint",)
    assert in_summary in verdict.summary
