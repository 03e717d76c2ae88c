"""How the window is built rather than what it concludes: every check on its own QThread and
none left behind, light and dark palettes, 200 % text, accessible names, and the
`--screenshot` command at 100 % and 200 % scaling."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThread
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
)

from tests.e2e import clean_env, free_port, run_wizard
from tests.helpers import make_env
from tests.ui.conftest import SCREENS, save_screen
from tests.ui.scenarios import offscreen_screen, settles_unclipped
from tests.ui.test_verdict_page import (
    HEALTHY_TOKEN_PATH,
    TARGET,
    diagnosis_of,
    result,
    show_verdict,
)
from wizard.core.engine import CheckSpec
from wizard.core.model import FlowStep, Outcome, Status
from wizard.ui import theme
from wizard.ui.window import DEFAULT_SIZE, MIN_SIZE

INTERCEPTED = result(
    "tls",
    Status.FAIL,
    "Codex does not trust the certificate, issued by Contoso Inspection Root.",
    ("tls_untrusted",),
    facts={"issuer": "Contoso Inspection Root (Contoso Web Inspection)"},
)


def test_every_check_runs_on_its_own_qthread_and_none_is_left_behind(qtbot, open_window, home):
    seen: dict[str, tuple[bool, str, bool]] = {}
    lock = threading.Lock()
    main = QApplication.instance().thread()

    def probe(ctx) -> Outcome:
        thread = QThread.currentThread()
        with lock:
            seen[f"probe-{len(seen)}"] = (
                thread is not main,
                thread.objectName(),
                threading.current_thread().daemon,
            )
        return Outcome(Status.PASS, "Probed.")

    specs = (
        CheckSpec("one", "One", probe),
        CheckSpec("two", "Two", probe, needs=("one",)),
        CheckSpec("three", "Three", probe),
    )
    window = open_window(make_env(home), TARGET, specs=specs)
    window.next()
    qtbot.waitUntil(lambda: window.current_key() == "verdict", timeout=10_000)
    assert sorted(seen.values()) == [(True, "check", True)] * 3  # QThreads, not Python threads
    assert window.shutdown(5.0)
    assert window.runner.background_checks() == 0


@pytest.fixture
def dark_palette() -> Iterator[QPalette]:
    app = QApplication.instance()
    original = app.palette()
    dark = QPalette(original)
    for role, color in {
        QPalette.ColorRole.Window: "#1f2328",
        QPalette.ColorRole.WindowText: "#e6edf3",
        QPalette.ColorRole.Base: "#0d1117",
        QPalette.ColorRole.AlternateBase: "#161b22",
        QPalette.ColorRole.Text: "#e6edf3",
        QPalette.ColorRole.Button: "#2d333b",
        QPalette.ColorRole.ButtonText: "#e6edf3",
        QPalette.ColorRole.PlaceholderText: "#9198a1",
        QPalette.ColorRole.Highlight: "#1f6feb",
        QPalette.ColorRole.Mid: "#444c56",
    }.items():
        dark.setColor(role, QColor(color))
    app.setPalette(dark)
    yield dark
    app.setPalette(original)


def test_the_dark_palette_is_followed(qtbot, open_window, home, dark_palette):
    window, page = show_verdict(
        qtbot,
        open_window,
        home,
        diagnosis_of(*[r for r in HEALTHY_TOKEN_PATH if r.id != "tls"], INTERCEPTED),
    )
    assert theme.is_dark(page.palette())
    assert theme.accent("fail", page.palette()).name() == "#f85149"  # the dark-mode red
    assert page.card.palette().color(QPalette.ColorRole.Base).name() == "#0d1117"
    assert {v.step: v.state for v in page.diagram.views()}[FlowStep.TOKEN_EXCHANGE] == "fail"
    save_screen(window, "dark-intercept-3-verdict")
    window.next()
    save_screen(window, "dark-intercept-5-share")


def test_200_percent_text_reflows_at_the_minimum_size(qtbot, open_window, home, large_text):
    busy = result(
        "callback_port",
        Status.FAIL,
        "Ports 1455 and 1457 are in use.",
        ("callback_ports_busy",),
        facts={"ports": "1455", "holders": "othertool"},
    )
    window, page = show_verdict(qtbot, open_window, home, diagnosis_of(*HEALTHY_TOKEN_PATH, busy))
    window.resize(MIN_SIZE)
    qtbot.waitUntil(lambda: window.size() == MIN_SIZE)
    settles_unclipped(qtbot, window)
    save_screen(window, "large-text-3-verdict")
    page.act()
    fix = window.page_by_key("fix")
    qtbot.waitUntil(fix.plans_ready, timeout=10_000)
    settles_unclipped(qtbot, window)
    save_screen(window, "large-text-4-fix")
    window.next()
    settles_unclipped(qtbot, window)
    save_screen(window, "large-text-5-share")


@pytest.mark.parametrize("scale", ["1", "2"])
def test_screenshot_command_saves_the_verdict_page(home, pki, auth_server, scale):
    out = SCREENS / f"cli-screenshot-scale{scale}.png"
    SCREENS.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    run = run_wizard(
        [
            "--screenshot",
            str(out),
            "--auth-url",
            auth_server.url,
            "--callback-port",
            str(free_port()),
            "--timeout",
            "3",
        ],
        clean_env(
            home,
            CODEX_CA_CERTIFICATE=str(pki.ca_pem),
            QT_SCALE_FACTOR=scale,
            # A screen with room for the whole default size (smaller ones shrink the window).
            QT_QPA_PLATFORM=offscreen_screen(home, 1920 * int(scale), 1080 * int(scale)),
        ),
    )
    assert run.returncode == 0, run.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (
        DEFAULT_SIZE.width() * int(scale),
        DEFAULT_SIZE.height() * int(scale),
    )
    assert "Traceback" not in run.stderr


def test_screenshot_command_fails_cleanly_when_it_cannot_save(home, pki, auth_server):
    out = home / "no-such-folder" / "shot.png"
    run = run_wizard(
        [
            "--screenshot",
            str(out),
            "--auth-url",
            auth_server.url,
            "--callback-port",
            str(free_port()),
            "--timeout",
            "3",
        ],
        clean_env(home, CODEX_CA_CERTIFICATE=str(pki.ca_pem)),
    )
    assert run.returncode == 1
    assert not out.exists()
