"""Where start-up goes: a pyinstrument profile of `python -m wizard` from the first import to
the window shown, painted and idle (the same end point as bench/startup.py).

    python -m bench.profile_startup [OUT.txt]      # default bench/profiles/startup.txt

Run it in the fake home of the benchmarks' kind (QT_QPA_PLATFORM=offscreen works)."""

from __future__ import annotations

import sys
from pathlib import Path

from pyinstrument import Profiler

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "profiles" / "startup.txt"
    profiler = Profiler(interval=0.0005)
    profiler.start()
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    original_show = QWidget.show
    shown: list[QWidget] = []

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and shown and shown[0].isVisible():
                QApplication.instance().removeEventFilter(self)  # type: ignore[union-attr]
                QTimer.singleShot(0, shown[0].close)
                QTimer.singleShot(0, QApplication.quit)
            return False

    watch = FirstPaint()

    def show(self: QWidget) -> None:
        if not shown:
            shown.append(self)
            QApplication.instance().installEventFilter(watch)  # type: ignore[union-attr]
        original_show(self)

    QWidget.show = show  # type: ignore[method-assign]
    from wizard.cli import main as wizard_main

    wizard_main([])
    profiler.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
