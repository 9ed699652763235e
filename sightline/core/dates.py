"""A step recorded with a date only, on the chronology: one way, everywhere.

Many steps are recorded by date (a conference, a core group meeting, a plan's end, an episode's
closure). Such a step keeps its date and gets no invented time: it is stored at the start of
its day, UK time, marked as having no time, and the chronology orders it by its date and then
by the order things were recorded, and shows no time for it.

A caller says which it has by what it passes: a `datetime` is a moment with a time, a `date`
is a date only (`occurrence` tells the two apart).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from sightline.core.working_days import LONDON

__all__ = ["Occurrence", "date_only_moment", "local_day", "occurrence"]


def date_only_moment(day: dt.date) -> dt.datetime:
    """The instant a date-only step is stored at: the start of its day, UK time.

    Never in the future for a step recorded today, and inside any date filter that includes
    the day. Rules measure windows between these instants (DESIGN.md section 6).
    """
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


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
