"""Builders for front door tests and benchmarks: contacts as they reach the queue.

A contact is built the way intake stores one (its deadline from the working-day calendar and
a `contact` event on the child's chronology), without going through a form. Synthetic only.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.chronology.models import EventType
from sightline.chronology.services import event_record
from sightline.frontdoor.models import Channel, Contact, ReferralSource, Urgency
from sightline.frontdoor.services.contacts import contact_decision_due
from sightline.people.models import Person
from sightline.people.services import social_care_agency

_numbers = itertools.count(1)


def contact(
    *,
    child: Person | None = None,
    received_at: dt.datetime | None = None,
    referrer: User | None = None,
    referrer_agency: Agency | None = None,
    referrer_email: str = "",
    anonymous: bool = False,
    concern: str = "Child arrived at school hungry with a bruise on the cheek.",
    urgency: str = Urgency.NOT_URGENT,
    child_details: dict[str, Any] | None = None,
    channel: str | None = None,
    **fields: Any,
) -> Contact:
    """A contact awaiting a decision. With a `referrer` user it is a practitioner's contact;
    without one it came through the public form (anonymous if asked)."""
    received_at = received_at or timezone.now()
    agency = referrer_agency or (referrer.agency if referrer is not None else None)
    if channel is None:
        channel = Channel.PRACTITIONER if referrer is not None else Channel.PUBLIC
    if anonymous:
        source = ReferralSource.ANONYMOUS
    elif referrer is not None:
        source = (
            ReferralSource.POLICE if agency and agency.kind == "police" else ReferralSource.OTHER
        )
    else:
        source = ReferralSource.FAMILY
    reference = f"C-TEST-{next(_numbers):04d}"
    while Contact.objects.filter(reference=reference).exists():
        reference = f"C-TEST-{next(_numbers):04d}"
    item = Contact.objects.create(
        reference=reference,
        channel=channel,
        received_at=received_at,
        decision_due_at=contact_decision_due(received_at=received_at, urgency=urgency),
        urgency=urgency,
        child=child,
        child_details=child_details
        if child_details is not None
        else {"given_name": "Ava", "family_name": "Testchild", "postcode": "NM1 1AA"},
        concern=concern,
        child_voice=fields.pop("child_voice", "She said: I don't want to go home."),
        anonymous=anonymous,
        referrer_user=referrer,
        referrer_agency=agency,
        referrer_name="" if anonymous or referrer else fields.pop("referrer_name", "Jo Public"),
        referrer_email="" if anonymous else referrer_email,
        referral_source=source,
        **fields,
    )
    item.event = event_record(
        type=EventType.CONTACT,
        occurred_at=received_at,
        summary=f"Contact {item.reference}: {concern}",
        source=agency or social_care_agency(),
        participants=[(child, "child")] if child is not None else [],
        recorded_by=referrer,
        recorded_by_label="" if referrer else "Member of the public",
        details={
            "referral_source": source,
            "concern": concern[:500],
            "outcome": "pending",
            "contact_reference": item.reference,
            "channel": channel,
            "urgency": urgency,
        },
    )
    item.save(update_fields=["event"])
    return item


def contacts(count: int, **fields: Any) -> list[Contact]:
    return [contact(**fields) for _ in range(count)]
