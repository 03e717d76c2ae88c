"""The window in Japanese: the OS language or the one picked on the Welcome page (remembered),
Qt's own buttons translated too, switching back and forth, and core texts (check summaries,
the verdict, the report) in the same language as the window."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QWizard

from tests.e2e import free_port
from tests.helpers import lab_target, make_env
from tests.ui.conftest import save_screen
from tests.ui.scenarios import REAL_SPECS, VERDICT_TIMEOUT_MS
from wizard.ui import language
from wizard.ui.window import SigninDoctorWindow

W = QWizard.WizardButton
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture
def settings_file(tmp_path, monkeypatch) -> Iterator[QSettings]:
    """The remembered language lives in a file of this test, and English is back afterwards."""
    path = tmp_path / "settings.ini"

    def settings() -> QSettings:
        return QSettings(str(path), QSettings.Format.IniFormat)

    monkeypatch.setattr(language, "settings", settings)
    yield settings()
    language.install("en")


def _switch(qtbot, window: SigninDoctorWindow, lang: str) -> SigninDoctorWindow:
    """Pick `lang` in the Welcome page's language box, as a person would."""
    picker = window.page_by_key("welcome").language
    picker.setCurrentIndex(picker.findData(lang))
    picker.activated.emit(picker.currentIndex())
    qtbot.waitUntil(lambda: language.latest(window) is not window, timeout=5_000)
    new = language.latest(window)
    qtbot.addWidget(new)
    qtbot.waitExposed(new)
    return new


def _labels(window: SigninDoctorWindow, key: str) -> list[str]:
    page = window.page_by_key(key)
    return [w.text() for w in page.findChildren(QLabel) if w.isVisible() and w.text()]


def test_switching_to_japanese_and_back_rebuilds_every_word(
    qtbot, open_window, home, settings_file
):
    window = open_window(make_env(home), lab_target("https://localhost:9", free_port()))
    welcome = window.page_by_key("welcome")
    welcome.paste.setPlainText("Token exchange failed: error sending request for url")
    welcome.decode_now()
    assert welcome.title() == "Why can't I sign in to Codex?"

    ja = _switch(qtbot, window, "ja")
    assert language.current_language() == "ja" and settings_file.value("language") == "ja"
    welcome = ja.page_by_key("welcome")
    assert welcome.title() == "Codex にサインインできないのはなぜ？"
    assert ja.windowTitle() == "Sign-in Doctor"
    assert ja.button(W.NextButton).text() == "チェックを開始"
    assert ja.button(W.CancelButton).text() == "キャンセル"  # Qt's own words, from qtbase_ja
    assert welcome.language.currentData() == "ja" and welcome.language.currentText() == "日本語"
    # What was pasted stays, and its meaning is said again in Japanese.
    assert welcome.paste.toPlainText().startswith("Token exchange failed")
    welcome.decode_now()
    assert welcome.meaning.text().startswith("意味:") and JAPANESE.search(welcome.meaning.text())
    labels = _labels(ja, "welcome")
    assert "調べる内容:" in "\n".join(labels)
    assert not [t for t in labels if "sign in" in t.lower()], labels
    save_screen(ja, "language-welcome-ja")
    assert not window.isVisible()  # the English window is gone

    en = _switch(qtbot, ja, "en")
    assert language.current_language() == "en" and settings_file.value("language") == "en"
    assert en.page_by_key("welcome").title() == "Why can't I sign in to Codex?"
    assert en.button(W.CancelButton).text() == "Cancel"
    for old in (window, ja):
        assert old.shutdown(5.0)


def test_a_diagnosis_in_japanese_speaks_japanese_everywhere(
    qtbot, open_window, home, auth_server, settings_file, tmp_path
):
    language.install("ja")
    target = lab_target(auth_server.url, free_port())
    window = open_window(make_env(home), target, specs=REAL_SPECS)  # no CA: interception
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    verdict = window.verdict_page()
    assert window.session.diagnosis.verdict.cause == "tls_interception"
    assert verdict.headline.text() == "セキュリティソフトが安全な接続に割り込んでいます"
    assert verdict.summary.text().startswith("localhost への接続は")
    assert "次にすること:" in verdict.next_action.text()
    qtbot.waitUntil(verdict.primary_settled, timeout=10_000)
    assert verdict.primary.text() == "修正する"  # the certificate fix changes files itself
    details = verdict.details_view.toPlainText()
    assert "安全な接続（TLS）" in details and "Secure connection" not in details
    # The Checking page's rows: titles and summaries of the real checks.
    checking = window.page_by_key("checking")
    for row in checking.rows.values():
        assert JAPANESE.search(row.title.text()), row.title.text()
        assert JAPANESE.search(row.summary.text()), (row.title.text(), row.summary.text())
    save_screen(window, "language-verdict-ja")

    # The case file is written in the window's language; ids and keys stay English.
    document = window.case_draft.draft().document
    assert document["lang"] == "ja"
    assert document["verdict"]["cause"] == "tls_interception"
    assert document["verdict"]["title"] == "セキュリティソフトが安全な接続に割り込んでいます"
    assert [c["id"] for c in document["checks"]] == [s.id for s in REAL_SPECS]
    assert json.loads(json.dumps(document))["checks"][0]["title"] == "プロキシの設定"


def test_the_window_starts_in_the_remembered_language_else_the_systems(settings_file):
    assert language.startup_language() == language.system_language()
    settings_file.setValue("language", "ja")
    settings_file.sync()
    assert language.startup_language() == "ja"
    assert language.startup_language("en") == "en"  # --lang wins this once
    settings_file.setValue("language", "xx")  # not a language we have: ignored
    settings_file.sync()
    assert language.startup_language() == language.system_language()


def test_the_qt_catalog_is_used_and_the_ts_one_when_the_qm_is_missing(
    settings_file, monkeypatch, tmp_path
):
    from wizard.core.translations import catalog_path
    from wizard.ui.text import tr

    qm = catalog_path("ja", ".qm")
    if qm.exists():
        assert type(language._our_translator("ja")).__name__ == "QTranslator"
    monkeypatch.setattr(
        language,
        "catalog_path",
        lambda lang, suffix=".ts": (
            catalog_path(lang, suffix) if suffix == ".ts" else tmp_path / "missing.qm"
        ),
    )
    assert isinstance(language._our_translator("ja"), language._CatalogTranslator)
    language.install("ja")
    assert tr("Start checking") == "チェックを開始"
    language.install("en")
    assert tr("Start checking") == "Start checking"
