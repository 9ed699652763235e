"""Assurance requests to agencies: the question, the agency's answer, the oversight group's
judgement."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, Role, User
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.partnership.models import Action, AssuranceRequest
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
    *, actor: User, request: AssuranceRequest, response: str
) -> AssuranceRequest:
    if not actor.has_perm("partnership.answer_assurance", request):
        raise PermissionDenied("Only the named lead of the agency asked answers this request.")
    if request.judgement:
        raise ValidationError("The oversight group has already judged this answer")
    if not response.strip():
        raise ValidationError({"response": "Enter your agency's answer"})
    request.response = response.strip()
    request.responded_by = actor
    request.responded_at = timezone.now()
    request.save(update_fields=["response", "responded_by", "responded_at"])
    audit.record_change(actor=actor, action="assurance.answered", target=request)
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
