"""Working a contact at the front door: claim it, hand it to a colleague, identify the child.

Every function takes the acting user, runs in one transaction and writes its audit entry in
that transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import User
from sightline.chronology.models import Event, EventType
from sightline.chronology.models import Role as ParticipantRole
from sightline.chronology.services import participant_add
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.core.problems import refuse
from sightline.frontdoor.models import Contact
from sightline.people.models import Person
from sightline.people.services import (
    new_child_problems,
    person_create,
    person_ensure_social_care_record,
)


def require_front_door(actor: User) -> None:
    if not (getattr(actor, "is_active", False) and getattr(actor, "works_at_front_door", False)):
        raise PermissionDenied("Only front door practitioners and managers can do this.")


def lock_contact(contact: Contact) -> Contact:
    """The contact, re-read and locked for the rest of the transaction."""
    return Contact.objects.select_for_update(of=("self",)).get(pk=contact.pk)


def require_undecided(contact: Contact) -> None:
    if contact.status == Contact.Status.DECIDED:
        raise ValidationError("This contact has already been decided.")


def _copy_back(source: Contact, target: Contact, *fields: str) -> None:
    for field in fields:
        setattr(target, field, getattr(source, field))


@transaction.atomic
def contact_claim(*, actor: User, contact: Contact) -> Contact:
    """Take the contact: the queue shows who is working on it."""
    require_front_door(actor)
    locked = lock_contact(contact)
    require_undecided(locked)
    if locked.claimed_by_id == actor.pk:
        return locked
    if locked.claimed_by_id is not None:
        raise ValidationError(
            f"{locked.claimed_by} is already working on this contact. "
            "Ask them or a manager to give it to you."
        )
    locked.claimed_by = actor
    locked.claimed_at = timezone.now()
    locked.save(update_fields=["claimed_by", "claimed_at"])
    audit.record_change(
        actor=actor, action="contact.claimed", target=locked, person_id=locked.child_id
    )
    _copy_back(locked, contact, "claimed_by", "claimed_at")
    return locked


@transaction.atomic
def contact_reassign(*, actor: User, contact: Contact, to: User) -> Contact:
    """Give the contact to another front door practitioner or manager, and tell them."""
    require_front_door(actor)
    if not (to.is_active and to.works_at_front_door):
        raise ValidationError({"to": "Choose someone who works at the front door"})
    locked = lock_contact(contact)
    require_undecided(locked)
    if locked.claimed_by_id == to.pk:
        return locked
    previous = locked.claimed_by
    locked.claimed_by = to
    locked.claimed_at = timezone.now()
    locked.save(update_fields=["claimed_by", "claimed_at"])
    audit.record_change(
        actor=actor,
        action="contact.reassigned",
        target=locked,
        person_id=locked.child_id,
        detail={"from": previous.pk if previous else None, "to": to.pk},
    )
    if to.pk != actor.pk:
        notification_queue(
            subject=f"Contact {locked.reference} has been given to you",
            body=(
                f"{actor} has given you contact {locked.reference} at the front door.\n"
                f"Decision due: {timezone.localtime(locked.decision_due_at):%A %d %B %Y %H:%M}\n"
                "Open the front door queue in Sightline to see it."
            ),
            recipient_user=to,
            topic="contact.reassigned",
            about=locked,
        )
    _copy_back(locked, contact, "claimed_by", "claimed_at")
    return locked


@transaction.atomic
def contact_identify_new_child(*, actor: User, contact: Contact, **fields: Any) -> Person:
    """Record a child Sightline does not know yet (`fields` as person_create takes them) and
    say the contact is about them, together. A child is under 18, and one not yet born has an
    expected date of birth (people.services.new_child_problems)."""
    require_front_door(actor)
    refuse(new_child_problems(**fields))
    child = person_create(actor=actor, address_source=actor.agency, **fields)
    contact_identify_child(actor=actor, contact=contact, child=child)
    return child


@transaction.atomic
def contact_identify_child(*, actor: User, contact: Contact, child: Person) -> Contact:
    """Say which child the contact is about.

    The child joins the contact's chronology event (and the events of any partner checks
    already made), and gets a social care record so the front door can see their history.
    """
    require_front_door(actor)
    locked = lock_contact(contact)
    require_undecided(locked)
    if child.kind not in (Person.Kind.CHILD, Person.Kind.UNBORN):
        raise ValidationError("Choose a child: this person is recorded as an adult.")
    if locked.child_id == child.pk:
        return locked
    if locked.child_id is not None:
        raise ValidationError(
            f"This contact is already about {locked.child}. Ask a manager if that is wrong."
        )
    locked.child = child
    locked.save(update_fields=["child"])
    events = Event.objects.filter(
        type__in=[EventType.INFORMATION_REQUESTED, EventType.INFORMATION_SHARED],
        details__contact_reference=locked.reference,
    )
    if locked.event_id:
        events = events | Event.objects.filter(pk=locked.event_id)
    for event in events.distinct():
        participant_add(event=event, participants=[(child, ParticipantRole.CHILD)])
    person_ensure_social_care_record(actor=actor, person=child)
    audit.record_change(
        actor=actor,
        action="contact.child_identified",
        target=locked,
        person_id=child.pk,
        detail={"reference": locked.reference},
    )
    _copy_back(locked, contact, "child")
    return locked
