"""Reads of the chronology: a person's timeline, newest first.

Callers pass a person they have already authorised and recorded the read of
(`people.selectors.person_get`); these reads do not record again.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.chronology.models import Event, EventType, Participant
from sightline.people.models import Person


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def person_timeline(
    *,
    user: User,
    person: Person,
    agency: Agency | None = None,
    type: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Event]:
    """The events concerning `person`, newest first, optionally filtered.

    `date_from` and `date_to` are inclusive local dates. Each event carries `roles_here`: its
    Participant rows for this person (their role in it). The query count does not grow with
    the number of events: the source agency is joined and the roles come in one prefetch.

    `user` is the reader: every event of a person they may see is shown today; event-level
    restrictions (for example sealed records) will narrow the timeline here.
    """
    participations = Participant.objects.filter(person=person)
    if date_from:
        participations = participations.filter(occurred_at__gte=_start_of_day(date_from))
    if date_to:
        participations = participations.filter(
            occurred_at__lt=_start_of_day(date_to + dt.timedelta(days=1))
        )
    events = Event.objects.filter(pk__in=participations.values("event_id"))
    if agency is not None:
        events = events.filter(source=agency)
    if type:
        events = events.filter(type=type)
    roles = Participant.objects.filter(person=person).order_by("role")
    return (
        events.select_related("source")
        .prefetch_related(Prefetch("participants", queryset=roles, to_attr="roles_here"))
        .order_by("-occurred_at", "-id")
    )


def timeline_agencies(*, person: Person) -> QuerySet[Agency]:
    """The agencies that recorded events about `person` (to filter their timeline by)."""
    return Agency.objects.filter(events__participants__person=person).distinct().order_by("name")


def timeline_event_types(*, person: Person) -> list[tuple[str, str]]:
    """The types of event on `person`'s timeline, as (value, label), by label."""
    labels = dict(EventType.choices)
    values = (
        Event.objects.filter(participants__person=person)
        .order_by()
        .values_list("type", flat=True)
        .distinct()
    )
    return sorted(((value, labels.get(value, value)) for value in values), key=lambda c: c[1])
