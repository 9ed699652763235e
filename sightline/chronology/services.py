"""Writing to the chronology. Every domain action records its event here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.chronology.listeners import publish
from sightline.chronology.models import Event, Participant
from sightline.core import audit
from sightline.people.models import Person


@transaction.atomic
def event_record(
    *,
    type: str,
    occurred_at: dt.datetime,
    summary: str,
    source: Agency,
    participants: Iterable[tuple[Person, str]],
    recorded_by: User | None = None,
    recorded_by_label: str = "",
    details: dict[str, Any] | None = None,
    source_event_id: str | None = None,
) -> Event:
    """Append an event to the timeline of each participant."""
    event = Event.objects.create(
        type=type,
        occurred_at=occurred_at,
        recorded_at=timezone.now(),
        summary=summary,
        details=details or {},
        source=source,
        source_event_id=source_event_id,
        recorded_by=recorded_by,
        recorded_by_label=recorded_by_label
        or (recorded_by.get_full_name() if recorded_by else "system"),
    )
    participant_add(event=event, participants=participants)
    audit.record_change(
        actor=recorded_by or recorded_by_label or "system",
        action="event.recorded",
        target=event,
        detail={"type": type},
    )
    transaction.on_commit(lambda: publish(event.pk))
    return event


def participant_add(*, event: Event, participants: Iterable[tuple[Person, str]]) -> None:
    seen = set(event.participants.values_list("person_id", "role"))
    Participant.objects.bulk_create(
        [
            Participant(event=event, person=person, role=role, occurred_at=event.occurred_at)
            for person, role in dict.fromkeys(participants)
            if (person.pk, role) not in seen
        ]
    )
