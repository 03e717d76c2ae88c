"""Run history in the window: every diagnosis and the re-check after a fix are kept
(redacted, capped), and the Share page shows the before and after of the fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from tests.ui.conftest import save_screen
from tests.ui.scenarios import VERDICT_TIMEOUT_MS, fake_world, open_world, stale_proxy_world
from tests.ui.test_verdict_page import diagnosis_of
from wizard.app.session import cause_title
from wizard.report.history import KEEP, history_dir, run_files, run_record, save_run
from wizard.ui.text import ltext


def test_a_fix_shows_before_and_after_on_the_share_page(qtbot, open_window, home, pki, auth_server):
    world = stale_proxy_world(home, pki, auth_server)
    folder = history_dir(world.env)
    # Older runs from earlier days fill the history to its cap.
    old = run_record(diagnosis_of(), "SD-0000-0000", now=datetime(2026, 1, 1, tzinfo=UTC))
    for n in range(KEEP):
        record = dict(old, case_id=f"SD-0000-{n:04d}")
        record["saved_at"] = (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)).isoformat(
            timespec="microseconds"
        )
        save_run(folder, record)
    oldest = run_files(folder)[:2]

    window = open_world(open_window, world)
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    before_case = window.session.case_id
    assert window.session.diagnosis.verdict.cause == "proxy_unreachable"
    window.verdict_page().act()
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    card = fix.cards["proxy-env-repair"]
    qtbot.mouseClick(card.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not fix.is_busy(), timeout=VERDICT_TIMEOUT_MS)
    assert window.session.diagnosis.verdict.cause == "none", card.result.text()
    window.next()
    share = window.page_by_key("share")
    view = share.before_after
    assert view.isVisible()
    problem = ltext(cause_title("proxy_unreachable"))
    assert view.before.text() == f"Before the fix: Problem — {problem}"
    assert view.after.text() == "After the fix: OK — Nothing wrong found on this computer"
    assert "Proxy settings: Problem → OK" in view.changes.text()
    assert view.accessibleDescription().startswith(view.before.text())
    save_screen(window, "history-5-share-before-after")

    # Both runs are on disk (written off the GUI thread), redacted; the cap holds.
    qtbot.waitUntil(window.history.is_idle, timeout=10_000)
    files = run_files(folder)
    assert len(files) == KEEP
    assert not any(p.exists() for p in oldest)
    mine = [json.loads(p.read_text(encoding="utf-8")) for p in files[-2:]]
    assert [(r["case_id"], r["trigger"], r["fix"]) for r in mine] == [
        (before_case, "check", None),
        (window.session.case_id, "fix", "proxy-env-repair"),
    ]
    assert [r["verdict"]["cause"] for r in mine] == ["proxy_unreachable", "none"]
    for path in files[-2:]:
        text = path.read_text(encoding="utf-8")
        for secret in world.secrets:
            assert secret not in text, (path.name, secret)


def test_a_later_check_compares_with_the_last_one_and_history_survives_a_restart(
    qtbot, open_window, home
):
    world = fake_world(home)
    window = open_world(open_window, world)
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    window.next()
    share = window.page_by_key("share")
    assert not share.before_after.isVisible()  # the first run has nothing to compare with
    qtbot.waitUntil(window.history.is_idle, timeout=10_000)
    assert window.shutdown(5.0)
    window.close()

    again = open_world(open_window, world)  # a new window reads the stored runs
    qtbot.waitUntil(again.history.is_idle, timeout=10_000)
    assert len(again.history.runs) == 1
    again.next()
    qtbot.waitUntil(lambda: again.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    again.next()
    view = again.page_by_key("share").before_after
    assert view.isVisible()
    assert view.before.text().startswith("Last time (")
    assert view.after.text().startswith("Now: Problem — ")
    assert view.changes.text() == ""  # nothing changed between the two runs
    for path in run_files(history_dir(world.env)):
        text = path.read_text(encoding="utf-8")
        for secret in world.secrets:
            assert secret not in text
