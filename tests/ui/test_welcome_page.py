"""The Welcome page decodes a pasted error as the user types (the core decoder)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tests.helpers import make_env
from tests.ui.conftest import save_screen
from wizard.checks.logs import decode_error
from wizard.core.profile import load_profile

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
