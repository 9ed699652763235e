"""Assurance requests to agencies: the question, the agency's answer, the oversight group's
judgement."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, Role, User
from sightline.core import audit, versions
from sightline.core.notifications import notification_queue
from sightline.partnership.models import Action, AssuranceRequest
from sightline.partnership.services.plan import DEFAULT_LEAD_PARTNERS_EMAIL
from sightline.partnership.services.reviews import _require_manager


@transaction.atomic
def assurance_request_create(
    *,
    actor: User,
    agency: Agency | None,
    question: str,
    due_on: dt.date | None,
    action: Action | None = None,
) -> AssuranceRequest:
    _require_manager(actor)
    errors = {}
    if agency is None:
        errors["agency"] = "Choose the agency asked for assurance"
    if not question.strip():
        errors["question"] = "Say what assurance the agency is asked for"
    if due_on is None:
        errors["due_on"] = "Enter the date the answer is due"
    elif due_on < timezone.localdate():
        errors["due_on"] = "The answer must be due today or later"
    if errors or agency is None or due_on is None:
        raise ValidationError(errors)
    request = AssuranceRequest.objects.create(
        agency=agency,
        action=action,
        question=question.strip(),
        due_on=due_on,
        requested_by=actor,
    )
    audit.record_change(
        actor=actor,
        action="assurance.requested",
        target=request,
        detail={"agency": agency.code, "due_on": due_on},
    )
    if agency.email:
        notification_queue(
            subject="The safeguarding partnership asks your agency for assurance",
            body=(
                f"{question.strip()}\n\nPlease answer in Sightline by {due_on:%-d %B %Y} "
                "(Partnership, Assurance requests)."
            ),
            recipient_email=agency.email,
            topic="partnership.assurance_requested",
            about=request,
        )
    return request


@transaction.atomic
def assurance_request_answer(
    *, actor: User, request: AssuranceRequest, response: str, version: int | None = None
) -> AssuranceRequest:
    """The agency's answer, given or changed; refused (`StaleEdit`) when the request has been
    saved since `version` was read."""
    if not actor.has_perm("partnership.answer_assurance", request):
        raise PermissionDenied("Only the named lead of the agency asked answers this request.")
    versions.claim(request, version)
    request.refresh_from_db()
    if request.judgement:
        raise ValidationError("The oversight group has already judged this answer")
    if not response.strip():
        raise ValidationError({"response": "Enter your agency's answer"})
    changes = versions.changes_between({"response": request.response}, {"response": response})
    request.response = response.strip()
    request.responded_by = actor
    request.responded_at = timezone.now()
    request.save(update_fields=["response", "responded_by", "responded_at"])
    versions.record_edit(actor=actor, action="assurance.answered", target=request, changes=changes)
    notification_queue(
        subject=f"{request.agency.name} has answered an assurance request",
        body=f"{request.agency.name} answered:\n\n{request.response}",
        recipient_user=request.requested_by,
        topic="partnership.assurance_answered",
        about=request,
    )
    return request


@transaction.atomic
def assurance_request_judge(
    *,
    actor: User,
    request: AssuranceRequest,
    judgement: str,
    notes: str,
    oversight_meeting_on: dt.date | None = None,
) -> AssuranceRequest:
    if not actor.has_perm("partnership.judge_assurance"):
        raise PermissionDenied("Only the scrutineer or the oversight group judges assurance.")
    errors = {}
    if not request.responded_at:
        raise ValidationError("The agency has not answered yet")
    if judgement not in AssuranceRequest.Judgement.values:
        errors["judgement"] = "Choose the oversight group's judgement"
    if not notes.strip():
        errors["judgement_notes"] = "Explain the judgement"
    if actor.role == Role.PARTNERSHIP_OFFICER and oversight_meeting_on is None:
        errors["oversight_meeting_on"] = (
            "Enter the date of the oversight group meeting that made this judgement"
        )
    if errors:
        raise ValidationError(errors)
    request.judgement = judgement
    request.judgement_notes = notes.strip()
    if oversight_meeting_on:
        request.judgement_notes += (
            f"\n\n(Oversight group meeting on {oversight_meeting_on:%-d %B %Y})"
        )
    request.judged_by = actor
    request.judged_at = timezone.now()
    request.save(update_fields=["judgement", "judgement_notes", "judged_by", "judged_at"])
    audit.record_change(
        actor=actor, action="assurance.judged", target=request, detail={"judgement": judgement}
    )
    return request


def _short_of_assured(request: AssuranceRequest) -> None:
    if request.judgement not in (
        AssuranceRequest.Judgement.NOT_ASSURED,
        AssuranceRequest.Judgement.PARTLY_ASSURED,
    ):
        raise ValidationError(
            "Only an answer judged not assured or partly assured is asked again or escalated"
        )
    if request.escalated_at:
        raise ValidationError("This request has already been escalated")
    if request.follow_ups.exists():
        raise ValidationError("The agency has already been asked again")


@transaction.atomic
def assurance_request_ask_again(
    *, actor: User, request: AssuranceRequest, question: str, due_on: dt.date | None
) -> AssuranceRequest:
    """After "not assured" (or partly): a new request to the same agency, naming this one."""
    _require_manager(actor)
    AssuranceRequest.objects.select_for_update().filter(pk=request.pk).exists()  # lock
    request.refresh_from_db()
    _short_of_assured(request)
    again = assurance_request_create(
        actor=actor,
        agency=request.agency,
        question=question,
        due_on=due_on,
        action=request.action,
    )
    again.follow_up_of = request
    again.save(update_fields=["follow_up_of"])
    audit.record_change(
        actor=actor,
        action="assurance.asked_again",
        target=request,
        detail={"follow_up": again.pk},
    )
    return again


@transaction.atomic
def assurance_request_escalate(
    *, actor: User, request: AssuranceRequest, reason: str
) -> AssuranceRequest:
    """After "not assured" (or partly): raise it with the lead safeguarding partners."""
    _require_manager(actor)
    AssuranceRequest.objects.select_for_update().filter(pk=request.pk).exists()  # lock
    request.refresh_from_db()
    _short_of_assured(request)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the lead safeguarding partners are needed"})
    request.escalation_reason = reason.strip()
    request.escalated_by = actor
    request.escalated_at = timezone.now()
    request.save(update_fields=["escalation_reason", "escalated_by", "escalated_at"])
    audit.record_change(actor=actor, action="assurance.escalated", target=request)
    email = getattr(settings, "PARTNERSHIP_LEAD_PARTNERS_EMAIL", DEFAULT_LEAD_PARTNERS_EMAIL)
    notification_queue(
        subject=f"Assurance not given by {request.agency.name}: escalated",
        body=(
            f"The oversight group judged {request.agency.name}'s answer "
            f"{request.get_judgement_display().lower()}.\n\nAsked: {request.question}\n\n"
            f"Answer: {request.response}\n\nJudgement: {request.judgement_notes}\n\n"
            f"Why the lead safeguarding partners are needed:\n{request.escalation_reason}\n\n"
            f"Raised by {actor.get_full_name() or actor.username}."
        ),
        recipient_email=email,
        topic="partnership.assurance_escalated",
        about=request,
    )
    return request
