"""Child protection writes: strategy discussions, S47 enquiries, medicals and conferences.

Timescales (DOMAIN.md section 2): the ICPC is due 15 working days after the strategy
discussion that started the S47 enquiry (T4); the first review conference 3 months after the
ICPC, later ones 6 months after the previous review (T6). The S47 start date and the ICPC
date are both stored (national statistics measure one to the other).

Consistency (DOMAIN.md section 3): every date on or after the referral; one open S47 per
child; an ICPC is recorded once per S47; a conference is held on a working day; a CP plan
starts on the date of the ICPC that decided it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.casework.models import (
    AbuseCategory,
    Conference,
    ConferenceAttendee,
    CoreGroupMember,
    Episode,
    MedicalRequest,
    Plan,
    S47Enquiry,
    StrategyAttendee,
    StrategyDiscussion,
)
from sightline.casework.services.checks import (
    Action,
    check_actions,
    long_date,
    not_before_referral,
    not_in_future,
    open_cp_plan,
    require_open_episode,
    validate_in_team,
)
from sightline.casework.services.plans import plan_end
from sightline.casework.services.steps import actions_create, episode_step_record
from sightline.core import audit
from sightline.core.dates import add_months
from sightline.core.problems import Problems, refuse
from sightline.core.working_days import (
    LONDON,
    add_working_days,
    is_bank_holiday,
    is_working_day,
    working_days_between,
)

ICPC_WORKING_DAYS = 15  # T4
FIRST_REVIEW_MONTHS = 3  # T6
LATER_REVIEW_MONTHS = 6  # T6

# Who must be at a strategy discussion (Working Together): social care, police and health.
HEALTH_KINDS = frozenset({Agency.Kind.HOSPITAL, Agency.Kind.COMMUNITY_HEALTH, Agency.Kind.GP})
REQUIRED_AT_STRATEGY = {
    "children's social care": frozenset({Agency.Kind.SOCIAL_CARE}),
    "police": frozenset({Agency.Kind.POLICE}),
    "health": HEALTH_KINDS,
}


@dataclass(frozen=True)
class Attendee:
    agency: Agency
    name: str
    role: str
    attended: bool = True
    report_submitted: bool = False


@dataclass(frozen=True)
class Member:
    """A core group member named at a conference or added later."""

    name: str
    role: str
    agency: Agency | None = None
    user: User | None = None


# Dates and times --------------------------------------------------------------------------


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, LONDON).date()


def at_time(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment on `day` at a time someone recorded, UK time. A step with a date only has no
    time to give: it is stored by `core.dates.date_only_moment`, never at an invented hour."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


# Strategy discussions ---------------------------------------------------------------------


def strategy_missing_agencies(attendees: Sequence[Attendee]) -> list[str]:
    """The statutory agencies (social care, police, health) with no one at the discussion."""
    kinds = {attendee.agency.kind for attendee in attendees}
    return [name for name, wanted in REQUIRED_AT_STRATEGY.items() if not kinds & wanted]


def strategy_discussion_problems(
    *,
    episode: Episode,
    held_at: dt.datetime | None = None,
    attendees: Sequence[Attendee] | None = None,
    information_shared: str | None = None,
    s47_decided: bool | None = None,
    safety_plan: str | None = None,
    missing_agency_reason: str | None = None,
    actions: Sequence[Action] | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a strategy discussion cannot be recorded as given (None: nothing wrong).

    A value of None has not been given yet (a form that already said so passes None), so it
    is not judged; the service passes every value.
    """
    problems = Problems()
    problems.check(require_open_episode, episode)
    day = local_date(held_at) if held_at is not None else None
    if held_at is not None and day is not None:
        problems.check(not_before_referral, episode, day, "held_at", "The strategy discussion")
        if held_at > timezone.now():
            problems.add("held_at", "Record a strategy discussion after it has been held")
    if attendees is not None:
        if not attendees:
            problems.add("attendees", "Say who took part: at least one person")
        problems.add(
            "attendees",
            *(
                f"Attendee {number} needs a name and a role"
                for number, attendee in enumerate(attendees, start=1)
                if not attendee.name.strip() or not attendee.role.strip()
            ),
        )
        missing = strategy_missing_agencies(attendees)
        if missing and not (missing_agency_reason or "").strip():
            problems.add(
                "missing_agency_reason",
                f"No one from {' or '.join(missing)} took part: "
                "say why, or add them to the attendees",
            )
    if information_shared is not None and not information_shared.strip():
        problems.add("information_shared", "Say what information was shared")
    if s47_decided and safety_plan is not None and not safety_plan.strip():
        problems.add("safety_plan", "Say how the child will be kept safe until the conference")
    if actions is not None:
        problems.check(check_actions, actions, agreed_on=day)
    return problems.error()


@transaction.atomic
def strategy_discussion_record(
    *,
    actor: User,
    episode: Episode,
    held_at: dt.datetime,
    attendees: Sequence[Attendee],
    information_shared: str,
    s47_decided: bool,
    rationale: str = "",
    safety_plan: str = "",
    missing_agency_reason: str = "",
    actions: Sequence[Action] = (),
) -> StrategyDiscussion:
    """Record a strategy discussion: who took part, what was shared, what was decided."""
    refuse(
        strategy_discussion_problems(
            episode=episode,
            held_at=held_at,
            attendees=attendees,
            information_shared=information_shared,
            s47_decided=s47_decided,
            safety_plan=safety_plan,
            missing_agency_reason=missing_agency_reason,
            actions=actions,
        )
    )
    missing = strategy_missing_agencies(attendees)
    discussion = StrategyDiscussion.objects.create(
        episode=episode,
        held_at=held_at,
        information_shared=information_shared.strip(),
        missing_agency_reason=missing_agency_reason.strip() if missing else "",
        s47_decided=s47_decided,
        rationale=rationale.strip(),
        safety_plan=safety_plan.strip(),
        chaired_by=actor,
    )
    StrategyAttendee.objects.bulk_create(
        [
            StrategyAttendee(
                discussion=discussion,
                agency=attendee.agency,
                name=attendee.name.strip(),
                role=attendee.role.strip(),
            )
            for attendee in attendees
        ]
    )
    actions_create(actions, discussion=discussion)
    codes = sorted({attendee.agency.code for attendee in attendees})
    audit.record_change(
        actor=actor,
        action="strategy_discussion.recorded",
        target=discussion,
        person_id=episode.child_id,
        detail={"attendees": codes, "s47": s47_decided, "missing": missing},
    )
    episode_step_record(
        actor=actor,
        type="strategy_discussion",
        episode=episode,
        occurred_at=held_at,
        summary="Strategy discussion: section 47 enquiries to start"
        if s47_decided
        else "Strategy discussion: no section 47 enquiries",
        details={"attendees": codes, "s47": s47_decided},
    )
    return discussion


# Section 47 enquiries ---------------------------------------------------------------------


def open_s47_enquiries(child_id: int) -> Q:
    """S47 enquiries still open for a child: not completed and no ICPC yet."""
    return Q(episode__child_id=child_id, completed_date__isnull=True, icpc__isnull=True)


def icpc_due_date(discussion: StrategyDiscussion) -> dt.date:
    """T4: 15 working days after the strategy discussion that started the S47 enquiry."""
    return add_working_days(local_date(discussion.held_at), ICPC_WORKING_DAYS)


def s47_to_icpc_working_days(s47: S47Enquiry) -> int | None:
    """The national measure: working days from the S47 start date to the ICPC date."""
    conference = Conference.objects.filter(s47=s47).first()
    if conference is None:
        return None
    return working_days_between(s47.start_date, conference.conference_date)


def _no_open_s47(child_id: int, *, lock: bool = False) -> None:
    enquiries = S47Enquiry.objects.filter(open_s47_enquiries(child_id))
    already = (enquiries.select_for_update(of=("self",)) if lock else enquiries).first()
    if already is not None:
        raise ValidationError(
            f"An S47 enquiry is already open for this child (started "
            f"{long_date(already.start_date)}): complete it or record its conference first"
        )


def s47_start_problems(
    *, discussion: StrategyDiscussion, start_date: dt.date | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason an S47 enquiry cannot start as given (None: nothing wrong)."""
    episode = discussion.episode
    problems = Problems()
    problems.check(require_open_episode, episode)
    if not discussion.s47_decided:
        problems.add(None, "This strategy discussion did not decide to start section 47 enquiries")
    if start_date is not None:
        problems.check(not_before_referral, episode, start_date, "start_date", "The S47 enquiry")
        discussed = local_date(discussion.held_at)
        if start_date < discussed:
            problems.add(
                "start_date",
                "The S47 enquiry cannot start before the strategy discussion on "
                f"{long_date(discussed)}",
            )
        problems.check(not_in_future, start_date, "start_date", "The start date")
    problems.check(_no_open_s47, episode.child_id)
    return problems.error()


@transaction.atomic
def s47_start(*, actor: User, discussion: StrategyDiscussion, start_date: dt.date) -> S47Enquiry:
    episode = discussion.episode
    refuse(s47_start_problems(discussion=discussion, start_date=start_date))
    _no_open_s47(episode.child_id, lock=True)
    s47 = S47Enquiry.objects.create(
        episode=episode,
        strategy_discussion=discussion,
        start_date=start_date,
        icpc_target_date=icpc_due_date(discussion),
        created_by=actor,
    )
    audit.record_change(
        actor=actor,
        action="s47.started",
        target=s47,
        person_id=episode.child_id,
        detail={"start_date": start_date, "icpc_target_date": s47.icpc_target_date},
    )
    episode_step_record(
        actor=actor,
        type="s47_started",
        episode=episode,
        occurred_at=start_date,
        summary=f"Section 47 enquiry started; ICPC due by {long_date(s47.icpc_target_date)}",
    )
    return s47


def s47_complete_problems(
    *,
    s47: S47Enquiry,
    completed_date: dt.date | None = None,
    outcome: str | None = None,
    icpc_not_required: bool | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason an S47 enquiry cannot be completed as given (None: nothing wrong)."""
    problems = Problems()
    if s47.completed_date is not None:
        problems.add(None, f"This S47 enquiry was completed on {long_date(s47.completed_date)}")
    if completed_date is not None:
        if completed_date < s47.start_date:
            problems.add(
                "completed_date",
                f"The enquiry cannot be completed before it started on {long_date(s47.start_date)}",
            )
        problems.check(not_in_future, completed_date, "completed_date", "The completion date")
    if outcome is not None and not outcome.strip():
        problems.add("outcome", "Say what the enquiry found")
    if icpc_not_required and Conference.objects.filter(s47=s47).exists():
        problems.add(
            "icpc_not_required", "An initial conference has already been held for this enquiry"
        )
    return problems.error()


@transaction.atomic
def s47_complete(
    *,
    actor: User,
    s47: S47Enquiry,
    completed_date: dt.date,
    outcome: str,
    icpc_not_required: bool,
) -> S47Enquiry:
    refuse(
        s47_complete_problems(
            s47=s47,
            completed_date=completed_date,
            outcome=outcome,
            icpc_not_required=icpc_not_required,
        )
    )
    s47.completed_date = completed_date
    s47.outcome = outcome.strip()
    s47.icpc_not_required = icpc_not_required
    s47.save(update_fields=["completed_date", "outcome", "icpc_not_required"])
    audit.record_change(
        actor=actor,
        action="s47.completed",
        target=s47,
        person_id=s47.episode.child_id,
        detail={"completed_date": completed_date, "icpc_not_required": icpc_not_required},
    )
    episode_step_record(
        actor=actor,
        type="s47_completed",
        episode=s47.episode,
        occurred_at=completed_date,  # a date only
        summary=f"Section 47 enquiry completed: {s47.outcome}"
        + ("\nNo initial child protection conference is needed." if icpc_not_required else ""),
        details={"icpc_not_required": icpc_not_required},
    )
    return s47


# Child protection medicals ----------------------------------------------------------------


def medical_request_problems(
    *,
    episode: Episode,
    requested_at: dt.datetime | None = None,
    injury: str | None = None,
    history: str | None = None,
    parental_responsibility: str | None = None,
    s47: S47Enquiry | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a medical cannot be requested as given (None: nothing wrong)."""
    problems = Problems()
    problems.check(require_open_episode, episode)
    if requested_at is not None:
        problems.check(
            not_before_referral, episode, local_date(requested_at), "requested_at", "The request"
        )
        if requested_at > timezone.now():
            problems.add("requested_at", "Record a medical request once it has been made")
    for name, value, message in (
        ("injury", injury, "Describe the injury or concern: where and what it looks like"),
        ("history", history, "Give the explanation offered, by whom and when"),
        ("parental_responsibility", parental_responsibility, "Say who has parental responsibility"),
    ):
        if value is not None and not value.strip():
            problems.add(name, message)
    if s47 is not None and s47.episode_id != episode.pk:
        problems.add(None, "That S47 enquiry belongs to another episode")
    return problems.error()


@transaction.atomic
def medical_request(
    *,
    actor: User,
    episode: Episode,
    requested_at: dt.datetime,
    injury: str,
    history: str,
    parental_responsibility: str,
    previous_concerns: str = "",
    s47: S47Enquiry | None = None,
    paediatrician: str = "",
) -> MedicalRequest:
    """Ask for a CP medical with what the paediatrician needs to know."""
    refuse(
        medical_request_problems(
            episode=episode,
            requested_at=requested_at,
            injury=injury,
            history=history,
            parental_responsibility=parental_responsibility,
            s47=s47,
        )
    )
    medical = MedicalRequest.objects.create(
        episode=episode,
        s47=s47,
        requested_at=requested_at,
        injury=injury.strip(),
        history=history.strip(),
        parental_responsibility=parental_responsibility.strip(),
        previous_concerns=previous_concerns.strip(),
        paediatrician=paediatrician.strip(),
        requested_by=actor,
    )
    audit.record_change(
        actor=actor, action="medical.requested", target=medical, person_id=episode.child_id
    )
    episode_step_record(
        actor=actor,
        type="medical_requested",
        episode=episode,
        occurred_at=requested_at,
        summary="Child protection medical requested",
    )
    return medical


def medical_outcome_problems(
    *,
    medical: MedicalRequest,
    examined_at: dt.datetime | None = None,
    outcome: str | None = None,
    paediatrician: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a medical's outcome cannot be recorded as given (None: nothing wrong)."""
    problems = Problems()
    if medical.examined_at is not None:
        problems.add(None, "The outcome of this medical is already recorded")
    if examined_at is not None:
        if examined_at < medical.requested_at:
            problems.add("examined_at", "The examination cannot be before the request")
        elif examined_at > timezone.now():
            problems.add("examined_at", "Record the outcome after the examination")
    if outcome is not None and not outcome.strip():
        problems.add("outcome", "Say what the paediatrician found")
    if paediatrician is not None and not paediatrician.strip():
        problems.add("paediatrician", "Give the paediatrician's name")
    return problems.error()


@transaction.atomic
def medical_outcome(
    *,
    actor: User,
    medical: MedicalRequest,
    examined_at: dt.datetime,
    outcome: str,
    paediatrician: str,
) -> MedicalRequest:
    refuse(
        medical_outcome_problems(
            medical=medical, examined_at=examined_at, outcome=outcome, paediatrician=paediatrician
        )
    )
    medical.examined_at = examined_at
    medical.outcome = outcome.strip()
    medical.paediatrician = paediatrician.strip()
    medical.save(update_fields=["examined_at", "outcome", "paediatrician"])
    audit.record_change(
        actor=actor,
        action="medical.completed",
        target=medical,
        person_id=medical.episode.child_id,
    )
    episode_step_record(
        actor=actor,
        type="medical_completed",
        episode=medical.episode,
        occurred_at=examined_at,
        summary=f"Child protection medical by {medical.paediatrician}",
    )
    return medical


# Conferences ------------------------------------------------------------------------------


def _not_working_because(day: dt.date) -> str:
    """'a Saturday', 'a bank holiday' or 'a closure day'."""
    if day.weekday() >= 5:
        return f"a {day:%A}"
    return "a bank holiday" if is_bank_holiday(day) else "a closure day"


def working_day_on_or_before(day: dt.date) -> dt.date:
    """`day` when it is a working day, else the working day before it."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def conference_day_problem(day: dt.date) -> str:
    """Why a conference cannot be held on `day` ('' when it can), naming the day before."""
    if is_working_day(day):
        return ""
    before = working_day_on_or_before(day)
    return (
        f"Conferences are held on working days: {long_date(day)} is {_not_working_because(day)}. "
        f"Hold it on the working day before, {before:%A} {long_date(before)}"
    )


def review_due(counted_from: dt.date, months: int, basis: str) -> tuple[dt.date, str]:
    """T6 is a longest interval: a due date on a weekend or bank holiday moves to the working
    day before (a conference cannot be held that day), and the basis says so."""
    due = add_months(counted_from, months)
    held_by = working_day_on_or_before(due)
    if held_by != due:
        basis = (
            f"{basis}; {long_date(due)} is {_not_working_because(due)}, so the working day before"
        )
    return held_by, basis


def review_conference_due(plan: Plan) -> tuple[dt.date, str] | None:
    """T6: 3 months after the ICPC, then 6 months after the previous review; with how the date
    was set."""
    if plan.kind != Plan.Kind.CP or plan.icpc_id is None:
        return None
    last_review = (
        Conference.objects.filter(
            episode_id=plan.episode_id,
            kind=Conference.Kind.REVIEW,
            conference_date__gte=plan.start_date,
        )
        .order_by("-conference_date")
        .first()
    )
    if last_review is None:
        return review_due(
            plan.start_date, FIRST_REVIEW_MONTHS, "3 months after the initial conference"
        )
    return review_due(
        last_review.conference_date, LATER_REVIEW_MONTHS, "6 months after the last review"
    )


def review_conference_due_date(plan: Plan) -> dt.date | None:
    """T6, the date only (see `review_conference_due`)."""
    due = review_conference_due(plan)
    return due[0] if due else None


def _check_category(decision: str, category: str) -> None:
    if decision == Conference.Decision.CP_PLAN and not category:
        raise ValidationError(
            {"category": "Choose the category of abuse: a child protection plan needs one"}
        )
    if category and category not in AbuseCategory.values:
        raise ValidationError({"category": "Choose NEG, PHY, SAB, EMO or MUL"})


def _last_review(plan: Plan) -> Conference | None:
    return (
        Conference.objects.filter(
            episode_id=plan.episode_id,
            kind=Conference.Kind.REVIEW,
            conference_date__gte=plan.start_date,
        )
        .order_by("-conference_date")
        .first()
    )


def _initial_problems(
    problems: Problems,
    *,
    episode: Episode,
    s47: S47Enquiry | None,
    conference_date: dt.date | None,
    decision: str | None,
) -> None:
    if s47 is None:
        problems.add(None, "An initial conference follows an S47 enquiry")
        return
    if s47.episode_id != episode.pk:
        problems.add(None, "That S47 enquiry belongs to another episode")
    held = Conference.objects.filter(s47=s47).first()
    if held is not None:
        problems.add(
            None,
            "An ICPC is recorded once: this enquiry's conference was held on "
            f"{long_date(held.conference_date)}",
        )
    if s47.icpc_not_required:
        problems.add(None, "This enquiry was completed with no conference required")
    if conference_date is not None and conference_date < s47.start_date:
        problems.add(
            "conference_date",
            f"The ICPC cannot be before the S47 enquiry started on {long_date(s47.start_date)}",
        )
    if decision is not None and decision not in (
        Conference.Decision.CP_PLAN,
        Conference.Decision.NO_PLAN,
    ):
        problems.add("decision", "An initial conference decides a plan or no plan")
    if decision == Conference.Decision.CP_PLAN:
        current = open_cp_plan(episode.child_id)
        if current is not None:
            problems.add(
                None,
                "This child is already on a child protection plan (from "
                f"{long_date(current.start_date)}): hold a review conference instead",
            )


def _review_problems(
    problems: Problems,
    *,
    episode: Episode,
    plan: Plan | None,
    conference_date: dt.date | None,
    decision: str | None,
    chair: str | None,
) -> None:
    if plan is None or plan.kind != Plan.Kind.CP or plan.status == Plan.Status.ENDED:
        problems.add(None, "A review conference reviews an open child protection plan")
        return
    if plan.episode_id != episode.pk:
        problems.add(None, "That plan belongs to another episode")
    if conference_date is not None:
        last_review = _last_review(plan)
        if conference_date <= plan.start_date:
            problems.add(
                "conference_date",
                f"A review conference comes after the plan started on {long_date(plan.start_date)}",
            )
        elif last_review is not None and conference_date <= last_review.conference_date:
            problems.add(
                "conference_date",
                "The last review conference of this plan was on "
                f"{long_date(last_review.conference_date)}: a new one comes after it",
            )
    if decision is not None and decision not in (
        Conference.Decision.CONTINUE,
        Conference.Decision.END,
    ):
        problems.add("decision", "A review conference decides whether the plan continues or ends")
    if decision == Conference.Decision.END and chair is not None and not chair.strip():
        problems.add("chair", "Name the chair: the conference's decision to end the plan is theirs")


def conference_problems(
    *,
    episode: Episode,
    kind: str,
    s47: S47Enquiry | None = None,
    plan: Plan | None = None,
    conference_date: dt.date | None = None,
    decision: str | None = None,
    category: str | None = None,
    lead_social_worker: User | None = None,
    chair: str | None = None,
    core_group: Sequence[Member] | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a conference cannot be recorded as given (None: nothing wrong).

    A value of None has not been given yet (a form that already said so passes None), so it
    is not judged; the service passes every value.
    """
    problems = Problems()
    problems.check(require_open_episode, episode)
    if conference_date is not None:
        problem = conference_day_problem(conference_date)
        if problem:
            problems.add("conference_date", problem)
        problems.check(
            not_before_referral, episode, conference_date, "conference_date", "The conference"
        )
        problems.check(not_in_future, conference_date, "conference_date", "The conference date")
    if decision is not None:
        problems.check(_check_category, decision, category or "")
        if decision == Conference.Decision.CP_PLAN and lead_social_worker is None:
            problems.add("lead_social_worker", "Name the lead social worker for the plan")
    problems.check(validate_in_team, lead_social_worker, episode.team, "lead_social_worker")
    if core_group is not None:
        problems.add(
            "core_group",
            *(
                f"Core group member {number} needs a name and a role"
                for number, member in enumerate(core_group, start=1)
                if not member.name.strip() or not member.role.strip()
            ),
        )
    if kind == Conference.Kind.INITIAL:
        _initial_problems(
            problems, episode=episode, s47=s47, conference_date=conference_date, decision=decision
        )
    elif kind == Conference.Kind.REVIEW:
        _review_problems(
            problems,
            episode=episode,
            plan=plan,
            conference_date=conference_date,
            decision=decision,
            chair=chair,
        )
    else:
        problems.add("kind", "Choose an initial or a review conference")
    return problems.error()


@transaction.atomic
def conference_record(
    *,
    actor: User,
    episode: Episode,
    kind: str,
    conference_date: dt.date,
    decision: str,
    s47: S47Enquiry | None = None,
    plan: Plan | None = None,
    child_wishes: str = "",
    category: str = "",
    lead_social_worker: User | None = None,
    chair: str = "",
    attendees: Sequence[Attendee] = (),
    core_group: Sequence[Member] = (),
) -> Conference:
    """Record an initial conference (from an S47) or a review conference (of a CP plan).

    An ICPC deciding a plan creates the CP plan in draft, starting on the conference date,
    with the category and the core group; it ends any open CIN plan on that date, since a
    CIN plan may not overlap a CP plan.
    """
    if kind == Conference.Kind.INITIAL and s47 is not None:
        s47 = S47Enquiry.objects.select_for_update(of=("self",)).get(pk=s47.pk)
    refuse(
        conference_problems(
            episode=episode,
            kind=kind,
            s47=s47,
            plan=plan,
            conference_date=conference_date,
            decision=decision,
            category=category,
            lead_social_worker=lead_social_worker,
            chair=chair,
            core_group=core_group,
        )
    )
    if kind == Conference.Kind.INITIAL:
        assert s47 is not None
        due_date = s47.icpc_target_date
    else:
        assert plan is not None
        due_date = review_conference_due_date(plan) or conference_date
        s47 = None

    conference = Conference.objects.create(
        episode=episode,
        kind=kind,
        s47=s47,
        conference_date=conference_date,
        due_date=due_date,
        child_wishes=child_wishes.strip(),
        decision=decision,
        category=category,
        lead_social_worker=lead_social_worker,
        chair=chair.strip(),
        created_by=actor,
    )
    ConferenceAttendee.objects.bulk_create(
        [
            ConferenceAttendee(
                conference=conference,
                agency=attendee.agency,
                name=attendee.name.strip(),
                role=attendee.role.strip(),
                attended=attendee.attended,
                report_submitted=attendee.report_submitted,
            )
            for attendee in attendees
        ]
    )
    if lead_social_worker is not None and episode.lead_social_worker_id != lead_social_worker.pk:
        episode.lead_social_worker = lead_social_worker
        episode.save(update_fields=["lead_social_worker"])
    audit.record_change(
        actor=actor,
        action=f"conference.{kind}.recorded",
        target=conference,
        person_id=episode.child_id,
        detail={"decision": decision, "category": category, "due_date": due_date},
    )
    occurred = conference_date
    if kind == Conference.Kind.INITIAL:
        outcome = "cp_plan" if decision == Conference.Decision.CP_PLAN else "no_plan"
        episode_step_record(
            actor=actor,
            type="icpc",
            episode=episode,
            occurred_at=occurred,
            summary="Initial child protection conference: "
            + ("child protection plan" if outcome == "cp_plan" else "no child protection plan"),
            details={"outcome": outcome},
        )
        if decision == Conference.Decision.CP_PLAN:
            _plan_from_icpc(actor=actor, conference=conference, core_group=core_group)
    else:
        assert plan is not None
        episode_step_record(
            actor=actor,
            type="rcpc",
            episode=episode,
            occurred_at=occurred,
            summary="Review child protection conference: "
            + ("the plan continues" if decision == Conference.Decision.CONTINUE else "plan ends"),
            details={"decision": decision, "category": category or plan.latest_category},
        )
        if category and category != plan.latest_category:
            plan.latest_category = category
            plan.save(update_fields=["latest_category"])
        _members_add(plan=plan, members=core_group, joined=conference_date)
        if decision == Conference.Decision.END:
            plan_end(
                actor=actor,
                plan=plan,
                end_date=conference_date,
                reason="The review conference decided the child no longer needs a plan",
                conference=conference,
            )
    return conference


def _members_add(*, plan: Plan, members: Sequence[Member], joined: dt.date) -> None:
    CoreGroupMember.objects.bulk_create(
        [
            CoreGroupMember(
                plan=plan,
                user=member.user,
                name=member.name.strip(),
                agency=member.agency,
                role=member.role.strip(),
                joined=joined,
            )
            for member in members
        ]
    )


def _plan_from_icpc(
    *,
    actor: User,
    conference: Conference,
    core_group: Sequence[Member],
) -> Plan:
    episode = conference.episode
    day = conference.conference_date
    cin = (
        Plan.objects.filter(episode__child_id=episode.child_id, kind=Plan.Kind.CIN)
        .exclude(status=Plan.Status.ENDED)
        .first()
    )
    if cin is not None:
        plan_end(
            actor=actor,
            plan=cin,
            end_date=day,
            reason="The initial child protection conference decided a child protection plan",
        )
    plan = Plan.objects.create(
        episode=episode,
        kind=Plan.Kind.CP,
        status=Plan.Status.DRAFT,
        start_date=day,
        icpc=conference,
        initial_category=conference.category,
        latest_category=conference.category,
        created_by=actor,
    )
    _members_add(plan=plan, members=core_group, joined=day)
    audit.record_change(
        actor=actor,
        action="plan.created",
        target=plan,
        person_id=episode.child_id,
        detail={"kind": plan.kind, "category": plan.initial_category},
    )
    episode_step_record(
        actor=actor,
        type="cp_plan_started",
        episode=episode,
        occurred_at=day,
        summary=f"Child protection plan started: {conference.get_category_display()}",
        details={"category": conference.category},
    )
    return plan
