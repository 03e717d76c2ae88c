"""The window on this computer (ThisComputerWindow, as `python -m wizard` opens it) runs its
checks in a real child process of the same program, against the lab: the same pages, the
same verdict, and Stop kills the child instead of leaving checks running in the background."""

from __future__ import annotations

import json
import subprocess
import sys

import psutil
from PySide6.QtCore import Qt

from tests.e2e import free_port, own_process_table
from tests.helpers import make_env
from tests.ui.test_window_flows import VERDICT_TIMEOUT_MS, lab_target, start
from wizard.core.i18n import Text
from wizard.core.model import Status
from wizard.core.profile import load_profile
from wizard.ui import child_process
from wizard.ui.app import ThisComputerWindow, application, make_window
from wizard.ui.child_runner import ChildDiagnosisRunner


def _open(qtbot, env, target, timeout_s: float = 4.0):
    application()
    window = make_window(env, load_profile(), target, None, timeout_s, ThisComputerWindow)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _children(command: str = "diagnose") -> list[psutil.Process]:
    return [p for p in psutil.Process().children() if command in p.cmdline()]


def _in_own_process_table(monkeypatch) -> None:
    """The child lists only the programs it starts (tests/e2e.py own_process_table): not an
    account switcher another test run on this machine has running."""
    command = child_process.this_program

    def isolated(args):
        program, argv = command(args)
        first, *rest = own_process_table([program, *argv])
        return first, rest

    monkeypatch.setattr(child_process, "this_program", isolated)


def test_a_healthy_run_in_the_child_ends_on_the_clean_verdict(
    qtbot, home, pki, auth_server, monkeypatch
):
    _in_own_process_table(monkeypatch)
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)})
    window = _open(qtbot, env, lab_target(auth_server.url))
    assert isinstance(window.runner, ChildDiagnosisRunner)
    # What the user pasted reaches the child (on its stdin).
    window.page_by_key("welcome").paste.setPlainText("some words Sign-in Doctor never saw")
    start(qtbot, window)
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    diagnosis = window.session.diagnosis
    assert diagnosis.verdict.cause == "none"
    assert window.verdict_page().headline.text() == "Nothing wrong found on this computer"
    assert isinstance(diagnosis.checks[0].summary, Text)  # still translatable in the window
    checking = window.page_by_key("checking")
    assert checking.progress.value() == checking.progress.maximum() == len(diagnosis.checks)
    assert any(r[1] == "/oauth/token" for r in auth_server.requests)
    pasted = diagnosis.result("pasted_error")
    assert pasted.summary.template.startswith("Sign-in Doctor does not know the pasted message")
    assert window.shutdown(10.0)


def test_stop_kills_the_child(qtbot, home, silent_server):
    window = _open(qtbot, make_env(home), lab_target(silent_server.url), timeout_s=5.0)
    start(qtbot, window)
    checking = window.page_by_key("checking")
    qtbot.waitUntil(lambda: checking.rows["tls"].word.text() == "Checking…", timeout=10_000)
    (child,) = _children()
    with qtbot.waitSignal(window.runner.cancelled, timeout=5_000):
        qtbot.mouseClick(checking.stop_button, Qt.MouseButton.LeftButton)
    assert not window.runner.is_running()
    assert not child.is_running()
    assert checking.rows["tls"].status is Status.SKIP
    assert checking.rows["tls"].summary.text() == "Stopped before it finished."
    assert checking.progress.text().startswith("Stopped after ")
    assert checking.again_button.isVisible() and not checking.stop_button.isVisible()
    assert window.shutdown(10.0)


def test_a_child_that_breaks_is_reported_as_not_finished(qtbot, home, silent_server):
    # A time budget the command line refuses: the child ends at once with a usage error.
    window = _open(qtbot, make_env(home), lab_target(silent_server.url), timeout_s=0.0)
    with qtbot.waitSignal(window.runner.failed, timeout=10_000) as failed:
        start(qtbot, window)
    assert "exit 2" in str(failed.args[0])
    checking = window.page_by_key("checking")
    assert checking.state.text().startswith("Sign-in Doctor could not finish checking.")
    assert checking.again_button.isVisible()
    assert window.shutdown(10.0)


# What the checks need and the window does not: they stay in the child's process.
HEAVY = ("cryptography", "OpenSSL", "ssl", "_ssl", "httpx", "httpcore", "psutil", "certifi")
# OpenSSL's libcrypto (3.5 MB): of the window's own work, only Apply's journal needs it.
UNTIL_APPLY = ("_hashlib",)

WINDOW_TO_VERDICT = """
import json, sys
from pathlib import Path
from wizard.core.profile import load_profile
from wizard.platform.system import system_environment
from wizard.ui.app import ThisComputerWindow, application, make_window, run_unattended
app = application()
profile = load_profile()
target = profile.target(sys.argv[1], int(sys.argv[2]))
window = make_window(system_environment(), profile, target, window_type=ThisComputerWindow)
seen = {}
def done(code):
    diagnosis = window.session.diagnosis
    seen.update(
        page=window.current_key(),
        checks=len(diagnosis.checks) if diagnosis else 0,
        plans=window.plans_current(),
        heavy=sorted(m for m in sys.modules if m.split(".")[0] in HEAVY),
    )
    app.quit()
window.show()
run_unattended(window, Path(sys.argv[3]), done)
app.exec()
window.shutdown(10.0)
print(json.dumps(seen))
"""


def test_the_window_reaches_the_verdict_without_the_checks_network_and_crypto(
    home, pki, auth_server, tmp_path
):
    """A real window on this computer (a fresh process, as `python -m wizard --screenshot`
    runs it): its checks run in one child, the verdict's fix plans in another; neither
    brings cryptography, pyOpenSSL, ssl, httpx, psutil or OpenSSL's libcrypto into the
    window's process."""
    env = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "CODEX_CA_CERTIFICATE": str(pki.ca_pem),
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    code = f"HEAVY = {HEAVY + UNTIL_APPLY!r}\n{WINDOW_TO_VERDICT}"
    args = [auth_server.url, str(free_port()), str(tmp_path / "verdict.png")]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["page"] == "verdict" and seen["plans"]
    assert seen["checks"] > 20  # the whole catalog ran (in the child)
    assert seen["heavy"] == []
