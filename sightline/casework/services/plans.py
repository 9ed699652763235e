"""Plans and core groups: SMART outcomes, confirmation with versions, ending, core groups.

A plan is confirmed only when every outcome says the concern, the action, who is responsible
(person and agency), by when, and how success will be measured. Each confirmation keeps a
snapshot (PlanVersion). Changing an outcome of a confirmed plan puts it back in draft until
it is confirmed again.

One open CP plan and one open CIN plan per child. A CIN plan may not overlap a CP plan:
a CIN plan cannot be created while a CP plan is open, and an ICPC that decides a CP plan
ends the open CIN plan on the conference date (services/protection.py). We end rather than
refuse because the conference is the authority: it would be wrong to stop a conference's
decision being recorded until someone had closed the CIN plan by hand.

Core groups (T5): the first within 10 working days of the ICPC, then every
CORE_GROUP_INTERVAL_WEEKS weeks (LOCAL, default 6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.casework.models import (
    Conference,
    CoreGroupMeeting,
    CoreGroupMember,
    Episode,
    OutcomeProgress,
    Plan,
    PlanOutcome,
    PlanVersion,
)
from sightline.casework.services.checks import (
    Action,
    check_actions,
    long_date,
    not_before_referral,
    not_in_future,
    open_cp_plan,
    require_open_episode,
)
from sightline.casework.services.steps import actions_create, episode_step_record
from sightline.core import audit, versions
from sightline.core.problems import Problems, refuse
from sightline.core.working_days import add_working_days, is_working_day, next_working_day

FIRST_CORE_GROUP_WORKING_DAYS = 10  # T5


def core_group_interval_weeks() -> int:
    return int(getattr(settings, "CORE_GROUP_INTERVAL_WEEKS", 6))


def open_cin_plan(child_id: int) -> Plan | None:
    return (
        Plan.objects.filter(episode__child_id=child_id, kind=Plan.Kind.CIN)
        .exclude(status=Plan.Status.ENDED)
        .first()
    )


def _editable(plan: Plan) -> None:
    if plan.status == Plan.Status.ENDED:
        raise ValidationError(
            f"This plan ended on {long_date(plan.end_date)}: it can no longer change"  # type: ignore[arg-type]
        )


def plan_create_problems(
    *, episode: Episode, kind: str, start_date: dt.date | None = None, **_ignored: object
) -> ValidationError | None:
    """Every reason a plan cannot start as given (None: nothing wrong); a date not given is
    not judged."""
    problems = Problems()
    if kind == Plan.Kind.CP:
        problems.add(
            "kind",
            "A child protection plan starts at an initial child protection "
            "conference: record the conference and its decision",
        )
        return problems.error()
    if kind != Plan.Kind.CIN:
        problems.add("kind", "Choose the kind of plan")
        return problems.error()
    problems.check(require_open_episode, episode)
    if start_date is not None:
        problems.check(not_before_referral, episode, start_date, "start_date", "The plan")
        problems.check(not_in_future, start_date, "start_date", "The start date")
    cp = open_cp_plan(episode.child_id)
    if cp is not None:
        problems.add(
            None,
            "This child is on a child protection plan (from "
            f"{long_date(cp.start_date)}): a child in need plan cannot overlap it. "
            "End the child protection plan first",
        )
    cin = open_cin_plan(episode.child_id)
    if cin is not None:
        problems.add(
            None,
            f"This child already has a child in need plan (from {long_date(cin.start_date)}): "
            "change that plan, or end it first",
        )
    ended = (
        Plan.objects.filter(
            episode__child_id=episode.child_id, status=Plan.Status.ENDED, end_date__gt=start_date
        )
        .order_by("-end_date")
        .first()
        if start_date is not None
        else None
    )
    if ended is not None:
        problems.add(
            "start_date",
            f"This child's {ended.get_kind_display().lower()} ran until "
            f"{long_date(ended.end_date)}: a child in need plan cannot overlap it, so "  # type: ignore[arg-type]
            "start it on or after that day",
        )
    return problems.error()


@transaction.atomic
def plan_create(*, actor: User, episode: Episode, kind: str, start_date: dt.date) -> Plan:
    """Start a child in need plan. A CP plan starts only at the ICPC that decides it."""
    # Lock the child's plans so two people cannot start plans at once.
    list(Plan.objects.select_for_update(of=("self",)).filter(episode__child_id=episode.child_id))
    refuse(plan_create_problems(episode=episode, kind=kind, start_date=start_date))
    plan = Plan.objects.create(episode=episode, kind=kind, start_date=start_date, created_by=actor)
    audit.record_change(
        actor=actor,
        action="plan.created",
        target=plan,
        person_id=episode.child_id,
        detail={"kind": kind},
    )
    episode_step_record(
        actor=actor,
        type="cin_plan_started",
        episode=episode,
        occurred_at=start_date,
        summary="Child in need plan started",
    )
    return plan


# Outcomes --------------------------------------------------------------------------------

OUTCOME_FIELDS = (
    "concern",
    "action",
    "responsible_person",
    "responsible_agency",
    "by_when",
    "success_measure",
)


def _outcome_values(
    *,
    concern: str,
    action: str,
    responsible_person: str,
    responsible_agency: Agency | None,
    by_when: dt.date | None,
    success_measure: str,
) -> dict[str, Any]:
    return {
        "concern": concern.strip(),
        "action": action.strip(),
        "responsible_person": responsible_person.strip(),
        "responsible_agency": responsible_agency,
        "by_when": by_when,
        "success_measure": success_measure.strip(),
    }


def _plan_changed(plan: Plan) -> None:
    """A change to a confirmed plan waits for the next confirmation."""
    Plan.objects.filter(pk=plan.pk, status=Plan.Status.CONFIRMED).update(status=Plan.Status.DRAFT)
    if plan.status == Plan.Status.CONFIRMED:
        plan.status = Plan.Status.DRAFT


@transaction.atomic
def plan_outcome_add(
    *,
    actor: User,
    plan: Plan,
    concern: str,
    action: str = "",
    responsible_person: str = "",
    responsible_agency: Agency | None = None,
    by_when: dt.date | None = None,
    success_measure: str = "",
) -> PlanOutcome:
    """Add an outcome. A draft may be incomplete; confirmation says what is missing."""
    _editable(plan)
    values = _outcome_values(
        concern=concern,
        action=action,
        responsible_person=responsible_person,
        responsible_agency=responsible_agency,
        by_when=by_when,
        success_measure=success_measure,
    )
    if not values["concern"]:
        raise ValidationError({"concern": "Say what the concern is"})
    last = plan.outcomes.order_by("-order").values_list("order", flat=True).first()
    outcome = PlanOutcome.objects.create(plan=plan, order=(last or 0) + 1, **values)
    _plan_changed(plan)
    audit.record_change(
        actor=actor, action="plan.outcome_added", target=outcome, person_id=plan.episode.child_id
    )
    return outcome


@transaction.atomic
def plan_outcome_update(
    *,
    actor: User,
    outcome: PlanOutcome,
    concern: str,
    action: str = "",
    responsible_person: str = "",
    responsible_agency: Agency | None = None,
    by_when: dt.date | None = None,
    success_measure: str = "",
    version: int | None = None,
) -> PlanOutcome:
    """Change an outcome; refused (`StaleEdit`) when it has been saved since `version` was read."""
    versions.claim(outcome, version)
    outcome.refresh_from_db()
    plan = outcome.plan
    _editable(plan)
    values = _outcome_values(
        concern=concern,
        action=action,
        responsible_person=responsible_person,
        responsible_agency=responsible_agency,
        by_when=by_when,
        success_measure=success_measure,
    )
    if not values["concern"]:
        raise ValidationError({"concern": "Say what the concern is"})
    before = {name: getattr(outcome, name) for name in values}
    changes = versions.changes_between(before, values)
    for name, value in values.items():
        setattr(outcome, name, value)
    outcome.save()
    if changes:
        _plan_changed(plan)
    versions.record_edit(
        actor=actor,
        action="plan.outcome_updated",
        target=outcome,
        person_id=plan.episode.child_id,
        changes=changes,
    )
    return outcome


@transaction.atomic
def plan_outcome_remove(*, actor: User, outcome: PlanOutcome) -> None:
    plan = outcome.plan
    _editable(plan)
    if outcome.progress.exists():
        raise ValidationError(
            "The core group has recorded progress against this outcome: keep it, and say in "
            "the next core group that it is no longer needed"
        )
    audit.record_change(
        actor=actor,
        action="plan.outcome_removed",
        target=outcome,
        person_id=plan.episode.child_id,
        detail={"concern": outcome.concern},
    )
    outcome.delete()
    _plan_changed(plan)


def outcome_problems(plan: Plan) -> list[str]:
    """What stops the plan being confirmed, one message per missing part of each outcome."""
    outcomes = list(plan.outcomes.all())
    if not outcomes:
        return ["Add at least one outcome: the plan says what needs to change"]
    problems = []
    for number, outcome in enumerate(outcomes, start=1):
        name = f"Outcome {number}"
        if not outcome.concern.strip():
            problems.append(f"{name} has no concern: say what needs to change")
        if not outcome.action.strip():
            problems.append(f"{name} has no action: say what will be done")
        if not outcome.responsible_person.strip():
            problems.append(f"{name} has no owner: say who is responsible")
        if outcome.responsible_agency_id is None:
            problems.append(f"{name} has no agency: say which agency is responsible")
        if outcome.by_when is None:
            problems.append(f"{name} has no date: say by when it will be done")
        elif outcome.by_when < plan.start_date:
            problems.append(
                f"{name} is due before the plan started: give a date on or after "
                f"{long_date(plan.start_date)}"
            )
        if not outcome.success_measure.strip():
            problems.append(f"{name} has no measure: say how success will be measured")
    return problems


def _snapshot(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "number": number,
            "concern": outcome.concern,
            "action": outcome.action,
            "responsible_person": outcome.responsible_person,
            "responsible_agency": outcome.responsible_agency.name
            if outcome.responsible_agency
            else "",
            "responsible_agency_code": outcome.responsible_agency.code
            if outcome.responsible_agency
            else "",
            "by_when": outcome.by_when.isoformat() if outcome.by_when else None,
            "success_measure": outcome.success_measure,
        }
        for number, outcome in enumerate(
            plan.outcomes.select_related("responsible_agency"), start=1
        )
    ]


@transaction.atomic
def plan_confirm(*, actor: User, plan: Plan) -> PlanVersion:
    """Confirm the plan as it stands, keeping a version; refused while an outcome is not SMART."""
    given, plan = plan, Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    _editable(plan)
    if plan.status == Plan.Status.CONFIRMED:
        raise ValidationError(
            f"Version {plan.version} is already confirmed and nothing has changed since"
        )
    problems = outcome_problems(plan)
    if problems:
        raise ValidationError(problems)
    number = plan.version + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        outcomes=_snapshot(plan),
        confirmed_at=timezone.now(),
        confirmed_by=actor,
    )
    plan.version = number
    plan.status = Plan.Status.CONFIRMED
    plan.save(update_fields=["version", "status"])
    given.version, given.status = plan.version, plan.status
    audit.record_change(
        actor=actor,
        action="plan.confirmed",
        target=plan,
        person_id=plan.episode.child_id,
        detail={"version": number},
    )
    episode_step_record(
        actor=actor,
        type="plan_confirmed",
        episode=plan.episode,
        occurred_at=version.confirmed_at,
        summary=f"{plan.get_kind_display()} confirmed (version {number})",
        details={"kind": plan.kind, "version": number},
    )
    return version


CP_PLAN_ENDS_AT_CONFERENCE = (
    "A child protection plan ends only when a review child protection conference decides it "
    "(Working Together): record the review conference, its chair and its decision to end the plan"
)


def _check_ending_conference(plan: Plan, conference: Conference | None, end_date: dt.date) -> None:
    """A CP plan ends on the date of the review conference that decided it ends, with a chair."""
    if conference is None:
        raise ValidationError(CP_PLAN_ENDS_AT_CONFERENCE)
    if (
        conference.kind != Conference.Kind.REVIEW
        or conference.decision != Conference.Decision.END
        or conference.episode_id != plan.episode_id
    ):
        raise ValidationError(CP_PLAN_ENDS_AT_CONFERENCE)
    if not conference.chair.strip():
        raise ValidationError({"chair": "Name the chair of the conference that ended the plan"})
    if conference.conference_date != end_date:
        raise ValidationError(
            {
                "end_date": "The plan ends on the day of the review conference that decided it, "
                f"{long_date(conference.conference_date)}"
            }
        )
    if end_date <= plan.start_date:
        raise ValidationError(
            {
                "end_date": "A review conference comes after the plan started on "
                f"{long_date(plan.start_date)}: the plan cannot end that day"
            }
        )


ENDS_OUTSIDE_A_CONFERENCE = (
    Plan.EndedBecause.MOVED,
    Plan.EndedBecause.TURNED_18,
    Plan.EndedBecause.DIED,
)


def eighteenth_birthday(born: dt.date) -> dt.date:
    """The day a child born on `born` turns 18 (29 February's child on 1 March)."""
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return dt.date(born.year + 18, 3, 1)


def _ending_outside_a_conference_problems(
    problems: Problems,
    plan: Plan,
    ended_because: str,
    end_date: dt.date | None,
    receiving_authority: str | None,
) -> None:
    """The evidence for a child protection plan ending without a review conference (Working
    Together): the receiving authority and its transfer-in conference's date for a move; the
    child's 18th birthday; the date the child died."""
    child = plan.episode.child
    if ended_because == Plan.EndedBecause.MOVED:
        if receiving_authority is not None and not receiving_authority.strip():
            problems.add(
                "receiving_authority",
                "Name the local authority the child moved to, whose transfer-in conference "
                "took over the plan",
            )
    elif ended_because == Plan.EndedBecause.TURNED_18:
        if child.date_of_birth is None:
            problems.add(
                "ended_because",
                f"{child}'s date of birth is not recorded: record it before ending the plan "
                "because the child turned 18",
            )
        elif end_date is not None:
            birthday = eighteenth_birthday(child.date_of_birth)
            if end_date != birthday:
                problems.add(
                    "end_date",
                    f"{child} turns 18 on {long_date(birthday)}: a plan ended because the "
                    "child turned 18 ends that day",
                )
    elif ended_because == Plan.EndedBecause.DIED:
        died = child.date_of_death
        if died is not None and end_date is not None and end_date != died:
            problems.add(
                "end_date",
                f"{child}'s date of death is recorded as {long_date(died)}: the plan ends that day",
            )


def plan_end_problems(
    *,
    plan: Plan,
    end_date: dt.date | None = None,
    reason: str | None = None,
    conference: Conference | None = None,
    ended_because: str | None = None,
    receiving_authority: str | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a plan cannot end as given (None: nothing wrong); a value not given is
    not judged. A child protection plan ends at the review conference that decides it, or,
    with its evidence, when the child moves to another authority's plan, turns 18 or dies."""
    problems = Problems()
    if plan.status == Plan.Status.ENDED:
        problems.add(None, f"This plan already ended on {long_date(plan.end_date)}")  # type: ignore[arg-type]
        return problems.error()
    outside = plan.kind == Plan.Kind.CP and ended_because in ENDS_OUTSIDE_A_CONFERENCE
    if plan.kind == Plan.Kind.CP and not outside:
        if ended_because is None and conference is None:
            pass  # not chosen yet: the form already asks why the plan is ending
        elif ended_because and ended_because not in Plan.EndedBecause.values:
            problems.add("ended_because", "Choose why the plan is ending")
        elif conference is None:
            problems.add(None, CP_PLAN_ENDS_AT_CONFERENCE)
        elif end_date is not None:
            problems.check(_check_ending_conference, plan, conference, end_date)
    if outside:
        _ending_outside_a_conference_problems(
            problems, plan, str(ended_because), end_date, receiving_authority
        )
    if end_date is not None:
        if end_date < plan.start_date:
            problems.add(
                "end_date", f"The plan cannot end before it started on {long_date(plan.start_date)}"
            )
        problems.check(not_in_future, end_date, "end_date", "The end date")
    if reason is not None and not reason.strip() and not outside:
        problems.add("reason", "Say why the plan is ending")
    return problems.error()


@transaction.atomic
def plan_end(
    *,
    actor: User,
    plan: Plan,
    end_date: dt.date,
    reason: str = "",
    conference: Conference | None = None,
    ended_because: str = "",
    receiving_authority: str = "",
) -> Plan:
    """End a plan. A child in need plan ends when the social worker records why. A child
    protection plan ends at a review conference that decides so (`conference`), or without
    one only for the reasons Working Together allows (`ended_because`: the child moved to
    another local authority, whose transfer-in conference took the plan over, named in
    `receiving_authority`; the child turned 18; the child died), each on its own date."""
    given, plan = plan, Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    if plan.kind == Plan.Kind.CP and conference is not None:
        ended_because = Plan.EndedBecause.REVIEW_CONFERENCE
    refuse(
        plan_end_problems(
            plan=plan,
            end_date=end_date,
            reason=reason or "",
            conference=conference,
            ended_because=ended_because,
            receiving_authority=receiving_authority or "",
        )
    )
    outside = plan.kind == Plan.Kind.CP and ended_because in ENDS_OUTSIDE_A_CONFERENCE
    details = (reason or "").strip()
    if outside:
        circumstance = {
            Plan.EndedBecause.MOVED: "the child moved to "
            f"{receiving_authority.strip()}, whose transfer-in conference took over the plan",
            Plan.EndedBecause.TURNED_18: "the child turned 18",
            Plan.EndedBecause.DIED: "the child died",
        }[Plan.EndedBecause(ended_because)]
        details = f"Ended because {circumstance}." + (f" {details}" if details else "")
    plan.end_date = end_date
    plan.end_reason = details
    plan.status = Plan.Status.ENDED
    plan.ended_by_conference = conference if plan.kind == Plan.Kind.CP and not outside else None
    plan.ended_because = ended_because if plan.kind == Plan.Kind.CP else ""
    plan.receiving_authority = (
        receiving_authority.strip() if ended_because == Plan.EndedBecause.MOVED else ""
    )
    plan.save(
        update_fields=[
            "end_date",
            "end_reason",
            "status",
            "ended_by_conference",
            "ended_because",
            "receiving_authority",
        ]
    )
    given.end_date, given.end_reason, given.status = end_date, plan.end_reason, plan.status
    given.ended_by_conference = plan.ended_by_conference
    given.ended_because, given.receiving_authority = plan.ended_because, plan.receiving_authority
    CoreGroupMember.objects.filter(plan=plan, left__isnull=True).update(left=end_date)
    audit.record_change(
        actor=actor,
        action="plan.ended",
        target=plan,
        person_id=plan.episode.child_id,
        detail={
            "end_date": end_date,
            "conference": conference.pk if conference else None,
            "ended_because": plan.ended_because,
            "receiving_authority": plan.receiving_authority,
        },
    )
    if plan.kind == Plan.Kind.CP:
        ended_details: dict[str, object] = {"category": plan.latest_category}
        if outside:
            ended_details["ended_because"] = plan.ended_because
        if plan.receiving_authority:
            ended_details["receiving_authority"] = plan.receiving_authority
        episode_step_record(
            actor=actor,
            type="cp_plan_ended",
            episode=plan.episode,
            occurred_at=end_date,
            summary=f"Child protection plan ended: {plan.end_reason}",
            details=ended_details,
        )
    else:
        episode_step_record(
            actor=actor,
            type="cin_plan_ended",
            episode=plan.episode,
            occurred_at=end_date,
            summary=f"Child in need plan ended: {plan.end_reason}",
        )
    return plan


# Core groups -----------------------------------------------------------------------------


def core_group_due_date(plan: Plan) -> dt.date | None:
    """T5: the first core group within 10 working days of the ICPC, then every 6 weeks."""
    if plan.kind != Plan.Kind.CP:
        return None
    last = plan.core_group_meetings.order_by("-meeting_date").first()
    if last is None:
        return add_working_days(plan.start_date, FIRST_CORE_GROUP_WORKING_DAYS)
    due = last.meeting_date + dt.timedelta(weeks=core_group_interval_weeks())
    return due if is_working_day(due) else next_working_day(due)


def _core_group_plan(plan: Plan) -> None:
    if plan.kind != Plan.Kind.CP:
        raise ValidationError("A core group delivers a child protection plan")
    _editable(plan)


def core_group_member_problems(
    *,
    plan: Plan,
    name: str | None = None,
    role: str | None = None,
    joined: dt.date | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a member cannot join the plan's core group as given (None: nothing
    wrong); a value not given is not judged."""
    problems = Problems()
    problems.check(_core_group_plan, plan)
    if name is not None and not name.strip():
        problems.add("name", "Give the member's name")
    if role is not None and not role.strip():
        problems.add("role", "Say what their role is, for example parent or health visitor")
    if joined is not None:
        if joined < plan.start_date:
            problems.add(
                "joined",
                f"A member cannot join before the plan started on {long_date(plan.start_date)}",
            )
        problems.check(not_in_future, joined, "joined", "The date joined")
    return problems.error()


@transaction.atomic
def core_group_member_add(
    *,
    actor: User,
    plan: Plan,
    name: str,
    role: str,
    joined: dt.date,
    agency: Agency | None = None,
    user: User | None = None,
) -> CoreGroupMember:
    refuse(core_group_member_problems(plan=plan, name=name or "", role=role or "", joined=joined))
    member = CoreGroupMember.objects.create(
        plan=plan, name=name.strip(), role=role.strip(), agency=agency, user=user, joined=joined
    )
    audit.record_change(
        actor=actor,
        action="core_group.member_added",
        target=member,
        person_id=plan.episode.child_id,
    )
    return member


@dataclass(frozen=True)
class Progress:
    outcome: PlanOutcome
    rating: str
    note: str


def core_group_meeting_problems(
    *,
    plan: Plan,
    meeting_date: dt.date | None = None,
    present: Sequence[CoreGroupMember] | None = None,
    progress: Sequence[Progress] | None = None,
    actions: Sequence[Action] | None = None,
    **_ignored: object,
) -> ValidationError | None:
    """Every reason a core group meeting cannot be recorded as given (None: nothing wrong):
    its date, who came, progress on each outcome and the actions, all at once. A value not
    given is not judged."""
    problems = Problems()
    problems.check(_core_group_plan, plan)
    if meeting_date is not None:
        if meeting_date < plan.start_date:
            problems.add(
                "meeting_date",
                f"A core group cannot meet before the plan started on {long_date(plan.start_date)}",
            )
        problems.check(not_in_future, meeting_date, "meeting_date", "The meeting date")
    if present is not None:
        if not present:
            problems.add("present", "Say who came")
        elif any(member.plan_id != plan.pk for member in present):
            problems.add("present", "Choose members of this plan's core group")
    if progress is not None:
        rated = {item.outcome.pk: item for item in progress}
        missing = []
        for number, outcome in enumerate(plan.outcomes.all(), start=1):
            item = rated.get(outcome.pk)
            if item is None or item.rating not in OutcomeProgress.Rating.values:
                missing.append(f"Outcome {number}: choose how it is progressing")
            if item is None or not item.note.strip():
                missing.append(f"Outcome {number}: add a note on the progress made")
        problems.add("progress", *missing)
    if actions is not None:
        problems.check(check_actions, actions, agreed_on=meeting_date)
    return problems.error()


@transaction.atomic
def core_group_meeting_record(
    *,
    actor: User,
    plan: Plan,
    meeting_date: dt.date,
    present: Sequence[CoreGroupMember],
    progress: Sequence[Progress],
    actions: Sequence[Action] = (),
    notes: str = "",
) -> CoreGroupMeeting:
    """Record a core group: who came, progress against each outcome, actions agreed."""
    refuse(
        core_group_meeting_problems(
            plan=plan,
            meeting_date=meeting_date,
            present=present,
            progress=progress,
            actions=actions,
        )
    )
    meeting = CoreGroupMeeting.objects.create(
        plan=plan,
        meeting_date=meeting_date,
        due_date=core_group_due_date(plan) or meeting_date,
        notes=notes.strip(),
        recorded_by=actor,
    )
    meeting.present.set(present)
    OutcomeProgress.objects.bulk_create(
        [
            OutcomeProgress(
                meeting=meeting, outcome=item.outcome, rating=item.rating, note=item.note.strip()
            )
            for item in progress
            if item.outcome.plan_id == plan.pk
        ]
    )
    actions_create(actions, core_group=meeting)
    audit.record_change(
        actor=actor,
        action="core_group.recorded",
        target=meeting,
        person_id=plan.episode.child_id,
        detail={"due_date": meeting.due_date},
    )
    late = meeting_date > meeting.due_date
    episode_step_record(
        actor=actor,
        type="core_group",
        episode=plan.episode,
        occurred_at=meeting_date,
        summary="Core group meeting" + (f" (due {long_date(meeting.due_date)})" if late else ""),
        details={"due_date": meeting.due_date.isoformat()},
    )
    return meeting
