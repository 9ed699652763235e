"""Receiving a contact, from any channel: the public form, a practitioner, an agency system."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from sightline.accounts.models import Agency, Profession, User
from sightline.chronology.models import Event, EventType
from sightline.chronology.services import event_record
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.core.problems import refuse
from sightline.core.transactions import service_atomic
from sightline.core.working_days import add_working_hours, working_day_deadline
from sightline.frontdoor.models import (
    Channel,
    Consent,
    Contact,
    LawfulBasis,
    ReferralSource,
    Urgency,
)
from sightline.frontdoor.referrer import contact_event_wording
from sightline.people.identifiers import (
    normalise_nhs_number,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)
from sightline.people.models import Person, Sex
from sightline.people.services import (
    involvement_start,
    new_child_problems,
    person_create,
    person_ensure_social_care_record,
    social_care_agency,
)

MAX_TEXT = 20_000  # characters in any one free-text answer
# Short answers, at the length of their columns.
MAX_LENGTH = {
    "referrer_name": 200,
    "referrer_relationship": 200,
    "referrer_phone": 40,
    "external_id": 100,
}
CONSENT_NEEDS_DETAIL = {
    Consent.REFUSED: "Explain why you are sharing this without the family's consent",
    Consent.NOT_SOUGHT: "Explain why asking the family for consent could put the child at risk",
}
# Consent is a lawful basis only when it was given (a contradiction refused, not stored).
CONSENT_NOT_GIVEN = {
    Consent.REFUSED: "the family refused consent",
    Consent.NOT_SOUGHT: "you did not ask the family for consent",
    Consent.NOT_APPLICABLE: "you said consent does not apply",
}
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


def contact_decision_due(*, received_at: dt.datetime, urgency: str) -> dt.datetime:
    """When the front door must decide a contact (LOCAL, DOMAIN.md section 4).

    A child in immediate danger: at once (the deadline is the moment it arrived). Something
    that needs to happen today: within CONTACT_TODAY_WORKING_HOURS of office time. Otherwise by
    the end of the CONTACT_DECISION_WORKING_DAYS working day after it arrived. Deadlines are
    kept to the second, as every page and the API show them.
    """
    if urgency == Urgency.IMMEDIATE:
        return received_at.replace(microsecond=0)
    if urgency == Urgency.TODAY:
        due = add_working_hours(received_at, settings.CONTACT_TODAY_WORKING_HOURS)
        return due.replace(microsecond=0)
    return working_day_deadline(received_at, settings.CONTACT_DECISION_WORKING_DAYS)


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


def _check_sharing(
    errors: dict[str, list[str]], *, lawful_basis: str, consent: str, consent_detail: str
) -> None:
    if lawful_basis and lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = [f"{lawful_basis!r} is not a lawful basis for sharing"]
    if consent and consent not in Consent.values:
        errors["consent"] = [f"{consent!r} is not an answer about consent"]
    elif consent in CONSENT_NEEDS_DETAIL and not (consent_detail or "").strip():
        errors.setdefault("consent_detail", []).append(CONSENT_NEEDS_DETAIL[Consent(consent)])
    if lawful_basis == LawfulBasis.CONSENT and consent in CONSENT_NOT_GIVEN:
        errors.setdefault("lawful_basis", []).append(
            f"Consent cannot be your lawful basis: {CONSENT_NOT_GIVEN[Consent(consent)]}. "
            "Choose another lawful basis, such as safeguarding children"
        )


def _check_referrer(errors: dict[str, list[str]], **fields: str) -> None:
    for name, value in fields.items():
        limit = MAX_LENGTH.get(name)
        if limit and value and len(value) > limit:
            errors.setdefault(name, []).append(
                f"This answer is too long: use at most {limit} characters"
            )
    email = fields.get("referrer_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("referrer_email", []).append(
                "Enter an email address in the correct format, like name@example.com"
            )


def contact_problems(
    *,
    channel: str | None = None,
    concern: str | None = None,
    household_details: str | None = None,
    urgency: str | None = None,
    child_voice: str | None = None,
    child_presentation: str | None = None,
    actions_taken: str | None = None,
    lawful_basis: str | None = None,
    consent: str | None = None,
    consent_detail: str | None = None,
    referrer_name: str | None = None,
    referrer_relationship: str | None = None,
    referrer_email: str | None = None,
    referrer_phone: str | None = None,
    referral_source: str | None = None,
    external_id: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a contact cannot be stored as given (None: nothing wrong).

    A value of None has not been given yet (a form that already said so passes None), so it
    is not judged; `contact_create` passes every value.
    """
    errors: dict[str, list[str]] = {}
    if concern is not None and not concern.strip():
        errors["concern"] = ["Tell us what happened or what you are worried about"]
    texts = {
        "concern": concern,
        "child_voice": child_voice,
        "child_presentation": child_presentation,
        "actions_taken": actions_taken,
        "household_details": household_details,
        "consent_detail": consent_detail,
    }
    _check_text(errors, **{name: value for name, value in texts.items() if value})
    if channel is not None and channel not in Channel.values:
        errors["channel"] = [f"Unknown channel {channel!r}"]
    if urgency is not None and urgency not in Urgency.values:
        errors["urgency"] = ["Choose how urgent this is"]
    if referral_source and referral_source not in ReferralSource.values:
        errors["referral_source"] = [f"{referral_source!r} is not a DfE referral source code"]
    _check_sharing(
        errors,
        lawful_basis=lawful_basis or "",
        consent=consent or "",
        consent_detail=consent_detail if consent_detail is not None else "-",
    )
    referrer = {
        "referrer_name": referrer_name,
        "referrer_relationship": referrer_relationship,
        "referrer_email": referrer_email,
        "referrer_phone": referrer_phone,
        "external_id": external_id,
    }
    _check_referrer(errors, **{name: value for name, value in referrer.items() if value})
    return ValidationError(errors) if errors else None


@service_atomic
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
    event: Event | None = None,
) -> Contact:
    """Store a contact first, then record its chronology event and tell the front door.

    An agency feed that has already recorded the contact's event passes it as `event`, so the
    contact is not recorded on the chronology twice.
    """
    problems = contact_problems(
        channel=channel,
        concern=concern,
        household_details=household_details,
        urgency=urgency,
        child_voice=child_voice,
        child_presentation=child_presentation,
        actions_taken=actions_taken,
        lawful_basis=lawful_basis,
        consent=consent,
        consent_detail=consent_detail,
        referrer_name=referrer_name,
        referrer_relationship=referrer_relationship,
        referrer_email=referrer_email,
        referrer_phone=referrer_phone,
        referral_source=referral_source,
        external_id=external_id,
    )
    if problems is not None:
        raise problems
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
        decision_due_at=contact_decision_due(received_at=received_at, urgency=urgency),
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
    summary, recorded_by_label = contact_event_wording(contact)
    contact.event = event or event_record(
        type=EventType.CONTACT,
        occurred_at=received_at,
        summary=summary,
        source=referrer_agency or social_care_agency(),
        participants=[(child, "child")] if child else [],
        recorded_by=referrer_user,
        recorded_by_label=recorded_by_label,
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


# --- A practitioner's referral: the child (found or new), the contact and their involvement --


@transaction.atomic
def contact_refer(
    *,
    actor: User,
    child: Person | None = None,
    new_child: dict[str, Any] | None = None,
    **concern: Any,
) -> Contact:
    """A practitioner's contact about a child they found, or one they describe for the first time.

    The new child (if any), the contact and the referrer's involvement with the child are
    written together: a ValidationError from any of them leaves nothing behind. Errors about
    the new child carry person_create's field names (given_name, date_of_birth, nhs_number,
    upn, sex, postcode); errors about the concern carry contact_create's.
    """
    if (child is None) == (new_child is None):
        raise ValueError("Give either the child found or the details of a new child")
    if child is None:
        assert new_child is not None
        refuse(new_child_problems(**new_child))  # a child is under 18, and born
        child = person_create(actor=actor, address_source=actor.agency, **new_child)
    contact = contact_create(
        actor=actor,
        channel=Channel.PRACTITIONER,
        child=child,
        referrer_user=actor,
        referrer_agency=actor.agency,
        referrer_name=actor.get_full_name(),
        referrer_email=actor.email,
        referrer_phone=actor.phone,
        referrer_relationship=actor.job_title or actor.get_profession_display(),
        **concern,
    )
    if actor.agency is not None:
        # So the referrer can see the child they told us about.
        involvement_start(
            actor=actor, person=child, agency=actor.agency, role="referrer", user=actor
        )
    return contact


def contact_referred_by(*, user: User, reference: str) -> Contact | None:
    """A contact this user referred (for their confirmation page); None for anyone else's."""
    return (
        Contact.objects.select_related("child")
        .filter(reference=reference, referrer_user=user)
        .first()
    )


# --- Contacts from agency systems (the HTTP API) -------------------------------------------


class ContactConflict(Exception):
    """The agency already sent a different contact under the same external id."""

    def __init__(self, contact: Contact) -> None:
        super().__init__(contact.reference)
        self.contact = contact


# The fields whose stored values must match for a resend to be the same contact.
_RESEND_FIELDS = (
    "concern",
    "urgency",
    "child_details",
    "child_voice",
    "child_presentation",
    "actions_taken",
    "lawful_basis",
    "consent",
    "consent_detail",
    "referrer_name",
    "referrer_email",
    "referrer_phone",
    "referral_source",
)


def child_details_clean(details: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The child as an agency described them, normalised, and what is wrong with it.

    Error keys are dotted paths: `child.nhs_number`, `child.address.postcode`.
    """
    errors: dict[str, list[str]] = {}
    address = details.get("address") or {}
    dob = details.get("date_of_birth")
    clean: dict[str, Any] = {
        "given_name": (details.get("given_name") or "").strip(),
        "family_name": (details.get("family_name") or "").strip(),
        "date_of_birth": dob.isoformat() if isinstance(dob, dt.date) else (dob or ""),
        "nhs_number": normalise_nhs_number(details.get("nhs_number") or ""),
        "upn": (details.get("upn") or "").strip().upper(),
        "sex": details.get("sex") or Sex.UNKNOWN,
        "address": {
            "line": (address.get("line") or "").strip(),
            "postcode": normalise_postcode(address.get("postcode") or ""),
        },
    }
    if not (clean["given_name"] or clean["family_name"] or clean["nhs_number"]):
        errors["child.given_name"] = ["Give at least the child's name or NHS number"]
    if isinstance(dob, dt.date):
        if dob > timezone.localdate():
            errors["child.date_of_birth"] = ["Date of birth must be today or in the past"]
        elif dob.year < 1900:
            errors["child.date_of_birth"] = ["Date of birth must be after 1900"]
    for key, check in (
        ("nhs_number", validate_nhs_number),
        ("upn", validate_upn),
    ):
        if clean[key]:
            try:
                check(clean[key])
            except ValidationError as error:
                errors[f"child.{key}"] = error.messages
    if clean["sex"] not in Sex.values:
        errors["child.sex"] = ["Sex must be F, M or U"]
    if clean["address"]["postcode"]:
        try:
            validate_postcode(clean["address"]["postcode"])
        except ValidationError as error:
            errors["child.address.postcode"] = error.messages
    return clean, errors


def _person_with_nhs_number(nhs_number: str) -> Person | None:
    """The one person with this NHS number; None when nobody or more than one has it."""
    if not nhs_number:
        return None
    matches = list(Person.objects.filter(nhs_number=nhs_number)[:2])
    return matches[0] if len(matches) == 1 else None


def _same_or_conflict(existing: Contact, values: dict[str, Any]) -> tuple[Contact, bool]:
    stored = {name: getattr(existing, name) for name in _RESEND_FIELDS}
    if stored != {name: values[name] for name in _RESEND_FIELDS}:
        raise ContactConflict(existing)
    return existing, False


@transaction.atomic
def contact_receive_from_agency(
    *,
    agency: Agency,
    external_id: str,
    concern: str,
    child: dict[str, Any],
    urgency: str = Urgency.NOT_URGENT,
    child_voice: str = "",
    child_presentation: str = "",
    actions_taken: str = "",
    lawful_basis: str = "",
    consent: str = "",
    consent_detail: str = "",
    referrer_name: str = "",
    referrer_email: str = "",
    referrer_phone: str = "",
    referral_source: str = "",
) -> tuple[Contact, bool]:
    """A contact sent by an agency's system. Returns (contact, created).

    Sending the same `external_id` again with the same content returns the first contact and
    changes nothing; with different content it raises ContactConflict. The child is linked
    when their NHS number matches exactly one person; otherwise the front door identifies
    them from `child_details` (no person is created from an agency's message).
    """
    external_id = (external_id or "").strip()
    child_details, errors = child_details_clean(child)
    if not external_id:
        errors["external_id"] = ["Give your system's own id for this contact"]
    if referral_source and referral_source not in ReferralSource.values:
        errors["referral_source"] = [f"{referral_source!r} is not a DfE referral source code"]
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "concern": (concern or "").strip(),
        "urgency": urgency,
        "child_details": child_details,
        "child_voice": (child_voice or "").strip(),
        "child_presentation": (child_presentation or "").strip(),
        "actions_taken": (actions_taken or "").strip(),
        "lawful_basis": lawful_basis or "",
        "consent": consent or "",
        "consent_detail": (consent_detail or "").strip(),
        "referrer_name": (referrer_name or "").strip(),
        "referrer_email": (referrer_email or "").strip(),
        "referrer_phone": (referrer_phone or "").strip(),
        "referral_source": referral_source or referral_source_for_agency(agency),
    }
    existing = Contact.objects.filter(referrer_agency=agency, external_id=external_id).first()
    if existing is not None:
        return _same_or_conflict(existing, values)
    try:
        with transaction.atomic():
            contact = contact_create(
                actor=f"{agency.name} system",
                channel=Channel.API,
                child=_person_with_nhs_number(child_details["nhs_number"]),
                referrer_agency=agency,
                external_id=external_id,
                **values,
            )
    except IntegrityError:  # the same message arrived twice at once
        existing = Contact.objects.get(referrer_agency=agency, external_id=external_id)
        return _same_or_conflict(existing, values)
    return contact, True
