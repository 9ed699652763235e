"""The working-day calendar: weekends and England and Wales bank holidays excluded.

Bank holidays come from the `holidays` package, which carries its data offline, plus any
extra closure days a partnership lists in the SIGHTLINE_EXTRA_CLOSURE_DAYS setting
(for example a one-off royal event announced after the package release).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    england = holidays.country_holidays("GB", subdiv="ENG", years=year)
    extra = {
        dt.date.fromisoformat(day)
        for day in getattr(settings, "SIGHTLINE_EXTRA_CLOSURE_DAYS", ())
        if day.startswith(str(year))
    }
    return frozenset(england.keys()) | frozenset(extra)


def is_bank_holiday(day: dt.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (0: `day` if a working day, else the next)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return day if is_working_day(day) else next_working_day(day)
    for _ in range(count):
        day = next_working_day(day)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)


def working_day_deadline(received_at: dt.datetime, working_days: int) -> dt.datetime:
    """Deadline for a decision due `working_days` after receipt: the end of that working day.

    A contact received at any time on Friday before a bank holiday Monday is due by the end
    of Tuesday; one received on Saturday is due by the end of Monday (the first working day
    after the day of receipt).
    """
    received_day = timezone.localtime(received_at, LONDON).date()
    return end_of_day(add_working_days(received_day, working_days))


def _clock(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """`hours` of office time after `start` (LOCAL office hours, working days only)."""
    opens, closes = _clock(settings.WORKING_DAY_START), _clock(settings.WORKING_DAY_END)
    moment = timezone.localtime(start, LONDON)
    remaining = dt.timedelta(hours=hours)
    while True:
        day = moment.date()
        day_open = dt.datetime.combine(day, opens, tzinfo=LONDON)
        day_close = dt.datetime.combine(day, closes, tzinfo=LONDON)
        if not is_working_day(day) or moment >= day_close:
            moment = dt.datetime.combine(next_working_day(day), opens, tzinfo=LONDON)
            continue
        moment = max(moment, day_open)
        available = day_close - moment
        if remaining <= available:
            return moment + remaining
        remaining -= available
        moment = dt.datetime.combine(next_working_day(day), opens, tzinfo=LONDON)
