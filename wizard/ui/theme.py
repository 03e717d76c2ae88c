"""Icons and the few colours the window uses. Everything else comes from the palette, so
the window follows the system's light or dark appearance."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette

from wizard.core.model import Status
from wizard.core.profile import resource_path

if TYPE_CHECKING:
    from PySide6.QtGui import QPixmap

# Status accents: GitHub Primer's light and dark scales, chosen to keep contrast on both
# backgrounds. Status is never shown by colour alone: every use pairs it with icon and word.
_ACCENTS = {
    "pass": ("#1a7f37", "#3fb950"),
    "warn": ("#9a6700", "#d29922"),
    "fail": ("#cf222e", "#f85149"),
    "skip": ("#6e7781", "#8b949e"),
    "error": ("#8250df", "#a371f7"),
    "running": ("#0969da", "#58a6ff"),
}


def icon_path(name: str) -> str:
    return str(resource_path("icons", f"{name}.svg"))


@cache
def icon(name: str) -> QIcon:
    return QIcon(icon_path(name))


def status_icon(kind: Status | str) -> QIcon:
    """pass/warn/fail/skip/error, plus "running" and "pending" for the Checking page."""
    return icon(f"status-{kind}")


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def is_high_contrast(palette: QPalette | None = None) -> bool:
    """The system asks for high contrast (Qt's hint), or the palette is one: a pure black or
    white window with text at the far end of the scale (Windows' high-contrast themes)."""
    hints = QGuiApplication.styleHints()
    if hints is not None and hasattr(hints, "accessibility"):
        access = hints.accessibility()
        if access.contrastPreference() == Qt.ContrastPreference.HighContrast:
            return True
    palette = palette or QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    pure = window.name() in ("#000000", "#ffffff")
    return pure and abs(window.lightnessF() - text.lightnessF()) >= 0.5


def accent(kind: str, palette: QPalette | None = None) -> QColor:
    """The status colour; in high contrast the palette's own text colour (the system's
    choice), so shapes, icons and words carry the status, never a colour of ours."""
    palette = palette or QGuiApplication.palette()
    if is_high_contrast(palette):
        role = QPalette.ColorRole.Highlight if kind == "running" else QPalette.ColorRole.Text
        return palette.color(role)
    light, dark = _ACCENTS[kind]
    return QColor(dark if is_dark(palette) else light)


def tinted_pixmap(name: str, size: int, color: QColor, dpr: float = 1.0) -> QPixmap:
    """A monochrome SVG icon drawn in `color` (so it follows the palette), crisp at `dpr`."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage, QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer  # (the first picture needs it, not start-up)

    px = max(1, round(size * dpr))
    image = QImage(QSize(px, px), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(icon_path(name)).render(painter)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(image.rect(), color)
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(dpr)
    return pixmap


def muted(palette: QPalette) -> QColor:
    """Secondary text that still reads: placeholder text colour, which every style sets."""
    return palette.color(QPalette.ColorRole.PlaceholderText)
