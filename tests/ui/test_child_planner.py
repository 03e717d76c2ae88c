"""The window on this computer (ThisComputerWindow) makes its fix plans in a real child
process of the same program (`plan --wire`), as it runs its checks: the same Fix page, no
cryptography, ssl or httpx in the window's process, and closing the window kills a child
still planning."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

from PySide6.QtCore import QProcess

from tests.e2e import free_port
from tests.helpers import lab_target, make_env
from tests.ui.scenarios import REAL_SPECS
from tests.ui.test_child_runner import HEAVY, _children, _open
from wizard.core.diagnose import diagnose
from wizard.ui.child_planner import ChildPlanner

WINDOW_TO_FIX = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QTimer
from wizard.core.profile import load_profile
from wizard.platform.system import system_environment
from wizard.ui.app import ThisComputerWindow, application, make_window
app = application()
profile = load_profile()
target = profile.target(sys.argv[1], int(sys.argv[2]))
window = make_window(system_environment(), profile, target, window_type=ThisComputerWindow)
fix = window.page_by_key("fix")
seen = {}

def when(condition, then):
    QTimer.singleShot(20, lambda: then() if condition() else when(condition, then))

def card(fix_id):
    found = fix.cards.get(fix_id)
    return {
        "pick": found is not None and found.pick is not None,
        "apply": found is not None and found.apply_button is not None,
    }

def heavy():
    return sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))

def applied():
    seen.update(after=window.session.diagnosis.verdict.cause, heavy_after_apply=heavy())
    app.quit()

def with_certificate():
    seen.update(with_file=card("ca-bundle"), page=window.current_key(), heavy=heavy())
    fix.cards["ca-bundle"].apply_button.click()
    when(lambda: not fix.is_busy(), applied)  # applied, then checked again (in a child)

def on_fix_page():
    seen.update(cause=window.session.diagnosis.verdict.cause, cards=sorted(fix.cards))
    seen.update(without_file=card("ca-bundle"))
    fix.use_certificate(Path(sys.argv[3]))
    when(fix.plans_ready, with_certificate)

def on_verdict():
    window.verdict_page().primary.click()  # "Fix it"
    when(fix.plans_ready, on_fix_page)

window.currentIdChanged.connect(
    lambda _id: window.current_key() == "verdict"
    and when(window.verdict_page().primary_settled, on_verdict)
)
window.show()
window.next()
QTimer.singleShot(90_000, app.quit)
app.exec()
window.shutdown(10.0)
print(json.dumps(seen))
"""


def test_the_window_shows_the_interception_fixes_without_crypto(
    home, pki, auth_server, proxy_factory, tmp_path
):
    """A real window on this computer (a fresh process) behind the lab's intercepting proxy,
    through to the Fix page: the certificate step, then - the organisation's root picked -
    the plan, applied and checked again; neither the plans nor the capture of the network's
    chain they need nor Apply bring cryptography, ssl, httpx or psutil into the window."""
    proxy = proxy_factory("intercept")
    env = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "CODEX_CA_CERTIFICATE": str(pki.ca_pem),
        "HTTPS_PROXY": proxy.url,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    code = f"HEAVY = {HEAVY!r}\n{WINDOW_TO_FIX}"
    args = [auth_server.url, str(free_port()), str(pki.corp_ca_pem)]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=150, env=env
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["cause"] == "tls_interception" and seen["page"] == "fix"
    assert seen["cards"][0] == "ca-bundle"
    assert seen["without_file"] == {"pick": True, "apply": False}
    assert seen["with_file"] == {"pick": False, "apply": True}
    assert seen["heavy"] == []
    # Apply writes the plan that came over the wire: the window needs no crypto for it.
    assert seen["after"] == "none"
    assert seen["heavy_after_apply"] == []


def _intercepted(home, pki, auth_server, proxy_factory):
    """The intercepted lab's diagnosis (made here, as the window's child would)."""
    proxy = proxy_factory("intercept")
    env = make_env(home, {"CODEX_CA_CERTIFICATE": str(pki.ca_pem), "HTTPS_PROXY": proxy.url})
    target = lab_target(auth_server.url, free_port())
    from wizard.core.profile import load_profile

    return env, target, diagnose(REAL_SPECS, env, load_profile(), target, 6.0)


def test_closing_the_window_kills_the_planning_child(
    qtbot, home, pki, auth_server, proxy_factory, silent_server
):
    env, target, diagnosis = _intercepted(home, pki, auth_server, proxy_factory)
    window = _open(qtbot, env, target)
    assert isinstance(window._planner, ChildPlanner)
    # Since the checks, the network stopped answering: the plan's capture of the chain waits.
    proxy = silent_server.url.replace("https://localhost", "http://127.0.0.1")
    window.session.env = make_env(home, {**env.vars, "HTTPS_PROXY": proxy})
    window.session.diagnosis = diagnosis
    ready = []
    window.plansReady.connect(lambda: ready.append(True))
    window.request_plans()
    ends = []  # how the child ended: killed is a crash exit, a plan made a normal one
    window._planner._child._process.finished.connect(lambda _code, how: ends.append(how))
    qtbot.waitUntil(lambda: len(_children("plan")) == 1, timeout=10_000)
    (child,) = _children("plan")
    window.close()
    qtbot.waitUntil(lambda: ends != [], timeout=5_000)
    assert ends == [QProcess.ExitStatus.CrashExit]
    assert not child.is_running() and not window._planner.is_running()
    assert ready == [] and window.session.planned is None
    assert window.shutdown(10.0)


def test_a_planning_child_that_breaks_leaves_the_fix_page_without_plans(
    qtbot, home, pki, auth_server, proxy_factory
):
    env, target, diagnosis = _intercepted(home, pki, auth_server, proxy_factory)
    # A callback port the command line refuses: the child ends at once with a usage error.
    window = _open(qtbot, env, replace(target, callback_ports=(0,)))
    window.session.diagnosis = diagnosis
    planner = window._planner
    with (
        qtbot.waitSignal(planner.failed, timeout=20_000) as failed,
        qtbot.waitSignal(window.plansReady, timeout=20_000),
    ):
        window.request_plans()
    assert "exit 2" in str(failed.args[0])
    assert window.plans_current() and window.session.planned == []
    assert window.shutdown(10.0)
