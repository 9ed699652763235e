"""Receiving a contact, from any channel: the public form, a practitioner, an agency system."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, Profession, User
from sightline.chronology.models import EventType
from sightline.chronology.services import event_record
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.core.working_days import working_day_deadline
from sightline.frontdoor.models import Channel, Contact, ReferralSource, Urgency
from sightline.people.models import Person
from sightline.people.services import person_ensure_social_care_record, social_care_agency

MAX_TEXT = 20_000  # characters in any one free-text answer
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I

AGENCY_SOURCE = {
    Agency.Kind.POLICE: ReferralSource.POLICE,
    Agency.Kind.HOSPITAL: ReferralSource.OTHER_HEALTH,
    Agency.Kind.COMMUNITY_HEALTH: ReferralSource.OTHER_PRIMARY_HEALTH,
    Agency.Kind.GP: ReferralSource.GP,
    Agency.Kind.SCHOOL: ReferralSource.SCHOOLS,
    Agency.Kind.SOCIAL_CARE: ReferralSource.LA_SOCIAL_CARE,
    Agency.Kind.PROBATION: ReferralSource.OTHER_LEGAL,
    Agency.Kind.YOUTH_JUSTICE: ReferralSource.OTHER_INTERNAL,
    Agency.Kind.HOUSING: ReferralSource.HOUSING,
    Agency.Kind.VOLUNTARY: ReferralSource.OTHER,
    Agency.Kind.OTHER: ReferralSource.OTHER,
}
PROFESSION_SOURCE = {
    Profession.GP: ReferralSource.GP,
    Profession.HEALTH_VISITOR: ReferralSource.HEALTH_VISITOR,
    Profession.SCHOOL_NURSE: ReferralSource.SCHOOL_NURSE,
    Profession.ED_CLINICIAN: ReferralSource.A_AND_E,
    Profession.EDUCATION_SERVICES: ReferralSource.EDUCATION_SERVICES,
    Profession.EARLY_HELP: ReferralSource.EARLY_HELP,
}
PUBLIC_RELATIONSHIP_SOURCE = {
    "family": ReferralSource.FAMILY,
    "acquaintance": ReferralSource.ACQUAINTANCE,
    "self": ReferralSource.SELF,
    "other": ReferralSource.OTHER_INDIVIDUAL,
}


def referral_source_for_agency(agency: Agency | None, profession: str = "") -> str:
    """The DfE referral source code that follows from the referrer's agency and role."""
    if profession in PROFESSION_SOURCE:
        return PROFESSION_SOURCE[Profession(profession)]
    if agency is None:
        return ReferralSource.UNKNOWN
    return AGENCY_SOURCE.get(Agency.Kind(agency.kind), ReferralSource.OTHER)


def referral_source_for_public(*, anonymous: bool, relationship: str) -> str:
    if anonymous:
        return ReferralSource.ANONYMOUS
    return PUBLIC_RELATIONSHIP_SOURCE.get(relationship, ReferralSource.OTHER_INDIVIDUAL)


def new_reference() -> str:
    """An unguessable reference a member of the public can quote, like C-7KQ4-M2XD."""
    while True:
        body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        reference = f"C-{body[:4]}-{body[4:]}"
        if not Contact.objects.filter(reference=reference).exists():
            return reference


def _check_text(errors: dict[str, list[str]], **fields: str) -> None:
    for name, value in fields.items():
        if value and len(value) > MAX_TEXT:
            errors.setdefault(name, []).append(
                f"This answer is too long: use at most {MAX_TEXT:,} characters "
                f"(it has {len(value):,})"
            )


@transaction.atomic
def contact_create(
    *,
    actor: User | str,
    channel: str,
    concern: str,
    child: Person | None = None,
    child_details: dict[str, Any] | None = None,
    household_details: str = "",
    urgency: str = Urgency.NOT_URGENT,
    child_voice: str = "",
    child_presentation: str = "",
    actions_taken: str = "",
    lawful_basis: str = "",
    consent: str = "",
    consent_detail: str = "",
    anonymous: bool = False,
    referrer_user: User | None = None,
    referrer_agency: Agency | None = None,
    referrer_name: str = "",
    referrer_relationship: str = "",
    referrer_email: str = "",
    referrer_phone: str = "",
    referral_source: str = "",
    external_id: str = "",
    received_at: dt.datetime | None = None,
) -> Contact:
    """Store a contact first, then record its chronology event and tell the front door."""
    errors: dict[str, list[str]] = {}
    if not (concern or "").strip():
        errors["concern"] = ["Tell us what happened or what you are worried about"]
    _check_text(
        errors,
        concern=concern,
        child_voice=child_voice,
        child_presentation=child_presentation,
        actions_taken=actions_taken,
        household_details=household_details,
        consent_detail=consent_detail,
    )
    if channel not in Channel.values:
        errors["channel"] = [f"Unknown channel {channel!r}"]
    if urgency not in Urgency.values:
        errors["urgency"] = ["Choose how urgent this is"]
    if referral_source and referral_source not in ReferralSource.values:
        errors["referral_source"] = [f"{referral_source!r} is not a DfE referral source code"]
    if errors:
        raise ValidationError(errors)
    received_at = received_at or timezone.now()
    if not referral_source:
        if channel == Channel.PUBLIC:
            referral_source = referral_source_for_public(
                anonymous=anonymous, relationship=referrer_relationship
            )
        else:
            referral_source = referral_source_for_agency(
                referrer_agency, getattr(referrer_user, "profession", "")
            )
    contact = Contact.objects.create(
        reference=new_reference(),
        channel=channel,
        received_at=received_at,
        decision_due_at=working_day_deadline(received_at, settings.CONTACT_DECISION_WORKING_DAYS),
        urgency=urgency,
        child=child,
        child_details=child_details or {},
        household_details=household_details,
        concern=concern.strip(),
        child_voice=child_voice,
        child_presentation=child_presentation,
        actions_taken=actions_taken,
        lawful_basis=lawful_basis,
        consent=consent,
        consent_detail=consent_detail,
        anonymous=anonymous,
        referrer_user=referrer_user,
        referrer_agency=referrer_agency,
        referrer_name="" if anonymous else referrer_name,
        referrer_relationship=referrer_relationship,
        referrer_email="" if anonymous else referrer_email,
        referrer_phone="" if anonymous else referrer_phone,
        referral_source=referral_source,
        external_id=external_id,
    )
    audit.record_change(
        actor=actor,
        action="contact.received",
        target=contact,
        person_id=child.pk if child else None,
        detail={"channel": channel, "reference": contact.reference},
    )
    if child is not None:
        person_ensure_social_care_record(actor=actor, person=child)
    contact.event = event_record(
        type=EventType.CONTACT,
        occurred_at=received_at,
        summary=contact_summary(contact),
        source=referrer_agency or social_care_agency(),
        participants=[(child, "child")] if child else [],
        recorded_by=referrer_user,
        recorded_by_label=_referrer_label(contact),
        details={
            "referral_source": referral_source,
            "concern": contact.concern[:500],
            "outcome": "pending",
            "contact_reference": contact.reference,
            "channel": channel,
            "urgency": urgency,
        },
    )
    contact.save(update_fields=["event"])
    notification_queue(
        subject=f"New contact {contact.reference} ({contact.get_urgency_display().lower()})",
        body=(
            f"A new contact has reached the front door.\nReference: {contact.reference}\n"
            f"Decision due: {timezone.localtime(contact.decision_due_at):%A %d %B %Y %H:%M}\n"
            "Open the front door queue in Sightline to see it."
        ),
        recipient_email=social_care_agency().email,
        topic="contact.received",
        about=contact,
    )
    return contact


def contact_summary(contact: Contact) -> str:
    who = (
        "Anonymous member of the public"
        if contact.anonymous
        else (
            contact.referrer_name
            or (contact.referrer_agency.name if contact.referrer_agency else "Member of the public")
        )
    )
    return f"Contact from {who} ({contact.get_referral_source_display()}): {contact.concern[:200]}"


def _referrer_label(contact: Contact) -> str:
    if contact.referrer_user is not None:
        return contact.referrer_user.get_full_name()
    if contact.channel == Channel.API and contact.referrer_agency:
        return f"{contact.referrer_agency.name} system"
    return (
        "Anonymous member of the public"
        if contact.anonymous
        else (contact.referrer_name or "Member of the public")
    )
