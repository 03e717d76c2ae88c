""" "Watch a sign-in": the core watcher on a worker thread, a real process on the callback port,
a real connection as the browser's return; the dialog says who received it."""

from __future__ import annotations

import socket

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tests.e2e import free_port
from tests.helpers import make_env
from tests.lab.port_holder import hold_port
from tests.ui.conftest import save_screen
from wizard.core.profile import load_profile


def test_watch_a_signin_names_who_received_the_browsers_return(qtbot, open_window, home):
    port = free_port()
    target = load_profile().target("https://localhost:9", callback_port=port)
    window = open_window(make_env(home), target, specs=())
    window.next()  # no checks: straight to a verdict page, where the action lives
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=10_000)
    button = window.button(QWizard.WizardButton.CustomButton1)
    assert button.isVisible() and button.text() == "Watch a sign-in…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.watch_dialog()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.seconds = 20.0

    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Watching ports" in dialog.log.toPlainText(), timeout=5000)
    with hold_port(port, name="wslrelay", codex_like=True):
        qtbot.waitUntil(lambda: "started listening" in dialog.log.toPlainText(), timeout=5000)
        with socket.create_connection(("127.0.0.1", port)) as browser:
            browser.sendall(b"GET /auth/callback?code=abc&state=xyz HTTP/1.1\r\nHost: x\r\n\r\n")
            browser.recv(1024)
            qtbot.waitUntil(lambda: "was received by" in dialog.log.toPlainText(), timeout=5000)
        qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    assert dialog.report.ok is False
    assert dialog.result.text() == (
        f"The browser's return on port {port} was received by wslrelay, not "
        "by Codex."  # the main line names the program, never its pid
    )
    assert dialog.result_icon.isVisible()
    assert "code=abc" not in dialog.log.toPlainText()
    save_screen(dialog, "watch-dialog")
    dialog.close()


def test_the_watch_concludes_live_stops_at_stop_and_reads_the_checks_codex_home(
    qtbot, open_window, home
):
    port = free_port()
    codex_home = home / "elsewhere" / "codex"
    log = codex_home / "log" / "codex-login.log"
    log.parent.mkdir(parents=True)
    log.write_text("an old line from before the watch\n", encoding="utf-8")
    env = make_env(home, {"CODEX_HOME": str(codex_home)})
    target = load_profile().target("https://localhost:9", callback_port=port)
    window = open_window(env, target, specs=())
    dialog = window.open_watch()
    qtbot.waitExposed(dialog)
    dialog.seconds = 30.0
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    shown = env.display_path(log)
    qtbot.waitUntil(lambda: f"Reading Codex's sign-in log {shown}" in dialog.log.toPlainText())
    with hold_port(port, name="codex", codex_like=True):
        # the main line follows the watch: who listens, then what Codex logged
        qtbot.waitUntil(
            lambda: dialog.result.text() == "codex is listening. Waiting for the browser's return…",
            timeout=5000,
        )
        with log.open("a", encoding="utf-8") as handle:
            handle.write(
                "Error logging in: Token exchange failed: error sending request for url "
                "(https://auth.openai.com/oauth/token)\n"
            )
        qtbot.waitUntil(lambda: "Codex logged a failure" in dialog.result.text(), timeout=5000)
        assert "pid" not in dialog.result.text()
        qtbot.wait(100)  # (the picture after the layout took the new line)
        save_screen(dialog, "watch-dialog-live")
        qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    # the program stopped listening after Stop: the list does not say so any more
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    lines = dialog.log.toPlainText().splitlines()
    assert lines[-1] == "Stopped watching."
    assert not any("stopped listening" in line for line in lines)
    assert "an old line" not in dialog.log.toPlainText()
    dialog.close()


def test_watch_a_signin_is_offered_on_the_result_fix_and_share_pages_only(qtbot, open_window, home):
    target = load_profile().target("https://localhost:9", callback_port=free_port())
    window = open_window(make_env(home), target, specs=())
    button = window.button(QWizard.WizardButton.CustomButton1)
    shown: list[tuple[str, bool]] = [(window.current_key(), button.isVisible())]
    window.currentIdChanged.connect(
        lambda _id: shown.append((window.current_key(), button.isVisible()))
    )
    window.next()  # no checks: the Checking page, then straight to the verdict
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=10_000)
    window.next()  # Share…
    window.back()
    assert shown == [
        ("welcome", False),
        ("checking", False),
        ("verdict", True),
        ("share", True),
        ("verdict", True),
    ]
