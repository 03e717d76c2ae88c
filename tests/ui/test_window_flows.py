"""The real pages, driven like a user, against the lab: the real check catalog, real
loopback servers, real processes holding ports."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWizard

from tests.e2e import free_port
from tests.helpers import make_env
from tests.lab.port_holder import hold_port
from tests.ui.conftest import save_screen
from wizard.core.model import FlowStep, Status
from wizard.core.profile import load_profile

VERDICT_TIMEOUT_MS = 30_000


def lab_target(url: str, port: int | None = None):
    return load_profile().target(url, callback_port=port or free_port())


def start(qtbot, window) -> None:
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def run_to_verdict(qtbot, window) -> None:
    start(qtbot, window)
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)


def states(window) -> dict[FlowStep, str]:
    return {v.step: v.state for v in window.verdict_page().diagram.views()}


def test_healthy_run_ends_on_a_clean_verdict(qtbot, open_window, home, pki, auth_server):
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    window = open_window(env, lab_target(auth_server.url))
    save_screen(window, "healthy-1-welcome")
    start(qtbot, window)
    checking = window.page_by_key("checking")
    qtbot.waitUntil(lambda: checking.progress.value() >= 3, timeout=VERDICT_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    window.back()  # the Checking page keeps the finished rows
    save_screen(window, "healthy-2-checking")
    window.next()

    verdict = window.session.diagnosis.verdict
    assert verdict.cause == "none"
    page = window.verdict_page()
    assert page.headline.text() == "Nothing wrong found on this computer"
    assert page.case.text() == f"Case {window.session.case_id}"
    step_states = states(window)
    assert "fail" not in step_states.values()
    assert step_states[FlowStep.TOKEN_EXCHANGE] == "ok"
    # a free port is ready, not OK: nothing went through it
    assert step_states[FlowStep.LISTENER] == "ready"
    assert step_states[FlowStep.AUTHORIZE] == "untested"
    # the picture and the case file use the same words
    listener = page.steps.buttons[2].text()
    assert listener == "Step 3 of 5: Codex receives the return — Ready"
    from wizard.report.markdown import render_markdown

    saved = render_markdown(window.case_draft.draft().document)
    assert "3. Codex receives the return: ○ Ready" in saved
    assert page.primary.text() == "Show me how"
    save_screen(window, "healthy-3-verdict")
    assert any(r[1] == "/oauth/token" for r in auth_server.requests)

    qtbot.mouseClick(page.primary, Qt.MouseButton.LeftButton)
    assert window.current_key() == "fix"
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    assert list(fix.cards) == ["status-page", "device-auth"]
    save_screen(window, "healthy-4-fix")
    window.next()
    assert window.current_key() == "share"
    save_screen(window, "healthy-5-share")


def _table_rows(view) -> list[list[str]]:
    """The cells of the first table in a QTextBrowser, row by row, as plain text."""
    from PySide6.QtGui import QTextCursor, QTextTable

    cursor = QTextCursor(view.document())
    while not cursor.atEnd():
        table = cursor.currentTable()
        if isinstance(table, QTextTable):
            return [
                [_cell_text(table, r, c) for c in range(table.columns())]
                for r in range(table.rows())
            ]
        cursor.movePosition(QTextCursor.MoveOperation.NextBlock)
    return []


def _cell_text(table, row: int, column: int) -> str:
    from PySide6.QtGui import QTextCursor

    cell = table.cellAt(row, column)
    cursor = cell.firstCursorPosition()
    cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2028", "\n").strip()


def test_intercepted_run_highlights_the_token_exchange_and_names_the_issuer(
    qtbot, open_window, home, pki, auth_server, proxy_factory
):
    proxy = proxy_factory("intercept")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})
    window = open_window(env, lab_target(auth_server.url))
    run_to_verdict(qtbot, window)

    verdict = window.session.diagnosis.verdict
    assert (verdict.cause, verdict.flow_step) == ("tls_interception", FlowStep.TOKEN_EXCHANGE)
    page = window.verdict_page()
    assert states(window)[FlowStep.TOKEN_EXCHANGE] == "fail"
    assert "Contoso Inspection Root" in page.summary.text()
    assert page.diagram.selected() == FlowStep.TOKEN_EXCHANGE
    save_screen(window, "intercept-3-verdict")

    # Clicking the failing step opens Details with the checks that prove it.
    rect = page.diagram.step_rect(FlowStep.TOKEN_EXCHANGE)
    qtbot.mouseClick(page.diagram, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert page.details.is_open()
    details = page.details_view.toPlainText()
    assert "Step 4" in details and "Problem here" in details
    assert "Secure connection" in details and "Contoso Inspection Root" in details
    # The trust differential is a table to read, not raw data: every set with its answer,
    # Codex's own last.
    assert "Who trusts the connection to the sign-in server" in details
    assert "matrix:" not in details and '"trusted"' not in details
    rows = _table_rows(page.details_view)
    assert rows[0] == ["Certificates", "Trusted?", "Why not"]
    labels = [r[0].splitlines()[0] for r in rows[1:]]
    assert labels[0] == "This computer's certificate store"
    assert labels[1] == "Public roots (certifi, used by Python tools)"
    assert labels[-1] == "What Codex trusts with your settings"
    assert all(r[1] == "✖ No" for r in rows[1:]), rows  # nobody trusts the inspection root
    assert all(r[2] for r in rows[1:])  # and each says why not
    save_screen(window, "intercept-3-verdict-details")

    qtbot.mouseClick(page.primary, Qt.MouseButton.LeftButton)
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    assert next(iter(fix.cards)) == "ca-bundle"
    save_screen(window, "intercept-4-fix")

    # The root is not in this computer's store: IT hands over the file, the person picks it
    # (the CLI's --extra-ca), the fix becomes one click, and the re-check proves it.
    assert not fix.cards["ca-bundle"].planned.automatic
    fix.use_certificate(pki.corp_ca_pem)
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    card = fix.cards["ca-bundle"]
    assert card.planned.automatic and card.apply_button is not None
    save_screen(window, "intercept-4-fix-with-certificate")
    qtbot.mouseClick(card.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not fix.is_busy(), timeout=VERDICT_TIMEOUT_MS)
    assert window.session.env.get("CODEX_CA_CERTIFICATE") != str(pki.ca_pem)
    assert window.session.diagnosis.verdict.cause == "none", card.result.text()
    save_screen(window, "intercept-4-fix-applied")
    window.next()
    save_screen(window, "intercept-5-share")


def test_port_held_by_wslrelay_highlights_the_listener(qtbot, open_window, home, pki, auth_server):
    port = free_port()
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    with hold_port(port, name="wslrelay") as holder:
        window = open_window(env, lab_target(auth_server.url, port))
        run_to_verdict(qtbot, window)
    verdict = window.session.diagnosis.verdict
    assert (verdict.cause, verdict.flow_step) == ("wsl_relay", FlowStep.LISTENER)
    page = window.verdict_page()
    step_states = states(window)
    assert step_states[FlowStep.LISTENER] == "fail"
    assert step_states[FlowStep.TOKEN_EXCHANGE] == "ok"  # the network itself is fine (seed 000)
    assert "wslrelay" in page.summary.text() and f"pid {holder.pid}" not in page.summary.text()
    save_screen(window, "wslrelay-3-verdict")
    qtbot.mouseClick(page.primary, Qt.MouseButton.LeftButton)
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    assert next(iter(fix.cards)) == "ide-wsl-off"
    card = fix.cards["ide-wsl-off"]
    assert "chatgpt.runCodexInWindowsSubsystemForLinux" in [
        f.field.text() for f in card.copy_fields
    ]
    save_screen(window, "wslrelay-4-fix")


def test_cancel_against_a_silent_server_returns_control(qtbot, open_window, home, silent_server):
    env = make_env(home)
    window = open_window(env, lab_target(silent_server.url), timeout_s=5.0)
    start(qtbot, window)
    checking = window.page_by_key("checking")
    # Wait until the secure connection hangs on the silent server.
    qtbot.waitUntil(lambda: checking.rows["tls"].word.text() == "Checking…", timeout=10_000)
    save_screen(window, "silent-2-checking")
    with qtbot.waitSignal(window.runner.cancelled, timeout=10_000):
        qtbot.mouseClick(checking.stop_button, Qt.MouseButton.LeftButton)
    assert not window.runner.is_running()
    assert checking.again_button.isVisible() and not checking.stop_button.isVisible()
    assert checking.rows["tls"].status is Status.SKIP
    assert checking.rows["tls"].summary.text() == "Stopped before it finished."
    assert checking.progress.text().startswith("Stopped after ")
    assert "Stopped" in checking.state.text()
    save_screen(window, "silent-2-checking-stopped")
    assert window.button(QWizard.WizardButton.BackButton).isEnabled()
    qtbot.mouseClick(window.button(QWizard.WizardButton.BackButton), Qt.MouseButton.LeftButton)
    assert window.current_key() == "welcome"

    # The window's own Cancel (and Escape) stops a running check instead of closing.
    start(qtbot, window)
    qtbot.waitUntil(lambda: checking.rows["tls"].word.text() == "Checking…", timeout=10_000)
    with qtbot.waitSignal(window.runner.cancelled, timeout=1000):
        qtbot.mouseClick(
            window.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton
        )
    assert window.isVisible() and window.current_key() == "checking"

    # The title bar's close button closes even while checking.
    qtbot.mouseClick(checking.again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.runner.is_running, timeout=2000)
    assert window.close()
    assert not window.isVisible()


def test_share_writes_a_report_without_secrets(
    qtbot, open_window, home, pki, auth_server, proxy_factory, tmp_path
):
    password = "s3cr3t-Pa55word"
    proxy = proxy_factory("auth", credentials=("alice", password))
    proxy_url = proxy.url.replace("http://", f"http://alice:{password}@")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy_url})
    window = open_window(env, lab_target(auth_server.url))
    pasted = (
        "GET http://localhost:1455/auth/callback?code=ac_SECRETcode0123456789&state=st4te0987\n"
        "Token exchange failed: error sending request for url (https://auth.openai.com/oauth/token)"
    )
    welcome = window.page_by_key("welcome")
    welcome.paste.setPlainText(pasted)
    qtbot.waitUntil(welcome.meaning.isVisible, timeout=2000)
    run_to_verdict(qtbot, window)
    window.next()  # Verdict's "Share…"
    assert window.current_key() == "share"
    share = window.page_by_key("share")
    out = tmp_path / "out"
    share.folder.setText(str(out))
    save_screen(window, "share-5-share")

    qtbot.mouseClick(share.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: share.saved.isVisible() and not share.is_saving(), timeout=10_000)
    qtbot.mouseClick(share.picture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(share.files) == 4 and not share.is_saving(), timeout=10_000)
    qtbot.mouseClick(share.copy_button, Qt.MouseButton.LeftButton)

    case_id = window.session.case_id
    folder = out / f"Sign-in Doctor {case_id}"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["report.json", "report.html", "report.md", f"sign-in-doctor-{case_id}.png"]
    )
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["case_id"] == case_id
    assert report["decoded_error"]
    clipboard = QGuiApplication.clipboard().text()
    assert case_id in clipboard
    for text in [*(p.read_text(encoding="utf-8") for p in folder.glob("report.*")), clipboard]:
        for secret in (password, "ac_SECRETcode0123456789", "st4te0987", str(home)):
            assert secret not in text
    picture = share.verdict_picture()
    card = window.verdict_page().card
    assert window.verdict_page().case.text() == f"Case {case_id}"
    assert card.isAncestorOf(window.verdict_page().case)
    assert (
        picture.width() >= card.width()
        and Path(folder / f"sign-in-doctor-{case_id}.png").stat().st_size > 1000
    )
