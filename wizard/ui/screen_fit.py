"""The window's size from the screen it opens on: at 150 % or 200 % a 1280x900 screen is only
853x600 or 640x450 device-independent pixels, and a fixed size would put the buttons below it."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget

FRAME_ALLOWANCE = QSize(16, 40)  # borders and a title bar, until the real frame is known


def fit_to_screen(window: QWidget, preferred: QSize, minimum: QSize) -> None:
    """Size `window` to `preferred`, but never larger than the available geometry of its screen
    (frame included), and centre it there; `minimum` shrinks too when the screen is smaller."""
    screen = window.screen()
    if screen is None:
        window.setMinimumSize(minimum)
        window.resize(preferred)
        return
    available = screen.availableGeometry()
    room = available_client_room(window, available)
    window.setMinimumSize(minimum.boundedTo(room))
    window.resize(preferred.boundedTo(room))
    frame = window.frameGeometry()
    frame.moveCenter(available.center())
    window.move(max(frame.left(), available.left()), max(frame.top(), available.top()))


def available_client_room(window: QWidget, available: QRect) -> QSize:
    """The largest client size whose frame (title bar and borders) fits in `available`; before
    the window is shown its frame is unknown, so a usual title bar and border are assumed."""
    frame, client = window.frameGeometry(), window.geometry()
    extra = QSize(frame.width() - client.width(), frame.height() - client.height())
    if not window.isVisible():
        extra = extra.expandedTo(FRAME_ALLOWANCE)
    return QSize(available.width() - extra.width(), available.height() - extra.height())
