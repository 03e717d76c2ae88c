"""Keyboard-only use of every page (Tab, Shift+Tab, Enter, Space, arrows), accessible names
and descriptions on every control, the failing step without colour in high contrast, and
the walkthrough's pages at 200 % text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QTabWidget,
    QTextBrowser,
    QWizard,
)

from tests.helpers import lab_target, make_env
from tests.ui.conftest import save_screen
from tests.ui.scenarios import (
    VERDICT_TIMEOUT_MS,
    Keys,
    fake_world,
    open_world,
    settles_unclipped,
    stale_proxy_world,
)
from tests.ui.test_look_and_threads import INTERCEPTED
from tests.ui.test_verdict_page import HEALTHY_TOKEN_PATH, diagnosis_of, result, show_verdict
from wizard.core.model import FlowStep, Status
from wizard.core.steps import STATES
from wizard.ui import theme
from wizard.ui.accessibility import StepButton, high_contrast_palette
from wizard.ui.diagram import FlowDiagram
from wizard.ui.redaction_preview import open_preview
from wizard.ui.widgets import StatusRow
from wizard.ui.window import MIN_SIZE

W = QWizard.WizardButton
INTERACTIVE = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QProgressBar,
    QListWidget,
    QTabWidget,
    FlowDiagram,
    StatusRow,
)


def test_the_whole_flow_by_keyboard_alone(qtbot, open_window, home, pki, auth_server, tmp_path):
    world = stale_proxy_world(home, pki, auth_server)
    window = open_world(open_window, world)
    keys = Keys(qtbot, window)

    # Welcome: the error box has the focus; Tab goes on to the walkthrough box, then Start.
    welcome = window.page_by_key("welcome")
    assert keys.focus() is welcome.paste
    keys.type("Token exchange failed")
    keys.press(Qt.Key.Key_Tab)
    assert keys.focus() is window.walkthrough.checkbox
    keys.press(Qt.Key.Key_Space)
    assert window.walkthrough.enabled
    start = keys.tab_to_widget(window.button(W.NextButton))
    assert start.text() == "Start checking"
    keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    assert window.session.diagnosis.verdict.cause == "proxy_unreachable"

    # Verdict: the one action has the focus; Shift+Tab reaches the steps of the picture.
    verdict = window.verdict_page()
    qtbot.waitUntil(lambda: keys.focus() is verdict.primary)
    step = keys.tab_to(lambda w: isinstance(w, StepButton) and w.index == 3, backwards=True)
    assert step.accessibleName() == (
        "Step 4 of 5: Codex completes sign-in with OpenAI — Problem here"
    )
    keys.press(Qt.Key.Key_Return)
    assert verdict.details.is_open()
    assert "Step 4: Codex completes sign-in with OpenAI — Problem here" in (
        verdict.details_view.toPlainText()
    )
    keys.press(Qt.Key.Key_Left)  # arrows move between steps, Space opens one
    assert isinstance(keys.focus(), StepButton) and keys.focus().index == 2
    assert verdict.diagram.selected() == FlowStep.LISTENER
    keys.press(Qt.Key.Key_Space)
    assert "Step 3: Codex receives the return" in verdict.details_view.toPlainText()
    # Tab order after the steps: the one action, then Details and its text.
    keys.tab_to(lambda w: isinstance(w, StepButton) and w.index == 4)
    assert keys.stops(3) == [verdict.primary, verdict.details.button, verdict.details_view]
    keys.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    keys.press(Qt.Key.Key_Space)  # Details closes
    assert not verdict.details.is_open()
    keys.tab_to_widget(verdict.primary, backwards=True)
    qtbot.waitUntil(verdict.primary_settled, timeout=10_000)
    assert verdict.primary.text() == "Fix it"  # proxy-env-repair changes files itself
    keys.press(Qt.Key.Key_Return)
    assert window.current_key() == "fix"

    # Fix: Tab to Apply, Space applies, the re-check runs, Undo appears.
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    card = fix.cards["proxy-env-repair"]
    keys.tab_to_widget(card.apply_button)
    keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not fix.is_busy(), timeout=VERDICT_TIMEOUT_MS)
    assert window.session.diagnosis.verdict.cause == "none", card.result.text()
    assert card.undo_button.isVisible()
    assert "HTTPS_PROXY" not in world.files["bashrc"].read_text().split("# export")[0]
    keys.tab_to_widget(window.button(W.NextButton))
    keys.press(Qt.Key.Key_Space)
    assert window.current_key() == "share"

    # Share: folder, save, copy - all by keyboard.
    share = window.page_by_key("share")
    keys.tab_to_widget(share.folder)
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type(str(tmp_path / "out"))
    keys.tab_to_widget(share.save_button)
    keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: share.saved.isVisible() and not share.is_saving(), timeout=10_000)
    assert (share.case_folder() / "report.json").is_file()
    keys.tab_to_widget(share.copy_button)
    keys.press(Qt.Key.Key_Space)
    assert window.session.case_id in QGuiApplication.clipboard().text()
    save_screen(window, "keyboard-5-share")

    # Back to Checking by keyboard: each row is a Tab stop with its result, then Check again.
    for _ in range(3):
        keys.tab_to_widget(window.button(W.BackButton))
        keys.press(Qt.Key.Key_Space)
    assert window.current_key() == "checking"
    checking = window.page_by_key("checking")
    rows = list(checking.rows.values())
    first = keys.tab_to_widget(rows[0])
    assert first.accessibleName() == "Proxy settings: Problem"
    assert first.accessibleDescription().startswith("Your proxy http://bob:<redacted>@127.0.0.1:")
    keys.press(Qt.Key.Key_Tab)
    save_screen(window, "keyboard-2-checking-row-focus")
    visited = [first, keys.focus(), *keys.stops(len(rows) - 1)]
    assert visited == [*rows, checking.again_button]


def test_checking_rows_can_be_stopped_and_restarted_by_keyboard(
    qtbot, open_window, home, silent_server
):
    window = open_window(make_env(home), lab_target(silent_server.url), timeout_s=5.0)
    keys = Keys(qtbot, window)
    keys.tab_to_widget(window.button(W.NextButton))
    keys.press(Qt.Key.Key_Return)
    checking = window.page_by_key("checking")
    qtbot.waitUntil(lambda: checking.rows["tls"].word.text() == "Checking…", timeout=10_000)
    keys.tab_to_widget(checking.stop_button, backwards=True)
    with qtbot.waitSignal(window.runner.cancelled, timeout=2000):
        keys.press(Qt.Key.Key_Space)
    assert keys.focus() is checking.again_button  # focus lands where the next step is
    qtbot.waitUntil(lambda: not window.runner.is_running(), timeout=2000)
    keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(window.runner.is_running, timeout=2000)
    with qtbot.waitSignal(window.runner.cancelled, timeout=2000):
        keys.press(Qt.Key.Key_Escape)  # Escape stops, it does not close
    assert window.isVisible()


# -- every control has a name and a description -----------------------------------------------


@pytest.fixture
def every_page(qtbot, open_window, home):
    """One window walked through all five pages (fake checks), walkthrough on."""
    window = open_world(open_window, fake_world(home))
    window.walkthrough.set_enabled(True)
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    qtbot.waitUntil(window.verdict_page().primary_settled, timeout=10_000)
    window.verdict_page().act()
    qtbot.waitUntil(window.page_by_key("fix").plans_ready, timeout=10_000)
    window.next()
    return window


@pytest.mark.parametrize("key", ["welcome", "checking", "verdict", "fix", "share"])
def test_every_control_and_status_row_has_a_name_and_a_description(every_page, key):
    window = every_page
    page = window.page_by_key(key)
    widgets = [w for kind in INTERACTIVE for w in page.findChildren(kind)]
    assert widgets, key
    kinds = {type(w).__name__ for w in widgets}
    expected = {
        "welcome": {"PasteBox", "QCheckBox", "QPushButton"},
        "checking": {"StatusRow", "QProgressBar", "QPushButton"},
        "verdict": {"StepButton", "FlowDiagram", "QPushButton", "QToolButton", "QTextBrowser"},
        "fix": {"QPushButton", "QLineEdit"},
        "share": {"QLineEdit", "QPushButton", "QPlainTextEdit"},
    }[key]
    assert expected <= kinds, kinds
    for widget in widgets:
        name, description, _role = spoken(widget)
        what = (key, type(widget).__name__, widget.objectName(), name)
        assert name.strip(), what
        assert description.strip(), what
    if key == "checking":
        assert len(page.findChildren(StatusRow)) == 7
    if key == "verdict":
        steps = [spoken(b) for b in page.findChildren(StepButton)]
        assert steps[3][0] == "Step 4 of 5: Codex completes sign-in with OpenAI — Problem here"
        assert all(n.startswith(f"Step {i} of 5: ") for i, (n, _d, _r) in enumerate(steps, 1))
        assert {role for _n, _d, role in steps} == {QAccessible.Role.Button}
        assert steps[3][1].startswith("localhost/oauth/token. Press Enter")


def spoken(widget) -> tuple[str, str, QAccessible.Role]:
    """What a screen reader is told: name, description and role, through Qt's accessibility
    interface (a button's words are its name unless another name is set)."""
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None, widget
    return iface.text(QAccessible.Text.Name), iface.text(QAccessible.Text.Description), iface.role()


def test_the_wizard_buttons_and_the_report_preview_are_described(every_page):
    window = every_page
    for which in (W.BackButton, W.NextButton, W.FinishButton, W.CancelButton, W.CustomButton1):
        name, description, _role = spoken(window.button(which))
        assert name.strip() and description.strip(), which
    toggle = window.button(W.CustomButton2)
    assert (toggle.accessibleName(), toggle.isCheckable()) == ("Help-desk walkthrough", True)
    assert toggle.accessibleDescription()
    dialog = open_preview(window)
    for widget in [w for kind in INTERACTIVE for w in dialog.findChildren(kind)]:
        if isinstance(widget, QAbstractButton) and widget.parent().inherits("QTabBar"):
            continue  # the tab bar's scroll arrows
        name, description, _role = spoken(widget)
        assert name.strip(), type(widget).__name__
        assert description.strip(), name
    dialog.close()


def test_status_is_an_icon_and_a_word_everywhere(every_page):
    window = every_page
    window.back()
    window.back()
    window.back()
    checking = window.page_by_key("checking")
    for row in checking.rows.values():
        assert row.word.text() in ("OK", "Problem", "Warning", "Not checked", "Could not check")
        assert not row.icon.pixmap().isNull()
    for view in window.verdict_page().diagram.views():
        assert view.state in STATES  # drawn as icon + word (see diagram)


def test_the_diagram_names_the_address_the_browser_returns_to(every_page):
    # Codex 0.169 sends the browser back to 127.0.0.1, not localhost.
    page = every_page.verdict_page()
    port = page.session.diagnosis.target.callback_ports[0]
    views = {view.step: view.detail for view in page.diagram.views()}
    assert views[FlowStep.CALLBACK] == f"127.0.0.1:{port}"


# -- high contrast ----------------------------------------------------------------------------


@pytest.fixture
def high_contrast() -> Iterator[QPalette]:
    app = QApplication.instance()
    original = app.palette()
    palette = high_contrast_palette(dark=True)
    app.setPalette(palette)
    yield palette
    app.setPalette(original)


def _ink(image: QImage, left: int, top: int, width: int, height: int, paper: int) -> float:
    """Share of pixels in the area that differ from the background, in grey scale (what is
    left of the drawing without colour)."""
    differ = total = 0
    for y in range(top, top + height):
        for x in range(left, left + width):
            total += 1
            differ += abs(_grey(image.pixel(x, y)) - paper) > 60
    return differ / max(1, total)


def _grey(rgb: int) -> int:
    r, g, b = (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255
    return (r * 11 + g * 16 + b * 5) // 32


def test_ordinary_palettes_are_not_taken_for_high_contrast(qtbot):
    light = QPalette(QColor("#efefef"))
    assert not theme.is_high_contrast(light)
    assert theme.accent("fail", light).name() == "#cf222e"
    dark = QPalette(QColor("#1f2328"))
    assert not theme.is_high_contrast(dark)


def test_high_contrast_keeps_the_failing_step_distinguishable_without_colour(
    qtbot, open_window, home, high_contrast
):
    window, page = show_verdict(
        qtbot,
        open_window,
        home,
        diagnosis_of(
            *[r for r in HEALTHY_TOKEN_PATH if r.id != "tls"],
            INTERCEPTED,
            result("callback_port", Status.PASS),
        ),
    )
    assert theme.is_high_contrast(page.palette())
    assert theme.is_high_contrast(high_contrast_palette(dark=False))  # "High Contrast White"
    assert theme.accent("fail", page.palette()).name() == "#ffffff"  # the system's text colour
    save_screen(window, "high-contrast-3-verdict")
    diagram = page.diagram
    image = diagram.grab().toImage()
    dpr = image.devicePixelRatio()
    paper = _grey(high_contrast.color(QPalette.ColorRole.Base).rgb())
    fail = diagram.step_rect(FlowStep.TOKEN_EXCHANGE)
    assert diagram.state_of(FlowStep.LISTENER) == "ready"  # a free port: nothing went through
    ok = diagram.step_rect(FlowStep.LISTENER)
    u = diagram.fontMetrics().height()

    def band(rect) -> float:  # the strip along the top edge, where the hatching is
        return _ink(
            image,
            int((rect.left() + u) * dpr),
            int((rect.top() + u * 0.2) * dpr),
            int((rect.width() - 2 * u) * dpr),
            int(u * 0.25 * dpr),
            paper,
        )

    def border(rect) -> float:  # ink pixels per row across the left edge: its width
        left = int((rect.left() - 3) * dpr)
        width = int((u * 0.45 + 3) * dpr)
        rows = int(u * dpr)
        return _ink(image, left, int(rect.center().y() * dpr), width, rows, paper) * width

    assert band(fail) > 0.2 > band(ok)  # a pattern, not a colour
    assert border(fail) >= border(ok) * 2.5  # a thicker border
    words = [view.state for view in diagram.views()]
    assert words.count("fail") == 1
    step = page.findChildren(StepButton)[3]
    assert step.accessibleName().endswith("— Problem here")


# -- 200 % ---------------------------------------------------------------------------------------


def test_the_walkthrough_pages_reflow_at_200_percent(qtbot, open_window, home, large_text):
    window = open_world(open_window, fake_world(home))
    window.walkthrough.set_enabled(True)
    window.resize(MIN_SIZE)
    qtbot.waitUntil(lambda: window.size() == MIN_SIZE)
    settles_unclipped(qtbot, window)
    save_screen(window, "large-text-walkthrough-1-welcome")
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=VERDICT_TIMEOUT_MS)
    qtbot.waitUntil(window.verdict_page().primary_settled, timeout=10_000)
    settles_unclipped(qtbot, window)
    save_screen(window, "large-text-walkthrough-3-verdict")
    window.verdict_page().act()
    qtbot.waitUntil(window.page_by_key("fix").plans_ready, timeout=10_000)
    settles_unclipped(qtbot, window)
    save_screen(window, "large-text-walkthrough-4-fix")
    window.next()
    settles_unclipped(qtbot, window)
    save_screen(window, "large-text-walkthrough-5-share")
    # The panel takes at most part of the page; the page itself stays usable.
    area = window.walkthrough.areas["share"]
    assert area.height() <= window.currentPage().height() * 0.45
