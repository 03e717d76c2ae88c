"""The Verdict page and its flow diagram over diagnoses built from hand-made check results
(the real rules decide the verdict), so every cause's drawing is tested without a lab."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime
from PySide6.QtWidgets import QLabel

from tests.helpers import AsFound, make_env
from tests.ui.conftest import save_screen
from tests.ui.japanese_words import broken_words
from wizard.core.findings import NOTHING
from wizard.core.i18n import Moment
from wizard.core.model import CheckResult, Diagnosis, FlowStep, Status
from wizard.core.profile import load_profile
from wizard.core.rules import decide
from wizard.report.document import to_document
from wizard.ui import language
from wizard.ui.line_breaking import WORD_JOINER, unphrased
from wizard.ui.pages.checking import plain_summary

TARGET = load_profile().target("https://localhost:9", callback_port=1455)
STARTED = "2026-12-03T15:29:24+02:00"  # 22:29 in Tokyo


def result(
    check_id: str,
    status: Status,
    summary: str = "",
    faults: tuple[str, ...] = (),
    **evidence: object,
) -> CheckResult:
    return CheckResult(
        check_id,
        check_id.replace("_", " ").title(),
        status,
        summary or f"{check_id} {status.value}",
        AsFound(evidence) if evidence else NOTHING,
        faults,
        5,
    )


def diagnosis_of(*results: CheckResult) -> Diagnosis:
    return Diagnosis(
        TARGET,
        results,
        decide(TARGET, results),
        datetime.now(UTC).replace(microsecond=0).isoformat(),
        10,
    )


HEALTHY_TOKEN_PATH = (
    result("proxy", Status.PASS),
    result("dns", Status.PASS),
    result("tcp", Status.PASS),
    result("tls", Status.PASS),
    result("openid", Status.PASS),
    result("token_endpoint", Status.PASS),
    result("clock", Status.PASS),
)


def show_verdict(qtbot, open_window, home, diagnosis: Diagnosis):
    window = open_window(make_env(home), TARGET, specs=())
    window.session.set_diagnosis(diagnosis)
    window.setStartId(window.page_id("verdict"))
    window.restart()
    page = window.verdict_page()
    qtbot.waitUntil(page.primary_settled, timeout=10_000)
    return window, page


def test_busy_port_marks_the_listener_and_keeps_the_token_exchange_ok(qtbot, open_window, home):
    busy = result(
        "callback_port",
        Status.FAIL,
        "Ports 1455 and 1457 are in use.",
        ("callback_ports_busy",),
        facts={"ports": "1455 and 1457", "holders": "both are held by othertool (pid 42)"},
    )
    window, page = show_verdict(qtbot, open_window, home, diagnosis_of(*HEALTHY_TOKEN_PATH, busy))
    states = {v.step: v.state for v in page.diagram.views()}
    assert states == {
        FlowStep.AUTHORIZE: "untested",
        FlowStep.CALLBACK: "untested",
        FlowStep.LISTENER: "fail",
        FlowStep.TOKEN_EXCHANGE: "ok",
        FlowStep.STORE: "untested",
    }
    assert page.headline.text() == "Another program holds the sign-in port"
    assert "othertool (pid 42)" in page.summary.text()
    assert page.primary.text() == "Show me how"  # port-release is steps for now, not a change
    assert "3. Codex receives the return: Problem here" in page.diagram.accessibleDescription()
    save_screen(window, "port-busy-3-verdict")


def test_keyboard_on_the_diagram_shows_a_steps_evidence(qtbot, open_window, home):
    busy = result(
        "callback_port",
        Status.FAIL,
        "Busy.",
        ("callback_ports_busy",),
        facts={"ports": "1455", "holders": "x"},
    )
    _window, page = show_verdict(qtbot, open_window, home, diagnosis_of(*HEALTHY_TOKEN_PATH, busy))
    page.diagram.setFocus()
    assert page.diagram.selected() == FlowStep.LISTENER
    with qtbot.waitSignal(page.diagram.stepClicked) as clicked:
        qtbot.keyClick(page.diagram, Qt.Key.Key_Right)
        qtbot.keyClick(page.diagram, Qt.Key.Key_Return)
    assert clicked.args == ["token_exchange"]
    assert page.details.is_open()
    text = page.details_view.toPlainText()
    assert "Step 4: Codex completes sign-in with OpenAI — OK" in text
    assert "[OK] Token Endpoint" in text

    with qtbot.waitSignal(page.diagram.stepClicked) as clicked:
        qtbot.keyClick(page.diagram, Qt.Key.Key_Left)
        qtbot.keyClick(page.diagram, Qt.Key.Key_Left)
        qtbot.keyClick(page.diagram, Qt.Key.Key_Space)
    assert clicked.args == ["callback"]
    assert "No check on this computer can test this step" in page.details_view.toPlainText()


def test_a_broken_check_shows_plain_words_and_keeps_the_exception_for_details(
    qtbot, open_window, home
):
    broken = result(
        "tls",
        Status.ERROR,
        "The check itself failed: ValueError: bad thing in _ssl.c:1006",
        exception="ValueError",
    )
    window, page = show_verdict(
        qtbot,
        open_window,
        home,
        diagnosis_of(*[r for r in HEALTHY_TOKEN_PATH if r.id != "tls"], broken),
    )
    assert window.session.diagnosis.verdict.cause == "unknown"
    main_view = " ".join([page.headline.text(), page.summary.text(), page.next_action.text()])
    assert "ValueError" not in main_view and "_ssl.c" not in main_view
    assert "Tls (could not check)" in page.summary.text()
    assert "ValueError: bad thing" in page.details_view.toPlainText()
    assert plain_summary(broken) == (
        "This check ran into a problem of its own. The details are in the report."
    )


def test_without_fixes_the_one_action_leads_to_the_share_page(qtbot, open_window, home):
    dns = result("dns", Status.FAIL, "Cannot find localhost.", ("dns_failure",))
    window, page = show_verdict(
        qtbot, open_window, home, diagnosis_of(result("proxy", Status.PASS), dns)
    )
    assert page.primary.text() == "Get help from your help desk"
    qtbot.mouseClick(page.primary, Qt.MouseButton.LeftButton)
    assert window.current_key() == "share"
    assert window.page_by_key("share").case.text() == window.session.case_id


@pytest.fixture
def in_tokyo(monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _in_window_locale(lang: str) -> str:
    """22:29 on 3 December 2026 as the window writes dates in `lang` (English follows the
    system's regional form, Japanese is 2026/12/03 22:29)."""
    wall_clock = QDateTime(QDate(2026, 12, 3), QTime(22, 29))
    return QLocale().toString(wall_clock, QLocale.FormatType.ShortFormat)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_logged_time_is_shown_in_the_users_locale_and_time_zone(
    qtbot, open_window, home, in_tokyo, lang
):
    no_answer = result(
        "codex_logs",
        Status.WARN,
        faults=("codex_log_no_answer",),
        facts={"log_file": "~/.codex/log/codex-login.log", "attempt_started": Moment(STARTED)},
    )
    language.install(lang)
    try:
        diagnosis = diagnosis_of(*HEALTHY_TOKEN_PATH, no_answer)
        _window, page = show_verdict(qtbot, open_window, home, diagnosis)
        text, shown = page.summary.text(), _in_window_locale(lang)
    finally:
        language.install("en")
    if lang == "ja":
        assert shown == "2026/12/03 22:29"
    assert shown in text and "UTC" not in text and STARTED not in text
    # the JSON (diagnose --json, the case file) keeps the time itself
    assert f'"attempt_started": "{STARTED}"' in json.dumps(to_document(diagnosis))


def test_japanese_step_labels_break_between_words_at_every_width(qtbot, open_window, home):
    language.install("ja")
    try:
        _window, page = show_verdict(qtbot, open_window, home, diagnosis_of(*HEALTHY_TOKEN_PATH))
        # the words on the page break between phrases too; the labels give their text as set
        drawn = QLabel.text(page.next_action)
        assert WORD_JOINER in drawn and WORD_JOINER not in page.next_action.text()
        assert page.next_action.text() == unphrased(drawn)
        diagram, layouts, wrapped = page.diagram, set(), 0
        for width in range(240, 1201, 8):
            diagram.resize(width, diagram.heightForWidth(width))
            for view in diagram.views():
                lines = diagram.label_lines(view.step)
                assert broken_words(lines) == [], (width, lines)
                wrapped += len(lines) > 1
            layouts.add(diagram.vertical)
    finally:
        language.install("en")
    assert layouts == {False, True}  # side by side and stacked were both laid out
    assert wrapped  # and labels did wrap: at phrase boundaries only


def test_under_the_verdict_what_was_checked_in_plain_words(qtbot, open_window, home):
    busy = result(
        "callback_port",
        Status.FAIL,
        "Ports 1455 and 1457 are in use.",
        ("callback_ports_busy",),
        facts={"ports": "1455 and 1457", "holders": "both are held by othertool"},
    )
    logs = result("codex_logs", Status.WARN, "The last sign-in failed while sending the code.")
    editor = result("ide_settings", Status.SKIP, "No editor found.")
    diagnosis = diagnosis_of(*HEALTHY_TOKEN_PATH, busy, logs, editor)
    window, page = show_verdict(qtbot, open_window, home, diagnosis)
    checked = page.checked
    assert checked.heading.text() == "What was checked (10 checks)"
    # the port is the verdict's own sentence; the log's warning is said only here
    assert [(r.check_id, r.summary.text()) for r in checked.rows] == [
        ("codex_logs", "The last sign-in failed while sending the code.")
    ]
    assert checked.worked.text() == (
        "Worked: Proxy, Dns, Tcp, Tls, Openid, Token Endpoint and Clock."
    )
    assert checked.unchecked.text() == "Not checked: Ide Settings."
    assert all(r.focusPolicy() == Qt.FocusPolicy.NoFocus for r in checked.rows)
    save_screen(window, "verdict-what-was-checked")
