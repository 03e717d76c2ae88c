"""The words of the diagram's Japanese step labels, and where a line break would split one.

Written out by hand (not by the phrase model the window uses), so a test holds the window's
line breaks to what a Japanese reader sees as a word."""

from __future__ import annotations

from collections.abc import Iterable

STEP_WORDS = (
    "ブラウザー",
    "サインイン",
    "画面",
    "この",
    "コンピューター",
    "戻る",
    "戻り",
    "受け取る",
    "完了",
    "保存",
    "Codex",
    "OpenAI",
)
PARTICLES = ("の", "が", "を", "に", "と")  # never at the start of a line


def broken_words(lines: Iterable[str], words: Iterable[str] = STEP_WORDS) -> list[str]:
    """Each word that a line break falls inside, and each line that starts with a particle,
    as "line|line" pairs to read in a failure message."""
    lines = [line.strip() for line in lines]
    text = "".join(lines)
    cuts, at = set(), 0
    for line in lines[:-1]:
        at += len(line)
        cuts.add(at)
    broken = []
    for word in words:
        start = text.find(word)
        while start >= 0:
            if any(start < cut < start + len(word) for cut in cuts):
                broken.append(word)
            start = text.find(word, start + 1)
    broken += [f"|{line}" for line in lines[1:] if line.startswith(PARTICLES)]
    return broken
