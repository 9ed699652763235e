"""Writes of risk management meetings: a meeting and its attendees, its cases and what was
decided, each action (on the chronology and in its owner's inbox), the review of outstanding
actions, the minutes, and referrals to MARAC or the exploitation meeting.

Every write is atomic, takes its actor, and writes its audit entry; each service gathers every
problem with `Problems` (its `*_problems` function is the forms' `checks=`) and refuses them all.
The safe contact details of a referral never go into an audit entry, a notification or the
chronology.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from sightline.accounts.models import Agency, User
from sightline.chronology.models import EventType
from sightline.chronology.services import event_record
from sightline.core import audit
from sightline.core.problems import Problems, refuse
from sightline.core.versions import claim, record_edit
from sightline.core.working_days import add_working_days, end_of_day, is_working_day
from sightline.people.models import Person
from sightline.people.services import social_care_agency
from sightline.sharing.meetings.agenda import AgendaItem, dram_agenda
from sightline.sharing.meetings.models import (
    AgencyShare,
    CasePerson,
    MeetingAction,
    MeetingAttendee,
    MeetingCase,
    MeetingKind,
    Referral,
    ReferralChild,
    ReferralCriterion,
    RiskLevel,
    RiskMeeting,
)
from sightline.sharing.network.services import network_notify_user

MINUTES_WORKING_DAYS = 3  # MARAC minutes are due within 3 working days of the meeting (LOCAL)
REPEAT_MONTHS = 12
ACTION_KIND: dict[str, str] = {
    MeetingKind.DRAM: "dram-action",
    MeetingKind.MARAC: "marac-action",
    MeetingKind.EXPLOITATION: "exploitation-action",
}
MEETING_NAME: dict[str, str] = {
    MeetingKind.DRAM: "DRAM",
    MeetingKind.MARAC: "MARAC",
    MeetingKind.EXPLOITATION: "child exploitation meeting",
}


def _day(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _source(actor: User) -> Agency:
    return actor.agency if actor.agency is not None else social_care_agency()


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# Meetings ------------------------------------------------------------------------------------


def meeting_problems(
    *, kind: str | None = None, held_on: dt.date | None = None, chair: User | None = None, **_: Any
) -> ValidationError | None:
    problems = Problems()
    if kind is not None and kind not in MeetingKind.values:
        problems.add("kind", "Select the kind of meeting")
    if kind == MeetingKind.DRAM and held_on is not None and not is_working_day(held_on):
        problems.add(
            "held_on",
            f"A DRAM is held on working days: {_day(held_on)} is a weekend or a bank holiday",
        )
    if chair is not None and not chair.is_active:
        problems.add("chair", "Select a chair who can sign in to Sightline")
    return problems.error()


@transaction.atomic
def risk_meeting_create(*, actor: User, kind: str, held_on: dt.date, chair: User) -> RiskMeeting:
    """A meeting; a DRAM lists its agenda at once (`agenda.dram_agenda`). MARAC and exploitation
    meetings have their minutes due within 3 working days."""
    refuse(meeting_problems(kind=kind, held_on=held_on, chair=chair))
    minutes_due = (
        None if kind == MeetingKind.DRAM else add_working_days(held_on, MINUTES_WORKING_DAYS)
    )
    meeting = RiskMeeting.objects.create(
        kind=kind,
        held_on=held_on,
        chair=chair,
        minutes_due_on=minutes_due,
        created_by=actor,
        created_at=timezone.now(),
    )
    audit.record_change(
        actor=actor,
        action="risk_meeting.created",
        target=meeting,
        detail={"kind": kind, "held_on": held_on.isoformat(), "chair": chair.pk},
    )
    if kind == MeetingKind.DRAM:
        for item in dram_agenda(held_on):
            meeting_case_list(actor=actor, meeting=meeting, item=item)
    return meeting


@transaction.atomic
def meeting_case_list(*, actor: User, meeting: RiskMeeting, item: AgendaItem) -> MeetingCase:
    """Put one agenda item on the meeting's list of cases, with its people."""
    case = MeetingCase.objects.create(
        meeting=meeting,
        subject=item.subject,
        incident=item.incident,
        referral=item.referral,
        listed_because=item.listed_because,
    )
    CasePerson.objects.bulk_create(
        [
            CasePerson(case=case, person=person, role=role)
            for person, role in {p.pk: (p, r) for p, r in item.people}.values()
        ]
    )
    audit.record_change(
        actor=actor, action="risk_meeting.case_listed", target=case, person_id=item.subject.pk
    )
    return case


@transaction.atomic
def referral_list_at(*, actor: User, meeting: RiskMeeting, referral: Referral) -> MeetingCase:
    """List a referral at a MARAC or exploitation meeting of its kind."""
    if referral.meeting_kind != meeting.kind:
        raise ValidationError(
            {"referral": f"This is a referral to the {MEETING_NAME[referral.meeting_kind]}"}
        )
    if MeetingCase.objects.filter(meeting=meeting, referral=referral).exists():
        raise ValidationError({"referral": "This referral is already on the meeting's list"})
    role = "victim" if referral.meeting_kind == MeetingKind.MARAC else "child"
    people: list[tuple[Person, str]] = [(referral.subject, role)]
    people += [(c.person, "child") for c in referral.children.select_related("person")]
    if referral.perpetrator is not None:
        people.append((referral.perpetrator, "perpetrator"))
    reason = "Referral" + (" (a repeat within 12 months)" if referral.is_repeat else "")
    item = AgendaItem(referral.subject, people, [reason], referral=referral)
    return meeting_case_list(actor=actor, meeting=meeting, item=item)


def attendee_problems(
    *,
    name: str | None = None,
    present: bool | None = None,
    confidentiality_accepted: bool | None = None,
    **_: Any,
) -> ValidationError | None:
    problems = Problems()
    if name is not None and not _text(name):
        problems.add("name", "Enter the name of the person attending or sending apologies")
    if present and not confidentiality_accepted:
        problems.add(
            "confidentiality_accepted",
            "Someone attending must accept the confidentiality statement before anything is shared",
        )
    return problems.error()


@transaction.atomic
def attendee_record(
    *,
    actor: User,
    meeting: RiskMeeting,
    agency: Agency,
    name: str,
    present: bool,
    confidentiality_accepted: bool,
    user: User | None = None,
) -> MeetingAttendee:
    refuse(
        attendee_problems(
            name=name, present=present, confidentiality_accepted=confidentiality_accepted
        )
    )
    attendee = MeetingAttendee.objects.create(
        meeting=meeting,
        agency=agency,
        user=user,
        name=_text(name),
        present=present,
        confidentiality_accepted_at=timezone.now() if present else None,
    )
    audit.record_change(
        actor=actor,
        action="risk_meeting.attendee" if present else "risk_meeting.apologies",
        target=attendee,
        detail={"meeting": meeting.pk, "agency": agency.code},
    )
    return attendee


# Cases -----------------------------------------------------------------------------------------


def case_problems(
    *,
    case: MeetingCase,
    risk_level: str | None = None,
    safety_plan: str | None = None,
    marac_decision: str | None = None,
    marac_reason: str | None = None,
    **_: Any,
) -> ValidationError | None:
    problems = Problems()
    if not case.meeting.attendees.filter(
        present=True, confidentiality_accepted_at__isnull=False
    ).exists():
        problems.add(
            None,
            "Record who attended, each accepting the confidentiality statement, before "
            "recording what was shared",
        )
    if risk_level is not None and risk_level not in RiskLevel.values:
        problems.add("risk_level", "Select the risk level the meeting agreed")
    if safety_plan is not None and not _text(safety_plan):
        problems.add("safety_plan", "Enter the safety plan")
    if case.meeting.kind == MeetingKind.DRAM:
        if marac_decision is not None and marac_decision not in MeetingCase.MaracDecision.values:
            problems.add("marac_decision", "Select whether the case is referred to MARAC")
        if marac_reason is not None and not _text(marac_reason):
            problems.add("marac_reason", "Say why the case is or is not referred to MARAC")
    return problems.error()


@transaction.atomic
def meeting_case_record(
    *,
    actor: User,
    case: MeetingCase,
    version: int | None,
    risk_level: str,
    safety_plan: str,
    shares: Mapping[Agency, str],
    marac_decision: str = "",
    marac_reason: str = "",
) -> MeetingCase:
    """What the meeting agreed about one case; the first time, the chronology of its victim and
    children records that it was discussed."""
    claim(case, version)
    refuse(
        case_problems(
            case=case,
            risk_level=risk_level,
            safety_plan=safety_plan,
            marac_decision=marac_decision if case.meeting.kind == MeetingKind.DRAM else None,
            marac_reason=marac_reason if case.meeting.kind == MeetingKind.DRAM else None,
        )
    )
    first = case.discussed_at is None
    before = {
        "risk_level": case.risk_level,
        "safety_plan": case.safety_plan,
        "marac_decision": case.marac_decision,
        "marac_reason": case.marac_reason,
    }
    case.risk_level = risk_level
    case.safety_plan = safety_plan.strip()
    case.marac_decision = marac_decision
    case.marac_reason = marac_reason.strip()
    case.discussed_at = case.discussed_at or timezone.now()
    case.save()
    for agency, shared in shares.items():
        if _text(shared):
            AgencyShare.objects.update_or_create(
                case=case, agency=agency, defaults={"shared": shared.strip()}
            )
        else:
            AgencyShare.objects.filter(case=case, agency=agency).delete()
    after = {k: getattr(case, k) for k in before}
    record_edit(
        actor=actor,
        action="risk_meeting.case_recorded",
        target=case,
        person_id=case.subject_id,
        changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )
    if first:
        meeting = case.meeting
        summary = (
            f"Discussed at the {MEETING_NAME[meeting.kind]} on {_day(meeting.held_on)}: "
            f"risk level {case.get_risk_level_display().lower()}."
        )
        if case.marac_decision:
            summary += f" {case.get_marac_decision_display()}."
        event_record(
            type=EventType.RISK_MEETING_CASE,
            occurred_at=meeting.held_on,
            summary=summary,
            source=_source(actor),
            participants=_protected_people(case),
            recorded_by=actor,
            details={"meeting_kind": meeting.kind, "risk_level": risk_level},
        )
    return case


def _protected_people(case: MeetingCase) -> list[tuple[Person, str]]:
    """The victim and the children (never the perpetrator) whose chronology records the case."""
    return [
        (cp.person, cp.role)
        for cp in case.people.select_related("person")
        if cp.role in (CasePerson.Role.VICTIM, CasePerson.Role.CHILD)
    ] or [(case.subject, "subject")]


# Actions ---------------------------------------------------------------------------------------


def action_problems(
    *,
    case: MeetingCase,
    agency: Agency | None = None,
    owner: User | None = None,
    what: str | None = None,
    protects: str | None = None,
    due_on: dt.date | None = None,
    **_: Any,
) -> ValidationError | None:
    problems = Problems()
    if what is not None and not _text(what):
        problems.add("what", "Enter what is to be done")
    if protects is not None and protects not in MeetingAction.Protects.values:
        problems.add("protects", "Select whom the action protects")
    if owner is not None and not owner.is_active:
        problems.add("owner", "Select an owner who can sign in to Sightline")
    elif owner is not None and agency is not None and owner.agency_id != agency.pk:
        problems.add(
            "owner", f"{owner.get_full_name() or owner.username} does not work for {agency.name}"
        )
    if due_on is not None and due_on < case.meeting.held_on:
        problems.add(
            "due_on", f"The due date must be on or after the meeting ({_day(case.meeting.held_on)})"
        )
    return problems.error()


@transaction.atomic
def meeting_action_add(
    *,
    actor: User,
    case: MeetingCase,
    agency: Agency,
    owner: User,
    what: str,
    protects: str,
    due_on: dt.date,
) -> MeetingAction:
    """An action agreed for a case: on the chronology of the victim and children, and in its
    owner's inbox, due on its due date (not acted on by then, it escalates to their manager)."""
    refuse(
        action_problems(
            case=case, agency=agency, owner=owner, what=what, protects=protects, due_on=due_on
        )
    )
    meeting = case.meeting
    action = MeetingAction.objects.create(
        case=case,
        agency=agency,
        owner=owner,
        what=what.strip(),
        protects=protects,
        due_on=due_on,
        created_by=actor,
        created_at=timezone.now(),
    )
    audit.record_change(
        actor=actor,
        action="risk_meeting.action_added",
        target=action,
        person_id=case.subject_id,
        detail={"owner": owner.pk, "agency": agency.code, "due_on": due_on.isoformat()},
    )
    name = MEETING_NAME[meeting.kind]
    owner_name = owner.get_full_name() or owner.username
    people = _protected_people(case)
    event_record(
        type=EventType.RISK_MEETING_ACTION,
        occurred_at=meeting.held_on,
        summary=(
            f"Action from the {name} on {_day(meeting.held_on)} for {agency.name} "
            f"({owner_name}), by {_day(due_on)}: {action.what}"
        ),
        source=_source(actor),
        participants=people,
        recorded_by=actor,
        details={"protects": protects, "due_on": due_on.isoformat(), "owner": owner.pk},
    )
    network_notify_user(
        recipient=owner,
        reason=f"You own this action from the {name}",
        kind=ACTION_KIND[meeting.kind],
        title=f"An action for you from the {name} on {_day(meeting.held_on)}",
        asks_for=f"{action.what} (by {_day(due_on)})",
        detail=f"Protects: {action.get_protects_display().lower()}. Agency: {agency.name}.",
        person_ids=[p.pk for p, _ in people],
        due_by=end_of_day(due_on),
    )
    return action


REVIEWED = (
    MeetingAction.Status.DONE,
    MeetingAction.Status.NOT_DONE,
    MeetingAction.Status.NOT_POSSIBLE,
)


def review_problems(
    *, status: str | None = None, note: str | None = None, **_: Any
) -> ValidationError | None:
    problems = Problems()
    if status is not None and status not in REVIEWED:
        problems.add("status", "Select whether the action was done")
    if status == MeetingAction.Status.NOT_POSSIBLE and note is not None and not _text(note):
        problems.add("note", "Say what changed so the action is no longer possible")
    if status == MeetingAction.Status.NOT_DONE and note is not None and not _text(note):
        problems.add("note", "Say why the action was not done and what happens now")
    return problems.error()


@transaction.atomic
def meeting_action_review(
    *,
    actor: User,
    action: MeetingAction,
    version: int | None,
    status: str,
    note: str,
    meeting: RiskMeeting | None = None,
) -> MeetingAction:
    """A meeting (or the owner) reviews an outstanding action: done, not done, or not possible
    because circumstances changed."""
    claim(action, version)
    refuse(review_problems(status=status, note=note))
    before = [action.status, action.status_note]
    action.status = status
    action.status_note = note.strip()
    action.status_on = meeting.held_on if meeting is not None else timezone.localdate()
    action.reviewed_at_meeting = meeting
    action.save()
    record_edit(
        actor=actor,
        action="risk_meeting.action_reviewed",
        target=action,
        person_id=action.case.subject_id,
        changes={"status": [before[0], status], "status_note": [before[1], action.status_note]},
    )
    return action


def outstanding_actions(*, meeting: RiskMeeting) -> list[MeetingAction]:
    """Actions of earlier meetings of the same kind still outstanding about the people this
    meeting discusses (or, with no cases yet, of every earlier meeting of its kind)."""
    actions = MeetingAction.objects.filter(
        case__meeting__kind=meeting.kind,
        case__meeting__held_on__lt=meeting.held_on,
        status__in=[MeetingAction.Status.OPEN, MeetingAction.Status.NOT_DONE],
    ).select_related("case__subject", "owner", "agency", "case__meeting")
    subjects = list(meeting.cases.values_list("subject_id", flat=True))
    if subjects:
        actions = actions.filter(case__subject_id__in=subjects)
    return list(actions.order_by("due_on", "pk"))


# Minutes ---------------------------------------------------------------------------------------


def minutes_problems(
    *, meeting: RiskMeeting, minutes: str | None = None, **_: Any
) -> ValidationError | None:
    problems = Problems()
    if meeting.held_on > timezone.localdate():
        problems.add(None, "The minutes can be published once the meeting has been held")
    if minutes is not None and not _text(minutes):
        problems.add("minutes", "Enter the minutes")
    undecided = [c for c in meeting.cases.all() if c.discussed_at is None]
    if undecided:
        problems.add(
            None,
            f"Record what the meeting agreed for every case first: {len(undecided)} "
            f"{'case has' if len(undecided) == 1 else 'cases have'} nothing recorded",
        )
    return problems.error()


@transaction.atomic
def minutes_publish(
    *, actor: User, meeting: RiskMeeting, version: int | None, minutes: str
) -> RiskMeeting:
    claim(meeting, version)
    refuse(minutes_problems(meeting=meeting, minutes=minutes))
    first = meeting.minutes_published_on is None
    meeting.minutes = minutes.strip()
    meeting.minutes_published_on = meeting.minutes_published_on or timezone.localdate()
    meeting.save()
    record_edit(
        actor=actor,
        action="risk_meeting.minutes_published" if first else "risk_meeting.minutes_changed",
        target=meeting,
        changes={"minutes_published_on": [None, meeting.minutes_published_on]} if first else {},
    )
    return meeting


# Referrals -------------------------------------------------------------------------------------


def earlier_referral(
    *, meeting_kind: str, subject: Person, at: dt.datetime | None = None
) -> Referral | None:
    """The latest referral of this person to this kind of meeting in the 12 months before `at`,
    from any agency (the person is one record across agencies, linked by Sightline)."""
    at = at or timezone.now()
    since = dt.datetime.combine(_year_before(timezone.localtime(at).date()), dt.time.min).replace(
        tzinfo=at.tzinfo
    )
    return (
        Referral.objects.filter(
            meeting_kind=meeting_kind, subject=subject, referred_at__gte=since, referred_at__lt=at
        )
        .order_by("-referred_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ReferredChild:
    person: Person
    of: str
    school: str


def referral_problems(
    *,
    meeting_kind: str,
    subject: Person | None = None,
    criteria: Iterable[ReferralCriterion] | None = None,
    dash_score: int | None = None,
    judgement_reasons: str | None = None,
    incidents_in_12_months: int | None = None,
    consent: str | None = None,
    without_consent_reason: str | None = None,
    victim_knows: bool | None = None,
    safe_contact: str | None = None,
    **_: Any,
) -> ValidationError | None:
    problems = Problems()
    chosen = list(criteria) if criteria is not None else None
    if chosen is not None and not chosen:
        problems.add("criteria", "Select at least one criterion the referral meets")
    for criterion in chosen or []:
        evidence, threshold = criterion.evidence, criterion.threshold
        if evidence == ReferralCriterion.Evidence.DASH:
            if dash_score is None:
                problems.add("dash_score", "Enter the DASH score (the number of yes answers)")
            elif threshold and dash_score < threshold:
                problems.add(
                    "dash_score",
                    f"Visible high risk needs a DASH score of {threshold} or more: the score is "
                    f"{dash_score}. Choose professional judgement instead and say why",
                )
        elif evidence == ReferralCriterion.Evidence.REASONS:
            if judgement_reasons is not None and len(_text(judgement_reasons)) < 20:
                problems.add(
                    "judgement_reasons",
                    f"Say why ({criterion.wording.lower()}): at least 20 characters",
                )
        elif evidence == ReferralCriterion.Evidence.INCIDENTS:
            if incidents_in_12_months is None:
                problems.add("incidents_in_12_months", "Enter how many incidents in 12 months")
            elif threshold and incidents_in_12_months < threshold:
                problems.add(
                    "incidents_in_12_months",
                    f"{criterion.wording} needs {threshold} or more: you entered "
                    f"{incidents_in_12_months}",
                )
        elif (
            evidence == ReferralCriterion.Evidence.EARLIER_REFERRAL
            and subject is not None
            and earlier_referral(meeting_kind=meeting_kind, subject=subject) is None
        ):
            problems.add(
                "criteria",
                "No referral of this person in the last 12 months is known, so this is not a "
                "repeat: choose another criterion",
            )
    if dash_score is not None and not 0 <= dash_score <= 27:
        problems.add("dash_score", "The DASH score is a number of yes answers, from 0 to 27")
    if consent is not None and consent not in Referral.Consent.values:
        problems.add("consent", "Select whether the person consented to the referral")
    if consent in (Referral.Consent.REFUSED, Referral.Consent.NOT_SOUGHT):
        if without_consent_reason is not None and len(_text(without_consent_reason)) < 20:
            problems.add(
                "without_consent_reason",
                "Say why the information is shared without consent (at least 20 characters)",
            )
    elif consent == Referral.Consent.GIVEN and _text(without_consent_reason):
        problems.add(
            "without_consent_reason",
            "You said consent was given: remove the reason for sharing without consent",
        )
    if meeting_kind == MeetingKind.MARAC and victim_knows is None and consent is not None:
        problems.add("victim_knows", "Select whether the victim knows about the referral")
    if safe_contact is not None and len(safe_contact) > 2000:
        problems.add("safe_contact", "The safe contact details must be 2,000 characters or fewer")
    return problems.error()


@transaction.atomic
def referral_create(
    *,
    actor: User,
    meeting_kind: str,
    subject: Person,
    criteria: Iterable[ReferralCriterion],
    consent: str,
    victim_knows: bool | None,
    perpetrator: Person | None = None,
    dash_score: int | None = None,
    judgement_reasons: str = "",
    incidents_in_12_months: int | None = None,
    concern: str = "",
    without_consent_reason: str = "",
    safe_contact: str = "",
    children: Iterable[ReferredChild] = (),
) -> Referral:
    """A referral to MARAC (or the exploitation meeting). A referral of the same person within
    12 months of their last one, from any agency, is a repeat: it says so and meets the repeat
    criterion whether or not the referrer knew."""
    chosen = [c for c in criteria if c.meeting_kind == meeting_kind]
    refuse(
        referral_problems(
            meeting_kind=meeting_kind,
            subject=subject,
            criteria=chosen,
            dash_score=dash_score,
            judgement_reasons=judgement_reasons,
            incidents_in_12_months=incidents_in_12_months,
            consent=consent,
            without_consent_reason=without_consent_reason,
            victim_knows=victim_knows,
            safe_contact=safe_contact,
        )
    )
    now = timezone.now()
    earlier = earlier_referral(meeting_kind=meeting_kind, subject=subject, at=now)
    referral = Referral.objects.create(
        meeting_kind=meeting_kind,
        subject=subject,
        perpetrator=perpetrator,
        referred_by=actor,
        agency=actor.agency,
        referred_at=now,
        dash_score=dash_score,
        judgement_reasons=judgement_reasons.strip(),
        incidents_in_12_months=incidents_in_12_months,
        concern=concern.strip(),
        consent=consent,
        without_consent_reason=without_consent_reason.strip(),
        victim_knows=bool(victim_knows),
        safe_contact=safe_contact.strip(),
        repeat_of=earlier,
    )
    if earlier is not None:
        repeat = ReferralCriterion.objects.filter(
            meeting_kind=meeting_kind, evidence=ReferralCriterion.Evidence.EARLIER_REFERRAL
        )
        chosen += [c for c in repeat if c not in chosen]
    referral.criteria.set(chosen)
    ReferralChild.objects.bulk_create(
        [
            ReferralChild(referral=referral, person=c.person, of=c.of, school=c.school.strip())
            for c in {c.person.pk: c for c in children}.values()
        ]
    )
    audit.record_change(
        actor=actor,
        action="referral.created",
        target=referral,
        person_id=subject.pk,
        # Never the safe contact details: only whether there are some.
        detail={
            "meeting_kind": meeting_kind,
            "criteria": sorted(c.code for c in chosen),
            "repeat_of": earlier.pk if earlier else None,
            "safe_contact_given": bool(referral.safe_contact),
        },
    )
    return referral
