"""A step recorded with a date only, on the chronology: one way, everywhere.

Many steps are recorded by date (a conference, a core group meeting, a plan's end, an episode's
closure). Such a step keeps its date and gets no invented time: it is stored at the start of
its day, UK time, marked as having no time, and the chronology orders it by its date and then
by the order things were recorded, and shows no time for it.

A caller says which it has by what it passes: a `datetime` is a moment with a time, a `date`
is a date only (`occurrence` tells the two apart).

Calendar arithmetic lives here too, once: `add_months` (on `python-dateutil`'s
`relativedelta`) and `age_on`. Nothing else in Sightline defines them
(`tests/test_one_way_to_do_each_thing.py` fails if something does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from sightline.core.working_days import LONDON

__all__ = [
    "DATE_ONLY_TIME",
    "Occurrence",
    "add_months",
    "age_on",
    "date_only_moment",
    "local_day",
    "occurrence",
]

# The time of day, UK time, at which a step recorded with a date only is stored: the start of
# its day (ADR 012). The one constant for it; no module invents 09:00 or 12:00 of its own.
DATE_ONLY_TIME = dt.time.min

When = TypeVar("When", dt.date, dt.datetime)


def date_only_moment(day: dt.date) -> dt.datetime:
    """The instant a date-only step is stored at: the start of its day, UK time.

    Never in the future for a step recorded today, and inside any date filter that includes
    the day. Rules measure windows between these instants (DESIGN.md section 6).
    """
    return dt.datetime.combine(day, DATE_ONLY_TIME, tzinfo=LONDON)


def add_months(when: When, months: int) -> When:
    """The same day (and time) `months` calendar months later, or earlier when negative.

    When that month has no such day, the month's last day: 31 August + 6 months is 28 February
    (29 in a leap year), and 29 February - 12 months is 28 February. A `datetime` keeps its
    wall-clock time and time zone.
    """
    return when + relativedelta(months=months)


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years from `born` to `day`: the age a person is on `day`.

    A birthday counts from the start of its day. Someone born on 29 February turns a year
    older on 1 March in a year without one: a child born on 29 February 2008 is still 17 on
    28 February 2026, and 18 on 1 March. Negative before `born` (-1 the day before birth).
    """
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def local_day(moment: dt.datetime) -> dt.date:
    """The UK date of a moment (a naive one is taken to be in the current time zone)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment, LONDON).date()


@dataclass(frozen=True)
class Occurrence:
    """When a step happened, as the chronology stores it."""

    at: dt.datetime  # the instant (the start of the day for a date-only step)
    on: dt.date  # the UK date
    has_time: bool  # False: a date only, shown without a time


def occurrence(when: dt.datetime | dt.date) -> Occurrence:
    """A moment with its time, or a date only (a `date` that is not a `datetime`)."""
    if isinstance(when, dt.datetime):
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        return Occurrence(at=when, on=local_day(when), has_time=True)
    return Occurrence(at=date_only_moment(when), on=when, has_time=False)
