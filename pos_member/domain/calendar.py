"""Date arithmetic the rules need: whole months, qualification windows, points-lot expiry. Standard library."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from pos_member.domain.rules import Expiry, Qualification


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's end: 31 Jan + 1 month = 28/29 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def lot_expiry(expiry: Expiry, earned_on: date) -> date | None:
    """The first day on which points earned on `earned_on` are no longer valid; None if they never lapse
    (or lapse only through inactivity, which the expiry job judges per member)."""
    if expiry.policy == "months_after_earning":
        return add_months(earned_on, expiry.months)
    if expiry.policy == "end_of_next_year":
        return date(earned_on.year + 2, 1, 1)  # valid through 31 December of the following year
    return None


def window_for_sale(qualification: Qualification, day: date) -> tuple[date, date]:
    """[start, end) of the qualification window that a sale on `day` counts in, ending after `day`."""
    if qualification.window == "calendar_year":
        return date(day.year, 1, 1), date(day.year + 1, 1, 1)
    end = day + timedelta(days=1)
    return add_months(end, -qualification.months), end


def window_for_evaluation(qualification: Qualification, day: date) -> tuple[date, date]:
    """[start, end) judged by the evaluation on `day`: the window that closed the day before, so the
    evaluation on 1 January judges the whole previous calendar year."""
    if qualification.window == "calendar_year":
        return date(day.year - 1, 1, 1) if day.month == 1 and day.day == 1 else date(day.year, 1, 1), day
    return add_months(day, -qualification.months), day


def retained_until(qualification: Qualification, reached_on: date | None) -> date | None:
    """The last day a tier reached (or re-qualified for) on `reached_on` is kept whatever the spend."""
    if reached_on is None or qualification.retention == "none":
        return None
    if qualification.retention == "through_next_calendar_year":
        return date(reached_on.year + 1, 12, 31)
    return add_months(reached_on, qualification.retention_months) - timedelta(days=1)


def due_days(last_run: str | None, today: date, catch_up_days: int) -> list[date]:
    """The dates the nightly jobs still owe: each day after `last_run` (ISO date) up to today, at most the last
    `catch_up_days` of them (a till or HQ off for days catches up); only today when nothing has run yet."""
    start = date.fromisoformat(last_run) + timedelta(days=1) if last_run else today
    start = max(start, today - timedelta(days=catch_up_days - 1))
    return [start + timedelta(days=n) for n in range((today - start).days + 1)]
