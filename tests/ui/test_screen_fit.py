"""The window fits the screen it opens on at 100, 150 and 200 %: its frame and every button of
the button row lie inside the available geometry (a real process per scale, since Qt fixes the
scale factor when the application starts). In Japanese, the diagram's step labels break
between words at 100 and 200 % too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.japanese_words import broken_words
from tests.ui.scenarios import offscreen_screen

ROOT = Path(__file__).resolve().parents[2]


def inside(box: list[int], available: list[int]) -> bool:
    x, y, w, h = box
    ax, ay, aw, ah = available
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


def open_on_screen(tmp_path: Path, size: str, scale: str, lang: str, page: str) -> dict:
    width, height = (int(n) for n in size.split("x"))
    env = dict(os.environ, QT_QPA_PLATFORM=offscreen_screen(tmp_path, width, height))
    env |= {"QT_SCALE_FACTOR": scale, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.screen_fit_probe", lang, page],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("size", "scale", "lang", "page"),
    [
        ("1280x900", "1", "en", "verdict"),
        ("1280x900", "1.5", "en", "verdict"),
        ("1280x900", "2", "en", "verdict"),
        ("1280x900", "2", "ja", "welcome"),
        ("1280x900", "1", "ja", "verdict"),
        ("1280x900", "2", "ja", "verdict"),
        ("1920x1080", "1.5", "ja", "verdict"),
        ("1920x1080", "2", "en", "verdict"),
    ],
)
def test_window_and_buttons_lie_inside_the_screen(tmp_path, size, scale, lang, page):
    seen = open_on_screen(tmp_path, size, scale, lang, page)
    assert seen["page"] == page
    assert inside(seen["frame"], seen["available"]), seen
    assert seen["buttons"], seen  # the button row was measured, not skipped
    outside = {
        text: box for text, box in seen["buttons"].items() if not inside(box, seen["available"])
    }
    assert outside == {}, seen
    if lang == "ja" and page == "verdict":
        assert len(seen["step_lines"]) == 5, seen
        for lines in seen["step_lines"]:
            assert broken_words(lines) == [], (scale, lines)
