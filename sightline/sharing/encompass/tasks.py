"""Operation Encompass in the worker: a batch of recorded events, once committed, is read for
police domestic abuse incidents, and each is told to its children's schools (services.py)."""

from __future__ import annotations

from django_tasks import task

from sightline.chronology.models import Event, EventType
from sightline.sharing.encompass.services import encompass_notify_event


@task()
def encompass_notify(event_ids: list[int]) -> int:
    return sum(len(encompass_notify_event(event_id)) for event_id in sorted(set(event_ids)))


def on_events_recorded(event_ids: list[int]) -> None:
    """The chronology's batch listener: only police domestic abuse incidents go to the worker."""
    incidents = list(
        Event.objects.filter(
            pk__in=event_ids,
            type=EventType.DOMESTIC_ABUSE_INCIDENT,
            source__kind="police",
        ).values_list("pk", flat=True)
    )
    if incidents:
        encompass_notify.enqueue(event_ids=incidents)
