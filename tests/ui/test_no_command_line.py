"""No command-line text on a main screen: every lab fault walked from the verdict through the
fix (applied when it is one click, with the consent a person gives) to the last page, in
English and Japanese, and no `--flag` is visible anywhere outside a closed Details. Each page
(Welcome and Checking too) is saved as a picture (artifacts/screens/walk-*) to look at, at any
QT_SCALE_FACTOR."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.checks.test_wsl_network import wsl_env
from tests.e2e import free_port
from tests.helpers import make_env
from tests.lab.port_holder import hold_port
from tests.ui.conftest import save_screen
from tests.ui.scenarios import open_world, settles_unclipped, stale_proxy_world
from tests.ui.test_fix_page import cursor_in_wsl
from tests.ui.test_fix_to_done import FLAG, assert_no_command_line, click, wait_done
from tests.ui.test_window_flows import lab_target, run_to_verdict
from wizard.ui import language
from wizard.ui.line_breaking import WORD_JOINER

Opened = Callable[[], object]


@contextlib.contextmanager
def fault(
    name: str, open_window, home, lab_home, pki, auth_server, proxy_factory, silent_server
) -> Iterator:
    """The window over one lab fault (its port holders live for the `with` block)."""
    trusted = {"CODEX_CA_CERTIFICATE": str(pki.ca_pem)}
    port = free_port()
    if name == "stale-proxy":
        yield open_world(open_window, stale_proxy_world(home, pki, auth_server))
    elif name == "intercept":
        proxy = proxy_factory("intercept")
        env = make_env(home, {**trusted, "HTTPS_PROXY": proxy.url})
        yield open_window(env, lab_target(auth_server.url, port))
    elif name == "busy":
        with hold_port(port, name="othertool"), hold_port(1457, name="othertool"):
            yield open_window(make_env(home, trusted), lab_target(auth_server.url, port))
    elif name == "wslrelay":
        with hold_port(port, name="wslrelay"):
            yield open_window(make_env(home, trusted), lab_target(auth_server.url, port))
    elif name == "reload":
        _settings, env = cursor_in_wsl(home, lab_home, pki)
        with hold_port(port, name="wslrelay"):
            yield open_window(env, lab_target(auth_server.url, port))
    elif name == "wsl-mtu":  # inside WSL behind a narrower VPN: TCP connects, TLS stalls
        env, _runner = wsl_env(home, home.parent)
        yield open_window(env, lab_target(silent_server.url, port))
    else:
        yield open_window(make_env(home, trusted), lab_target(auth_server.url, port))


def shot(qtbot, window, name: str, lang: str = "", page: str = "") -> None:
    assert_no_command_line(window)
    settles_unclipped(qtbot, window)
    qtbot.wait(50)  # (the picture: after the layouts settled, as a person sees it)
    lang = lang or language.current_language()
    save_screen(window, f"walk-{name}-{page or window.current_key()}-{lang}")


def checked(window, name: str, lang: str) -> None:
    """The Checking page the moment its checks are done (it moves on by itself)."""
    assert_no_command_line(window)
    save_screen(window, f"walk-{name}-checking-{lang}")


def apply_first(qtbot, window, fix, pki) -> bool:
    """Apply the best fix when it is one click (choosing IT's certificate first)."""
    card = next(iter(fix.cards.values()))
    if card.pick is not None:
        fix.use_certificate(pki.corp_ca_pem)
        qtbot.waitUntil(fix.plans_ready, timeout=10_000)
        card = next(iter(fix.cards.values()))
    if card.apply_button is None:
        return False
    click(qtbot, card.apply_button)
    if card.planned.consent:
        qtbot.waitUntil(lambda: getattr(fix, "consent_box", None) is not None, timeout=5000)
        box = fix.consent_box
        qtbot.waitUntil(box.isVisible, timeout=5000)
        assert not FLAG.search(box.text() + box.informativeText())
        if language.current_language() == "ja":  # its Japanese words are held together too
            assert WORD_JOINER in box.text() and WORD_JOINER in box.informativeText()
        save_screen(box, f"walk-consent-{language.current_language()}")
        [end] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
        end.click()
    wait_done(qtbot, fix)
    return True


# Where each walk ends: Done after a one-click fix that worked; Share (the case file) where
# nothing was wrong or the fix needs the person (the WSL relay's lasting fix, an editor reload).
LAST_PAGE = {
    "healthy": "share",
    "stale-proxy": "done",
    "intercept": "done",
    "busy": "done",
    "wslrelay": "share",
    "reload": "share",
    "wsl-mtu": "share",
}


@pytest.fixture
def lang(request) -> Iterator[str]:
    language.install(request.param)
    yield request.param
    language.install("en")


@pytest.mark.parametrize("lang", ["en", "ja"], indirect=True)
@pytest.mark.parametrize(
    "name", ["healthy", "stale-proxy", "intercept", "busy", "wslrelay", "reload", "wsl-mtu"]
)
def test_every_page_of_every_lab_fault_has_no_command_line_text(
    qtbot, open_window, home, lab_home, pki, auth_server, proxy_factory, silent_server, name, lang
):
    world = (home, lab_home, pki, auth_server, proxy_factory, silent_server)
    with fault(name, open_window, *world) as window:
        shot(qtbot, window, name, lang)
        checking = window.page_by_key("checking")
        checking.runFinished.connect(lambda _d: checked(window, name, lang))  # all rows done
        run_to_verdict(qtbot, window)
        if name == "wsl-mtu":
            assert window.session.diagnosis.verdict.cause == "wsl_network"
        verdict = window.verdict_page()
        qtbot.waitUntil(verdict.primary_settled, timeout=10_000)
        shot(qtbot, window, name, lang)
        click(qtbot, verdict.primary)
        fix = window.page_by_key("fix")
        if window.current_key() == "fix":
            qtbot.waitUntil(fix.plans_ready, timeout=10_000)
            shot(qtbot, window, name, lang)
            applied = apply_first(qtbot, window, fix, pki)
            if applied:
                shot(qtbot, window, name, lang, "fix-applied")
                window.back()
                shot(qtbot, window, name, lang, "verdict-after")
    after = window.session.after_fix
    fixed = after is not None and after.fixed
    assert fixed is (LAST_PAGE[name] == "done")
    if fixed:
        click(qtbot, window.currentPage().after_fix.yes)
    else:
        window.next()
    assert window.current_key() == LAST_PAGE[name]
    shot(qtbot, window, name, lang)
