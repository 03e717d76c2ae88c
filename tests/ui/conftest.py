"""The window over an injected world: a temporary home, the lab servers, the real checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from wizard.core.engine import CheckSpec
from wizard.core.environment import Environment
from wizard.core.model import Target
from wizard.core.profile import load_profile
from wizard.ui.app import application, make_window
from wizard.ui.window import SigninDoctorWindow

SCREENS = Path(__file__).resolve().parents[2] / "artifacts" / "screens"


def save_screen(widget: QWidget, name: str) -> Path:
    """A test artifact to look at: artifacts/screens/<name>.png (gitignored)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    assert widget.grab().save(str(path), "PNG"), path
    return path


WindowFactory = Callable[..., SigninDoctorWindow]


@pytest.fixture
def open_window(qtbot) -> Iterator[WindowFactory]:
    application()
    windows: list[SigninDoctorWindow] = []

    def make(
        env: Environment,
        target: Target,
        timeout_s: float = 4.0,
        specs: tuple[CheckSpec, ...] | None = None,
    ) -> SigninDoctorWindow:
        window = make_window(env, load_profile(), target, specs, timeout_s)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        # Every thread the window started ends (checks honour their own budgets).
        assert window.shutdown(15.0)


@pytest.fixture
def large_text() -> Iterator[None]:
    """The application's font at twice its size (text at 200 %), restored afterwards."""
    app = QApplication.instance()
    original = QFont(app.font())
    big = QFont(original)
    big.setPointSizeF(original.pointSizeF() * 2)
    app.setFont(big)
    yield
    app.setFont(original)
