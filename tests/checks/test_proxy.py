"""The proxy check against real proxies on loopback (the lab's `proxy_factory`) and recorded OS
output.

Tunnel targets are lab servers on loopback (never a real sign-in host); a proxy that would have
to go out (forward mode to auth.openai.com) is never used."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.helpers import FakeRunner, fixture_text, lab_target, make_env, run_check
from wizard.checks.proxy import LOOPBACK_NOTE, check_proxy
from wizard.core.model import Status
from wizard.net.route import MACOS_SOURCE, WINDOWS_SOURCE
from wizard.platform import system_proxy as sp

CREDS = ("jane", "s3cret-pw")


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        return server.getsockname()[1]


def port_is_free(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return False
    except OSError:
        return True


@contextmanager
def socks_like_server() -> Iterator[int]:
    """Answers any request with SOCKS5 bytes: what an HTTPS_PROXY pointed at a SOCKS port gets."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(1024)
                    conn.sendall(b"\x05\xff")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        server.close()


def dumped(outcome) -> str:
    return json.dumps({"summary": outcome.summary, "evidence": outcome.evidence}, default=str)


# -- nothing to probe ----------------------------------------------------------------------------


def test_no_proxy_anywhere(home):
    outcome = run_check(check_proxy, make_env(home))
    assert outcome.status is Status.PASS
    assert outcome.summary == "No proxy is set; Codex connects directly."
    assert outcome.evidence["settings"] == []
    assert outcome.evidence["effective"] == {"url": None, "source": None, "bypassed_by": None}
    assert outcome.faults == ()


def test_only_an_editor_proxy_warns_without_a_fault(home):
    folder = home / ".config" / "Code" / "User"
    folder.mkdir(parents=True)
    (folder / "settings.json").write_text(
        '{"http.proxy": "http://jane:s3cret-pw@10.0.0.9:3128"}', encoding="utf-8"
    )
    outcome = run_check(check_proxy, make_env(home))
    assert outcome.status is Status.WARN and outcome.faults == ()
    assert outcome.summary == (
        "Codex connects directly, although VS Code http.proxy (~/.config/Code/User/settings.json) "
        "uses the proxy http://jane:<redacted>@10.0.0.9:3128; if your network only lets traffic "
        "out through a proxy, Codex cannot get out."
    )
    assert "s3cret" not in dumped(outcome)


def test_only_http_proxy_warns(home):
    outcome = run_check(check_proxy, make_env(home, {"HTTP_PROXY": "http://10.0.0.1:3128"}))
    assert outcome.status is Status.WARN and outcome.faults == ()
    assert "HTTP_PROXY uses the proxy http://10.0.0.1:3128" in outcome.summary


def test_pac_only_warns(home):
    runner = FakeRunner()
    runner.add(sp.SCUTIL_PROXY, fixture_text("proxy", "scutil_pac.txt"))
    outcome = run_check(check_proxy, make_env(home, platform="darwin", runner=runner))
    assert outcome.status is Status.WARN and outcome.faults == ()
    assert outcome.summary == (
        "Codex connects directly, although macOS network settings (automatic proxy configuration) "
        "uses the proxy script http://wpad.company.com/wpad.dat; if your network only lets "
        "traffic out through a proxy, Codex cannot get out."
    )
    (setting,) = outcome.evidence["settings"]
    assert setting["used_by_codex"] is False


def test_pac_followed_by_codex_is_named_but_not_run(home):
    (home / ".codex").mkdir()
    (home / ".codex" / "config.toml").write_text(
        "[features]\nrespect_system_proxy = true\n", encoding="utf-8"
    )
    runner = FakeRunner()
    runner.add(sp.REG_QUERY, fixture_text("proxy", "reg_internet_settings_pac.txt"))
    runner.add(sp.NETSH_WINHTTP, fixture_text("proxy", "netsh_winhttp_direct.txt"))
    outcome = run_check(check_proxy, make_env(home, platform="windows", runner=runner))
    assert outcome.status is Status.WARN and outcome.faults == ()
    assert outcome.summary.startswith(
        "Codex asks the proxy script http://proxy.domain.com/file.pac (Windows Internet Options "
        "(automatic configuration script)) which proxy to use"
    )
    assert "probe" not in outcome.evidence


def test_switched_off_system_proxy_counts_as_none(home):
    runner = FakeRunner()
    runner.add(sp.REG_QUERY, fixture_text("proxy", "reg_query_proxyserver_value.txt"))
    outcome = run_check(check_proxy, make_env(home, platform="windows", runner=runner))
    assert outcome.status is Status.PASS
    assert [s["active"] for s in outcome.evidence["settings"]] == [False]


def test_no_proxy_exemption_warns(home):
    env = make_env(home, {"HTTPS_PROXY": "http://10.0.0.1:3128", "NO_PROXY": ".openai.com"})
    outcome = run_check(check_proxy, env)
    assert outcome.status is Status.WARN and outcome.faults == ()
    assert outcome.summary.startswith(
        "Codex connects to auth.openai.com directly: .openai.com in NO_PROXY exempts it"
    )
    assert outcome.evidence["effective"]["bypassed_by"] == ".openai.com"


# -- schemes -------------------------------------------------------------------------------------


def test_a_socks_scheme_codex_does_not_read_is_ignored_and_the_direct_route_judged(home):
    outcome = run_check(check_proxy, make_env(home, {"ALL_PROXY": "socks://127.0.0.1:10808"}))
    assert outcome.status is Status.WARN and outcome.faults == ()
    assert outcome.summary == (
        "Codex ignores ALL_PROXY (socks://127.0.0.1:10808): it does not read 'socks://' proxy "
        "addresses, so it connects directly; if your network only lets traffic out through a "
        "proxy, Codex cannot get out."
    )
    assert outcome.evidence["effective"]["url"] is None


def test_socks5_fails_the_way_codex_does_and_is_not_probed(home, socks_proxy):
    env = make_env(home, {"HTTPS_PROXY": socks_proxy.url_for("socks5h")})
    outcome = run_check(check_proxy, env)
    assert socks_proxy.connects == [] and socks_proxy.http_requests == []
    assert outcome.status is Status.FAIL
    assert outcome.faults == ("proxy_unsupported_scheme",)
    assert "probe" not in outcome.evidence
    assert outcome.evidence["facts"] == {
        "proxy": socks_proxy.url_for("socks5h"),
        "proxy_source": "HTTPS_PROXY",
        "scheme": "socks5h",
    }


# -- real probes ---------------------------------------------------------------------------------


def test_forward_proxy_lets_codex_through(home, proxy_factory, auth_server):
    proxy = proxy_factory("forward")
    target = lab_target(auth_server.url)
    outcome = run_check(check_proxy, make_env(home, {"HTTPS_PROXY": proxy.url}), target)
    assert outcome.status is Status.PASS and outcome.faults == ()
    assert outcome.summary == f"The proxy {proxy.url} lets Codex through."
    assert proxy.connects == [f"localhost:{target.port}"]
    probe = outcome.evidence["probe"]
    assert (probe["connected"], probe["status"]) == (True, 200)
    assert probe["status_line"] == "HTTP/1.1 200 Connection established"
    assert outcome.evidence["effective"] == {
        "url": proxy.url,
        "source": "HTTPS_PROXY",
        "bypassed_by": None,
    }


def test_auth_proxy_without_credentials(home, proxy_factory):
    proxy = proxy_factory("auth", credentials=CREDS)
    outcome = run_check(check_proxy, make_env(home, {"HTTPS_PROXY": proxy.url}))
    ((_, _, headers),) = proxy.requests
    assert "proxy-authorization" not in headers
    assert outcome.status is Status.FAIL and outcome.faults == ("proxy_auth_required",)
    assert (
        outcome.summary == f"The proxy {proxy.url} wants a user name and password, and none is set."
    )
    assert outcome.evidence["facts"]["credentials_sent"] is False
    assert outcome.evidence["probe"]["status"] == 407


def test_auth_proxy_with_wrong_credentials(home, proxy_factory):
    proxy = proxy_factory("auth", credentials=CREDS)
    url = f"http://jane:wrong-pw@127.0.0.1:{proxy.port}"
    outcome = run_check(check_proxy, make_env(home, {"HTTPS_PROXY": url}))
    ((_, _, headers),) = proxy.requests
    assert headers["proxy-authorization"].startswith("Basic ")
    assert outcome.faults == ("proxy_auth_required",)
    assert outcome.evidence["facts"]["credentials_sent"] is True
    assert outcome.summary == (
        f"The proxy http://jane:<redacted>@127.0.0.1:{proxy.port} rejected the user name and "
        "password Codex would send."
    )
    assert "wrong-pw" not in dumped(outcome)


def test_auth_proxy_with_the_right_credentials(home, proxy_factory, silent_server):
    proxy = proxy_factory("auth", credentials=CREDS)
    env = make_env(home, {"HTTPS_PROXY": proxy.url_with_credentials})
    outcome = run_check(check_proxy, env, lab_target(f"https://127.0.0.1:{silent_server.port}"))
    ((_, _, headers),) = proxy.requests
    assert headers["proxy-authorization"] == "Basic amFuZTpzM2NyZXQtcHc="  # jane:s3cret-pw
    assert outcome.status is Status.PASS
    assert "s3cret" not in dumped(outcome)
    assert outcome.evidence["effective"]["url"] == f"http://jane:<redacted>@127.0.0.1:{proxy.port}"


def test_blocking_proxy(home, proxy_factory):
    proxy = proxy_factory("block")
    outcome = run_check(check_proxy, make_env(home, {"HTTPS_PROXY": proxy.url}))
    assert proxy.connects == ["auth.openai.com:443"]  # asked, and refused without going out
    assert outcome.status is Status.FAIL and outcome.faults == ("proxy_blocked",)
    assert (
        outcome.evidence["facts"]["detail"] == "the proxy answered 403 Forbidden with a block page"
    )
    assert outcome.evidence["probe"]["page_title"] == "Access Denied"
    assert outcome.summary == (
        f"The proxy {proxy.url} refuses to connect to auth.openai.com "
        "(403 Forbidden with a block page)."
    )


def test_silent_proxy(home, proxy_factory):
    proxy = proxy_factory("silent")
    outcome = run_check(check_proxy, make_env(home, {"HTTPS_PROXY": proxy.url}), timeout_s=1.0)
    assert outcome.status is Status.FAIL and outcome.faults == ("proxy_unreachable",)
    assert outcome.evidence["probe"]["connected"] is True
    detail = outcome.evidence["facts"]["detail"]
    assert detail.startswith("it accepted the connection but sent no answer within ")
    assert outcome.summary.startswith(f"Your proxy {proxy.url} does not answer properly: ")


def test_dead_proxy_port(home):
    port = closed_port()
    outcome = run_check(check_proxy, make_env(home, {"https_proxy": f"http://127.0.0.1:{port}"}))
    assert outcome.status is Status.FAIL and outcome.faults == ("proxy_unreachable",)
    assert outcome.evidence["facts"] == {
        "proxy": f"http://127.0.0.1:{port}",
        "proxy_source": "https_proxy",
        "scheme": "http",
        "detail": "the connection was refused",
    }
    assert outcome.summary == (
        f"Your proxy http://127.0.0.1:{port} cannot be reached: the connection was refused."
    )
    assert outcome.evidence["probe"]["connected"] is False


def test_proxy_name_that_does_not_resolve(home):
    env = make_env(home, {"HTTPS_PROXY": "http://-proxy.invalid:3128"})
    outcome = run_check(check_proxy, env)
    assert outcome.faults == ("proxy_unreachable",)
    assert outcome.evidence["facts"]["detail"] == (
        "its name -proxy.invalid cannot be looked up (the name is not known)"
    )


def test_proxy_port_that_does_not_speak_http(home):
    with socks_like_server() as port:
        outcome = run_check(
            check_proxy, make_env(home, {"HTTPS_PROXY": f"http://127.0.0.1:{port}"})
        )
    assert outcome.faults == ("proxy_unreachable",)
    assert outcome.evidence["facts"]["detail"] == (
        "it answered, but not like an HTTP proxy (is it a SOCKS port?)"
    )


def test_https_proxy_that_does_not_speak_tls(home, proxy_factory):
    proxy = proxy_factory("forward")
    env = make_env(home, {"HTTPS_PROXY": f"https://127.0.0.1:{proxy.port}"})
    outcome = run_check(check_proxy, env, timeout_s=1.0)  # the handshake gets no answer
    assert outcome.faults == ("proxy_unreachable",)
    assert outcome.evidence["probe"]["tls"] is True
    assert outcome.evidence["facts"]["detail"].startswith(
        "the secure connection to the proxy failed"
    )


def test_proxy_from_codex_dotenv(home, proxy_factory, silent_server):
    proxy = proxy_factory("forward")
    (home / ".codex").mkdir()
    (home / ".codex" / ".env").write_text(f"HTTPS_PROXY={proxy.url}\n", encoding="utf-8")
    target = lab_target(f"https://127.0.0.1:{silent_server.port}")
    outcome = run_check(check_proxy, make_env(home), target)
    assert outcome.status is Status.PASS
    assert outcome.evidence["effective"]["source"] == "~/.codex/.env: HTTPS_PROXY"


# -- NO_PROXY and loopback -------------------------------------------------------------------------


def test_loopback_note_when_no_proxy_misses_localhost(home, proxy_factory):
    proxy = proxy_factory("block")
    outcome = run_check(check_proxy, make_env(home, {"HTTPS_PROXY": proxy.url}))
    assert LOOPBACK_NOTE in outcome.evidence["notes"]


def test_no_loopback_note_with_the_usual_no_proxy(home, proxy_factory):
    proxy = proxy_factory("block")
    env = make_env(home, {"HTTPS_PROXY": proxy.url, "NO_PROXY": "localhost,127.0.0.1,::1"})
    outcome = run_check(check_proxy, env)
    assert outcome.faults == ("proxy_blocked",)  # the note never changes the status
    assert LOOPBACK_NOTE not in outcome.evidence["notes"]


# -- the OS settings as the effective proxy -------------------------------------------------


def test_stale_windows_system_proxy_is_probed(home):
    if not port_is_free(7890):
        pytest.skip("something listens on 127.0.0.1:7890 here")
    runner = FakeRunner()
    runner.add(sp.REG_QUERY, fixture_text("proxy", "reg_internet_settings_clash.txt"))
    runner.add(sp.NETSH_WINHTTP, fixture_text("proxy", "netsh_winhttp_direct.txt"))
    outcome = run_check(check_proxy, make_env(home, platform="windows", runner=runner))
    assert outcome.faults == ("proxy_unreachable",)
    assert outcome.evidence["facts"]["proxy_source"] == WINDOWS_SOURCE
    assert outcome.evidence["facts"]["proxy"] == "http://127.0.0.1:7890"
    assert outcome.evidence["facts"]["detail"] == "the connection was refused"


def test_stale_macos_system_proxy_is_probed(home):
    if not port_is_free(8888):
        pytest.skip("something listens on 127.0.0.1:8888 here")
    runner = FakeRunner()
    runner.add(sp.SCUTIL_PROXY, fixture_text("proxy", "scutil_http_https_socks.txt"))
    outcome = run_check(check_proxy, make_env(home, platform="darwin", runner=runner))
    assert outcome.faults == ("proxy_unreachable",)
    assert outcome.evidence["facts"]["proxy_source"] == MACOS_SOURCE + " (secure web proxy)"
    assert [s["used_by_codex"] for s in outcome.evidence["settings"]] == [True, False, False]
