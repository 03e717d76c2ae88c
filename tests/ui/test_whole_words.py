"""A case number is read out whole, and text copied out of a label is the text as written."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from tests.helpers import make_env
from wizard.app.session import Session
from wizard.core.profile import load_profile
from wizard.report.case_id import is_case_id
from wizard.ui.line_breaking import WORD_JOINER, line_texts, paragraph, widest_word
from wizard.ui.widgets import label
from wizard.ui.window import SigninDoctorWindow

# The Done page's sentence, as written in each language.
DONE = {
    "en": "Good: Codex is signed in. You can close Sign-in Doctor. If sign-in fails again, "
    "open it again (this was case {case_id}).",
    "ja": "よかったです。Codex にサインインできました。Sign-in Doctor は閉じてかまいません。"
    "またサインインに失敗したら、もう一度開いてください（今回のケースは {case_id} です）。",
}


def test_a_case_number_is_never_broken_at_its_dashes(qapp):
    case_id = "SD-K7F3-QX9A"  # (after a dash, a digit is never a break; a letter is)
    assert is_case_id(case_id)
    font = qapp.font()
    narrowest = int(widest_word(case_id, font)) + 1
    for lang, sentence in DONE.items():
        text = sentence.format(case_id=case_id)
        for width in range(narrowest, 700, 3):
            layout = paragraph(text, font, width, Qt.AlignmentFlag.AlignLeft)
            lines = line_texts(layout)
            assert any(case_id in line for line in lines), (lang, width, lines)


def test_text_copied_out_of_a_label_has_no_joiners(qtbot, tmp_path):
    profile = load_profile()
    session = Session(make_env(tmp_path), profile, profile.target("https://localhost:9"), (), 1.0)
    window = SigninDoctorWindow(session)  # (it keeps this program's copies clean)
    qtbot.addWidget(window)
    case_id = "SD-K7F3-QX9A"  # (after a dash, a digit is never a break; a letter is)
    shown = label(DONE["ja"].format(case_id=case_id), selectable=True)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    written = shown.text()
    laid_out = QLabel.text(shown)
    assert WORD_JOINER in laid_out  # what Qt lays out has joiners
    shown.setSelection(0, len(laid_out))
    shown.setFocus()
    QTest.keySequence(shown, QKeySequence.StandardKey.Copy)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == written, timeout=2000)
    assert case_id in QGuiApplication.clipboard().text()
