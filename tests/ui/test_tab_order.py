"""Tab on every page: it walks the visible controls in reading order (top to bottom, left to
right, the button row last), the default button is one of its stops, everything a person can
reach with the mouse is reached, and nothing hidden, disabled or on another page takes focus.
Pages are reached as a person reaches them: a real stale proxy fixed with one Apply
(Welcome, Verdict, Fix, both after Apply, Done), the fake world's Share page, and the Checking
page while a silent server keeps a check running."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QPushButton, QWidget

from tests.helpers import lab_target, make_env
from tests.ui.scenarios import (
    VERDICT_TIMEOUT_MS,
    Keys,
    describe,
    fake_world,
    open_world,
    stale_proxy_world,
)
from tests.ui.test_fix_to_done import click, wait_done

LIMIT = 80


def _rect(window, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.geometry().size())


def _controls(window) -> list[QWidget]:
    """What Tab should reach: visible, enabled widgets that take focus by Tab, on this page
    or in the button row."""
    page = window.currentPage()
    candidates = page.findChildren(QWidget) + window.wizard_buttons()
    return [
        w
        for w in candidates
        if w.isVisible()
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
    ]


def _reads_before(window, first: QWidget, second: QWidget) -> bool:
    a, b = _rect(window, first), _rect(window, second)
    if a.bottom() <= b.top() + 2:  # above it
        return True
    same_line = a.top() < b.bottom() and b.top() < a.bottom()
    return same_line and a.left() < b.left()


def tab_cycle(qtbot, window) -> list[QWidget]:
    """The stops Tab visits from the focus until it comes back to it."""
    keys = Keys(qtbot, window)
    qtbot.waitUntil(lambda: keys.focus() is not None, timeout=3000)
    start = keys.focus()
    stops = [start]
    for _ in range(LIMIT):
        keys.press(Qt.Key.Key_Tab)
        if keys.focus() is start:
            return stops
        stops.append(keys.focus())
    raise AssertionError("Tab never came back: " + " -> ".join(map(describe, stops)))


def assert_tab_order(qtbot, window) -> list[QWidget]:
    key = window.current_key()
    stops = tab_cycle(qtbot, window)
    path = " -> ".join(map(describe, stops))
    assert len(set(stops)) == len(stops), (key, path)
    for stop in stops:
        assert stop.isVisible() and stop.isEnabled(), (key, describe(stop), path)
        assert stop in _controls(window), (key, describe(stop), path)
    missed = [describe(w) for w in _controls(window) if w not in stops]
    assert not missed, (key, missed, path)
    # Reading order: from the page's first control, the page top to bottom, then the buttons.
    row = window.wizard_buttons()
    on_page = [s for s in stops if s not in row]
    first = stops.index(
        min(on_page, key=lambda w: (_rect(window, w).top(), _rect(window, w).left()))
        if on_page
        else next(b for b in row if b in stops)
    )
    ordered = stops[first:] + stops[:first]
    page = ordered[: len(on_page)]
    path = " -> ".join(map(describe, ordered))
    assert ordered[len(on_page) :] == [b for b in row if b in stops], (key, path)
    for before, after in pairwise(page):
        assert _reads_before(window, before, after), (key, describe(before), describe(after))
    defaults = [w for w in _controls(window) if isinstance(w, QPushButton) and w.isDefault()]
    assert set(defaults) <= set(stops), (key, [describe(d) for d in defaults])
    assert defaults or key == "checking", key  # (while checks run, Stop is the one action)
    return stops


def test_tab_walks_welcome_verdict_fix_and_done_in_reading_order(
    qtbot, open_window, home, pki, auth_server
):
    window = open_world(open_window, stale_proxy_world(home, pki, auth_server))
    assert window.current_key() == "welcome"
    assert_tab_order(qtbot, window)

    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    verdict = window.verdict_page()
    qtbot.waitUntil(verdict.primary_settled, timeout=10_000)
    assert verdict.primary in assert_tab_order(qtbot, window)
    verdict.details.set_open(True)  # what opens in Details is reached too, in its place
    assert verdict.details_view in assert_tab_order(qtbot, window)
    verdict.details.set_open(False)

    click(qtbot, verdict.primary)
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    card = next(iter(fix.cards.values()))
    assert card.apply_button in assert_tab_order(qtbot, window)
    click(qtbot, card.apply_button)
    wait_done(qtbot, fix)
    assert fix.after_fix.yes in assert_tab_order(qtbot, window)
    window.back()  # the verdict again, with "Did sign-in work?" in place of the advice
    qtbot.waitUntil(lambda: QApplication.focusWidget() is verdict.after_fix.yes, timeout=3000)
    assert verdict.after_fix.yes in assert_tab_order(qtbot, window)

    click(qtbot, verdict.after_fix.yes)
    assert window.current_key() == "done"
    assert_tab_order(qtbot, window)


def test_tab_walks_the_share_page_in_reading_order(qtbot, open_window, home):
    window = open_world(open_window, fake_world(home))
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    qtbot.waitUntil(window.verdict_page().primary_settled, timeout=10_000)
    window.next()
    assert window.current_key() == "share"
    share = window.currentPage()
    stops = assert_tab_order(qtbot, window)
    assert share.save_button in stops and share.copy_button in stops


def test_tab_walks_the_checking_page_while_a_check_runs(qtbot, open_window, home, silent_server):
    window = open_window(make_env(home), lab_target(silent_server.url), timeout_s=5.0)
    window.next()
    checking = window.page_by_key("checking")
    qtbot.waitUntil(lambda: checking.rows["tls"].word.text() == "Checking…", timeout=10_000)
    stops = assert_tab_order(qtbot, window)
    assert checking.stop_button in stops
    assert not any(isinstance(s, QAbstractButton) and s is checking.again_button for s in stops)
