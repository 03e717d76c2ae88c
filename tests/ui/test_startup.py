"""Start-up stays light (DESIGN budgets): the window is made and shown without the network,
crypto and report stacks, without psutil, and with only the Welcome page's content; the
other pages make theirs when they are first needed."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

from PySide6.QtWidgets import QLabel

from tests.ui.scenarios import fake_world, open_world

NOT_AT_START = (
    "ssl",
    "_ssl",
    "hashlib",
    "_hashlib",
    "psutil",
    "cryptography",
    "OpenSSL",
    "httpx",
    "certifi",
    "json5",
    "regex",
    "socket",
    "subprocess",
    "PySide6.QtSvg",
)

SCRIPT = """
import json, sys
from wizard.ui.app import application, make_window
from wizard.core.profile import load_profile
from wizard.platform.system import system_environment
app = application()
profile = load_profile()
window = make_window(system_environment(), profile, profile.target(None, None))
window.show()
app.processEvents()
loaded = sorted(
    m for m in sys.modules
    if m in NOT_AT_START or m.split(".")[0] in NOT_AT_START
    or m.startswith(("wizard.checks.", "wizard.report.", "wizard.fixes."))
)
built = [key for key in ("welcome", "checking", "verdict", "fix", "share")
         if window.page_by_key(key).is_built()]
print(json.dumps({"loaded": loaded, "built": built}))
window.shutdown(5.0)
"""


def test_the_window_shows_without_the_heavy_stacks_and_builds_only_the_first_page(home):
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    code = f"NOT_AT_START = {NOT_AT_START!r}\n{SCRIPT}"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"loaded": [], "built": ["welcome"]}


def test_reading_a_page_that_was_never_shown_makes_its_content(qtbot, open_window, home):
    window = open_world(open_window, fake_world(home))
    share = window.page_by_key("share")
    assert not share.is_built()
    assert share.save_button.text() == "Save report"  # made on first use
    assert share.is_built()
    fix = window.page_by_key("fix")
    assert not fix.is_built()
    labels = [w.text() for w in fix.findChildren(QLabel)]  # looking inside makes it too
    assert fix.is_built() and "Preparing the steps…" in labels


def test_qt_messages_go_to_the_programs_log(caplog):
    from PySide6.QtCore import QtMsgType

    from wizard.ui.app import qt_message

    with caplog.at_level(logging.DEBUG, logger="wizard.qt"):
        qt_message(QtMsgType.QtWarningMsg, None, "QFont::setPointSize: Point size <= 0")
        qt_message(QtMsgType.QtDebugMsg, None, "loaded plugin")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "qt: QFont::setPointSize: Point size <= 0"),
        ("DEBUG", "qt: loaded plugin"),
    ]


def test_a_long_session_of_void_qt_calls_does_not_use_up_none():
    """PySide6 6.12 takes one of None's references per void call on Python 3.11 (see
    wizard/ui/__init__.py): far more calls than None has references must not end the window."""
    script = (
        "import wizard.ui\n"
        "from PySide6.QtCore import QObject\n"
        "o = QObject()\n"
        "for _ in range(200_000): o.setObjectName('x')\n"
        "print('alive')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "alive"), done.stderr[-500:]
