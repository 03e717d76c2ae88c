"""The Fix page applies a real fix (ide-wsl-off), re-checks with the real checks, shows the new
verdict, and undoes it byte for byte."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.e2e import free_port
from tests.helpers import FakeRunner, make_env
from tests.ui.conftest import save_screen
from tests.ui.test_window_flows import VERDICT_TIMEOUT_MS, run_to_verdict
from wizard.core.model import FlowStep
from wizard.core.profile import load_profile

SETTINGS = (
    "{\r\n"
    "    // Cursor: run Codex in WSL (seed 000)\r\n"
    '    "editor.fontSize": 14,\r\n'
    '    "chatgpt.runCodexInWindowsSubsystemForLinux": true,\r\n'
    "}\r\n"
)


def cursor_in_wsl(home, lab_home, pki):
    """A Windows home whose Cursor runs Codex in WSL: (its settings file, the environment)."""
    settings = lab_home.settings("Cursor", SETTINGS, windows=True)
    env = make_env(
        home,
        {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)},
        platform="windows",
        runner=FakeRunner(),
        os_roots_file=pki.ca_pem,
    )
    return settings, env


def test_applying_ide_wsl_off_changes_the_file_and_the_recheck_updates_the_verdict(
    qtbot, open_window, home, lab_home, pki, auth_server
):
    settings, env = cursor_in_wsl(home, lab_home, pki)
    before = settings.read_bytes()
    target = load_profile().target(auth_server.url, callback_port=free_port())
    window = open_window(env, target)
    run_to_verdict(qtbot, window)
    verdict = window.session.diagnosis.verdict
    assert (verdict.cause, verdict.flow_step) == ("wsl_relay", FlowStep.LISTENER)
    page = window.verdict_page()
    qtbot.waitUntil(page.primary_settled, timeout=10_000)
    assert page.primary.text() == "Fix it"
    save_screen(window, "wsl-settings-3-verdict")

    qtbot.mouseClick(page.primary, Qt.MouseButton.LeftButton)
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    card = fix.cards["ide-wsl-off"]
    assert card.planned.automatic and card.apply_button is not None
    assert card.preview is not None
    diff = card.preview.toPlainText()
    assert '-    "chatgpt.runCodexInWindowsSubsystemForLinux": true,' in diff
    assert '+    "chatgpt.runCodexInWindowsSubsystemForLinux": false,' in diff
    save_screen(window, "wsl-settings-4-fix-preview")

    qtbot.mouseClick(card.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not fix.is_busy(), timeout=VERDICT_TIMEOUT_MS)
    after = settings.read_bytes()
    assert after == before.replace(b'Linux": true', b'Linux": false')
    new_verdict = window.session.diagnosis.verdict
    assert new_verdict.cause == "none"
    assert card.result.text() == f"Checked again: {new_verdict.title}."
    assert window.verdict_page().headline.text() == new_verdict.title
    assert card.undo_button is not None and card.undo_button.isVisible()
    save_screen(window, "wsl-settings-4-fix-applied")

    qtbot.mouseClick(card.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not fix.is_busy(), timeout=VERDICT_TIMEOUT_MS)
    assert settings.read_bytes() == before
    assert window.session.diagnosis.verdict.cause == "wsl_relay"
    assert not card.undo_button.isVisible() and card.apply_button.isEnabled()
