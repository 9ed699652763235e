"""Case reviews: serious incident notifications, rapid reviews and local practice reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.core import audit, versions
from sightline.core.notifications import notification_queue
from sightline.core.problems import Problems, refuse
from sightline.partnership import deadlines
from sightline.partnership.models import (
    AgencyInformationRequest,
    PracticeReview,
    PracticeReviewMilestone,
    RapidReview,
    SeriousIncident,
)
from sightline.people.models import Person
from sightline.people.selectors import person_visible


def _require_manager(actor: User) -> None:
    if not actor.has_perm("partnership.manage"):
        raise PermissionDenied(
            "Only the partnership's business unit, subgroup chairs and the "
            "scrutineer manage case reviews."
        )


def _not_future(name: str, day: dt.date | None, label: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({name: f"{label} must be today or in the past"})


def _next_reference(year: int) -> str:
    prefix = f"SI-{year}-"
    count = SeriousIncident.objects.filter(reference__startswith=prefix).count()
    reference = f"{prefix}{count + 1:03d}"
    while SeriousIncident.objects.filter(reference=reference).exists():
        count += 1
        reference = f"{prefix}{count + 1:03d}"
    return reference


def serious_incident_problems(
    *,
    actor: User,
    summary: str | None = None,
    aware_on: dt.date | None = None,
    incident_on: dt.date | None = None,
    child: Person | None = None,
    child_description: str | None = None,
    notified_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the incident cannot be recorded as given (None: nothing wrong)."""
    problems = Problems()
    if not (summary or "").strip():
        problems.add("summary", "Describe the incident")
    if child is None and not (child_description or "").strip():
        problems.add("child_description", "Choose the child's record or describe the child")
    if child is not None and not person_visible(user=actor, person=child):
        problems.add("child_description", "You cannot link a child whose record you cannot see")
    if aware_on is None:
        problems.add("aware_on", "Enter the date the local authority became aware")
    else:
        problems.check(
            _not_future, "aware_on", aware_on, "The date the local authority became aware"
        )
    if incident_on and aware_on and incident_on > aware_on:
        problems.add(
            "incident_on", "The incident must be on or before the date the LA became aware"
        )
    if notified_on and aware_on and notified_on < aware_on:
        problems.add(
            "notified_on", "The notification must be on or after the date the LA became aware"
        )
    problems.check(_not_future, "notified_on", notified_on, "The notification date")
    return problems.error()


@transaction.atomic
def serious_incident_create(
    *,
    actor: User,
    summary: str,
    aware_on: dt.date,
    incident_on: dt.date | None = None,
    child: Person | None = None,
    child_description: str = "",
    notified_on: dt.date | None = None,
) -> SeriousIncident:
    _require_manager(actor)
    refuse(
        serious_incident_problems(
            actor=actor,
            summary=summary,
            aware_on=aware_on,
            incident_on=incident_on,
            child=child,
            child_description=child_description,
            notified_on=notified_on,
        )
    )
    incident = SeriousIncident.objects.create(
        reference=_next_reference(aware_on.year),
        summary=summary.strip(),
        child=child,
        child_description=child_description.strip(),
        incident_on=incident_on,
        aware_on=aware_on,
        notification_due_on=deadlines.panel_notification_due(aware_on),
        notified_on=notified_on,
        created_by=actor,
    )
    audit.record_change(
        actor=actor,
        action="serious_incident.recorded",
        target=incident,
        person_id=child.pk if child else None,
        detail={"aware_on": aware_on, "notification_due_on": incident.notification_due_on},
    )
    return incident


def serious_incident_notify_problems(
    *, incident: SeriousIncident, notified_on: dt.date | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the notification cannot be recorded as given (None: nothing wrong)."""
    problems = Problems()
    if incident.notified_on:
        problems.add("notified_on", "The national panel has already been notified")
    elif notified_on is None:
        problems.add("notified_on", "Enter the date the national panel was notified")
    elif notified_on < incident.aware_on:
        problems.add(
            "notified_on", "The notification must be on or after the date the LA became aware"
        )
    else:
        problems.check(_not_future, "notified_on", notified_on, "The notification date")
    return problems.error()


@transaction.atomic
def serious_incident_notify(
    *, actor: User, incident: SeriousIncident, notified_on: dt.date
) -> SeriousIncident:
    _require_manager(actor)
    refuse(serious_incident_notify_problems(incident=incident, notified_on=notified_on))
    incident.notified_on = notified_on
    incident.save(update_fields=["notified_on"])
    audit.record_change(
        actor=actor,
        action="serious_incident.notified",
        target=incident,
        person_id=incident.child_id,
        detail={"notified_on": notified_on, "late": incident.notified_late},
    )
    return incident


@transaction.atomic
def rapid_review_start(*, actor: User, incident: SeriousIncident) -> RapidReview:
    _require_manager(actor)
    if incident.notified_on is None:
        raise ValidationError(
            "Record the notification to the national panel first: the rapid review is due "
            "15 working days after it"
        )
    if RapidReview.objects.filter(incident=incident).exists():
        raise ValidationError("This incident already has a rapid review")
    review = RapidReview.objects.create(
        incident=incident,
        due_on=deadlines.rapid_review_due(incident.notified_on),
        created_by=actor,
    )
    audit.record_change(
        actor=actor,
        action="rapid_review.started",
        target=review,
        detail={"due_on": review.due_on},
    )
    return review


def _agency_leads(agency: Agency) -> list[User]:
    return list(
        User.objects.filter(agency=agency, is_agency_lead=True, is_active=True).order_by("pk")
    )


def information_request_problems(
    *,
    rapid_review: RapidReview,
    agency: Agency | None = None,
    due_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason an agency cannot be asked for its information as given (None: nothing
    wrong); a value not given is not judged."""
    problems = Problems()
    if rapid_review.decided_on:
        problems.add(None, "The rapid review has already reached its decision")
    if agency is not None and rapid_review.information_requests.filter(agency=agency).exists():
        problems.add("agency", f"{agency.name} has already been asked")
    if due_on is not None and due_on > rapid_review.due_on:
        problems.add(
            "due_on",
            f"Ask for the return by {rapid_review.due_on:%-d %B %Y}, when the rapid review is due",
        )
    elif due_on is not None and due_on < rapid_review.incident.aware_on:
        problems.add(
            "due_on", "The return must be due after the date the local authority became aware"
        )
    return problems.error()


@transaction.atomic
def rapid_review_request_information(
    *,
    actor: User,
    rapid_review: RapidReview,
    agency: Agency,
    due_on: dt.date,
    question: str = "",
) -> AgencyInformationRequest:
    """Ask an agency for its information; its named leads (and its shared address) are told,
    and a lead answers in Sightline (`information_request_answer`)."""
    _require_manager(actor)
    refuse(information_request_problems(rapid_review=rapid_review, agency=agency, due_on=due_on))
    request = AgencyInformationRequest.objects.create(
        rapid_review=rapid_review,
        agency=agency,
        due_on=due_on,
        question=question.strip(),
        requested_by=actor,
    )
    audit.record_change(
        actor=actor,
        action="rapid_review.information_requested",
        target=request,
        detail={"agency": agency.code, "due_on": due_on},
    )
    reference = rapid_review.incident.reference
    body = (
        f"The safeguarding partnership's rapid review {reference} asks {agency.name} for its "
        f"information{': ' + request.question if request.question else ''}.\n\n"
        f"Please answer in Sightline by {due_on:%-d %B %Y} "
        "(Partnership, Rapid review information requests)."
    )
    subject = "The safeguarding partnership asks your agency for a rapid review"
    for lead in _agency_leads(agency):
        notification_queue(
            subject=subject,
            body=body,
            recipient_user=lead,
            topic="partnership.information_requested",
            about=request,
        )
    if agency.email:
        notification_queue(
            subject=subject,
            body=body,
            recipient_email=agency.email,
            topic="partnership.information_requested",
            about=request,
        )
    return request


def _not_returned(problems: Problems, request: AgencyInformationRequest) -> None:
    if request.returned_on:
        problems.add(
            None,
            f"{request.agency.name}'s return was already recorded on "
            f"{request.returned_on:%-d %B %Y}",
        )


def information_answer_problems(
    *, request: AgencyInformationRequest, summary: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the agency's information cannot be given (None: nothing wrong)."""
    problems = Problems()
    _not_returned(problems, request)
    if not (summary or "").strip():
        problems.add("summary", "Enter your agency's information for the review")
    return problems.error()


def information_return_problems(
    *,
    request: AgencyInformationRequest,
    returned_on: dt.date | None = None,
    summary: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the return cannot be recorded as given (None: nothing wrong)."""
    problems = Problems()
    _not_returned(problems, request)
    if not (summary or "").strip():
        problems.add("summary", "Summarise what the agency returned")
    if returned_on is None:
        problems.add("returned_on", "Enter the date returned")
    elif returned_on < request.rapid_review.incident.aware_on:
        problems.add(
            "returned_on",
            "The return must be on or after the date the local authority became aware",
        )
    else:
        problems.check(_not_future, "returned_on", returned_on, "The date of the return")
    return problems.error()


@transaction.atomic
def information_request_answer(
    *, actor: User, request: AgencyInformationRequest, summary: str
) -> AgencyInformationRequest:
    """The agency's named lead gives the agency's return, today; the partnership is told."""
    if not actor.has_perm("partnership.answer_information_request", request):
        raise PermissionDenied("Only the named lead of the agency asked answers this request.")
    AgencyInformationRequest.objects.select_for_update().filter(pk=request.pk).exists()  # lock
    request.refresh_from_db()
    refuse(information_answer_problems(request=request, summary=summary))
    request.returned_on = timezone.localdate()
    request.summary = summary.strip()
    request.returned_by = actor
    request.save(update_fields=["returned_on", "summary", "returned_by"])
    audit.record_change(
        actor=actor,
        action="rapid_review.information_returned",
        target=request,
        detail={"returned_on": request.returned_on, "late": request.returned_on > request.due_on},
    )
    review = request.rapid_review
    notification_queue(
        subject=f"{request.agency.name} has returned its information for a rapid review",
        body=(
            f"{request.agency.name} answered for rapid review {review.incident.reference}:"
            f"\n\n{request.summary}"
        ),
        recipient_user=request.requested_by or review.created_by,
        topic="partnership.information_returned",
        about=request,
    )
    return request


@transaction.atomic
def rapid_review_record_return(
    *, actor: User, request: AgencyInformationRequest, returned_on: dt.date, summary: str
) -> AgencyInformationRequest:
    """The partnership records a return it received another way (by secure e-mail, say)."""
    _require_manager(actor)
    AgencyInformationRequest.objects.select_for_update().filter(pk=request.pk).exists()  # lock
    request.refresh_from_db()
    refuse(information_return_problems(request=request, returned_on=returned_on, summary=summary))
    request.returned_on = returned_on
    request.summary = summary.strip()
    request.returned_by = actor
    request.save(update_fields=["returned_on", "summary", "returned_by"])
    audit.record_change(
        actor=actor,
        action="rapid_review.return_recorded",
        target=request,
        detail={"returned_on": returned_on},
    )
    return request


def information_awaited(rapid_review: RapidReview) -> list[str]:
    """The names of the agencies whose returns the review still awaits."""
    return [
        info.agency.name
        for info in rapid_review.information_requests.select_related("agency").order_by(
            "agency__name"
        )
        if not info.returned_on
    ]


def rapid_review_decision_problems(
    *,
    rapid_review: RapidReview,
    meeting_on: dt.date | None = None,
    decision: str | None = None,
    decision_rationale: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a rapid review's decision cannot be recorded as given (None: nothing
    wrong); a value not given is not judged."""
    problems = Problems()
    if decision is not None and decision not in RapidReview.Decision.values:
        problems.add(
            "decision", "Choose whether to hold a local child safeguarding practice review"
        )
    if decision_rationale is not None and not decision_rationale.strip():
        problems.add("decision_rationale", "Say why the partnership reached this decision")
    if meeting_on is not None:
        notified_on = rapid_review.incident.notified_on
        if notified_on and meeting_on < notified_on:
            problems.add("meeting_on", "The meeting must be on or after the notification")
        problems.check(_not_future, "meeting_on", meeting_on, "The meeting date")
    if rapid_review.decided_on:
        problems.add(None, "The rapid review has already reached its decision")
    return problems.error()


@transaction.atomic
def rapid_review_decide(
    *,
    actor: User,
    rapid_review: RapidReview,
    meeting_on: dt.date,
    decision: str,
    rationale: str,
) -> RapidReview:
    _require_manager(actor)
    refuse(
        rapid_review_decision_problems(
            rapid_review=rapid_review,
            meeting_on=meeting_on,
            decision=decision,
            decision_rationale=rationale,
        )
    )
    # Allowed while returns are awaited (the panel's timescale does not wait), but the page
    # warns and names them, and the audit trail records which were outstanding.
    awaited = information_awaited(rapid_review)
    rapid_review.meeting_on = meeting_on
    rapid_review.decision = decision
    rapid_review.decision_rationale = rationale.strip()
    rapid_review.decided_on = meeting_on
    rapid_review.save(update_fields=["meeting_on", "decision", "decision_rationale", "decided_on"])
    audit.record_change(
        actor=actor,
        action="rapid_review.decided",
        target=rapid_review,
        detail={
            "decision": decision,
            "late": rapid_review.completed_late,
            "returns_awaited": awaited,
        },
    )
    return rapid_review


def panel_response_problems(
    *,
    rapid_review: RapidReview,
    panel_response: str | None = None,
    panel_responded_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the panel's response cannot be recorded as given (None: nothing wrong)."""
    problems = Problems()
    if not rapid_review.decided_on:
        problems.add(None, "Record the rapid review's decision before the panel's response")
    if not (panel_response or "").strip():
        problems.add("panel_response", "Summarise the national panel's response")
    if panel_responded_on is None:
        problems.add("panel_responded_on", "Enter the date of the panel's response")
    elif rapid_review.decided_on and panel_responded_on < rapid_review.decided_on:
        problems.add(
            "panel_responded_on",
            "The panel's response must be on or after the rapid review's decision "
            f"({rapid_review.decided_on:%-d %B %Y})",
        )
    else:
        problems.check(
            _not_future, "panel_responded_on", panel_responded_on, "The date of the response"
        )
    return problems.error()


@transaction.atomic
def rapid_review_record_panel_response(
    *, actor: User, rapid_review: RapidReview, response: str, responded_on: dt.date
) -> RapidReview:
    _require_manager(actor)
    refuse(
        panel_response_problems(
            rapid_review=rapid_review, panel_response=response, panel_responded_on=responded_on
        )
    )
    rapid_review.panel_response = response.strip()
    rapid_review.panel_responded_on = responded_on
    rapid_review.save(update_fields=["panel_response", "panel_responded_on"])
    audit.record_change(actor=actor, action="rapid_review.panel_responded", target=rapid_review)
    return rapid_review


PRACTICE_REVIEW_FIELDS = (
    "title",
    "terms_of_reference",
    "author",
    "scope_from",
    "scope_to",
    "final_report_on",
    "published_on",
    "learning_brief",
)


def _practice_review_problems(
    problems: Problems, values: dict[str, Any], decided_on: dt.date | None
) -> None:
    """What a practice review must say, as it is commissioned and as it is updated."""
    if not (values.get("title") or "").strip():
        problems.add("title", "Give the review the name it will be published under")
    scope_from, scope_to = values.get("scope_from"), values.get("scope_to")
    if scope_from and scope_to and scope_from > scope_to:
        problems.add("scope_to", "The end of the scope period must be after its start")
    if decided_on and scope_from and scope_from > decided_on:
        problems.add(
            "scope_from",
            "The scope period must start before the decision to hold the review, on "
            f"{decided_on:%-d %B %Y}",
        )
    final = values.get("final_report_on")
    published = values.get("published_on")
    if published and not final:
        problems.add("published_on", "Record the final report's date before publication")
    if published and not (values.get("learning_brief") or "").strip():
        problems.add("learning_brief", "Write the learning brief that is published with the review")
    if final and decided_on and final < decided_on:
        problems.add(
            "final_report_on", "The final report must be after the decision to hold the review"
        )
    if published and final and published < final:
        problems.add("published_on", "The review cannot be published before its final report")
    problems.check(_not_future, "published_on", published, "The publication date")


def practice_review_problems(
    *,
    rapid_review: RapidReview | None = None,
    decided_on: dt.date | None = None,
    **values: Any,
) -> ValidationError | None:
    """Every reason the practice review cannot be commissioned as given (None: nothing
    wrong)."""
    problems = Problems()
    if rapid_review is not None:
        if rapid_review.decision != RapidReview.Decision.PRACTICE_REVIEW:
            problems.add(None, "The rapid review did not decide to hold a local practice review")
        elif decided_on and rapid_review.decided_on and decided_on < rapid_review.decided_on:
            problems.add(
                "decided_on",
                "The decision to hold the review must be on or after the rapid review's "
                f"decision, on {rapid_review.decided_on:%-d %B %Y}",
            )
    if decided_on is None:
        problems.add("decided_on", "Enter the date the partnership decided to hold the review")
    else:
        problems.check(_not_future, "decided_on", decided_on, "The date of the decision")
    _practice_review_problems(problems, values, decided_on)
    return problems.error()


def practice_review_update_problems(
    *, review: PracticeReview, **fields: Any
) -> ValidationError | None:
    """Every reason the practice review cannot change as given (None: nothing wrong)."""
    problems = Problems()
    given = {name: value for name, value in fields.items() if name in PRACTICE_REVIEW_FIELDS}
    values = {name: getattr(review, name) for name in PRACTICE_REVIEW_FIELDS} | given
    _practice_review_problems(problems, values, review.decided_on)
    return problems.error()


@transaction.atomic
def practice_review_create(
    *,
    actor: User,
    title: str,
    decided_on: dt.date,
    rapid_review: RapidReview | None = None,
    agencies: Iterable[Agency] = (),
    **fields: Any,
) -> PracticeReview:
    _require_manager(actor)
    values = {"title": title, **fields}
    refuse(practice_review_problems(rapid_review=rapid_review, decided_on=decided_on, **values))
    review = PracticeReview.objects.create(
        decided_on=decided_on,
        publication_due_on=deadlines.practice_review_publication_due(decided_on),
        rapid_review=rapid_review,
        created_by=actor,
        **{
            key: (value.strip() if isinstance(value, str) else value)
            for key, value in values.items()
        },
    )
    review.agencies.set(agencies)
    audit.record_change(
        actor=actor,
        action="practice_review.commissioned",
        target=review,
        detail={"publication_due_on": review.publication_due_on},
    )
    return review


@transaction.atomic
def practice_review_update(
    *,
    actor: User,
    review: PracticeReview,
    agencies: Iterable[Agency] | None = None,
    version: int | None = None,
    **fields: Any,
) -> PracticeReview:
    """Update a practice review; refused (`StaleEdit`) when it has been saved since `version`
    was read."""
    _require_manager(actor)
    unknown = set(fields) - set(PRACTICE_REVIEW_FIELDS)
    if unknown:
        raise TypeError(f"Unknown practice review fields: {sorted(unknown)}")
    versions.claim(review, version)
    review.refresh_from_db()
    refuse(practice_review_update_problems(review=review, **fields))
    before: dict[str, Any] = {name: getattr(review, name) for name in fields}
    after: dict[str, Any] = {}
    for name, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        after[name] = value
        setattr(review, name, value)
    review.save()
    if agencies is not None:
        agencies = list(agencies)
        before["agencies"] = [agency.name for agency in review.agencies.all()]
        after["agencies"] = [agency.name for agency in agencies]
        review.agencies.set(agencies)
    versions.record_edit(
        actor=actor,
        action="practice_review.updated",
        target=review,
        changes=versions.changes_between(before, after),
    )
    return review


def milestone_problems(
    *,
    review: PracticeReview,
    kind: str | None = None,
    description: str | None = None,
    due_on: dt.date | None = None,
    done_on: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the milestone cannot be added as given (None: nothing wrong); a kind not
    given (the form already said so) is not judged."""
    problems = Problems()
    if kind is not None and kind not in PracticeReviewMilestone.Kind.values:
        problems.add("kind", "Choose the kind of milestone or event")
    if not (description or "").strip():
        problems.add("description", "Describe the milestone or event")
    if due_on is None:
        problems.add("due_on", "Enter the date it is due or planned")
    elif due_on < review.decided_on:
        problems.add(
            "due_on",
            "It must be due on or after the decision to hold the review, on "
            f"{review.decided_on:%-d %B %Y}",
        )
    if done_on is not None:
        problems.add_error(milestone_done_problems(review=review, done_on=done_on))
    return problems.error()


def milestone_done_problems(
    *, review: PracticeReview, done_on: dt.date | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason a milestone cannot be marked done on the date given (None: nothing
    wrong)."""
    problems = Problems()
    if done_on is None:
        problems.add("done_on", "Enter the date it was done")
    elif done_on < review.decided_on:
        problems.add(
            "done_on",
            "The date it was done must be on or after the decision to hold the review, on "
            f"{review.decided_on:%-d %B %Y}",
        )
    else:
        problems.check(_not_future, "done_on", done_on, "The date it was done")
    return problems.error()


@transaction.atomic
def practice_review_milestone_add(
    *,
    actor: User,
    review: PracticeReview,
    kind: str,
    description: str,
    due_on: dt.date,
    done_on: dt.date | None = None,
) -> PracticeReviewMilestone:
    _require_manager(actor)
    refuse(
        milestone_problems(
            review=review, kind=kind, description=description, due_on=due_on, done_on=done_on
        )
    )
    milestone = PracticeReviewMilestone.objects.create(
        review=review, kind=kind, description=description.strip(), due_on=due_on, done_on=done_on
    )
    audit.record_change(actor=actor, action="practice_review.milestone_added", target=milestone)
    return milestone


@transaction.atomic
def practice_review_milestone_complete(
    *, actor: User, milestone: PracticeReviewMilestone, done_on: dt.date
) -> PracticeReviewMilestone:
    _require_manager(actor)
    refuse(milestone_done_problems(review=milestone.review, done_on=done_on))
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit.record_change(actor=actor, action="practice_review.milestone_done", target=milestone)
    return milestone
