"""Is this computer's clock close to the sign-in server's?

Compares the server's `Date` (plus `Age`, if a cache held the answer) with the local clock
at the middle of the openid request, so the network round trip does not count as skew."""

from __future__ import annotations

import email.utils
from datetime import datetime, timedelta

from wizard.core.engine import CheckContext
from wizard.core.findings.network import ClockFindings, ClockReading, OpenidFindings
from wizard.core.i18n import tr, tr_map
from wizard.core.model import Outcome, Status


def check_clock(ctx: CheckContext) -> Outcome:
    openid = ctx.dep("openid")
    found = openid.typed(OpenidFindings) if openid else None
    if openid is None or openid.status is Status.SKIP:
        return Outcome(
            Status.SKIP, tr("clock", "Not tested: the sign-in server could not be asked.")
        )
    timing = found.timing if found else None
    if timing is None or not timing.server_date:
        return Outcome(
            Status.SKIP, tr("clock", "Not tested: the sign-in server did not tell its time.")
        )
    if "html_answer" in openid.faults:
        return Outcome(
            Status.SKIP,
            tr("clock", "Not tested: the answer did not come from the sign-in server."),
        )
    measured = measure_skew(timing.server_date, timing.age, timing.sent_at, timing.received_at)
    if measured is None:
        return Outcome(
            Status.SKIP,
            tr("clock", "Not tested: the sign-in server's time could not be read."),
            ClockFindings(server_date=str(timing.server_date)[:80]),
        )
    skew, server_time, local_time = measured
    limit = float(ctx.profile["clock_skew_limit_s"])
    direction = tr("clock", "ahead of") if skew > 0 else tr("clock", "behind")
    facts = {"skew_human": human_duration(skew), "direction": direction}
    rtt_ms = found.answer.rtt_ms if found and found.answer else None
    details = ClockFindings(
        skew_s=round(skew, 1),
        limit_s=limit,
        server_date=timing.server_date,
        reading=ClockReading(timing.age, server_time.isoformat(), local_time.isoformat(), rtt_ms),
        facts=facts,
    )
    if abs(skew) > limit:
        return Outcome(
            Status.FAIL,
            tr(
                "clock",
                "This computer's clock is {skew_human} {direction} the sign-in server's.",
                **facts,
            ),
            details,
            ("clock_skew",),
        )
    off = round(abs(skew))
    return Outcome(
        Status.PASS,
        tr("clock", "This computer's clock is right (off by {off} s).", off=off)
        if off
        else tr("clock", "This computer's clock is right (off by less than 1 s)."),
        details,
    )


def measure_skew(
    server_date: str, age: object, sent_at: object, received_at: object
) -> tuple[float, datetime, datetime] | None:
    """(local - server seconds, server time, local midpoint), or None if unreadable."""
    try:
        server_time = email.utils.parsedate_to_datetime(server_date)
        sent = datetime.fromisoformat(str(sent_at))
        received = datetime.fromisoformat(str(received_at))
    except (TypeError, ValueError, IndexError):
        return None
    if server_time.tzinfo is None or sent.tzinfo is None or received.tzinfo is None:
        return None
    try:
        age_s = max(0, int(str(age))) if age is not None else 0
    except ValueError:
        age_s = 0
    server_time += timedelta(seconds=age_s)
    local_time = sent + (received - sent) / 2
    return (local_time - server_time).total_seconds(), server_time, local_time


UNITS = {
    "second": (tr("clock", "{n} second"), tr("clock", "{n} seconds")),
    "minute": (tr("clock", "{n} minute"), tr("clock", "{n} minutes")),
    "hour": (tr("clock", "{n} hour"), tr("clock", "{n} hours")),
    "day": (tr("clock", "{n} day"), tr("clock", "{n} days")),
}


def human_duration(seconds: float) -> str:
    """'45 seconds', '7 minutes', '2 hours 5 minutes', '3 days 4 hours' (sign ignored)."""
    total = round(abs(seconds))
    if total < 60:
        return _unit(total, "second")
    if total < 600:
        minutes, rest = divmod(total, 60)
        return _join(_unit(minutes, "minute"), _unit(rest, "second") if rest else "")
    minutes = round(total / 60)
    if minutes < 60:
        return _unit(minutes, "minute")
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return _join(_unit(hours, "hour"), _unit(rest, "minute") if rest else "")
    days, hours = divmod(round(total / 3600), 24)
    return _join(_unit(days, "day"), _unit(hours, "hour") if hours else "")


def _unit(count: int, name: str) -> str:
    one, many = UNITS[name]
    template = one if count == 1 else many
    return tr_map(template.context, template.template, {"n": count})


def _join(*parts: str) -> str:
    shown = [p for p in parts if p]
    return shown[0] if len(shown) == 1 else tr("clock", "{a} {b}", a=shown[0], b=shown[1])
