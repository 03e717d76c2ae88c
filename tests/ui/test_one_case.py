"""One case from start to end: the case number stays the same across the fix and the check
after it, and the saved report tells what happened (first verdict, the fix with what it
changed, the verdict after); after saving, "Open folder" shows where it is."""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from tests.ui.conftest import save_screen
from tests.ui.scenarios import VERDICT_TIMEOUT_MS, open_world, stale_proxy_world


class FileManager(QObject):
    """Stands in for the system's file manager: remembers what it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.opened.append(url)


def test_one_case_from_the_first_verdict_through_the_fix_to_the_report(
    qtbot, open_window, home, pki, auth_server, tmp_path
):
    world = stale_proxy_world(home, pki, auth_server)
    window = open_world(open_window, world)
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    case_id = window.session.case_id
    assert window.session.diagnosis.verdict.cause == "proxy_unreachable"

    window.verdict_page().act()
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    qtbot.mouseClick(fix.cards["proxy-env-repair"].apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not fix.is_busy(), timeout=VERDICT_TIMEOUT_MS)
    assert window.session.diagnosis.verdict.cause == "none"
    assert window.session.case_id == case_id  # the same case after the fix and its check
    assert window.verdict_page().case.text() == f"Case {case_id}"

    window.next()
    share = window.page_by_key("share")
    assert share.case.text() == case_id
    assert not share.open_button.isVisible()
    share.folder.setText(str(tmp_path / "out"))
    qtbot.mouseClick(share.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: share.saved.isVisible() and not share.is_saving(), timeout=10_000)
    assert share.open_button.isVisible() and share.open_button.hasFocus()
    save_screen(window, "one-case-5-share-saved")

    folder = tmp_path / "out" / f"Sign-in Doctor {case_id}"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["case_id"] == case_id
    events = [(e["event"], e.get("cause") or e.get("fix")) for e in report["timeline"]]
    assert events == [
        ("verdict", "proxy_unreachable"),
        ("fix", "proxy-env-repair"),
        ("verdict", "none"),
    ]
    assert report["timeline"][1]["changed_files"] == ["~/.bashrc"]
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    story = markdown.split("## What happened in this case\n\n", 1)[1].split("\n\n", 1)[0]
    assert story.splitlines() == [
        "1. First check: Codex is told to use a proxy that is not there",
        "2. Fix applied: Remove or correct the stale proxy setting (changed ~/.bashrc and "
        "removed HTTPS\\_PROXY)",
        "3. Checked again: Nothing wrong found on this computer",
    ]
    assert "What happened in this case" in (folder / "report.html").read_text(encoding="utf-8")
    for secret in world.secrets:
        assert secret not in markdown

    manager = FileManager()
    QDesktopServices.setUrlHandler("file", manager, "show")
    try:
        qtbot.mouseClick(share.open_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in manager.opened] == [str(folder)]
