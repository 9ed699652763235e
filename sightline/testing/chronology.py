"""Builders for chronology tests: events on synthetic people's timelines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.chronology.models import Event, EventType
from sightline.chronology.services import event_record
from sightline.people.models import Household, HouseholdMember, Person

_counter = iter(range(1, 10**9))


def at(day: str, time: str = "12:00") -> dt.datetime:
    """An aware local datetime from '2024-05-02' and '14:30'."""
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def event(
    person: Person | None = None,
    *,
    source: Agency,
    type: str = EventType.CONTACT,
    occurred_at: dt.datetime | dt.date | None = None,  # a date: a step with a date only
    summary: str = "",
    role: str = "child",
    participants: Iterable[tuple[Person, str]] | None = None,
    recorded_by: User | None = None,
    recorded_by_label: str = "",
    details: dict[str, Any] | None = None,
) -> Event:
    """One event about `person` (in `role`) or about every one of `participants`."""
    number = next(_counter)
    if participants is None:
        assert person is not None, "give a person or participants"
        participants = [(person, role)]
    return event_record(
        type=type,
        occurred_at=occurred_at or at("2024-01-01") + dt.timedelta(hours=number),
        summary=summary or f"Synthetic {EventType(type).label.lower()} number {number}",
        source=source,
        participants=participants,
        recorded_by=recorded_by,
        recorded_by_label=recorded_by_label or ("" if recorded_by else "Test feed"),
        details=details or {},
        source_event_id=f"TEST-{number}",
    )


def events(
    person: Person, count: int, *, source: Agency, start: dt.datetime | None = None, **kwargs: Any
) -> list[Event]:
    """`count` events about `person`, a day apart from `start`."""
    start = start or at("2020-01-01")
    return [
        event(person, source=source, occurred_at=start + dt.timedelta(days=i), **kwargs)
        for i in range(count)
    ]


def household(*members: Person, name: str = "", joined: dt.date | None = None) -> Household:
    """A household of `members` (people has no household service yet: the linkage issue)."""
    home = Household.objects.create(name=name)
    for member in members:
        HouseholdMember.objects.create(household=home, person=member, joined=joined)
    return home
