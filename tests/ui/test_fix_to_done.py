"""Every fix one click to done, driven like a person with the mouse: a busy port ends with
"End NAME" after a yes, a fix that needs a reload says so and offers Check again, the
certificate step comes first, and "Did sign-in work?" ends the case. Real processes hold the
ports, the real checks re-check, the real settings file changes."""

from __future__ import annotations

import re

import psutil
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
    QWizard,
)

from tests.e2e import free_port
from tests.helpers import make_env
from tests.lab.port_holder import hold_port
from tests.ui.conftest import save_screen
from tests.ui.scenarios import settles_unclipped
from tests.ui.test_fix_page import cursor_in_wsl
from tests.ui.test_window_flows import VERDICT_TIMEOUT_MS, lab_target, run_to_verdict
from wizard.app.guidance import FALLBACKS
from wizard.core.profile import load_profile

FLAG = re.compile(r"(?<![\w-])--[a-z]")  # --confirm-process, --device-auth, --extra-ca ...


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def shown_texts(page: QWidget) -> list[str]:
    """Every text a person sees on the page now (closed Details hide theirs)."""
    texts: list[str] = []
    for widget in page.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
    return [t for t in texts if t]


def assert_no_command_line(window) -> None:
    page = window.currentPage()
    flagged = [t for t in shown_texts(page) if FLAG.search(t)]
    assert not flagged, (window.current_key(), flagged)


def to_fix_page(qtbot, window):
    page = window.verdict_page()
    qtbot.waitUntil(page.primary_settled, timeout=10_000)
    assert_no_command_line(window)
    click(qtbot, page.primary)
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    assert_no_command_line(window)
    return fix


def wait_done(qtbot, fix) -> None:
    qtbot.waitUntil(lambda: not fix.is_busy(), timeout=VERDICT_TIMEOUT_MS)


def consent_box(qtbot, fix) -> QMessageBox:
    qtbot.waitUntil(lambda: getattr(fix, "consent_box", None) is not None, timeout=5000)
    box = fix.consent_box
    qtbot.waitUntil(box.isVisible, timeout=5000)
    return box


def test_a_busy_port_is_freed_with_end_name_after_a_yes_and_the_case_ends_on_done(
    qtbot, open_window, home, pki, auth_server
):
    port = free_port()
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    with hold_port(port, name="othertool") as first, hold_port(1457, name="othertool") as second:
        window = open_window(env, lab_target(auth_server.url, port))
        run_to_verdict(qtbot, window)
        assert window.session.diagnosis.verdict.cause == "callback_port_busy"
        page = window.verdict_page()
        qtbot.waitUntil(page.primary_settled, timeout=10_000)
        assert page.primary.text() == "Fix it"
        cancel = window.button(QWizard.WizardButton.CancelButton)
        assert cancel.text() == "Close"  # nothing runs here that Cancel could stop
        fix = to_fix_page(qtbot, window)
        assert cancel.text() == "Close"
        card = fix.cards["port-release"]
        assert next(iter(fix.cards)) == "port-release"
        assert card.apply_button is not None and card.apply_button.text() == "End othertool"
        main = " ".join(shown_texts(card))
        assert str(first.pid) not in main and "/" not in main  # no pid, path or user here
        assert f"othertool holds ports {port} and 1457, which Codex needs" in main
        save_screen(window, "busy-4-fix")

        # No: nothing is ended.
        click(qtbot, card.apply_button)
        box = consent_box(qtbot, fix)
        assert "othertool" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        assert psutil.pid_exists(first.pid) and first.process.poll() is None
        assert not fix.is_busy()

        # Yes: the program is ended, the re-check finds the port free.
        fix.consent_box = None
        click(qtbot, card.apply_button)
        box = consent_box(qtbot, fix)
        [end] = [b for b in box.buttons() if b.text() == "End othertool"]
        end.click()
        wait_done(qtbot, fix)
        # Both ports were held by the program the person agreed to end by name.
        assert first.process.wait(timeout=10) is not None
        assert second.process.wait(timeout=10) is not None
    verdict = window.session.diagnosis.verdict
    assert verdict.cause == "none", card.result.text()
    assert not card.undo_button.isVisible()  # an ended program cannot be put back
    panel = fix.after_fix
    assert panel.isVisible() and panel.question.isVisible() and panel.yes.isVisible()
    assert panel.text.text() == "Fixed on this computer. Now sign in again."
    assert_no_command_line(window)
    save_screen(window, "busy-4-fix-applied")
    click(qtbot, panel.yes)
    assert window.current_key() == "done"
    assert window.session.case_id in window.currentPage().text.text()
    save_screen(window, "busy-6-done")


def test_the_wsl_relay_leads_with_the_setting_and_the_card_agrees_with_the_verdict(
    qtbot, open_window, home, pki, auth_server
):
    port = free_port()
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    with hold_port(port, name="wslrelay"):
        window = open_window(env, lab_target(auth_server.url, port))
        run_to_verdict(qtbot, window)
        assert window.session.diagnosis.verdict.cause == "wsl_relay"
        assert "Your editor runs Codex inside WSL" in window.verdict_page().summary.text()
        fix = to_fix_page(qtbot, window)
    assert list(fix.cards)[:2] == ["ide-wsl-off", "port-release"]
    wsl = " ".join(shown_texts(fix.cards["ide-wsl-off"]))
    assert "None of your editors" not in wsl  # the verdict says one does
    assert "the editor that runs Codex inside WSL keeps it elsewhere" in wsl
    relay = fix.cards["port-release"]
    assert relay.apply_button is not None and relay.apply_button.text() == "End wslrelay"
    words = " ".join(shown_texts(relay))
    assert "the lasting fix is to stop running Codex inside WSL" in words
    save_screen(window, "wslrelay-4-fix")


def test_the_manual_port_steps_say_two_busy_ports_in_one_sentence(home):
    facts = {
        "port": "1455",
        "ports": "1455 and 1457",
        "holders": "port 1455 is used by a (pid 1) and port 1457 by b (pid 2)",
    }
    plan = FALLBACKS["port-release"](make_env(home), load_profile(), facts)
    assert plan.summary == (
        "Codex needs port 1455 and 1457 to receive the browser's return, but port 1455 is used "
        "by a (pid 1) and port 1457 by b (pid 2)."
    )


def test_a_fix_that_needs_a_reload_says_so_offers_check_again_then_asks(
    qtbot, open_window, home, lab_home, pki, auth_server
):
    settings, env = cursor_in_wsl(home, lab_home, pki)
    port = free_port()
    with hold_port(port, name="wslrelay"):  # the running editor's relay, until it reloads
        window = open_window(env, lab_target(auth_server.url, port))
        run_to_verdict(qtbot, window)
        assert window.session.diagnosis.verdict.cause == "wsl_relay"
        fix = to_fix_page(qtbot, window)
        card = fix.cards["ide-wsl-off"]
        assert card.apply_button is not None
        assert QApplication.focusWidget() is card.apply_button
        assert "chatgpt.runCodexInWindowsSubsystemForLinux" not in " ".join(shown_texts(card))
        click(qtbot, card.apply_button)
        wait_done(qtbot, fix)
        assert b'Linux": false' in settings.read_bytes()
        # Still held by the relay: not a red "still there", but what to do now.
        assert window.session.diagnosis.verdict.cause == "wsl_relay"
        assert card.result.text() == "Changed on this computer."
        panel = fix.after_fix
        assert panel.isVisible() and card.isAncestorOf(panel)
        text = panel.text.text()
        assert text.startswith("One more step before it works: In Cursor:")
        assert "Developer: Reload Window" in text and text.endswith("Then press Check again.")
        assert panel.check_again.isVisible() and not panel.yes.isVisible()
        settles_unclipped(qtbot, window)
        save_screen(window, "reload-4-fix-applied")
        window.back()
        verdict_panel = window.verdict_page().after_fix
        assert verdict_panel.isVisible() and verdict_panel.check_again.isVisible()
        assert not window.verdict_page().next_action.isVisible()
        assert not window.verdict_page().primary.isVisible()  # Check again is the action
        save_screen(window, "reload-3-verdict-waiting")
    # The editor reloaded (its relay is gone): Check again, on the Verdict page.
    click(qtbot, verdict_panel.check_again)
    wait_done(qtbot, fix)
    assert window.session.diagnosis.verdict.cause == "none"
    assert verdict_panel.yes.isVisible() and not verdict_panel.check_again.isVisible()
    assert verdict_panel.text.text() == "Fixed on this computer. Now sign in again."
    assert_no_command_line(window)
    save_screen(window, "reload-3-verdict-fixed")
    click(qtbot, verdict_panel.no)  # No: on to the case file for the help desk
    assert window.current_key() == "share"
    assert window.session.after_fix is None


def test_interception_puts_the_certificate_step_first_and_apply_gets_the_focus(
    qtbot, open_window, home, pki, auth_server, proxy_factory
):
    proxy = proxy_factory("intercept")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})
    window = open_window(env, lab_target(auth_server.url))
    run_to_verdict(qtbot, window)
    assert window.session.diagnosis.verdict.cause == "tls_interception"
    page = window.verdict_page()
    qtbot.waitUntil(page.primary_settled, timeout=10_000)
    assert "(Fix)" in page.next_action.text() and page.primary.text() == "Fix it"
    fix = to_fix_page(qtbot, window)
    card = fix.cards["ca-bundle"]
    assert card.pick is not None and card.pick.text() == "Choose the certificate file IT gave you…"
    main = shown_texts(card)
    assert main.index(card.pick.text()) < 4  # title, what it is, then the step
    assert not any("export" in t or "CODEX_CA_CERTIFICATE" in t for t in main)
    assert card.details is not None and not card.details.is_open()
    save_screen(window, "intercept-4-fix")

    fix.use_certificate(pki.corp_ca_pem)
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    card = fix.cards["ca-bundle"]
    assert card.apply_button is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is card.apply_button, timeout=5000)
    main = " ".join(shown_texts(card))
    assert "Codex will trust Contoso Inspection Root" in main
    assert "SHA-256" not in main and "ca-bundle.pem" not in main  # under Details
    click(qtbot, card.details.button)
    assert "SHA-256" in card.preview.toPlainText() and card.preview.isVisible()
    click(qtbot, card.details.button)
    assert_no_command_line(window)
    save_screen(window, "intercept-4-fix-with-certificate")
    click(qtbot, card.apply_button)
    wait_done(qtbot, fix)
    assert window.session.diagnosis.verdict.cause == "none"
    text = fix.after_fix.text.text()
    assert text.startswith(
        "Fixed on this computer. Now: Fully quit and restart your editor (and terminals), then "
        "sign in again"
    )
    assert "status" not in text and not fix.intro.isVisible()
    window.back()
    verdict = window.verdict_page()
    assert not verdict.next_action.isVisible()  # not "check the status page"
    assert verdict.after_fix.text.text() == text
    save_screen(window, "intercept-3-verdict-fixed")
