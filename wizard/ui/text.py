"""Words people read: status words (never colour alone) and the translation hooks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime

from wizard.core import steps
from wizard.core.i18n import Moment, localize
from wizard.core.model import FlowStep, Status


def tr(text: str, context: str = "SigninDoctor") -> str:
    """Every visible string goes through Qt's translation system (resources/translations)."""
    return QCoreApplication.translate(context, text)


def qt_translate(context: str, source: str) -> str:
    """The core's translator (wizard.core.i18n), answered by Qt's installed translators."""
    return QCoreApplication.translate(context, source)


def local_time(stamp: str) -> str:
    """An ISO 8601 time in the user's locale and time zone ("12/3/26 10:29 PM",
    "2026/12/03 22:29"); a time without offset as written, anything else unchanged."""
    when = Moment(stamp).instant()
    if when is None:
        return str(stamp)
    if when.tzinfo is None:
        shown = QDateTime(QDate(when.year, when.month, when.day), QTime(when.hour, when.minute))
    else:
        shown = QDateTime.fromMSecsSinceEpoch(round(when.timestamp() * 1000)).toLocalTime()
    return QLocale().toString(shown, QLocale.FormatType.ShortFormat)


def localized(value: Any) -> Any:
    """Core text (check summaries, verdicts, fix plans; also inside dicts and lists) in the
    window's language, its times in the user's locale. Everything the window shows from
    core/checks/fixes goes through here."""
    return localize(value, qt_translate, local_time)


def sentences(*parts: str) -> str:
    """Sentences one after another: a space between them, except after a full-width stop
    or bracket (Japanese writes sentences without one)."""
    out = ""
    for part in (p for p in parts if p):
        if out and not out.endswith(("。", "）", "」", "！", "？")):
            out += " "
        out += part
    return out


def ltext(value: Any) -> str:
    """`localized` for one text shown in a widget."""
    return str(localized(value)) if value is not None else ""


def status_word(status: Status) -> str:
    return {
        Status.PASS: tr("OK"),
        Status.WARN: tr("Warning"),
        Status.FAIL: tr("Problem"),
        Status.SKIP: tr("Not checked"),
        Status.ERROR: tr("Could not check"),
    }[status]


# The five steps of the sign-in and their states, in the words the case file uses too.
def step_label(step: FlowStep) -> str:
    return ltext(steps.step_label(step))


def step_state_word(state: str) -> str:
    return ltext(steps.state_word(state))
