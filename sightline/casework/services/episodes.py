"""Writes on the episode side of casework: from referral to closure (DOMAIN.md sections 2, 3).

Every service takes the acting user explicitly, runs in one transaction, writes its audit
entry and the chronology event of DESIGN.md section 5 in that transaction, and refuses bad
input with a ValidationError that names the field and says what to fix.

Casework and the front door are siblings: a referral to allocate is found on the chronology
(a `contact_decided` event with outcome `referral`, naming the contact's reference), never by
importing the front door.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, Role, Team, User
from sightline.casework.models import (
    ASSESSMENT_FACTORS,
    NO_FACTORS,
    Assessment,
    CaseTransfer,
    ClosureReason,
    ClosureRequest,
    Episode,
    LinkedContact,
    Plan,
    PrimaryNeed,
    S47Enquiry,
    StatutoryVisit,
    StrategyDiscussion,
    Supervision,
)
from sightline.casework.services.checks import (
    long_date,
    not_before_referral,
    not_in_future,
    require_open_episode,
    validate_in_team,
)
from sightline.chronology.models import Event, EventType
from sightline.chronology.services import event_record
from sightline.core import audit, versions
from sightline.core.problems import Problems, refuse
from sightline.core.working_days import LONDON, add_working_days
from sightline.people.models import Person
from sightline.people.services import person_ensure_social_care_record, social_care_agency


def referral_source_for_chronology(code: str) -> str:
    """A referral's source as every partner who can see the child's chronology may read it.

    An individual's referral (a relative, a neighbour, the child themselves) is confidential
    to the front door and children's social care, as a public referrer's identity is: the
    chronology says only that a member of the public referred."""
    if code.startswith("1"):
        return "from a member of the public"
    return REFERRAL_SOURCES[code]


# DfE CIN census referral source codes (DOMAIN.md section 3).
REFERRAL_SOURCES: dict[str, str] = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance (including neighbours and friends)",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E",
    "3F": "Health services: other",
    "4": "Housing",
    "5A": "LA services: social care",
    "5B": "LA services: other internal",
    "5C": "LA services: external, another LA",
    "5D": "LA services: early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}
CASE_HOLDERS = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER})
AFTER_ASSESSMENT = frozenset({ClosureReason.RC8, ClosureReason.RC9})


def assessment_working_days() -> int:
    """T2: working days from the referral to the completed assessment (default 45)."""
    return int(getattr(settings, "SIGHTLINE_ASSESSMENT_WORKING_DAYS", 45))


def _source(actor: User) -> Agency:
    agency = actor.agency
    if agency is not None and agency.kind == Agency.Kind.SOCIAL_CARE:
        return agency
    return social_care_agency()


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _record(
    *,
    actor: User,
    episode: Episode,
    kind: str,
    day: dt.date,
    summary: str,
    details: dict[str, Any],
) -> Event:
    return event_record(
        type=kind,
        occurred_at=day,  # a date only: no invented time (core.dates)
        summary=summary,
        source=_source(actor),
        participants=[(episode.child, "child")],
        recorded_by=actor,
        details={"episode": episode.pk, **details},
    )


def _lock(episode: Episode) -> Episode:
    return (
        Episode.objects.select_for_update(of=("self",))
        .select_related("child", "team")
        .get(pk=episode.pk)
    )


# Referral and episode -------------------------------------------------------------------


def referral_event(*, child: Person, contact_reference: str) -> Event | None:
    """The front door's decision to refer this contact about this child, if there is one."""
    return (
        Event.objects.filter(
            type=EventType.CONTACT_DECIDED,
            participants__person=child,
            details__contact_reference=contact_reference,
            details__outcome="referral",
        )
        .order_by("-occurred_at")
        .first()
    )


def _contact_pk(reference: str) -> int | None:
    """The front door contact's key, through the episode's own link (no front door import)."""
    contact_model = Episode._meta.get_field("contact").related_model
    return (
        contact_model._default_manager.filter(reference=reference)  # type: ignore[union-attr]
        .values_list("pk", flat=True)
        .first()
    )


def _validate_team(team: Team | None, field: str = "team") -> Team:
    if team is None:
        raise ValidationError({field: "Choose the social work team that will hold the case"})
    if team.agency.kind != Agency.Kind.SOCIAL_CARE:
        raise ValidationError({field: f"{team} is not a children's social care team: choose one"})
    return team


def _validate_social_worker(user: User | None, field: str) -> None:
    if user is not None and user.role not in CASE_HOLDERS:
        raise ValidationError(
            {field: f"{user} is not a social worker or team manager: choose someone who is"}
        )


def _referred(child: Person, contact_reference: str) -> tuple[dt.date, str]:
    """The date a referred contact was received and its DfE source, refusing a contact that was
    not referred for this child or is already allocated."""
    decided = referral_event(child=child, contact_reference=contact_reference)
    if decided is None:
        raise ValidationError(
            {
                "contact_reference": f"Contact {contact_reference} was not referred to social "
                "care for this child: check the reference"
            }
        )
    if Episode.objects.filter(contact__reference=contact_reference).exists():
        raise ValidationError(
            {"contact_reference": f"Contact {contact_reference} already has an episode"}
        )
    linked = LinkedContact.objects.filter(contact_reference=contact_reference).first()
    if linked is not None:
        raise ValidationError(
            {
                "contact_reference": f"Contact {contact_reference} was already added to the "
                f"episode from {long_date(linked.episode.referral_date)}"
            }
        )
    contact_event = (
        Event.objects.filter(type=EventType.CONTACT, details__contact_reference=contact_reference)
        .order_by("occurred_at")
        .first()
    )
    received = contact_event.occurred_at if contact_event else decided.occurred_at
    source = (contact_event.details if contact_event else {}).get("referral_source", "") or "10"
    return timezone.localtime(received, LONDON).date(), source


@transaction.atomic
def referral_add_to_open_episode(
    *, actor: User, child: Person, contact_reference: str
) -> LinkedContact:
    """A referral about a child whose episode is open joins that episode as a linked contact.

    DfE's CIN census counts one referral per episode, and a child has at most one open
    episode: a referral received while one is open is not a new referral (DOMAIN.md section
    3), so the episode's referral date and source stay as they are.
    """
    Person.objects.select_for_update(of=("self",)).filter(pk=child.pk).first()
    episode = Episode.objects.filter(child=child, closure_date__isnull=True).first()
    if episode is None:
        raise ValidationError(
            {"contact_reference": f"{child} has no open episode: open an episode instead"}
        )
    received, _source = _referred(child, contact_reference)
    linked = LinkedContact.objects.create(
        episode=episode,
        contact_id=_contact_pk(contact_reference),
        contact_reference=contact_reference,
        received_date=received,
        linked_by=actor,
    )
    audit.record_change(
        actor=actor,
        action="episode.referral_added",
        target=linked,
        person_id=child.pk,
        detail={"contact_reference": contact_reference, "episode": episode.pk},
    )
    return linked


def episode_open_problems(
    *,
    child: Person,
    team: Team | None = None,
    lead_social_worker: User | None = None,
    contact_reference: str = "",
    referral_date: dt.date | None = None,
    referral_source: str | None = None,
    primary_need: str | None = None,
    given: bool = False,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the child's episode cannot open as given (None: nothing wrong). A form
    passes only what it accepted (`given` False: a value of None is not judged); the service
    passes every value (`given` True)."""
    problems = Problems()
    if team is not None or given:
        problems.check(_validate_team, team)
    problems.check(_validate_social_worker, lead_social_worker, "lead_social_worker")
    if team is not None:
        problems.check(validate_in_team, lead_social_worker, team, "lead_social_worker")
    if primary_need and primary_need not in PrimaryNeed.values:
        problems.add("primary_need", "Choose a primary need code from N0 to N9")
    if contact_reference:
        try:
            referral_date, _source = _referred(child, contact_reference)
        except ValidationError as error:
            problems.add_error(error)
            referral_date = None
    else:
        if referral_date is None and given:
            problems.add("referral_date", "Enter the date of the referral")
        if referral_date is not None:
            problems.check(not_in_future, referral_date, "referral_date", "The referral date")
        if (referral_source is not None or given) and referral_source not in REFERRAL_SOURCES:
            problems.add(
                "referral_source", "Choose who made the referral (the DfE referral source)"
            )
    open_episode = Episode.objects.filter(child=child, closure_date__isnull=True).first()
    if open_episode is not None:
        problems.add(
            None,
            f"{child} already has an open episode from "
            f"{long_date(open_episode.referral_date)}: record this referral's work on it, "
            "or close it first",
        )
    last_closed = (
        Episode.objects.filter(child=child, closure_date__isnull=False)
        .order_by("-closure_date")
        .first()
    )
    if (
        last_closed is not None
        and referral_date is not None
        and referral_date < last_closed.closure_date  # type: ignore[operator]
    ):
        problems.add(
            "referral_date",
            "The referral date is before the child's last episode closed on "
            f"{long_date(last_closed.closure_date)}: check the date",  # type: ignore[arg-type]
        )
    return problems.error()


@transaction.atomic
def episode_open(
    *,
    actor: User,
    child: Person,
    team: Team | None,
    lead_social_worker: User | None = None,
    contact_reference: str = "",
    referral_date: dt.date | None = None,
    referral_source: str = "",
    primary_need: str = "",
) -> Episode:
    """Open a child's episode of need from a front door referral, or directly.

    From a referral, the referral date is the contact's date and the source is the one the
    contact recorded. A direct referral gives both, and writes a `contact` event with outcome
    `referral`, so the chronology knows the episode is open. A child has at most one open
    episode.
    """
    contact_pk: int | None = None
    Person.objects.select_for_update(of=("self",)).filter(pk=child.pk).first()
    refuse(
        episode_open_problems(
            child=child,
            team=team,
            lead_social_worker=lead_social_worker,
            contact_reference=contact_reference,
            referral_date=referral_date,
            referral_source=referral_source,
            primary_need=primary_need,
            given=True,
        )
    )
    assert team is not None
    if contact_reference:
        referral_date, referral_source = _referred(child, contact_reference)
        contact_pk = _contact_pk(contact_reference)
    assert referral_date is not None
    episode = Episode.objects.create(
        child=child,
        referral_date=referral_date,
        referral_source=referral_source,
        primary_need=primary_need,
        contact_id=contact_pk,
        team=team,
        lead_social_worker=lead_social_worker,
        created_by=actor,
    )
    person_ensure_social_care_record(actor=actor, person=child)
    audit.record_change(
        actor=actor,
        action="episode.opened",
        target=episode,
        person_id=child.pk,
        detail={"contact_reference": contact_reference, "team": team.pk},
    )
    if not contact_reference:
        _record(
            actor=actor,
            episode=episode,
            kind=EventType.CONTACT,
            day=referral_date,
            summary="Referral to children's social care "
            f"({referral_source_for_chronology(referral_source)}).",
            details={"referral_source": referral_source, "outcome": "referral"},
        )
    event_record(  # the episode starts on the referral date (DOMAIN.md section 3): a date only
        type=EventType.EPISODE_OPENED,
        occurred_at=referral_date,
        summary=f"Episode of need opened with {team.name} for the referral of "
        f"{long_date(referral_date)}"
        + (
            f"; lead social worker {lead_social_worker.get_full_name()}."
            if lead_social_worker
            else "."
        ),
        source=_source(actor),
        participants=[(child, "child")],
        recorded_by=actor,
        details={"episode": episode.pk, "contact_reference": contact_reference},
    )
    return episode


# Assessments ----------------------------------------------------------------------------


def assessment_due_date(*, episode: Episode, start_date: dt.date) -> dt.date:
    """T2: 45 working days after the referral; a later assessment in the same episode is
    counted from its own start."""
    first = not episode.assessments.exists()
    counted_from = episode.referral_date if first else start_date
    return add_working_days(counted_from, assessment_working_days())


def assessment_start_problems(
    *,
    episode: Episode,
    start_date: dt.date | None = None,
    social_worker: User | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason an assessment cannot start as given (None: nothing wrong).

    A value of None has not been given yet (a form that already said so passes None), so it
    is not judged; the service passes every value.
    """
    problems = Problems()
    problems.check(require_open_episode, episode)
    if start_date is not None:
        if start_date < episode.referral_date:
            problems.add(
                "start_date",
                "The assessment cannot start before the referral on "
                f"{long_date(episode.referral_date)}: check the start date",
            )
        problems.check(not_in_future, start_date, "start_date", "The start date")
    problems.check(_validate_social_worker, social_worker, "social_worker")
    current = Assessment.objects.filter(
        episode__child=episode.child, completed_date__isnull=True
    ).first()
    if current is not None:
        problems.add(
            "start_date",
            f"An assessment started on {long_date(current.start_date)} is still "
            "open: complete it before starting another",
        )
    return problems.error()


@transaction.atomic
def assessment_start(
    *,
    actor: User,
    episode: Episode,
    start_date: dt.date,
    social_worker: User | None = None,
) -> Assessment:
    episode = _lock(episode)
    refuse(
        assessment_start_problems(
            episode=episode, start_date=start_date, social_worker=social_worker
        )
    )
    assessment = Assessment.objects.create(
        episode=episode,
        start_date=start_date,
        due_date=assessment_due_date(episode=episode, start_date=start_date),
        social_worker=social_worker or episode.lead_social_worker,
        created_by=actor,
    )
    audit.record_change(
        actor=actor, action="assessment.started", target=assessment, person_id=episode.child_id
    )
    _record(
        actor=actor,
        episode=episode,
        kind=EventType.ASSESSMENT_STARTED,
        day=start_date,
        summary=f"Social work assessment started; due {long_date(assessment.due_date)}.",
        details={"due_date": assessment.due_date.isoformat()},
    )
    return assessment


def factors_clean(factors: list[str] | None, field: str = "factors") -> list[str]:
    """Valid CIN assessment factor codes, in the census order; 21 never with another code."""
    chosen = list(dict.fromkeys(code.strip().upper() for code in (factors or []) if code))
    unknown = [code for code in chosen if code not in ASSESSMENT_FACTORS]
    if unknown:
        raise ValidationError(
            {field: f"{', '.join(unknown)} is not a CIN assessment factor: choose from the list"}
        )
    if NO_FACTORS in chosen and len(chosen) > 1:
        raise ValidationError(
            {
                field: "21 No factors identified cannot be combined with another factor: "
                "untick 21 or the other factors"
            }
        )
    order = list(ASSESSMENT_FACTORS)
    return sorted(chosen, key=order.index)


def _require_assessment_open(assessment: Assessment) -> None:
    if assessment.completed_date is not None:
        raise ValidationError(
            f"This assessment was completed on {long_date(assessment.completed_date)} and can no "
            "longer be changed"
        )


def assessment_record_problems(
    *,
    assessment: Assessment,
    child_seen_date: dt.date | None = None,
    factors: list[str] | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason an assessment's progress cannot be recorded as given (None: nothing
    wrong); a date not given is not judged."""
    problems = Problems()
    problems.check(_require_assessment_open, assessment)
    if child_seen_date is not None:
        problems.check(
            not_before_referral,
            assessment.episode,
            child_seen_date,
            "child_seen_date",
            "The date seen",
        )
        problems.check(
            not_in_future, child_seen_date, "child_seen_date", "The date the child was seen"
        )
    if factors is not None:
        problems.check(factors_clean, factors)
    return problems.error()


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    assessment: Assessment,
    child_seen_date: dt.date | None = None,
    child_voice: str = "",
    factors: list[str] | None = None,
    version: int | None = None,
) -> Assessment:
    """Record the assessment's progress: when the child was seen, their words, the factors.

    Refused (`StaleEdit`) when it has been saved since `version` was read."""
    versions.claim(assessment, version)
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("episode")
        .get(pk=assessment.pk)
    )
    refuse(
        assessment_record_problems(
            assessment=assessment, child_seen_date=child_seen_date, factors=factors or []
        )
    )
    episode = assessment.episode
    before = _assessment_values(assessment)
    assessment.child_seen_date = child_seen_date
    assessment.child_voice = (child_voice or "").strip()
    assessment.factors = factors_clean(factors)
    assessment.save(update_fields=["child_seen_date", "child_voice", "factors"])
    versions.record_edit(
        actor=actor,
        action="assessment.recorded",
        target=assessment,
        person_id=episode.child_id,
        changes=versions.changes_between(before, _assessment_values(assessment)),
        detail={"factors": assessment.factors},
    )
    return assessment


def _assessment_values(assessment: Assessment) -> dict[str, Any]:
    """What the assessment form records, factors by their names (never their codes)."""
    return {
        "child_seen_date": assessment.child_seen_date,
        "child_voice": assessment.child_voice,
        "factors": [ASSESSMENT_FACTORS.get(code, code) for code in assessment.factors],
    }


def assessment_complete_problems(
    *,
    actor: User,
    assessment: Assessment,
    outcome: str | None = None,
    completed_date: dt.date | None = None,
    factors: list[str] | None = None,
    late_reason: str | None = None,
    primary_need: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a manager cannot complete an assessment as given (None: nothing wrong).

    A value of None has not been given yet (a form that already said so passes None), so it
    is not judged; factors of None are the assessment's own.
    """
    problems = Problems()
    problems.check(_require_assessment_open, assessment)
    if actor.role != Role.TEAM_MANAGER:
        problems.add(
            "authorised_by", "A team manager must authorise the assessment: ask your manager"
        )
    if outcome is not None:
        problems.check(_require_text, outcome, "outcome", "Enter the outcome of the assessment")
    if completed_date is not None:
        if completed_date < assessment.start_date:
            problems.add(
                "completed_date",
                "The assessment cannot be completed before it started on "
                f"{long_date(assessment.start_date)}: check the completion date",
            )
        problems.check(not_in_future, completed_date, "completed_date", "The completion date")
    try:
        chosen = factors_clean(factors if factors is not None else assessment.factors)
    except ValidationError as error:
        problems.add_error(error)
    else:
        if not chosen:
            problems.add("factors", "Choose the assessment factors, or 21 No factors identified")
    if (
        completed_date is not None
        and late_reason is not None
        and completed_date > assessment.due_date
        and not late_reason.strip()
    ):
        problems.add(
            "late_reason",
            f"This assessment was due on {long_date(assessment.due_date)}: say why it took longer",
        )
    if primary_need and primary_need not in PrimaryNeed.values:
        problems.add("primary_need", "Choose a primary need code from N0 to N9")
    return problems.error()


@transaction.atomic
def assessment_complete(
    *,
    actor: User,
    assessment: Assessment,
    outcome: str,
    completed_date: dt.date,
    factors: list[str] | None = None,
    late_reason: str = "",
    primary_need: str = "",
) -> Assessment:
    """A team manager authorises the completed assessment (the census completion date)."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("episode__child")
        .get(pk=assessment.pk)
    )
    refuse(
        assessment_complete_problems(
            actor=actor,
            assessment=assessment,
            outcome=outcome,
            completed_date=completed_date,
            factors=factors,
            late_reason=late_reason,
            primary_need=primary_need,
        )
    )
    episode = assessment.episode
    outcome = outcome.strip()
    chosen = factors_clean(factors if factors is not None else assessment.factors)
    late_reason = (late_reason or "").strip()
    if primary_need:
        episode.primary_need = primary_need
        episode.save(update_fields=["primary_need"])
    assessment.factors = chosen
    assessment.outcome = outcome
    assessment.completed_date = completed_date
    assessment.authorised_date = completed_date
    assessment.authorised_by = actor
    assessment.late_reason = late_reason if completed_date > assessment.due_date else ""
    assessment.save()
    audit.record_change(
        actor=actor,
        action="assessment.completed",
        target=assessment,
        person_id=episode.child_id,
        detail={"factors": chosen, "late": bool(assessment.late_reason)},
    )
    _record(
        actor=actor,
        episode=episode,
        kind=EventType.ASSESSMENT_COMPLETED,
        day=completed_date,
        summary=f"Social work assessment completed and authorised: {outcome}",
        details={
            "factors": chosen,
            "due_date": assessment.due_date.isoformat(),
            "late": completed_date > assessment.due_date,
        },
    )
    return assessment


# Visits, supervision, transfer ----------------------------------------------------------


def visit_problems(
    *,
    episode: Episode,
    visit_date: dt.date | None = None,
    child_seen: bool | None = None,
    seen_alone: bool | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a statutory visit cannot be recorded as given (None: nothing wrong); a
    date not given is not judged."""
    problems = Problems()
    problems.check(require_open_episode, episode)
    if visit_date is not None:
        problems.check(not_before_referral, episode, visit_date, "visit_date", "The visit")
        problems.check(not_in_future, visit_date, "visit_date", "The visit date")
    if seen_alone and not child_seen:
        problems.add(
            "seen_alone",
            "A child seen alone was seen: tick 'The child was seen' as well, "
            "or untick 'Seen alone'",
        )
    return problems.error()


@transaction.atomic
def visit_record(
    *,
    actor: User,
    episode: Episode,
    visit_date: dt.date,
    child_seen: bool,
    seen_alone: bool = False,
    notes: str = "",
) -> StatutoryVisit:
    episode = _lock(episode)
    refuse(
        visit_problems(
            episode=episode, visit_date=visit_date, child_seen=child_seen, seen_alone=seen_alone
        )
    )
    visit = StatutoryVisit.objects.create(
        episode=episode,
        visit_date=visit_date,
        child_seen=child_seen,
        seen_alone=seen_alone,
        notes=(notes or "").strip(),
        visited_by=actor,
    )
    audit.record_change(
        actor=actor, action="visit.recorded", target=visit, person_id=episode.child_id
    )
    seen = "seen alone" if seen_alone else ("seen" if child_seen else "not seen")
    _record(
        actor=actor,
        episode=episode,
        kind=EventType.STATUTORY_VISIT,
        day=visit_date,
        summary=f"Statutory visit: the child was {seen}.",
        details={"child_seen": child_seen, "seen_alone": seen_alone},
    )
    return visit


def supervision_problems(
    *,
    episode: Episode,
    supervisor: User,
    supervision_date: dt.date | None = None,
    decisions: str | None = None,
    next_date: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a supervision cannot be recorded as given (None: nothing wrong); a value
    not given is not judged."""
    problems = Problems()
    problems.check(require_open_episode, episode)
    if supervisor.role != Role.TEAM_MANAGER:
        problems.add(
            "supervisor", f"{supervisor} is not a team manager: supervision is recorded by one"
        )
    if supervision_date is not None:
        problems.check(
            not_before_referral, episode, supervision_date, "supervision_date", "Supervision"
        )
        problems.check(not_in_future, supervision_date, "supervision_date", "The supervision date")
    if decisions is not None:
        problems.check(
            _require_text,
            decisions,
            "decisions",
            "Enter the decisions made, with who does what by when",
        )
    if next_date is not None and supervision_date is not None and next_date <= supervision_date:
        problems.add(
            "next_date", "The next supervision must be after this one: check the next date"
        )
    return problems.error()


@transaction.atomic
def supervision_record(
    *,
    actor: User,
    episode: Episode,
    supervision_date: dt.date,
    decisions: str,
    next_date: dt.date,
    discussion: str = "",
    supervisor: User | None = None,
) -> Supervision:
    """Management oversight of the case: a team manager's decisions and the next date."""
    episode = _lock(episode)
    supervisor = supervisor or actor
    refuse(
        supervision_problems(
            episode=episode,
            supervisor=supervisor,
            supervision_date=supervision_date,
            decisions=decisions,
            next_date=next_date,
        )
    )
    decisions = decisions.strip()
    supervision = Supervision.objects.create(
        episode=episode,
        supervision_date=supervision_date,
        supervisor=supervisor,
        discussion=(discussion or "").strip(),
        decisions=decisions,
        next_date=next_date,
    )
    audit.record_change(
        actor=actor, action="supervision.recorded", target=supervision, person_id=episode.child_id
    )
    _record(
        actor=actor,
        episode=episode,
        kind=EventType.SUPERVISION,
        day=supervision_date,
        summary=f"Case supervision with {supervisor}; next by {long_date(next_date)}.",
        details={"next_date": next_date.isoformat()},
    )
    return supervision


def transfer_problems(
    *,
    episode: Episode,
    to_team: Team | None = None,
    transfer_date: dt.date | None = None,
    reason: str | None = None,
    to_social_worker: User | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the case cannot move to another team as given (None: nothing wrong); a
    value not given is not judged (the service gives every value: a team of None is refused)."""
    problems = Problems()
    problems.check(require_open_episode, episode)
    problems.check(_validate_team, to_team, "to_team")
    if to_team is not None and to_team.pk == episode.team_id:
        problems.add(
            "to_team",
            f"The case is already with {to_team}: choose another team, or "
            "reallocate it to another social worker in this team",
        )
    problems.check(_validate_social_worker, to_social_worker, "to_social_worker")
    if to_team is not None:
        problems.check(validate_in_team, to_social_worker, to_team, "to_social_worker")
    if transfer_date is not None:
        problems.check(not_before_referral, episode, transfer_date, "transfer_date", "The transfer")
        problems.check(not_in_future, transfer_date, "transfer_date", "The transfer date")
        last = episode.transfers.order_by("-transfer_date").first()
        if last is not None and transfer_date < last.transfer_date:
            problems.add(
                "transfer_date",
                "The case last moved on "
                f"{long_date(last.transfer_date)}: a new transfer cannot be earlier",
            )
    if reason is not None:
        problems.check(
            _require_text, reason, "reason", "Say why the case is moving to another team"
        )
    return problems.error()


@transaction.atomic
def case_transfer(
    *,
    actor: User,
    episode: Episode,
    to_team: Team | None,
    transfer_date: dt.date,
    reason: str,
    to_social_worker: User | None = None,
) -> CaseTransfer:
    """Move the case to another social care team, with its new social worker if known."""
    episode = _lock(episode)
    refuse(
        transfer_problems(
            episode=episode,
            to_team=to_team,
            transfer_date=transfer_date,
            reason=reason,
            to_social_worker=to_social_worker,
        )
    )
    assert to_team is not None
    reason = reason.strip()
    transfer = CaseTransfer.objects.create(
        episode=episode,
        from_team=episode.team,
        from_social_worker=episode.lead_social_worker,
        to_team=to_team,
        to_social_worker=to_social_worker,
        transfer_date=transfer_date,
        reason=reason,
        transferred_by=actor,
    )
    episode.team = to_team
    episode.lead_social_worker = to_social_worker
    episode.save(update_fields=["team", "lead_social_worker"])
    audit.record_change(
        actor=actor, action="case.transferred", target=transfer, person_id=episode.child_id
    )
    _record(
        actor=actor,
        episode=episode,
        kind=EventType.CASE_TRANSFERRED,
        day=transfer_date,
        summary=f"Case transferred from {transfer.from_team.name} to {to_team.name}.",
        details={"from_team": transfer.from_team.name, "to_team": to_team.name},
    )
    return transfer


def reallocation_problems(
    *,
    episode: Episode,
    social_worker: User | None = None,
    reallocation_date: dt.date | None = None,
    reason: str | None = None,
    given: bool = False,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the case cannot go to another social worker in its team as given (None:
    nothing wrong). A form passes only what it accepted (`given` False: a social worker of
    None has not been chosen yet); the service passes every value (`given` True)."""
    problems = Problems()
    problems.check(require_open_episode, episode)
    if social_worker is None and given:
        problems.add("social_worker", "Choose the social worker who will hold the case")
    if reason is not None and not reason.strip():
        problems.add("reason", "Say why the case is being reallocated")
    if social_worker is not None:
        problems.check(_validate_social_worker, social_worker, "social_worker")
        problems.check(validate_in_team, social_worker, episode.team, "social_worker")
        if social_worker.pk == episode.lead_social_worker_id:
            problems.add(
                "social_worker", f"{social_worker} already holds the case: choose someone else"
            )
    if reallocation_date is not None:
        problems.check(
            not_before_referral,
            episode,
            reallocation_date,
            "reallocation_date",
            "The reallocation",
        )
        problems.check(
            not_in_future, reallocation_date, "reallocation_date", "The reallocation date"
        )
        last = episode.transfers.order_by("-transfer_date").first()
        if last is not None and reallocation_date < last.transfer_date:
            problems.add(
                "reallocation_date",
                "The case last moved on "
                f"{long_date(last.transfer_date)}: a reallocation cannot be earlier",
            )
    return problems.error()


@transaction.atomic
def case_reallocate(
    *,
    actor: User,
    episode: Episode,
    social_worker: User | None,
    reallocation_date: dt.date,
    reason: str,
) -> CaseTransfer:
    """Give the case to another social worker in the same team (a transfer moves it to another
    team). Recorded as a move within the team, in the audit trail and on the chronology."""
    episode = _lock(episode)
    refuse(
        reallocation_problems(
            episode=episode,
            social_worker=social_worker,
            reallocation_date=reallocation_date,
            reason=reason or "",
            given=True,
        )
    )
    assert social_worker is not None
    move = CaseTransfer.objects.create(
        episode=episode,
        from_team=episode.team,
        from_social_worker=episode.lead_social_worker,
        to_team=episode.team,
        to_social_worker=social_worker,
        transfer_date=reallocation_date,
        reason=reason.strip(),
        transferred_by=actor,
    )
    episode.lead_social_worker = social_worker
    episode.save(update_fields=["lead_social_worker"])
    audit.record_change(
        actor=actor,
        action="case.reallocated",
        target=move,
        person_id=episode.child_id,
        detail={"to_social_worker": social_worker.pk, "team": episode.team_id},
    )
    _record(
        actor=actor,
        episode=episode,
        kind=EventType.CASE_TRANSFERRED,
        day=reallocation_date,
        summary=f"Case reallocated within {episode.team.name} to a new social worker.",
        details={"from_team": episode.team.name, "to_team": episode.team.name},
    )
    return move


# Closure --------------------------------------------------------------------------------


def _latest_start(episode: Episode) -> tuple[dt.date, str] | None:
    """The latest date of the work recorded in the episode (a start, a completion, an end, a
    conference or a visit), and what it was."""
    starts: list[tuple[dt.date, str]] = []
    for start, label in (
        (
            episode.assessments.order_by("-start_date")
            .values_list("start_date", flat=True)
            .first(),
            "an assessment started",
        ),
        (
            S47Enquiry.objects.filter(episode=episode)
            .order_by("-start_date")
            .values_list("start_date", flat=True)
            .first(),
            "a section 47 enquiry started",
        ),
        (
            Plan.objects.filter(episode=episode)
            .order_by("-start_date")
            .values_list("start_date", flat=True)
            .first(),
            "a plan started",
        ),
    ):
        if start is not None:
            starts.append((start, label))
    held = (
        StrategyDiscussion.objects.filter(episode=episode)
        .order_by("-held_at")
        .values_list("held_at", flat=True)
        .first()
    )
    if held is not None:
        starts.append((timezone.localtime(held, LONDON).date(), "a strategy discussion was held"))
    # The work recorded as done: an episode cannot close before it either.
    for day, label in (
        (
            episode.assessments.filter(completed_date__isnull=False)
            .order_by("-completed_date")
            .values_list("completed_date", flat=True)
            .first(),
            "an assessment was completed",
        ),
        (
            Plan.objects.filter(episode=episode, end_date__isnull=False)
            .order_by("-end_date")
            .values_list("end_date", flat=True)
            .first(),
            "a plan ended",
        ),
        (
            episode.conferences.order_by("-conference_date")
            .values_list("conference_date", flat=True)
            .first(),
            "a conference was held",
        ),
        (
            episode.visits.order_by("-visit_date").values_list("visit_date", flat=True).first(),
            "a statutory visit",
        ),
    ):
        if day is not None:
            starts.append((day, label))
    return max(starts) if starts else None


def closure_problems(
    *,
    episode: Episode,
    closure_date: dt.date | None = None,
    reason: str | None = None,
    summary: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason the episode cannot close as given (None: nothing wrong), the same when a
    social worker asks and when a manager closes; a value not given is not judged."""
    problems = Problems()
    problems.check(require_open_episode, episode)
    if reason is not None and reason not in ClosureReason.values:
        problems.add("reason", "Choose the reason for closure")
    if summary is not None and not summary.strip():
        problems.add(
            "summary",
            "Write the closure summary: what was done, what changed and why the episode can close",
        )
    if closure_date is not None:
        problems.check(
            not_before_referral, episode, closure_date, "closure_date", "The closure date"
        )
        problems.check(not_in_future, closure_date, "closure_date", "The closure date")
        latest = _latest_start(episode)
        if latest is not None and closure_date < latest[0]:
            problems.add(
                "closure_date",
                f"The episode cannot close before {latest[1]} on "
                f"{long_date(latest[0])}: check the closure date",
            )
    plans = Plan.objects.filter(episode__child=episode.child, end_date__isnull=True).exclude(
        status=Plan.Status.ENDED
    )
    open_plan = plans.first()
    if reason in AFTER_ASSESSMENT:
        meaning = (
            "the case closed after assessment with no further action"
            if reason == ClosureReason.RC8
            else "the case closed after assessment and was referred to early help"
        )
        if open_plan is not None:
            problems.add(
                "reason",
                f"Reason {reason} means {meaning}: this child has an open "
                f"{open_plan.get_kind_display().lower()}, so end the plan first",
            )
        if Plan.objects.filter(episode=episode).exists():
            problems.add(
                "reason",
                f"Reason {reason} means {meaning}: this episode had a plan, "
                "so choose another reason",
            )
        if S47Enquiry.objects.filter(episode=episode).exists():
            problems.add(
                "reason",
                f"Reason {reason} means {meaning}: this episode had a section 47 "
                "enquiry, so choose another reason",
            )
        if not episode.assessments.filter(completed_date__isnull=False).exists():
            problems.add(
                "reason",
                f"Reason {reason} means {meaning}: complete and authorise the assessment first",
            )
    if open_plan is not None:
        problems.add(
            "reason",
            f"This child has an open {open_plan.get_kind_display().lower()} from "
            f"{long_date(open_plan.start_date)}: end the plan before closing the episode",
        )
    open_assessment = episode.assessments.filter(completed_date__isnull=True).first()
    if open_assessment is not None:
        problems.add(
            "reason",
            "The assessment started on "
            f"{long_date(open_assessment.start_date)} is still open: complete it before "
            "closing the episode",
        )
    open_s47 = S47Enquiry.objects.filter(episode=episode, completed_date__isnull=True).first()
    if open_s47 is not None:
        problems.add(
            "reason",
            "The section 47 enquiry started on "
            f"{long_date(open_s47.start_date)} is still open: record its outcome first",
        )
    return problems.error()


def _check_closure(*, episode: Episode, closure_date: dt.date, reason: str, summary: str) -> str:
    """What closing the episode needs (`closure_problems`); the closure summary, cleaned."""
    refuse(
        closure_problems(
            episode=episode, closure_date=closure_date, reason=reason, summary=summary or ""
        )
    )
    return (summary or "").strip()


def _close(
    *,
    actor: User,
    episode: Episode,
    closure_date: dt.date,
    reason: str,
    summary: str,
    authorised_by: User,
) -> Episode:
    episode.closure_date = closure_date
    episode.closure_reason = reason
    episode.closure_summary = summary
    episode.closure_authorised_by = authorised_by
    episode.save(
        update_fields=["closure_date", "closure_reason", "closure_summary", "closure_authorised_by"]
    )
    audit.record_change(
        actor=actor,
        action="episode.closed",
        target=episode,
        person_id=episode.child_id,
        detail={"reason": reason, "authorised_by": authorised_by.pk},
    )
    label = ClosureReason(reason).label
    _record(
        actor=actor,
        episode=episode,
        kind=EventType.EPISODE_CLOSED,
        day=closure_date,
        summary=f"Episode closed: {label}.",
        details={"reason": reason},
    )
    return episode


def may_authorise_closure(actor: User, episode: Episode) -> bool:
    """Only a manager of the team that holds the case authorises closing its episode (the
    accounts model has no hierarchy of teams, so no manager above the team either)."""
    return actor.role == Role.TEAM_MANAGER and actor.team_id == episode.team_id


def _require_manager(actor: User, episode: Episode) -> None:
    if actor.role != Role.TEAM_MANAGER:
        raise ValidationError(
            "A team manager authorises closing an episode: ask your manager to close it"
        )
    if not may_authorise_closure(actor, episode):
        raise ValidationError(
            f"The case is held by {episode.team.name}: only a manager of {episode.team.name} "
            "authorises closing this episode"
        )


def _pending_request(episode: Episode) -> ClosureRequest | None:
    return episode.closure_requests.filter(status=ClosureRequest.Status.PENDING).first()


@transaction.atomic
def episode_close(
    *, actor: User, episode: Episode, closure_date: dt.date, reason: str, summary: str = ""
) -> Episode:
    """A team manager closes the episode with a DfE reason (RC1-RC9) and a closure summary.
    Closing ends nothing silently: open assessments, S47 enquiries and plans are ended first,
    each on its own page. A social worker asks instead (`episode_closure_request`)."""
    episode = _lock(episode)
    _require_manager(actor, episode)
    summary = _check_closure(
        episode=episode, closure_date=closure_date, reason=reason, summary=summary
    )
    pending = _pending_request(episode)
    if pending is not None:
        pending.status = ClosureRequest.Status.AUTHORISED
        pending.decided_by, pending.decided_at = actor, timezone.now()
        pending.save(update_fields=["status", "decided_by", "decided_at"])
    return _close(
        actor=actor,
        episode=episode,
        closure_date=closure_date,
        reason=reason,
        summary=summary,
        authorised_by=actor,
    )


@transaction.atomic
def episode_closure_request(
    *, actor: User, episode: Episode, closure_date: dt.date, reason: str, summary: str
) -> ClosureRequest:
    """A social worker asks a team manager to close the episode, with the closure summary.
    The request is checked as a closure would be, so the manager sees one that can close."""
    episode = _lock(episode)
    summary = _check_closure(
        episode=episode, closure_date=closure_date, reason=reason, summary=summary
    )
    pending = _pending_request(episode)
    if pending is not None:
        raise ValidationError(
            f"{pending.requested_by} asked to close this episode on "
            f"{long_date(timezone.localtime(pending.requested_at, LONDON).date())}: "
            "that request is waiting for a manager"
        )
    request = ClosureRequest.objects.create(
        episode=episode,
        closure_date=closure_date,
        reason=reason,
        summary=summary,
        requested_by=actor,
    )
    audit.record_change(
        actor=actor,
        action="episode.closure_requested",
        target=request,
        person_id=episode.child_id,
        detail={"reason": reason, "closure_date": closure_date.isoformat()},
    )
    return request


def _lock_request(request: ClosureRequest) -> ClosureRequest:
    request = (
        ClosureRequest.objects.select_for_update(of=("self",))
        .select_related("episode")
        .get(pk=request.pk)
    )
    if request.status != ClosureRequest.Status.PENDING:
        raise ValidationError(
            f"This request was already {request.get_status_display().lower()}: nothing to decide"
        )
    return request


@transaction.atomic
def episode_closure_authorise(*, actor: User, request: ClosureRequest) -> Episode:
    """A manager of the case's team authorises a social worker's request: the episode closes
    as asked."""
    request = _lock_request(request)
    episode = _lock(request.episode)
    _require_manager(actor, episode)
    summary = _check_closure(
        episode=episode,
        closure_date=request.closure_date,
        reason=request.reason,
        summary=request.summary,
    )
    request.status = ClosureRequest.Status.AUTHORISED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return _close(
        actor=actor,
        episode=episode,
        closure_date=request.closure_date,
        reason=request.reason,
        summary=summary,
        authorised_by=actor,
    )


@transaction.atomic
def episode_closure_return(*, actor: User, request: ClosureRequest, note: str) -> ClosureRequest:
    """A manager of the case's team sends a request back, saying what is needed before the
    episode closes."""
    request = _lock_request(request)
    _require_manager(actor, request.episode)
    note = _require_text(note, "return_note", "Say what is needed before the episode can close")
    request.status = ClosureRequest.Status.RETURNED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.return_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "return_note"])
    audit.record_change(
        actor=actor,
        action="episode.closure_returned",
        target=request,
        person_id=request.episode.child_id,
    )
    return request
