"""Lines that break between words in Japanese too.

Qt breaks lines by Unicode's rules (UAX #14), which allow a break between any two kana or
kanji: a narrow box may end a line after "サイ" of "サインイン". Japanese has no spaces to
mark words, so BudouX (the phrase model behind Chrome's `word-break: auto-phrase`) finds the
phrases ("ブラウザーの|サインイン画面"), and a WORD JOINER between the characters of a phrase
leaves Qt's own line breaking only the breaks between phrases. Text without kana or kanji is
returned as it is; a phrase wider than its line is still broken (clipped text is worse). A
case number ("SD-7K3F-9QXA") is never broken at its dashes, in any language; and text copied
out of a label leaves without the joiners, so it matches what a search or a help desk has."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QTextLayout, QTextOption

if TYPE_CHECKING:
    from budoux import Parser

WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"  # (our texts have none of their own)
# Kana, kanji, CJK punctuation and full-width forms: where UAX #14 allows a break anywhere.
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# A code in capitals and digits with dashes (a case number "SD-7K3F-9QXA") is read out whole.
_CODE = re.compile(r"\b[0-9A-Z]{2,}(?:-[0-9A-Z]+)+\b")
_MARKUP = re.compile(r"(<[^>]*>|&[#\w]+;)")  # rich text: tags and entities stay untouched


@cache
def _parser() -> Parser:
    import budoux  # (only when Japanese text is shown)

    return budoux.load_default_japanese_parser()


def _glued(phrase: str) -> str:
    """A phrase that Qt breaks only where it is wider than the line: a joiner between its
    characters next to kana or kanji, and a no-break space for a space beside one ("Codex
    が"; Qt breaks after a space even before a joiner). Spaces between Latin words stay
    breaks ("Run Codex In Windows Subsystem" in brackets is one phrase to BudouX)."""
    out = phrase[:1]
    for at, (before, after) in enumerate(pairwise(phrase), 1):  # (`at`: where `after` is)
        if after == " " and at < len(phrase) - 1 and _joins_cjk(phrase, at):
            out += NO_BREAK_SPACE
            continue
        if before != " " and (_CJK.match(before) or _CJK.match(after)):
            out += WORD_JOINER
        out += after
    return out


def _joins_cjk(phrase: str, at: int) -> bool:
    """The space at `at` (inside the phrase) has kana or kanji on one side."""
    return bool(_CJK.match(phrase[at - 1]) or _CJK.match(phrase[at + 1]))


@lru_cache(maxsize=4096)
def phrased(text: str) -> str:
    """`text` with Japanese phrases and case numbers held together (plain text). Kept per
    text: the same texts are laid out again and again (each width a layout asks about, each
    language switch), and BudouX and the patterns ran again each time."""
    if _CJK.search(text):
        text = "".join(_glued(phrase) for phrase in _parser().parse(unphrased(text)))
    return _CODE.sub(_whole_code, text)


def _whole_code(match: re.Match[str]) -> str:
    return match.group(0).replace("-", f"{WORD_JOINER}-{WORD_JOINER}")


def phrased_rich(html: str) -> str:
    """`phrased` for the text between the tags of rich text."""
    if not _CJK.search(html):
        return html
    return "".join(
        part if _MARKUP.fullmatch(part) else phrased(part) for part in _MARKUP.split(html)
    )


def unphrased(text: str) -> str:
    """The text as written (what a test, a clipboard or a screen reader should get)."""
    return text.replace(WORD_JOINER, "").replace(NO_BREAK_SPACE, " ")


def paragraph(
    text: str, font: QFont, width: float, alignment: Qt.AlignmentFlag, *, anywhere: bool = True
) -> QTextLayout:
    """`text` laid out by Qt in lines of `width` (top at 0), Japanese broken between phrases;
    `anywhere`: a word wider than the line is broken too, else it overflows."""
    layout = QTextLayout(phrased(text), font)
    option = QTextOption(alignment)
    option.setWrapMode(
        QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
        if anywhere
        else QTextOption.WrapMode.WordWrap
    )
    layout.setTextOption(option)
    layout.beginLayout()
    top = 0.0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        line.setPosition(QPointF(0, top))
        top += line.height()
    layout.endLayout()
    return layout


def line_texts(layout: QTextLayout) -> list[str]:
    """The text of each line, as a person reads it."""
    text = layout.text()
    lines = (layout.lineAt(i) for i in range(layout.lineCount()))
    return [
        unphrased(text[line.textStart() : line.textStart() + line.textLength()]) for line in lines
    ]


def widest_word(text: str, font: QFont) -> float:
    """The width of the widest piece of `text` that no line may break (a word, a phrase)."""
    layout = paragraph(text, font, 0.0, Qt.AlignmentFlag.AlignLeft, anywhere=False)
    return max(
        (layout.lineAt(i).naturalTextWidth() for i in range(layout.lineCount())), default=0.0
    )
