"""Run in a child process (the scale factor is fixed per process): open the real window over
the fake world on the screen the offscreen plugin was given, go to a page, and print as JSON
the available geometry, the window frame and every visible wizard button in screen pixels,
and on the Verdict page the lines each step label of the diagram is drawn in."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QRect, QTimer

from tests.ui.scenarios import fake_world
from wizard.core.profile import load_profile
from wizard.ui import language
from wizard.ui.app import application, make_window

SETTLE_MS = 300


def _box(rect: QRect) -> list[int]:
    return [rect.left(), rect.top(), rect.width(), rect.height()]


def main(lang: str, page: str) -> int:
    app = application()
    language.install(lang)
    world = fake_world(Path(tempfile.mkdtemp(prefix="screen-fit-")))
    window = make_window(world.env, load_profile(), world.target, world.specs, 4.0)
    window.show()
    found: dict[str, object] = {}

    def measure() -> None:
        buttons = {}
        for button in window.wizard_buttons():
            if button.isVisible():
                top_left = button.mapToGlobal(button.rect().topLeft())
                buttons[button.text()] = _box(QRect(top_left, button.size()))
        found.update(
            page=window.current_key(),
            available=_box(window.screen().availableGeometry()),
            frame=_box(window.frameGeometry()),
            buttons=buttons,
        )
        if page == "verdict":
            diagram = window.verdict_page().diagram
            found["step_lines"] = [diagram.label_lines(v.step) for v in diagram.views()]
        window.shutdown(5.0)
        app.quit()

    def arrived(_id: int) -> None:
        if window.current_key() == page:
            QTimer.singleShot(SETTLE_MS, measure)

    window.currentIdChanged.connect(arrived)
    QTimer.singleShot(0, (lambda: arrived(0)) if page == "welcome" else window.next)
    app.exec()
    print(json.dumps(found))
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
