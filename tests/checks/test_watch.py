"""watch_signin against real processes, real connections and real log files.

Log lines appended here are real ones: openai/codex#41434 (codex-login.log transport failure),
openai/codex#5283 (a callback URL with its query), seed 000 (Cursor's Codex.log, WSL spawn)."""

from __future__ import annotations

import io
import json
import socket
import threading
import time

from tests.helpers import StaticPorts, make_env
from tests.lab.home import LabHome
from tests.lab.port_holder import hold_port
from wizard.checks.watch import WatchReport, watch_signin
from wizard.core.environment import PortHolder
from wizard.core.model import Target
from wizard.core.profile import load_profile

TRANSPORT_FAILURE = (
    "oauth token exchange transport failure is_timeout=false is_connect=true is_request=true\n"
    "error=error sending request for url (https://auth.openai.com/oauth/token)\n"
)
CALLBACK_URL = (
    "GET\thttp://localhost:1455/auth/callback?code=redacted&scope=openid profile email "
    "offline_access&state=redacted\n"
)
WSL_SPAWN = "[spawn-codex-process] Spawning codex process inside WSL\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def two_ports() -> tuple[int, int]:
    first, second = free_port(), free_port()
    while second == first:
        second = free_port()
    return first, second


def target_for(*ports: int) -> Target:
    import dataclasses

    return dataclasses.replace(load_profile().target(), callback_ports=tuple(ports))


class Watch:
    """watch_signin in a thread, with its progress captured. It watches until the block ends
    (Stop; `seconds` is only a hang guard), so it sees whatever the test waited for however
    slowly this machine runs."""

    def __init__(self, env, target: Target, seconds: float = 60) -> None:
        self.progress = io.StringIO()
        self.stop = threading.Event()
        self.report: WatchReport | None = None
        self.thread = threading.Thread(target=self._run, args=(env, target, seconds), daemon=True)

    def _run(self, env, target, seconds) -> None:
        self.report = watch_signin(env, load_profile(), target, seconds, self.progress, self.stop)

    def __enter__(self) -> Watch:
        self.thread.start()
        self.wait_for("sign in now")  # its first look is taken: what comes now is news
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=15)

    def browser_returns_to(self, port: int) -> None:
        """Once a listener is seen on `port`, send it a browser's return and read the answer;
        wait until the watcher has seen who received it."""
        self.wait_for("started listening")
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET /auth/callback?code=abc&state=xyz HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1024)
            self.wait_for("was received by")

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.progress.getvalue():
            assert time.monotonic() < deadline, f"no {text!r} in {self.progress.getvalue()!r}"
            time.sleep(0.05)


def append(path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_watch_names_the_wrong_receiver_and_decodes_the_log(home):
    lab = LabHome(home)
    login_log = lab.codex_log("old line: starting oauth token exchange\n")
    ide_log = lab.ide_log("[CodexMcpConnection] Spawning codex app-server\n", "Cursor")
    p1, p2 = two_ports()
    env = make_env(home)
    # wslrelay forwards into WSL, where a Codex login server answers: an HTTP listener.
    with Watch(env, target_for(p1, p2)) as watch:
        with hold_port(p1, name="wslrelay", codex_like=True) as relay:
            watch.browser_returns_to(p1)
            append(login_log, CALLBACK_URL + TRANSPORT_FAILURE)
            append(ide_log, WSL_SPAWN)
            watch.wait_for("codex-login.log problem")
            watch.wait_for("Spawning codex process inside WSL")
        watch.wait_for("stopped listening")
    report = watch.report
    assert report is not None
    assert report.ok is False
    assert report.summary == (
        f"The browser's return on port {p1} was received by wslrelay, not "
        "by Codex."  # the main line names the program, never its pid
    )
    holder = next(h for h in report.holders if h["pid"] == relay.pid)
    assert (holder["port"], holder["name"], holder["wsl_relay"], holder["codex"]) == (
        p1,
        "wslrelay",
        True,
        False,
    )
    assert holder["first_seen"] <= holder["last_seen"]
    callback = report.callbacks[0]
    assert callback["port"] == p1
    assert callback["receiver"]["pid"] == relay.pid
    assert callback["received_by_codex"] is False
    # the login log: only the appended lines, sanitised and decoded
    login_lines = [e for e in report.log_lines if e["source"] == "codex-login.log"]
    assert login_lines[0]["line"].startswith("GET\thttp://localhost:1455/auth/callback?")
    assert not any("old line" in e["line"] for e in report.log_lines)
    decoded = {e["decoded"]["id"] for e in report.log_lines if e["decoded"]}
    assert "token_transport_connect" in decoded
    assert "wsl_spawn" in decoded  # from the editor's Codex.log
    editor = [e for e in report.log_lines if e["source"] == "editor Codex.log"]
    assert [e["line"] for e in editor] == [WSL_SPAWN.strip()]
    assert report.to_json()["logs"]["ide_log"].endswith("Codex.log")
    # nothing from the callback's query survives, in the report or on screen
    dumped = json.dumps(report.to_json()) + watch.progress.getvalue()
    assert "=redacted" not in dumped and "code=abc" not in dumped
    kinds = [e.kind for e in report.events]
    assert kinds.index("listening") < kinds.index("received")
    assert "stopped" in kinds  # the holder went away before the watch ended
    assert f"port {p1}: wslrelay (pid {relay.pid}) started listening" in watch.progress.getvalue()


def test_watch_ok_when_codex_receives_the_return(home):
    p1, p2 = two_ports()
    with (
        Watch(make_env(home), target_for(p1, p2)) as watch,
        hold_port(p1, name="codex", codex_like=True),
    ):
        watch.wait_for("started listening")
        with socket.create_connection(("127.0.0.1", p1)) as client:
            client.sendall(b"GET /auth/callback HTTP/1.1\r\nHost: localhost\r\n\r\n")
            client.recv(1024)
            watch.wait_for("was received by")
    report = watch.report
    assert report is not None
    assert report.ok is True
    assert report.summary == (
        f"The browser's return on port {p1} reached Codex (codex) and no error was logged."
    )
    assert report.callbacks[0]["received_by_codex"] is True
    assert report.to_json()["ok"] is True


def test_watch_stops_on_request_and_says_nothing_happened(home):
    p1, p2 = two_ports()
    with Watch(make_env(home), target_for(p1, p2), seconds=60) as watch:
        watch.stop.set()  # the 60 s asked are not waited for
    report = watch.report
    assert report is not None
    assert report.ok is False
    assert report.callbacks == [] and report.holders == []
    assert report.summary.startswith(f"Nothing listened on port {p1} or {p2}")
    assert "start the sign-in while watching" in report.summary


def test_watch_with_ports_reported_by_windows(home):
    relay = PortHolder(
        1455, "127.0.0.1", 12528, "wslrelay.exe", r"C:\Program Files\WSL\wslrelay.exe", None
    )
    env = make_env(home, platform="windows", ports=StaticPorts({1455: [relay]}))
    progress = io.StringIO()
    report = watch_signin(env, load_profile(), load_profile().target(), 0.3, progress)
    assert [(h["pid"], h["name"], h["wsl_relay"]) for h in report.holders] == [
        (12528, "wslrelay.exe", True)
    ]
    assert report.holders[0]["exe"] == r"C:\Program Files\WSL\wslrelay.exe"
    assert "port 1455: wslrelay.exe (pid 12528) was already listening" in progress.getvalue()
    assert report.summary.startswith("wslrelay.exe listened, but no browser return")


def test_watch_ignores_what_was_there_before(home):
    p1, p2 = two_ports()
    with (
        hold_port(p1, name="codex", codex_like=True) as codex,
        socket.create_connection(("127.0.0.1", p1)) as earlier,
    ):
        earlier.sendall(b"GET /auth/callback HTTP/1.1\r\nHost: localhost\r\n\r\n")
        earlier.recv(1024)
        progress = io.StringIO()
        report = watch_signin(make_env(home), load_profile(), target_for(p1, p2), 0.5, progress)
    assert report.callbacks == []
    assert f"port {p1}: codex (pid {codex.pid}) was already listening (Codex)" in (
        progress.getvalue()
    )
    assert report.summary.startswith(
        f"codex listened, but no browser return arrived on port {p1} or {p2} within 0."
    )


def test_watch_says_when_the_return_went_to_an_account_switcher(home):
    p1, p2 = two_ports()
    with (
        Watch(make_env(home), target_for(p1, p2)) as watch,
        # CLIProxyAPI runs its own OAuth callback server there: an HTTP listener.
        hold_port(p1, name="cli-proxy-api", codex_like=True) as proxy,
    ):
        watch.browser_returns_to(p1)
    report = watch.report
    assert report is not None
    assert (
        f"port {p1}: cli-proxy-api (pid {proxy.pid}) started listening (CLIProxyAPI, an account "
        "switcher or local proxy tool)"
    ) in watch.progress.getvalue()
    assert report.summary == (
        f"The browser's return on port {p1} was received by cli-proxy-api, not by Codex. That "
        "is CLIProxyAPI, an account switcher or local proxy tool: quit it, then sign in again."
    )
    holder = next(h for h in report.holders if h["pid"] == proxy.pid)
    assert holder["auth_manager"] == "CLIProxyAPI"
