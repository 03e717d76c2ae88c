"""The Welcome page decodes a pasted error as the user types (the core decoder)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tests.e2e import free_port
from tests.helpers import lab_target, make_env
from tests.ui.conftest import save_screen
from tests.ui.scenarios import REAL_SPECS, VERDICT_TIMEOUT_MS
from tests.ui.test_verdict_page import HEALTHY_TOKEN_PATH, diagnosis_of, show_verdict
from wizard.checks.logs import decode_error
from wizard.core.profile import load_profile
from wizard.report.markdown import render_markdown

TOKEN_EXCHANGE_FAILED = (
    "Error logging in: Token exchange failed: error sending request for url "
    "(https://auth.openai.com/oauth/token)"
)


def test_a_pasted_error_is_decoded_live_and_kept_for_the_report(qtbot, open_window, home):
    window = open_window(make_env(home), load_profile().target("https://localhost:9"), specs=())
    page = window.page_by_key("welcome")
    assert window.button(QWizard.WizardButton.NextButton).text() == "Start checking"
    assert not page.meaning.isVisible()

    qtbot.keyClicks(page.paste, TOKEN_EXCHANGE_FAILED)
    qtbot.waitUntil(page.meaning.isVisible, timeout=2000)
    expected = decode_error(TOKEN_EXCHANGE_FAILED)
    assert [d.id for d in expected] == ["token_send_failed"]
    assert page.meaning.text() == f"What this means: {expected[0].meaning}"
    save_screen(window, "welcome-1-decoded")

    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert window.session.error_text == TOKEN_EXCHANGE_FAILED
    assert window.session.decoded == [d.to_json() for d in expected]


def test_an_unknown_message_says_so_in_plain_words(qtbot, open_window, home):
    window = open_window(make_env(home), load_profile().target("https://localhost:9"), specs=())
    page = window.page_by_key("welcome")
    page.paste.setPlainText("The printer is on fire")
    qtbot.waitUntil(page.meaning.isVisible, timeout=2000)
    assert page.meaning.text().startswith("Sign-in Doctor does not recognise this message")
    page.paste.setPlainText("")
    qtbot.waitUntil(lambda: not page.meaning.isVisible(), timeout=2000)
    assert window.session.decoded is None


def test_the_verdict_says_how_the_pasted_message_relates_to_what_was_found(
    qtbot, open_window, home, auth_server
):
    target = lab_target(auth_server.url, free_port())
    window = open_window(make_env(home), target, specs=REAL_SPECS)  # no CA: interception
    page = window.page_by_key("welcome")
    qtbot.keyClicks(page.paste, TOKEN_EXCHANGE_FAILED)
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    verdict = window.verdict_page()
    assert window.session.diagnosis.verdict.cause == "tls_interception"
    sentence = (
        "Your message points to step 4 “Codex completes sign-in with OpenAI”, where the "
        "problem was found: it confirms the finding."
    )
    assert verdict.pasted.isVisible() and verdict.pasted.text() == sentence
    save_screen(window, "pasted-3-verdict")
    # the case file says it too, beside the decoded message
    assert sentence in render_markdown(window.case_draft.draft().document).replace("\\", "")


def test_without_a_pasted_message_the_verdict_has_no_such_line(qtbot, open_window, home):
    _window, page = show_verdict(qtbot, open_window, home, diagnosis_of(*HEALTHY_TOKEN_PATH))
    assert not page.pasted.isVisible()


def test_enter_in_the_paste_box_is_a_new_line_and_ctrl_enter_starts_the_checks(
    qtbot, open_window, home
):
    window = open_window(make_env(home), load_profile().target("https://localhost:9"), specs=())
    page = window.page_by_key("welcome")
    page.paste.setFocus()
    qtbot.keyClicks(page.paste, "Error logging in:")
    qtbot.keyClick(page.paste, Qt.Key.Key_Return)
    qtbot.keyClicks(page.paste, "Token exchange failed")
    # Enter went to the box, not to the default button ("Start checking").
    assert page.paste.toPlainText() == "Error logging in:\nToken exchange failed"
    assert window.current_key() == "welcome"
    qtbot.keyClick(page.paste, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "checking"
    assert window.session.error_text == "Error logging in:\nToken exchange failed"
    assert page.paste.toPlainText() == "Error logging in:\nToken exchange failed"
