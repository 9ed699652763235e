"""Section 11 and Section 175 self-assessment returns: standards per framework, returns asked
of agencies, the agency's RAG rating and evidence per standard, submission and challenge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.core import audit
from sightline.core.notifications import notification_queue
from sightline.core.problems import Problems, refuse
from sightline.partnership.models import (
    Framework,
    Rag,
    SelfAssessmentReturn,
    Standard,
    StandardRating,
)
from sightline.partnership.services.reviews import _require_manager

Status = SelfAssessmentReturn.Status


def _framework_label(framework: str) -> str:
    return Framework(framework).label if framework in Framework.values else framework


def standard_problems(
    *,
    framework: str | None = None,
    number: int | None = None,
    title: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the standard cannot be added (None: nothing wrong); a framework not given
    (the form already said so) is not judged."""
    problems = Problems()
    if framework is not None and framework not in Framework.values:
        problems.add("framework", "Choose Section 11 or Section 175")
    if number is None or number < 1:
        problems.add("number", "Enter the standard's number, 1 or more")
    elif (
        framework is not None
        and Standard.objects.filter(framework=framework, number=number).exists()
    ):
        problems.add("number", f"{_framework_label(framework)} already has a standard {number}")
    if not (title or "").strip():
        problems.add("title", "Enter the standard")
    return problems.error()


@transaction.atomic
def standard_create(
    *, actor: User, framework: str, number: int | None, title: str, description: str = ""
) -> Standard:
    _require_manager(actor)
    refuse(standard_problems(framework=framework, number=number, title=title))
    assert number is not None
    standard = Standard.objects.create(
        framework=framework, number=number, title=title.strip(), description=description.strip()
    )
    audit.record_change(actor=actor, action="self_assessment.standard_created", target=standard)
    return standard


def self_assessment_request_problems(
    *,
    framework: str | None = None,
    year: int | None = None,
    agencies: Iterable[Agency] | None = None,
    due_on: dt.date | None = None,
    new_returns_only: bool = False,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the returns cannot be asked for as given (None: nothing wrong); a
    framework not given (the form already said so) is not judged. With `new_returns_only`,
    asking only agencies already asked for that year is refused too."""
    problems = Problems()
    chosen = list(agencies or ())
    if framework is not None and framework not in Framework.values:
        problems.add("framework", "Choose Section 11 or Section 175")
    elif (
        framework is not None
        and not Standard.objects.filter(framework=framework, active=True).exists()
    ):
        problems.add("framework", f"Add the {_framework_label(framework)} standards first")
    if year is None:
        problems.add("year", "Enter the year the financial year starts in")
    elif not 2000 <= year <= 2100:
        problems.add("year", "The year the financial year starts in must be 2000 to 2100")
    if due_on is None:
        problems.add("due_on", "Enter the date the returns are due")
    if not chosen:
        problems.add("agencies", "Choose the agencies asked for a return")
    elif framework is not None:
        schools = framework == Framework.SECTION_175
        wrong = [a.name for a in chosen if (a.kind == Agency.Kind.SCHOOL) != schools]
        if wrong:
            problems.add(
                "agencies",
                f"Section 175 returns are for schools: {', '.join(wrong)} is not a school"
                if schools
                else f"Schools make Section 175 returns, not Section 11: {', '.join(wrong)}",
            )
        elif (
            new_returns_only
            and year is not None
            and SelfAssessmentReturn.objects.filter(
                framework=framework, year=year, agency__in=chosen
            ).count()
            == len(chosen)
        ):
            problems.add("agencies", "Every agency chosen has already been asked for that year")
    return problems.error()


@transaction.atomic
def self_assessment_request(
    *,
    actor: User,
    framework: str,
    year: int | None,
    agencies: Iterable[Agency],
    due_on: dt.date | None,
) -> list[SelfAssessmentReturn]:
    """Ask each agency for its return for the year (schools for Section 175, other agencies
    for Section 11). An agency already asked for that year is left as it is."""
    _require_manager(actor)
    chosen = list(agencies)
    refuse(
        self_assessment_request_problems(
            framework=framework, year=year, agencies=chosen, due_on=due_on
        )
    )
    assert year is not None and due_on is not None
    created = []
    for agency in chosen:
        item, new = SelfAssessmentReturn.objects.get_or_create(
            framework=framework,
            agency=agency,
            year=year,
            defaults={"due_on": due_on, "requested_by": actor},
        )
        if not new:
            continue
        created.append(item)
        audit.record_change(
            actor=actor,
            action="self_assessment.requested",
            target=item,
            detail={"framework": framework, "agency": agency.code, "year": year},
        )
        if agency.email:
            notification_queue(
                subject=f"Your {item.get_framework_display()} self-assessment for {item.period}",
                body=(
                    f"The safeguarding partnership asks {agency.name} for its "
                    f"{item.get_framework_display()} self-assessment for {item.period} by "
                    f"{due_on:%-d %B %Y}. Complete it in Sightline (Partnership, "
                    "Self-assessment returns)."
                ),
                recipient_email=agency.email,
                topic="partnership.self_assessment_requested",
                about=item,
            )
    return created


def _require_completer(actor: User, item: SelfAssessmentReturn) -> None:
    if not actor.has_perm("partnership.complete_return", item):
        raise PermissionDenied(
            "Only the agency whose return this is can complete it, through one of its named leads."
        )
    if not item.editable:
        raise ValidationError("This return has been submitted; it can no longer change")


def standard_for_return(*, item: SelfAssessmentReturn, standard_id: object) -> Standard:
    """The active standard of the return's own framework, or a clear refusal."""
    label = item.get_framework_display()
    try:
        pk = int(str(standard_id))
    except (TypeError, ValueError):
        raise ValidationError({"standard": f"Choose one of the {label} standards"}) from None
    standard = Standard.objects.filter(pk=pk, active=True).first()
    if standard is None:
        raise ValidationError({"standard": f"There is no such {label} standard"})
    if standard.framework != item.framework:
        raise ValidationError(
            {
                "standard": f"That standard belongs to {standard.get_framework_display()}, "
                f"not to this {label} return"
            }
        )
    return standard


def rating_problems(
    *,
    item: SelfAssessmentReturn,
    rag: str | None = None,
    evidence: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the standard cannot be rated as given (None: nothing wrong); a rating not
    given (the form already said so) is not judged."""
    problems = Problems()
    if not item.editable:
        problems.add(None, "This return has been submitted; it can no longer change")
    if rag is not None and rag not in Rag.values:
        problems.add("rag", "Choose red, amber or green")
    if not (evidence or "").strip():
        problems.add("evidence", "Give the evidence for this rating")
    return problems.error()


@transaction.atomic
def self_assessment_rate(
    *, actor: User, item: SelfAssessmentReturn, standard_id: object, rag: str, evidence: str
) -> StandardRating:
    _require_completer(actor, item)
    standard = standard_for_return(item=item, standard_id=standard_id)
    refuse(rating_problems(item=item, rag=rag, evidence=evidence))
    rating, _ = StandardRating.objects.update_or_create(
        assessment=item,
        standard=standard,
        defaults={
            "rag": rag,
            "evidence": evidence.strip(),
            "updated_by": actor,
            "updated_at": timezone.now(),
        },
    )
    if item.status == Status.REQUESTED:
        item.status = Status.IN_PROGRESS
        item.save(update_fields=["status"])
    audit.record_change(
        actor=actor,
        action="self_assessment.rated",
        target=item,
        detail={"standard": standard.number, "rag": rag},
    )
    return rating


@transaction.atomic
def self_assessment_submit(*, actor: User, item: SelfAssessmentReturn) -> SelfAssessmentReturn:
    _require_completer(actor, item)
    rated = set(item.ratings.values_list("standard_id", flat=True))
    unrated = Standard.objects.filter(framework=item.framework, active=True).exclude(pk__in=rated)
    if unrated.exists():
        numbers = ", ".join(str(s.number) for s in unrated)
        raise ValidationError(f"Rate every standard before you submit: not yet rated {numbers}")
    item.status = Status.SUBMITTED
    item.submitted_by = actor
    item.submitted_at = timezone.now()
    item.save(update_fields=["status", "submitted_by", "submitted_at"])
    audit.record_change(actor=actor, action="self_assessment.submitted", target=item)
    notification_queue(
        subject=f"{item.agency.name} has submitted its {item.get_framework_display()} return",
        body=f"{item} is ready for the partnership's challenge.",
        recipient_user=item.requested_by,
        topic="partnership.self_assessment_submitted",
        about=item,
    )
    return item


def challenge_problems(
    *, item: SelfAssessmentReturn, challenge: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the return cannot be challenged as given (None: nothing wrong)."""
    problems = Problems()
    if item.status not in (Status.SUBMITTED, Status.CHALLENGED, Status.RESPONDED):
        problems.add(None, "The agency has not submitted this return yet")
    if not (challenge or "").strip():
        problems.add("challenge", "Enter the partnership's challenge")
    return problems.error()


@transaction.atomic
def self_assessment_challenge(
    *, actor: User, item: SelfAssessmentReturn, challenge: str
) -> SelfAssessmentReturn:
    """The partnership's challenge to a submitted return (again after the agency's response,
    if it is not satisfied); the agency's named leads are told, and one of them responds."""
    if not actor.has_perm("partnership.challenge_return", item):
        raise PermissionDenied("Only the partnership challenges a return.")
    SelfAssessmentReturn.objects.select_for_update().filter(pk=item.pk).exists()  # lock
    item.refresh_from_db()
    refuse(challenge_problems(item=item, challenge=challenge))
    previous = {"challenge": item.challenge, "response": item.challenge_response}
    item.challenge = challenge.strip()
    item.challenged_by = actor
    item.challenged_at = timezone.now()
    item.status = Status.CHALLENGED
    item.challenge_response = ""
    item.challenge_responded_by = None
    item.challenge_responded_at = None
    item.save(
        update_fields=[
            "challenge",
            "challenged_by",
            "challenged_at",
            "status",
            "challenge_response",
            "challenge_responded_by",
            "challenge_responded_at",
        ]
    )
    audit.record_change(
        actor=actor,
        action="self_assessment.challenged",
        target=item,
        detail={"previous": previous} if previous["challenge"] else None,
    )
    for lead in User.objects.filter(agency_id=item.agency_id, is_agency_lead=True, is_active=True):
        notification_queue(
            subject=f"The partnership challenges your {item.get_framework_display()} return",
            body=(
                f"{item.challenge}\n\nRespond in Sightline (Partnership, Self-assessment "
                f"returns, {item.period})."
            ),
            recipient_user=lead,
            topic="partnership.self_assessment_challenged",
            about=item,
        )
    return item


def challenge_response_problems(
    *, item: SelfAssessmentReturn, response: str | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason the agency's response cannot be given (None: nothing wrong)."""
    problems = Problems()
    if item.status != Status.CHALLENGED:
        problems.add(None, "There is no challenge waiting for your agency's response")
    if not (response or "").strip():
        problems.add("response", "Enter your agency's response to the challenge")
    return problems.error()


@transaction.atomic
def self_assessment_challenge_respond(
    *, actor: User, item: SelfAssessmentReturn, response: str
) -> SelfAssessmentReturn:
    """The agency's named lead answers the partnership's challenge; the challenger is told."""
    if not actor.has_perm("partnership.respond_to_challenge", item):
        raise PermissionDenied(
            "Only the agency whose return this is responds to the challenge, through one of "
            "its named leads."
        )
    SelfAssessmentReturn.objects.select_for_update().filter(pk=item.pk).exists()  # lock
    item.refresh_from_db()
    refuse(challenge_response_problems(item=item, response=response))
    item.challenge_response = response.strip()
    item.challenge_responded_by = actor
    item.challenge_responded_at = timezone.now()
    item.status = Status.RESPONDED
    item.save(
        update_fields=[
            "challenge_response",
            "challenge_responded_by",
            "challenge_responded_at",
            "status",
        ]
    )
    audit.record_change(actor=actor, action="self_assessment.challenge_answered", target=item)
    if item.challenged_by is not None:
        notification_queue(
            subject=f"{item.agency.name} has responded to the partnership's challenge",
            body=f"{item}:\n\n{item.challenge_response}",
            recipient_user=item.challenged_by,
            topic="partnership.self_assessment_challenge_answered",
            about=item,
        )
    return item
