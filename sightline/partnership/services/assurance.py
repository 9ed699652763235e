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
from sightline.core.problems import Problems, refuse
from sightline.partnership.models import Action, AssuranceRequest
from sightline.partnership.services.plan import DEFAULT_LEAD_PARTNERS_EMAIL
from sightline.partnership.services.reviews import _require_manager


def _question_and_due_date(
    problems: Problems, question: str | None, due_on: dt.date | None
) -> None:
    if not (question or "").strip():
        problems.add("question", "Say what assurance the agency is asked for")
    if due_on is None:
        problems.add("due_on", "Enter the date the answer is due")
    elif due_on < timezone.localdate():
        problems.add("due_on", "The answer must be due today or later")


def assurance_request_problems(
    *,
    agency: Agency | None = None,
    question: str | None = None,
    due_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the agency cannot be asked as given (None: nothing wrong)."""
    problems = Problems()
    if agency is None:
        problems.add("agency", "Choose the agency asked for assurance")
    _question_and_due_date(problems, question, due_on)
    return problems.error()


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
    refuse(assurance_request_problems(agency=agency, question=question, due_on=due_on))
    assert agency is not None and due_on is not None
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


def assurance_answer_problems(
    *, request: AssuranceRequest, response: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the agency's answer cannot be given (None: nothing wrong)."""
    problems = Problems()
    if request.judgement:
        problems.add(None, "The oversight group has already judged this answer")
    if not (response or "").strip():
        problems.add("response", "Enter your agency's answer")
    return problems.error()


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
    refuse(assurance_answer_problems(request=request, response=response))
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


def assurance_judgement_problems(
    *,
    actor: User,
    request: AssuranceRequest,
    judgement: str | None = None,
    judgement_notes: str | None = None,
    oversight_meeting_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the judgement cannot be recorded as given (None: nothing wrong); a
    judgement not given (the form already said so) is not judged."""
    problems = Problems()
    if not request.responded_at:
        problems.add(None, "The agency has not answered yet")
    elif request.judgement:
        problems.add(None, "The oversight group has already judged this answer")
    if judgement is not None and judgement not in AssuranceRequest.Judgement.values:
        problems.add("judgement", "Choose the oversight group's judgement")
    if not (judgement_notes or "").strip():
        problems.add("judgement_notes", "Explain the judgement")
    if actor.role == Role.PARTNERSHIP_OFFICER and oversight_meeting_on is None:
        problems.add(
            "oversight_meeting_on",
            "Enter the date of the oversight group meeting that made this judgement",
        )
    elif oversight_meeting_on is not None:
        if oversight_meeting_on > timezone.localdate():
            problems.add(
                "oversight_meeting_on",
                "The date of the oversight group meeting must be today or in the past",
            )
        elif request.responded_at:
            answered = timezone.localdate(request.responded_at)
            if oversight_meeting_on < answered:
                problems.add(
                    "oversight_meeting_on",
                    "The oversight group meeting must be on or after the agency answered, "
                    f"on {answered:%-d %B %Y}",
                )
    return problems.error()


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
    refuse(
        assurance_judgement_problems(
            actor=actor,
            request=request,
            judgement=judgement,
            judgement_notes=notes,
            oversight_meeting_on=oversight_meeting_on,
        )
    )
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


def _short_of_assured(problems: Problems, request: AssuranceRequest) -> None:
    if request.judgement not in (
        AssuranceRequest.Judgement.NOT_ASSURED,
        AssuranceRequest.Judgement.PARTLY_ASSURED,
    ):
        problems.add(
            None,
            "Only an answer judged not assured or partly assured is asked again or escalated",
        )
    elif request.escalated_at:
        problems.add(None, "This request has already been escalated")
    elif request.follow_ups.exists():
        problems.add(None, "The agency has already been asked again")


def ask_again_problems(
    *,
    request: AssuranceRequest,
    question: str | None = None,
    due_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the agency cannot be asked again as given (None: nothing wrong)."""
    problems = Problems()
    _short_of_assured(problems, request)
    _question_and_due_date(problems, question, due_on)
    return problems.error()


def assurance_escalate_problems(
    *, request: AssuranceRequest, reason: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the request cannot be escalated as given (None: nothing wrong)."""
    problems = Problems()
    _short_of_assured(problems, request)
    if not (reason or "").strip():
        problems.add("reason", "Say why the lead safeguarding partners are needed")
    return problems.error()


@transaction.atomic
def assurance_request_ask_again(
    *, actor: User, request: AssuranceRequest, question: str, due_on: dt.date | None
) -> AssuranceRequest:
    """After "not assured" (or partly): a new request to the same agency, naming this one."""
    _require_manager(actor)
    AssuranceRequest.objects.select_for_update().filter(pk=request.pk).exists()  # lock
    request.refresh_from_db()
    refuse(ask_again_problems(request=request, question=question, due_on=due_on))
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
    refuse(assurance_escalate_problems(request=request, reason=reason))
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
