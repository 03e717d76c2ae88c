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
    with hold_port(port, name="wslrelay", codex_like=True) as relay:
        qtbot.waitUntil(lambda: "started listening" in dialog.log.toPlainText(), timeout=5000)
        with socket.create_connection(("127.0.0.1", port)) as browser:
            browser.sendall(b"GET /auth/callback?code=abc&state=xyz HTTP/1.1\r\nHost: x\r\n\r\n")
            browser.recv(1024)
            qtbot.waitUntil(lambda: "was received by" in dialog.log.toPlainText(), timeout=5000)
        qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    assert dialog.report.ok is False
    assert dialog.result.text() == (
        f"The browser's return on port {port} was received by wslrelay (pid {relay.pid}), "
        "not by Codex."
    )
    assert dialog.result_icon.isVisible()
    assert "code=abc" not in dialog.log.toPlainText()
    save_screen(dialog, "watch-dialog")
    dialog.close()
