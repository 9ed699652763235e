"""School days: when the next school day starts at a school after a moment.

A day is a school day at a school when it is a weekday, not an England and Wales bank holiday
(core.working_days), not an INSET day or other closure of that school, and not in a holiday
between two of its terms. Days outside the terms loaded (a calendar not yet kept up to date
for next year) count as school days: the deadline is then the earliest it could be, never a
later one that would let a notification arrive after the children are back in class.
A school with no calendar at all has every working day as a school day, starting at
DEFAULT_DAY_STARTS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from sightline.accounts.models import Agency
from sightline.core.working_days import LONDON, is_working_day, next_working_day
from sightline.sharing.encompass.models import (
    DEFAULT_DAY_STARTS,
    SchoolCalendar,
    SchoolCalendarPeriod,
)

LOOK_AHEAD_DAYS = 400  # a calendar that closes a school for longer than this is refused


@dataclass
class SchoolYear:
    """A school's calendar read once: its start time, terms and closed days."""

    day_starts: dt.time = DEFAULT_DAY_STARTS
    terms: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    closed: list[tuple[dt.date, dt.date]] = field(default_factory=list)

    @classmethod
    def of(cls, school: Agency | None) -> SchoolYear:
        calendar = (
            SchoolCalendar.objects.filter(school=school).first() if school is not None else None
        )
        if calendar is None:
            return cls()
        year = cls(day_starts=calendar.day_starts)
        for kind, first, last in calendar.periods.values_list("kind", "first_day", "last_day"):
            if kind == SchoolCalendarPeriod.Kind.TERM:
                year.terms.append((first, last))
            else:
                year.closed.append((first, last))
        return year

    def in_holiday(self, day: dt.date) -> bool:
        if not self.terms:
            return False
        if day < min(t[0] for t in self.terms) or day > max(t[1] for t in self.terms):
            return False  # outside the terms loaded: counted as a school day (see above)
        return not any(first <= day <= last for first, last in self.terms)

    def is_school_day(self, day: dt.date) -> bool:
        return (
            is_working_day(day)
            and not any(first <= day <= last for first, last in self.closed)
            and not self.in_holiday(day)
        )

    def starts(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.day_starts, tzinfo=LONDON)

    def next_day_start(self, after: dt.datetime) -> dt.datetime:
        """The start of the first school day that starts after `after`."""
        day = timezone.localtime(after, LONDON).date()
        for _ in range(LOOK_AHEAD_DAYS):
            if self.is_school_day(day) and self.starts(day) > after:
                return self.starts(day)
            day += dt.timedelta(days=1)
        raise ValueError("No school day within a year: check the school's calendar.")


def next_school_day_start(school: Agency | None, after: dt.datetime) -> dt.datetime:
    return SchoolYear.of(school).next_day_start(after)


def next_office_day_start(after: dt.datetime) -> dt.datetime:
    """The start of the local authority's next working day after `after` (office hours)."""
    opens = dt.time.fromisoformat(settings.WORKING_DAY_START)
    day = timezone.localtime(after, LONDON).date()
    if not is_working_day(day):
        day = next_working_day(day)
    start = dt.datetime.combine(day, opens, tzinfo=LONDON)
    if start > after:
        return start
    return dt.datetime.combine(next_working_day(day), opens, tzinfo=LONDON)
