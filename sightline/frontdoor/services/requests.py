"""Partner information requests: the front door asks agencies what they know, and they answer.

A request may be made before the child is identified: the agency searches its own records
with the details the referrer gave. The chronology events it writes carry the contact's
reference, and the child joins them when the front door identifies the child.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.chronology.models import EventType
from sightline.chronology.models import Role as ParticipantRole
from sightline.chronology.services import event_record
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.core.working_days import add_working_hours
from sightline.frontdoor.models import Contact, InformationRequest
from sightline.frontdoor.services.triage import lock_contact, require_front_door, require_undecided
from sightline.people.services import social_care_agency

MAX_ANSWER = 20_000


def _front_door_agency(actor: User) -> Agency:
    return actor.agency or social_care_agency()


def information_request_problems(
    *,
    contact: Contact,
    agencies: Iterable[Agency] | None = None,
    question: str | None = None,
    **_ignored: object,
) -> dict[str, list[str]]:
    """Every reason these requests cannot be sent; a value of None is not given yet (a form
    that already said so), so only what is given is judged."""
    errors: dict[str, list[str]] = {}
    if agencies is not None:
        agencies = list(agencies)
        if not agencies:
            errors["agencies"] = ["Choose at least one agency to ask"]
        already = sorted(
            InformationRequest.objects.filter(contact=contact, agency__in=agencies).values_list(
                "agency__name", flat=True
            )
        )
        if already:
            errors.setdefault("agencies", []).append(
                f"You have already asked {', '.join(already)} about this contact"
            )
    if question is not None:
        question = question.strip()
        if not question:
            errors["question"] = ["Enter what you want the agencies to tell you"]
        elif len(question) > MAX_ANSWER:
            errors["question"] = [f"The question must be {MAX_ANSWER:,} characters or fewer"]
    return errors


def information_request_check(*, contact: Contact, **data: object) -> None:
    """Raise what `information_request_problems` finds in what is given (for the form)."""
    errors = information_request_problems(contact=contact, **data)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def information_request_create(
    *, actor: User, contact: Contact, agencies: Iterable[Agency], question: str
) -> list[InformationRequest]:
    """Ask each agency what it knows about the child and household, by a working-hours deadline.

    Each agency is told (an outbox notification to its safeguarding inbox), and each request
    becomes an `information_requested` event on the child's chronology.
    """
    require_front_door(actor)
    locked = lock_contact(contact)
    require_undecided(locked)
    agencies = list(dict.fromkeys(agencies))
    question = (question or "").strip()
    errors = information_request_problems(contact=locked, agencies=agencies, question=question)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    due_at = add_working_hours(now, settings.INFORMATION_REQUEST_WORKING_HOURS)
    participants = [(locked.child, ParticipantRole.CHILD)] if locked.child is not None else []
    created = []
    for agency in agencies:
        item = InformationRequest.objects.create(
            contact=locked,
            agency=agency,
            question=question,
            requested_by=actor,
            requested_at=now,
            due_at=due_at,
        )
        audit.record_change(
            actor=actor,
            action="information_request.sent",
            target=item,
            person_id=locked.child_id,
            detail={"reference": locked.reference, "agency": agency.code},
        )
        event_record(
            type=EventType.INFORMATION_REQUESTED,
            occurred_at=now,
            summary=f"The front door asked {agency.name} what they know (contact "
            f"{locked.reference}).",
            source=_front_door_agency(actor),
            participants=participants,
            recorded_by=actor,
            details={
                "contact_reference": locked.reference,
                "information_request_id": item.pk,
                "agency": agency.code,
                "due_at": due_at.isoformat(),
            },
        )
        notification_queue(
            subject=f"Information request {locked.reference}: please reply by "
            f"{timezone.localtime(due_at):%H:%M on %A %d %B}",
            body=(
                "The Integrated Front Door needs to know what your agency knows about a child "
                f"and their household (contact {locked.reference}).\n"
                f"Please reply by {timezone.localtime(due_at):%H:%M on %A %d %B %Y}.\n"
                "Sign in to Sightline and open Information requests to see the details and "
                "answer. For safety, this email does not name the child."
            ),
            recipient_email=agency.email,
            topic="information_request.sent",
            about=item,
        )
        created.append(item)
    return created


def information_request_answer_problems(
    *, answer: str | None = None, **_ignored: object
) -> dict[str, list[str]]:
    """What is wrong with an answer as given (None: not given yet, so not judged)."""
    errors: dict[str, list[str]] = {}
    if answer is not None:
        answer = answer.strip()
        if not answer:
            errors["answer"] = ["Enter what your agency knows, or that you have no record"]
        elif len(answer) > MAX_ANSWER:
            errors["answer"] = [f"The answer must be {MAX_ANSWER:,} characters or fewer"]
    return errors


def information_request_answer_check(**data: object) -> None:
    """Raise what `information_request_answer_problems` finds (for the answer form)."""
    errors = information_request_answer_problems(**data)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def information_request_answer(
    *,
    actor: User,
    information_request: InformationRequest,
    known_to_agency: bool | None,
    answer: str,
) -> InformationRequest:
    """Record an agency's answer. It joins the child's chronology as information shared."""
    item = (
        InformationRequest.objects.select_for_update(of=("self",))
        .select_related("contact", "contact__child", "agency")
        .get(pk=information_request.pk)
    )
    if not (actor.is_active and actor.agency_id == item.agency_id):
        raise PermissionDenied("Only the agency that was asked can answer.")
    if item.answered_at is not None:
        raise ValidationError(
            f"This request has already been answered by {item.answered_by} on "
            f"{timezone.localtime(item.answered_at):%d %B %Y at %H:%M}. "
            "Its answer cannot be changed: contact the front door to add anything."
        )
    answer = (answer or "").strip()
    errors = information_request_answer_problems(known_to_agency=known_to_agency, answer=answer)
    if known_to_agency not in (True, False):
        errors["known_to_agency"] = ["Select yes if your agency knows this child or household"]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    item.known_to_agency = known_to_agency
    item.answer = answer
    item.answered_by = actor
    item.answered_at = now
    item.save(update_fields=["known_to_agency", "answer", "answered_by", "answered_at"])
    contact = item.contact
    audit.record_change(
        actor=actor,
        action="information_request.answered",
        target=item,
        person_id=contact.child_id,
        detail={"reference": contact.reference, "known_to_agency": known_to_agency},
    )
    known = "Known to" if known_to_agency else "Not known to"
    event_record(
        type=EventType.INFORMATION_SHARED,
        occurred_at=now,
        summary=f"{known} {item.agency.name}. {answer}",
        source=item.agency,
        participants=[(contact.child, ParticipantRole.CHILD)] if contact.child is not None else [],
        recorded_by=actor,
        details={
            "contact_reference": contact.reference,
            "information_request_id": item.pk,
            "known_to_agency": known_to_agency,
        },
    )
    notification_queue(
        subject=f"{item.agency.name} has answered your request about {contact.reference}",
        body=(
            f"{item.agency.name} has answered the information request for contact "
            f"{contact.reference}.\nOpen the contact in Sightline to read the answer."
        ),
        recipient_user=item.requested_by,
        topic="information_request.answered",
        about=item,
    )
    information_request.known_to_agency = known_to_agency
    information_request.answer = answer
    information_request.answered_by = actor
    information_request.answered_at = now
    return item
