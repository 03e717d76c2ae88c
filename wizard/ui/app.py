"""Starting the window: `python -m wizard` and `python -m wizard --screenshot OUT.png`."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from wizard.app.session import Session
from wizard.core.engine import CheckSpec
from wizard.core.environment import Environment
from wizard.core.i18n import tr
from wizard.core.model import Target
from wizard.core.profile import Profile, load_profile
from wizard.ui import theme
from wizard.ui.child_planner import ChildPlanner
from wizard.ui.child_runner import ChildDiagnosisRunner
from wizard.ui.window import SigninDoctorWindow

APP_NAME = "Sign-in Doctor"
SETTLE_MS = 300  # let the verdict page lay out and paint before the picture is taken
QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
qt_log = logging.getLogger("wizard.qt")


def qt_message(kind: QtMsgType, context: QMessageLogContext | None, message: str) -> None:
    """Qt's own messages (platform plugin, fonts, style sheets) in the program's log."""
    category = getattr(context, "category", None) or "qt"
    qt_log.log(QT_LEVELS.get(kind, logging.WARNING), "%s: %s", category, message)


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("signin-doctor")
    app.setDesktopFileName("signin-doctor")
    app.setWindowIcon(theme.icon("app"))
    return app


class ThisComputerWindow(SigninDoctorWindow):
    """The window diagnosing this computer as it is: the checks run, and the fix plans are
    made, in child processes of the same program (wizard.ui.child_runner,
    wizard.ui.child_planner), which see this computer's environment themselves."""

    runner_type = ChildDiagnosisRunner
    planner_type = ChildPlanner


def make_window(
    env: Environment,
    profile: Profile,
    target: Target,
    specs: Sequence[CheckSpec] | None = None,
    timeout_s: float = 6.0,
    window_type: type[SigninDoctorWindow] = SigninDoctorWindow,
) -> SigninDoctorWindow:
    """The window over an injected world (tests pass their own Environment and lab target);
    `specs=None` means the real check catalog. `window_type=ThisComputerWindow` for the real
    computer: its checks and plans run in child processes, which cannot take an injected
    world."""
    # In the window the certificate file is chosen with a button on the Fix page.
    hint = tr("fixing", "and choose it with the button below.")
    return window_type(Session(env, profile, target, specs, timeout_s, file_hint=hint))


def run_unattended(window: SigninDoctorWindow, out: Path, on_done: object) -> None:
    """Welcome -> Checking -> Verdict without input; save the verdict page as `out`, then
    call `on_done(exit_code)`."""

    waited = [0]

    def save_when_settled() -> None:
        # The primary button's word depends on the fix plans (worked out off the GUI thread).
        if not window.verdict_page().primary_settled() and waited[0] < 30:
            waited[0] += 1
            QTimer.singleShot(100, save_when_settled)
            return
        try:
            ok = window.grab().save(str(out), "PNG")
        except OSError:
            ok = False
        on_done(0 if ok else 1)  # type: ignore[operator]

    def page_changed(_id: int) -> None:
        if window.current_key() == "verdict":
            QTimer.singleShot(SETTLE_MS, save_when_settled)

    window.currentIdChanged.connect(page_changed)
    window.next()  # Welcome's "Start checking"


def run_app(
    screenshot: str | None,
    auth_url: str | None,
    callback_port: int | None,
    timeout_s: float,
    lang: str | None = None,
) -> int:
    qInstallMessageHandler(qt_message)  # the real app only: tests keep pytest-qt's handler
    app = application()
    from wizard.ui import language

    language.install(language.startup_language(lang))
    profile = load_profile()
    try:
        target = profile.target(auth_url, callback_port)
    except ValueError as exc:
        print(f"python -m wizard: error: --auth-url {exc}", file=sys.stderr)
        return 2
    from wizard.platform.system import system_environment

    window = make_window(
        system_environment(), profile, target, timeout_s=timeout_s, window_type=ThisComputerWindow
    )
    code = 0
    if screenshot:

        def finish(exit_code: int) -> None:
            nonlocal code
            code = exit_code
            window.close()
            app.quit()

        window.show()
        run_unattended(window, Path(screenshot), finish)
        # Never hang: a diagnosis is bounded by its budget, this by a generous multiple of it.
        QTimer.singleShot(int((timeout_s * 3 + 20) * 1000), lambda: finish(1))
        app.exec()
    else:
        window.show()
        code = app.exec()
    language.latest(window).shutdown(timeout_s + 2.0)  # switching languages replaces it
    return code
