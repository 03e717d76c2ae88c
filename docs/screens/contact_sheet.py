"""One picture per language of every page the lab walk photographed, a row per lab fault.

    QT_SCALE_FACTOR=2 QT_QPA_PLATFORM=offscreen \
        .venv/bin/python -m pytest tests/ui/test_no_command_line.py
    .venv/bin/python docs/screens/contact_sheet.py artifacts/screens docs/screens/after-200

writes docs/screens/after-200-en.jpg and -ja.jpg from the walk's artifacts/screens/walk-*.png."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

FAULTS = ("healthy", "stale-proxy", "intercept", "busy", "wslrelay", "reload", "wsl-mtu")
PAGES = ("welcome", "checking", "verdict", "fix", "fix-applied", "verdict-after", "share", "done")
THUMB = 320  # the longer side of a page's picture on the sheet
GAP, LABEL_W, CAPTION_H = 8, 120, 28


def sheet(shots: Path, lang: str) -> QImage | None:
    rows = [
        (fault, [(p, f) for p in PAGES if (f := shots / f"walk-{fault}-{p}-{lang}.png").exists()])
        for fault in FAULTS
    ]
    rows = [(fault, pages) for fault, pages in rows if pages]
    if not rows:
        return None
    first = QImage(str(rows[0][1][0][1]))
    tw = THUMB if first.width() >= first.height() else THUMB * first.width() // first.height()
    th = tw * first.height() // first.width()
    cols = max(len(pages) for _, pages in rows)
    image = QImage(
        LABEL_W + cols * (tw + GAP), GAP + len(rows) * (th + CAPTION_H), QImage.Format.Format_RGB32
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(QFont("DejaVu Sans", 10))
    for r, (fault, pages) in enumerate(rows):
        y = GAP + r * (th + CAPTION_H)
        painter.drawText(QRect(4, y, LABEL_W - 8, th), Qt.AlignmentFlag.AlignVCenter, fault)
        for c, (page, file) in enumerate(pages):
            x = LABEL_W + c * (tw + GAP)
            thumb = QImage(str(file)).scaled(
                tw,
                th,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            painter.drawImage(x, y, thumb)
            painter.drawText(x, y + th + 16, page)
    painter.end()
    return image


def main(shots: str, prefix: str) -> int:
    QGuiApplication(sys.argv[:1])
    for lang in ("en", "ja"):
        image = sheet(Path(shots), lang)
        if image is not None:
            out = Path(f"{prefix}-{lang}.jpg")
            out.parent.mkdir(parents=True, exist_ok=True)
            if not image.save(str(out), "JPG", 75):
                print(f"cannot write {out}", file=sys.stderr)
                return 1
            print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
