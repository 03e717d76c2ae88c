"""Help-desk walkthrough: the case number and step on every page, a script per page that
names the real buttons, the summary to copy, and the report preview that is byte for byte
what Save writes - with extra items hidden, and never a secret shown."""

from __future__ import annotations

import json
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QLabel, QWizard

from tests.ui.conftest import save_screen
from tests.ui.scenarios import (
    CORP_PROXY,
    PLANTED,
    VERDICT_TIMEOUT_MS,
    Keys,
    fake_world,
    open_world,
)
from wizard.core.model import Status
from wizard.report.draft import PROXY_HIDDEN
from wizard.ui.diagram import FlowDiagram
from wizard.ui.redaction_preview import open_preview
from wizard.ui.text import status_word, step_state_word
from wizard.ui.walkthrough import PAGE_KEYS, button_words

W = QWizard.WizardButton
QUOTED = re.compile(r"“([^”]+)”")


def walk(qtbot, open_window, home, screens: str | None = None):
    """Yield (key, window) on each of the five pages, walkthrough on."""
    window = open_world(open_window, fake_world(home))
    window.walkthrough.checkbox.setChecked(True)  # the Welcome page's toggle
    yield "welcome", window
    window.next()
    checking = window.page_by_key("checking")
    yield "checking", window
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    qtbot.waitUntil(window.verdict_page().primary_settled, timeout=10_000)
    assert checking.isComplete()
    yield "verdict", window
    window.verdict_page().act()
    qtbot.waitUntil(window.page_by_key("fix").plans_ready, timeout=10_000)
    window.walkthrough.refresh()
    yield "fix", window
    window.next()
    yield "share", window


def words_on_screen(window) -> set[str]:
    """Every text a person can see in the window except the walkthrough's own panel."""
    panel = window.walkthrough.current_panel()
    found = {window.windowTitle()}
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        if widget.isVisible() and not panel.isAncestorOf(widget):
            text = button_words(widget) if isinstance(widget, QAbstractButton) else widget.text()
            found.add(text)
    for diagram in window.currentPage().findChildren(FlowDiagram):
        for view in diagram.views():  # drawn, not widgets
            found.update({view.label, step_state_word(view.state)})
    if window.current_key() == "checking":  # the words the rows turn to
        found.update(status_word(s) for s in Status)
    return found


def test_every_page_shows_the_case_the_step_and_a_script_that_names_real_buttons(
    qtbot, open_window, home
):
    case_ids = []
    for number, (key, window) in enumerate(walk(qtbot, open_window, home), 1):
        assert window.current_key() == key
        panel = window.walkthrough.current_panel()
        area = window.walkthrough.areas[key]
        assert area.isVisible() and panel.key == key
        heading = panel.heading.text()
        match = re.fullmatch(r"Case (SD-\w{4}-\w{4}) · Step (\d) of 5: (\w+)", heading)
        assert match, heading
        assert int(match[2]) == number == PAGE_KEYS.index(key) + 1
        case_ids.append(match[1])

        script = panel.script
        assert len(script.lines) >= 2, key
        assert panel.script_label.text() == "Read aloud:\n" + script.text()
        assert script.buttons, key
        for button in script.buttons:
            words = button_words(button)
            assert f"“{words}”" in script.text(), (key, words)
            assert button.isVisible() and button.isEnabled(), (key, words)
        on_screen = words_on_screen(window)
        for quoted in QUOTED.findall(script.text()):
            assert any(quoted == text or quoted in text for text in on_screen), (key, quoted)
        qtbot.wait(40)  # let the page lay out before the picture
        save_screen(window, f"walkthrough-{number}-{key}")

    # One case number from the first page on: the one the result and the report carry.
    assert len(set(case_ids)) == 1
    assert window.session.case_id == case_ids[0]
    assert window.verdict_page().case.text() == f"Case {case_ids[0]}"
    assert window.page_by_key("share").case.text() == case_ids[0]


def test_the_script_takes_the_words_from_the_buttons(qtbot, open_window, home):
    window = open_world(open_window, fake_world(home))
    window.walkthrough.set_enabled(True)
    panel = window.walkthrough.current_panel()
    assert "“Start checking”" in panel.script.text()
    # Another language (or a new wording) of the button is what the script says.
    window.page_by_key("welcome").setButtonText(W.NextButton, "チェック開始")
    window.walkthrough.refresh()
    assert "“チェック開始”" in panel.script.text()
    assert "Start checking" not in panel.script.text()


def test_the_toggles_agree_and_off_means_nothing_shows(qtbot, open_window, home):
    window = open_world(open_window, fake_world(home))
    walkthrough = window.walkthrough
    toggle = window.button(W.CustomButton2)
    assert not walkthrough.enabled and not walkthrough.areas["welcome"].isVisible()
    assert not toggle.isVisible()  # Welcome has the check box instead
    walkthrough.checkbox.setChecked(True)
    assert walkthrough.enabled and toggle.isChecked()
    assert walkthrough.areas["welcome"].isVisible()
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    assert toggle.isVisible() and toggle.accessibleName() == "Help-desk walkthrough"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert not walkthrough.enabled and not walkthrough.checkbox.isChecked()
    assert not walkthrough.areas["verdict"].isVisible()
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert walkthrough.areas["verdict"].isVisible()


def test_copy_summary_copies_the_case_before_and_the_result_after(qtbot, open_window, home):
    window = open_world(open_window, fake_world(home))
    window.walkthrough.set_enabled(True)
    panel = window.walkthrough.current_panel()
    assert not panel.preview_button.isVisible()  # nothing to show before the checks
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    upcoming = window.session.upcoming_case_id()
    assert QGuiApplication.clipboard().text() == (
        f"Sign-in Doctor - case {upcoming} - step 1 of 5: Start"
    )
    assert panel.copy_button.text() == "Copied"
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    panel = window.walkthrough.current_panel()
    assert panel.copy_button.text() == "Copy summary"
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"Sign-in Doctor - case {upcoming}\n")
    assert "Result: A security program intercepts the secure connection" in copied
    for secret in PLANTED:
        assert secret not in copied


def test_the_preview_is_exactly_what_is_saved_with_and_without_extra_hiding(
    qtbot, open_window, home, tmp_path
):
    window = open_world(open_window, fake_world(home))
    window.walkthrough.set_enabled(True)
    welcome = window.page_by_key("welcome")
    welcome.paste.setPlainText(
        f"Token exchange failed; callback ?code={PLANTED[2]}&state={PLANTED[3]}"
    )
    welcome.decode_now()
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    window.next()  # Share
    share = window.page_by_key("share")
    dialog = open_preview(window)
    draft = window.case_draft.draft()

    # Only the offered extra items can be ticked; what is always removed is not a toggle.
    ids = [
        dialog.choices.item(r).data(Qt.ItemDataRole.UserRole + 1)
        for r in range(dialog.choices.count())
    ]
    assert ids == draft.choice_ids()
    assert ids[:2] == ["proxy", "error_message"] and "check:codex_logs" in ids
    assert not set(ids) & {"token", "oauth_code", "oauth_state", "api_key", "email", "password"}
    removed = dialog.removed.text()
    assert removed.startswith("Always removed, and cannot be shown: ")
    assert "sign-in tokens" in removed and "API keys" in removed and "sign-in codes" in removed

    def saved_matches_preview(folder) -> dict:
        share.folder.setText(str(folder))
        assert not share.case_folder().exists()  # nothing is saved before Save
        qtbot.mouseClick(share.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: share.saved.isVisible() and not share.is_saving(), timeout=10_000)
        for name in ("report.json", "report.md", "report.html"):
            saved = (share.case_folder() / name).read_bytes()
            assert saved == dialog.shown_text(name).encode("utf-8"), name
            for secret in (*PLANTED, str(home)):
                assert secret not in saved.decode(), (name, secret)
        share.saved.setVisible(False)
        return json.loads((share.case_folder() / "report.json").read_text(encoding="utf-8"))

    plain = saved_matches_preview(tmp_path / "plain")
    assert CORP_PROXY in json.dumps(plain) and "hidden_before_sharing" not in plain
    save_screen(dialog, "walkthrough-report-preview")

    # Tick "Proxy address" by keyboard (the list: arrows and Space) and one check's details.
    keys = Keys(qtbot, dialog)
    dialog.choices.setFocus()
    dialog.choices.setCurrentRow(0)
    keys.press(Qt.Key.Key_Space)
    assert dialog.choice_item("proxy").checkState() == Qt.CheckState.Checked
    dialog.choice_item("check:codex_logs").setCheckState(Qt.CheckState.Checked)
    assert keys.focus() is dialog.choices  # ticking never throws the keyboard out
    preview = dialog.shown_text("report.json")
    assert PROXY_HIDDEN in preview and "proxy.corp.example" not in preview
    assert "Also hidden: Proxy address, Details of “Last sign-in attempt”." in share.contents.text()
    assert "proxy.corp.example" not in share.summary.toPlainText()
    save_screen(dialog, "walkthrough-report-preview-hidden")
    hidden = saved_matches_preview(tmp_path / "hidden")
    assert hidden["hidden_before_sharing"] == ["proxy", "check:codex_logs"]
    assert next(c for c in hidden["checks"] if c["id"] == "codex_logs")["evidence"] == {
        "hidden": True
    }

    # Unticking brings back only what the agent hid; the secrets stay out.
    dialog.choice_item("proxy").setCheckState(Qt.CheckState.Unchecked)
    dialog.choice_item("check:codex_logs").setCheckState(Qt.CheckState.Unchecked)
    again = saved_matches_preview(tmp_path / "again")
    assert again["checks"] == plain["checks"]
    dialog.close()


def test_a_window_built_again_keeps_the_walkthrough_and_the_case(qtbot, open_window, home):
    """Switching the language builds the window again over the same session."""
    window = open_world(open_window, fake_world(home))
    window.walkthrough.checkbox.setChecked(True)
    heading = window.walkthrough.current_panel().heading.text()
    again = type(window)(window.session)
    qtbot.addWidget(again)
    try:
        again.show()
        assert again.walkthrough.enabled and again.walkthrough.checkbox.isChecked()
        assert again.walkthrough.areas["welcome"].isVisible()
        assert again.walkthrough.current_panel().heading.text() == heading
    finally:
        assert again.shutdown(5.0)
