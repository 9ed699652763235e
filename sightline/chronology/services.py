"""Writing to the chronology. Every domain action records its event here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.chronology.listeners import publish, publish_many
from sightline.chronology.models import Event, Participant
from sightline.core import audit
from sightline.core.dates import occurrence
from sightline.core.rows import rows_insert
from sightline.people.models import Person


@transaction.atomic
def event_record(
    *,
    type: str,
    occurred_at: dt.datetime | dt.date,
    summary: str,
    source: Agency,
    participants: Iterable[tuple[Person, str]],
    recorded_by: User | None = None,
    recorded_by_label: str = "",
    details: dict[str, Any] | None = None,
    source_event_id: str | None = None,
) -> Event:
    """Append an event to the timeline of each participant.

    `occurred_at` is a moment (a `datetime`, shown with its time) or, for a step recorded with
    a date only, a `date`: it keeps its date and gets no invented time (core.dates).
    """
    when = occurrence(occurred_at)
    event = Event.objects.create(
        type=type,
        occurred_at=when.at,
        occurred_on=when.on,
        has_time=when.has_time,
        recorded_at=timezone.now(),
        summary=summary,
        details=details or {},
        source=source,
        source_event_id=source_event_id,
        recorded_by=recorded_by,
        recorded_by_label=recorded_by_label
        or (recorded_by.get_full_name() if recorded_by else "system"),
    )
    Participant.objects.bulk_create(  # a new event: nobody is on it yet
        [
            Participant(event=event, person=person, role=role, occurred_at=event.occurred_at)
            for person, role in dict.fromkeys(participants)
        ]
    )
    audit.record_change(
        actor=recorded_by or recorded_by_label or "system",
        action="event.recorded",
        target=event,
        detail={"type": type},
    )
    transaction.on_commit(lambda: publish(event.pk))
    return event


@dataclass
class EventToRecord:
    """One event of `events_record_many`: the arguments of `event_record`."""

    type: str
    occurred_at: dt.datetime | dt.date  # a date: a date only, as for `event_record`
    summary: str
    source: Agency
    participants: list[tuple[Person, str]]
    recorded_by_label: str
    details: dict[str, Any] = field(default_factory=dict)
    source_event_id: str | None = None
    # (person id, role) -> the id of the agency's record that named them (a feed's events)
    source_records: dict[tuple[int, str], int] = field(default_factory=dict)


def events_record_many(*, events: Sequence[EventToRecord]) -> list[Event]:
    """Append many events at once (a feed batch), as `event_record` would one by one: the
    same rows, audit entries and listeners, in a few inserts. Call inside a transaction; an
    error (such as an event id already recorded) fails them all."""
    if not events:
        return []
    now = timezone.now()
    whens = [occurrence(spec.occurred_at) for spec in events]
    saved = [
        Event(
            type=spec.type,
            occurred_at=when.at,
            occurred_on=when.on,
            has_time=when.has_time,
            recorded_at=now,
            summary=spec.summary,
            details=spec.details or {},
            source=spec.source,
            source_event_id=spec.source_event_id,
            recorded_by_label=spec.recorded_by_label or "system",
        )
        for spec, when in zip(events, whens, strict=True)
    ]
    rows_insert(saved)
    rows_insert(
        [
            Participant(
                event=event,
                person=person,
                role=role,
                occurred_at=event.occurred_at,
                source_record_id=spec.source_records.get((person.pk, role)),
            )
            for event, spec in zip(saved, events, strict=True)
            for person, role in dict.fromkeys(spec.participants)
        ]
    )
    for event in saved:
        audit.record_change(
            actor=event.recorded_by_label,
            action="event.recorded",
            target=event,
            detail={"type": event.type},
        )
    ids = [event.pk for event in saved]
    transaction.on_commit(lambda: publish_many(ids))
    return saved


def participant_add(*, event: Event, participants: Iterable[tuple[Person, str]]) -> None:
    seen = set(event.participants.values_list("person_id", "role"))
    Participant.objects.bulk_create(
        [
            Participant(event=event, person=person, role=role, occurred_at=event.occurred_at)
            for person, role in dict.fromkeys(participants)
            if (person.pk, role) not in seen
        ]
    )
