"""The hub's background work, run by the worker (`sightline worker`): notifications made
after the change that caused them has committed, so a feed line never waits for them.

The rules that raise the alerts run in the worker too (`sightline.risk.tasks`): an alert they
raise is published after their transaction commits, and `alerts_notify` tells its people."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from sightline.casework.models import Plan
from sightline.people.households import address_key
from sightline.people.models import Address, Person
from sightline.risk.models import Alert
from sightline.sharing.network.services import network_notify

ADDRESS_CHANGE = "address-change"
CPIS_LOOKUP = "cpis-lookup"


@task()
def alerts_notify(alert_ids: list[int]) -> int:
    """One notification per recipient of each alert still open."""
    made = 0
    alerts = Alert.objects.filter(pk__in=alert_ids, status="open").order_by("pk")
    for alert in alerts:
        made += len(
            network_notify(
                kind=alert.rule,
                person_ids=[alert.person_id],
                title=alert.title,
                asks_for=alert.asks_for,
                alert_id=alert.pk,
            )
        )
    return made


def _on_plan(person_ids: set[int]) -> list[int]:
    today = timezone.localdate()
    return sorted(
        set(
            Plan.objects.filter(episode__child_id__in=person_ids, start_date__lte=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
            .values_list("episode__child_id", flat=True)
        )
    )


@task()
def address_change_notify(person_id: int) -> int:
    """A new address: the person's own network if they are a child on a plan, and the network
    of each child on a plan living at the new address (someone joined their household)."""
    current = Address.objects.filter(person_id=person_id, moved_out__isnull=True).first()
    made = 0
    for child_id in _on_plan({person_id}):
        made += len(
            network_notify(
                kind=ADDRESS_CHANGE,
                person_ids=[child_id],
                title="New address for a child on a plan",
                asks_for="Check the child's new address and who lives there",
            )
        )
    if current is None:
        return made
    key = address_key(current.line, current.postcode)
    residents = {
        a.person_id
        for a in Address.objects.filter(postcode=current.postcode, moved_out__isnull=True)
        .exclude(person_id=person_id)
        .only("person_id", "line", "postcode")
        if address_key(a.line, a.postcode) == key
    }
    children = Person.objects.filter(pk__in=residents).exclude(kind=Person.Kind.ADULT)
    for child_id in _on_plan(set(children.values_list("pk", flat=True))):
        made += len(
            network_notify(
                kind=ADDRESS_CHANGE,
                person_ids=[child_id, person_id],
                title="Someone joined the household of a child on a plan",
                asks_for="Find out who has joined the household and update the assessment",
            )
        )
    return made


@task()
def cpis_lookup_notify(child_id: int, detail: str) -> int:
    return len(
        network_notify(
            kind=CPIS_LOOKUP,
            person_ids=[child_id],
            title="A child on a plan attended unscheduled care",
            asks_for="Contact the clinician or the hospital's safeguarding team if you need to",
            detail=detail,
        )
    )


def on_alerts_raised(sender: Any, alert_ids: list[int], **_: Any) -> None:
    alerts_notify.enqueue(alert_ids=list(alert_ids))


def on_address_changed(sender: Any, person_id: int, **_: Any) -> None:
    address_change_notify.enqueue(person_id=person_id)
