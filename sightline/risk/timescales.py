"""The timescale rules: statutory and local deadlines, evaluated against a clock.

A deadline falls at the end of its due day, so a clock set to a date (the start of that
day, as `frontdoor.selectors.contacts_overdue` reads it) finds a deadline missed when its
due day is before that date. An instance names the event that started the clock.

Working now:
- `contact-decision-overdue` (T1) from the front door's own records (contacts_overdue);
- `assessment-overdue` (T2) from the chronology: a contact that became a referral, or an
  assessment started, with no assessment_completed (or episode_closed) within 45 working days;
  and from casework: an `Assessment` past its `due_date` with no completion;
- `icpc-overdue` (T4) from the chronology: an s47_started, or a strategy discussion that
  started section 47 enquiries, with no icpc (or episode_closed) within 15 working days;
  and from casework: an `S47Enquiry` past its `icpc_target_date` with no conference (and not
  completed with no conference required);
- `core-group-overdue` (T5), `review-conference-overdue` (T6) and `supervision-overdue`
  (LOCAL) from casework records only.

Casework records (one rule, two sources, one alert per overdue item): a chronology clock that
holds an event a casework record wrote (its strategy discussion, s47_started or
assessment_started) is that record's clock, and the record decides; the record's alert keeps
the clock's first event as its raiser and evidence, so an alert already raised from the
chronology is the same alert. A record is overdue at the clock's date when its due day is
before that date and it was not done by that date (done on the date itself counts as done,
as the chronology up to the end of `--as-of` does); records dated after the clock are not
read, so `--as-of` replays them. An item done late stops being overdue. Its stored alert is
never withdrawn or deleted (a deadline missed stays missed), but once the item has ended
`risk.services.timescale_alerts_close_done` closes it as the system actor "rules", with a note
saying what ended it, when, and how many working days late (`item_ended`, `ENDED_BY`; for T1
`contact_decision_ended`). An alert a person closed stays as they closed it.

Who is read: `timescale_people` (every person with an event of `CLOCK_EVENT_TYPES`, and every
child with a casework episode), so a child whose only clock is, say, supervision on a CIN plan
opened in casework is not left out.

The due dates are casework's own (`casework.services.plans.core_group_due_date`,
`casework.services.protection.review_conference_due_date`, the due dates the casework
services stored on each record when it was recorded: `S47Enquiry.icpc_target_date`,
`Assessment.due_date`, `CoreGroupMeeting.due_date`, `Conference.due_date`), so the team's due
list and the alerts agree. Only a partnership that changes a threshold in `RuleSetting` gets
dates worked out here from its numbers.

`raised_at` of core-group-overdue, review-conference-overdue and supervision-overdue is the due
moment: the end of the due day (midnight into the next day, London time), when the deadline
passed. Their raiser is the event that started the item's clock (the icpc, the last core
group or review conference, the last supervision or the plan's start), which happened weeks
earlier; dating the alert by it would list a missed deadline before it was missed.
Records with no chronology event to name are left out (an alert names its events).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from sightline.casework.models import (
    Assessment,
    Conference,
    CoreGroupMeeting,
    Episode,
    Plan,
    S47Enquiry,
    Supervision,
)
from sightline.casework.selectors import supervision_weeks
from sightline.casework.services.episodes import assessment_working_days
from sightline.casework.services.plans import (
    FIRST_CORE_GROUP_WORKING_DAYS,
    core_group_due_date,
    core_group_interval_weeks,
)
from sightline.casework.services.protection import (
    FIRST_REVIEW_MONTHS,
    ICPC_WORKING_DAYS,
    LATER_REVIEW_MONTHS,
    review_conference_due_date,
)
from sightline.chronology.models import EventType
from sightline.core.dates import add_months
from sightline.core.working_days import LONDON, is_working_day, next_working_day
from sightline.risk import catalogue
from sightline.risk.patterns import Instance, Subject, working_days_after
from sightline.risk.world import Ev, World, local_date

Clock = tuple[Ev, Ev | None, list[Ev]]  # start, stop, every start event while it ran


def _clocks(starts: list[Ev], stops: list[Ev]) -> list[Clock]:
    marks = sorted(
        [((e.at, e.id), 1, e) for e in starts] + [((e.at, e.id), 0, e) for e in stops],
        key=lambda m: (m[0], m[1]),
    )
    clocks: list[Clock] = []
    running: list[Ev] = []
    for _, is_start, event in marks:
        if is_start:
            running.append(event)
        elif running:
            clocks.append((running[0], event, running))
            running = []
    if running:
        clocks.append((running[0], None, running))
    return clocks


def _clock_rule(
    rule: str,
    s: Subject,
    clocks: list[Clock],
    working_days: int,
    today: dt.date,
) -> list[Instance]:
    found = []
    for start, stop, _ in clocks:
        due = working_days_after(local_date(start.at), working_days)
        met = stop is not None and local_date(stop.at) <= due
        if not met and due < today and s.is_child_at(start.at):
            found.append(Instance(rule, s.person_id, start.id, start.at, [start.id]))
    return found


def _merged(
    rule: str,
    s: Subject,
    clocks: list[Clock],
    records: list[tuple[list[Ev], bool]],
    working_days: int,
    today: dt.date,
) -> list[Instance]:
    """The chronology's clocks and the casework records of one rule, one instance per item.

    `records`: each record's own events (first the one that started it) and whether it is
    overdue. A clock holding one of a record's events is the record's, and is not read.
    """
    claimed: dict[int, int] = {}  # event id -> record index
    for index, (events, _) in enumerate(records):
        for event in events:
            claimed[event.id] = index
    firsts: dict[int, Ev] = {}
    free = []
    for clock in clocks:
        owners = {claimed[e.id] for e in clock[2] if e.id in claimed}
        if not owners:
            free.append(clock)
        for owner in owners:
            firsts.setdefault(owner, clock[0])
    found = _clock_rule(rule, s, free, working_days, today)
    for index, (events, overdue) in enumerate(records):
        first = firsts.get(index, events[0])
        if overdue and s.is_child_at(first.at):
            evidence = sorted({first.id, *(e.id for e in events)})
            found.append(Instance(rule, s.person_id, first.id, first.at, evidence))
    return found


def assessment_overdue(s: Subject, p: dict[str, Any], today: dt.date) -> list[Instance]:
    starts = [
        decided or contact
        for contact, outcome, decided in s.contact_outcomes()
        if outcome == "referral"
    ]
    starts += s.of(EventType.ASSESSMENT_STARTED)
    stops = s.of(EventType.ASSESSMENT_COMPLETED, EventType.EPISODE_CLOSED)
    working_days = int(p["working_days"])
    records = []
    for episode in _episodes(s, today):
        ordered = sorted(episode.assessments.all(), key=lambda a: (a.start_date, a.pk))
        for number, assessment in enumerate(ordered):
            if assessment.start_date > today:
                continue
            started = _on(s, EventType.ASSESSMENT_STARTED, assessment.start_date)
            if started is None:
                continue
            due = assessment.due_date
            if working_days != assessment_working_days():
                counted_from = episode.referral_date if number == 0 else assessment.start_date
                due = working_days_after(counted_from, working_days)
            done = _by(assessment.completed_date, today) or _by(episode.closure_date, today)
            records.append(([started], due < today and not done))
    clocks = _clocks(starts, stops)
    return _merged("assessment-overdue", s, clocks, records, working_days, today)


def icpc_overdue(s: Subject, p: dict[str, Any], today: dt.date) -> list[Instance]:
    starts = list(s.of(EventType.S47_STARTED))
    starts += [
        discussion
        for discussion in s.of(EventType.STRATEGY_DISCUSSION)
        if discussion.details.get("s47") is True
    ]
    stops = s.of(EventType.ICPC, EventType.EPISODE_CLOSED)
    working_days = int(p["working_days"])
    records = []
    for episode in _episodes(s, today):
        for s47 in episode.s47_enquiries.all():
            if s47.start_date > today:
                continue
            held = local_date(s47.strategy_discussion.held_at)
            events = [
                e
                for e in (
                    _on(s, EventType.STRATEGY_DISCUSSION, held, s47=True),
                    _on(s, EventType.S47_STARTED, s47.start_date),
                )
                if e is not None
            ]
            if not events:
                continue
            due = s47.icpc_target_date
            if working_days != ICPC_WORKING_DAYS:
                due = working_days_after(held, working_days)
            conference = _icpc_of(s47)
            done = (
                (conference is not None and _by(conference.conference_date, today))
                or (s47.icpc_not_required and _by(s47.completed_date, today))
                or _by(episode.closure_date, today)
            )
            records.append((events, due < today and not done))
    clocks = _clocks(starts, stops)
    return _merged("icpc-overdue", s, clocks, records, working_days, today)


def core_group_overdue(s: Subject, p: dict[str, Any], today: dt.date) -> list[Instance]:
    """T5: the core group due on each open CP plan (first 10 working days after the ICPC,
    then every 6 weeks), missed by `today`."""
    first_days = int(p["working_days"])
    weeks = _local(p, "core-group-overdue", "then_weeks", core_group_interval_weeks())
    standard = first_days == FIRST_CORE_GROUP_WORKING_DAYS and weeks == core_group_interval_weeks()
    found = []
    for episode in _episodes(s, today):
        for plan in _plans_open(episode, today, Plan.Kind.CP):
            meetings = sorted(plan.core_group_meetings.all(), key=lambda m: (m.meeting_date, m.pk))
            held = [m for m in meetings if m.meeting_date <= today]
            later = [m for m in meetings if m.meeting_date > today]
            last = held[-1] if held else None
            if standard:
                # A later meeting stored the due date of the item it met; with none, the
                # latest meeting is `last` and casework works the next date out from it.
                due = later[0].due_date if later else core_group_due_date(plan)
            elif last is None:
                due = working_days_after(plan.start_date, first_days)
            else:
                due = last.meeting_date + dt.timedelta(weeks=weeks)
                due = due if is_working_day(due) else next_working_day(due)
            if due is None or due >= today:
                continue
            raiser = (
                _on(s, EventType.CORE_GROUP, last.meeting_date)
                if last is not None
                else _on(s, EventType.ICPC, plan.start_date)
            )
            found += _due_instance("core-group-overdue", s, raiser, due)
    return found


def review_conference_overdue(s: Subject, p: dict[str, Any], today: dt.date) -> list[Instance]:
    """T6: the review conference due on each open CP plan (3 months after the ICPC, then
    6 months after the last review), missed by `today`."""
    first, then = int(p["first_months"]), int(p["then_months"])
    standard = (first, then) == (FIRST_REVIEW_MONTHS, LATER_REVIEW_MONTHS)
    found = []
    for episode in _episodes(s, today):
        for plan in _plans_open(episode, today, Plan.Kind.CP):
            if plan.icpc_id is None:
                continue
            reviews = sorted(
                (
                    c
                    for c in episode.conferences.all()
                    if c.kind == Conference.Kind.REVIEW and c.conference_date >= plan.start_date
                ),
                key=lambda c: (c.conference_date, c.pk),
            )
            held = [c for c in reviews if c.conference_date <= today]
            later = [c for c in reviews if c.conference_date > today]
            last = held[-1] if held else None
            due: dt.date | None
            if standard:
                due = later[0].due_date if later else review_conference_due_date(plan)
            elif last is None:
                due = add_months(plan.start_date, first)
            else:
                due = add_months(last.conference_date, then)
            if due is None or due >= today:
                continue
            raiser = (
                _on(s, EventType.RCPC, last.conference_date)
                if last is not None
                else _on(s, EventType.ICPC, plan.start_date)
            )
            found += _due_instance("review-conference-overdue", s, raiser, due)
    return found


def supervision_overdue(s: Subject, p: dict[str, Any], today: dt.date) -> list[Instance]:
    """LOCAL: no recorded supervision for `weeks` weeks on an open CP or CIN plan, counted
    from the last supervision, or from the plan's start when there has been none since."""
    weeks = _local(p, "supervision-overdue", "weeks", supervision_weeks())
    found = []
    for episode in _episodes(s, today):
        plans = _plans_open(episode, today, Plan.Kind.CP, Plan.Kind.CIN)
        if not plans:
            continue
        plan = min(plans, key=lambda x: (x.start_date, x.pk))
        supervisions = [x for x in episode.supervisions.all() if x.supervision_date <= today]
        last = max(supervisions, key=lambda x: (x.supervision_date, x.pk), default=None)
        if last is not None and last.supervision_date >= plan.start_date:
            since = last.supervision_date
            raiser = _on(s, EventType.SUPERVISION, since)
        else:
            kind = plan.kind
            started = (
                EventType.CP_PLAN_STARTED if kind == Plan.Kind.CP else EventType.CIN_PLAN_STARTED
            )
            since, raiser = plan.start_date, _on(s, started, plan.start_date)
        due = since + dt.timedelta(weeks=weeks)
        if due < today:
            found += _due_instance("supervision-overdue", s, raiser, due)
    return found


# Reading casework records -------------------------------------------------------------------


def _by(day: dt.date | None, today: dt.date) -> bool:
    """Whether a record dated `day` was done by the clock's date (the date itself counts)."""
    return day is not None and day <= today


def _local(p: dict[str, Any], code: str, name: str, casework_setting: int) -> int:
    """A LOCAL threshold: the partnership's RuleSetting when it changed it, else casework's."""
    value = int(p[name])
    return casework_setting if value == catalogue.rule_get(code).defaults[name] else value


def _due_instance(rule: str, s: Subject, raiser: Ev | None, due: dt.date) -> list[Instance]:
    if raiser is None or not s.is_child_at(raiser.at):
        return []
    passed = dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)
    return [Instance(rule, s.person_id, raiser.id, passed, [raiser.id])]


def _on(s: Subject, type: str, day: dt.date, *, s47: bool | None = None) -> Ev | None:
    """The person's latest event of `type` on `day`: the one a casework record wrote."""
    found = [
        e
        for e in s.of(type)
        if local_date(e.at) == day and (s47 is None or e.details.get("s47") is s47)
    ]
    return found[-1] if found else None


def _plans_open(episode: Episode, today: dt.date, *kinds: str) -> list[Plan]:
    return [
        plan
        for plan in episode.plans.all()
        if plan.kind in kinds
        and plan.start_date <= today
        and not _by(plan.end_date, today)
        and not _by(episode.closure_date, today)
    ]


def _icpc_of(s47: S47Enquiry) -> Conference | None:
    try:
        return s47.icpc
    except Conference.DoesNotExist:
        return None


def _episodes(s: Subject, today: dt.date) -> list[Episode]:
    """The child's episodes opened by `today` (a closure by then ends their clocks)."""
    return [e for e in _casework(s.world).get(s.person_id, []) if e.referral_date <= today]


_loaded: tuple[weakref.ReferenceType[World], dict[int, list[Episode]]] | None = None


def _casework(world: World) -> dict[int, list[Episode]]:
    """Every episode with its records, by child, loaded once per evaluation (per World)."""
    global _loaded
    if _loaded is not None and _loaded[0]() is world:
        return _loaded[1]
    by_child: dict[int, list[Episode]] = defaultdict(list)
    for episode in _with_records(Episode.objects.order_by("referral_date", "pk")):
        by_child[episode.child_id].append(episode)
    _loaded = (weakref.ref(world), dict(by_child))
    return _loaded[1]


def _with_records(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    return episodes.prefetch_related(
        Prefetch("assessments", queryset=Assessment.objects.all()),
        Prefetch("supervisions", queryset=Supervision.objects.all()),
        Prefetch(
            "plans",
            queryset=Plan.objects.prefetch_related(
                Prefetch("core_group_meetings", queryset=CoreGroupMeeting.objects.all())
            ),
        ),
        Prefetch(
            "s47_enquiries",
            queryset=S47Enquiry.objects.select_related("icpc", "strategy_discussion"),
        ),
        Prefetch("conferences", queryset=Conference.objects.all()),
    )


STREAM_TIMESCALES = {
    "assessment-overdue": assessment_overdue,
    "icpc-overdue": icpc_overdue,
    "core-group-overdue": core_group_overdue,
    "review-conference-overdue": review_conference_overdue,
    "supervision-overdue": supervision_overdue,
}


def contact_decision_overdue(*, as_of: dt.datetime | dt.date) -> list[Instance]:
    """T1 from the front door's records: contacts with no final decision by their deadline."""
    from sightline.frontdoor.selectors import contacts_overdue

    found = []
    for child_id, event_id, received_at, occurred_at in (
        contacts_overdue(as_of=as_of)
        .filter(child__isnull=False)
        .values_list("child_id", "event_id", "received_at", "event__occurred_at")
    ):
        raised_at = occurred_at or received_at
        evidence = [event_id] if event_id else []
        found.append(Instance("contact-decision-overdue", child_id, event_id, raised_at, evidence))
    return found


# Who the sweep reads ---------------------------------------------------------------------------

# Every event type that starts (or restarts) a stream timescale's clock, or that a casework
# record's item is raised by: a person with any of them may have a deadline to miss. Reading
# only some of them leaves out, say, a child whose case was opened in casework (no front door
# contact) and is on a CIN plan with no supervision recorded (supervision-overdue).
CLOCK_EVENT_TYPES = (
    EventType.CONTACT,
    EventType.CONTACT_DECIDED,
    EventType.ASSESSMENT_STARTED,
    EventType.STRATEGY_DISCUSSION,
    EventType.S47_STARTED,
    EventType.ICPC,
    EventType.CORE_GROUP,
    EventType.RCPC,
    EventType.CP_PLAN_STARTED,
    EventType.CIN_PLAN_STARTED,
    EventType.SUPERVISION,
)


def timescale_people() -> set[int]:
    """Everyone a stream timescale may raise an alert about: each person with an event that
    starts one of their clocks, and each child with a casework episode."""
    from sightline.chronology.models import Participant

    people = set(
        Participant.objects.filter(event__type__in=CLOCK_EVENT_TYPES).values_list(
            "person_id", flat=True
        )
    )
    people.update(Episode.objects.values_list("child_id", flat=True))
    return people


# Items done after their deadline ----------------------------------------------------------------

# What ends a missed item, read after the event that started its clock: the work the rule
# asks for, or the case or plan it belonged to ending first.
ENDED_BY: dict[str, dict[str, str]] = {
    "assessment-overdue": {
        EventType.ASSESSMENT_COMPLETED: "the assessment was completed",
        EventType.EPISODE_CLOSED: "the episode was closed",
    },
    "icpc-overdue": {
        EventType.ICPC: "the initial child protection conference was held",
        EventType.EPISODE_CLOSED: "the episode was closed",
    },
    "core-group-overdue": {
        EventType.CORE_GROUP: "the core group met",
        EventType.CP_PLAN_ENDED: "the child protection plan ended",
        EventType.EPISODE_CLOSED: "the episode was closed",
    },
    "review-conference-overdue": {
        EventType.RCPC: "the review child protection conference was held",
        EventType.CP_PLAN_ENDED: "the child protection plan ended",
        EventType.EPISODE_CLOSED: "the episode was closed",
    },
    "supervision-overdue": {
        EventType.SUPERVISION: "supervision was recorded",
        EventType.CP_PLAN_ENDED: "the child protection plan ended",
        EventType.CIN_PLAN_ENDED: "the child in need plan ended",
        EventType.EPISODE_CLOSED: "the episode was closed",
    },
}
WORK_DONE = frozenset(
    {
        EventType.ASSESSMENT_COMPLETED,
        EventType.ICPC,
        EventType.CORE_GROUP,
        EventType.RCPC,
        EventType.SUPERVISION,
    }
)


@dataclass(frozen=True)
class Ended:
    """How a missed item ended: the day, in words, and whether the work itself was done
    (False: the case or plan ended first). `due` is the item's due day."""

    on: dt.date
    what: str
    completed: bool
    due: dt.date


def item_ended(
    rule: str,
    s: Subject,
    raised_by: int | None,
    raised_at: dt.datetime,
    evidence: set[int],
    p: dict[str, Any],
    today: dt.date,
) -> Ended | None:
    """How the item of a stored stream timescale alert ended by `today`, or None while it has
    not (or when the alert names no event to read from).

    Only asked about an alert the rule no longer finds overdue; the first ending after the
    event that started the item's clock is the one that stopped it."""
    starts = [e for e in s.events if e.id == raised_by]
    if rule not in ENDED_BY or not starts:
        return None
    start = starts[0]
    due = _due_of(rule, s, start, raised_at, evidence, p, today)
    if rule == "icpc-overdue" and (done := _s47_ended_without_icpc(s, evidence, today)):
        return Ended(done, "the enquiry ended with no conference needed", True, due)
    endings = ENDED_BY[rule]
    for event in s.events:
        if event.type in endings and (event.at, event.id) > (start.at, start.id):
            on = local_date(event.at)
            if on > today:
                return None
            return Ended(on, endings[event.type], event.type in WORK_DONE, due)
    return None


def _due_of(
    rule: str,
    s: Subject,
    start: Ev,
    raised_at: dt.datetime,
    evidence: set[int],
    p: dict[str, Any],
    today: dt.date,
) -> dt.date:
    """The item's due day: the casework record's own where it has one; else counted from the
    event that started the clock. The later timescales raise at the end of the due day."""
    if rule not in ("assessment-overdue", "icpc-overdue"):
        return local_date(raised_at) - dt.timedelta(days=1)
    for episode in _episodes(s, today):
        if rule == "assessment-overdue":
            for assessment in episode.assessments.all():
                started = _on(s, EventType.ASSESSMENT_STARTED, assessment.start_date)
                if started is not None and started.id in evidence:
                    return assessment.due_date
        else:
            for s47 in episode.s47_enquiries.all():
                if _s47_events(s, s47) & evidence:
                    return s47.icpc_target_date
    return working_days_after(local_date(start.at), int(p["working_days"]))


def _s47_events(s: Subject, s47: S47Enquiry) -> set[int]:
    held = local_date(s47.strategy_discussion.held_at)
    return {
        e.id
        for e in (
            _on(s, EventType.STRATEGY_DISCUSSION, held, s47=True),
            _on(s, EventType.S47_STARTED, s47.start_date),
        )
        if e is not None
    }


def _s47_ended_without_icpc(s: Subject, evidence: set[int], today: dt.date) -> dt.date | None:
    for episode in _episodes(s, today):
        for s47 in episode.s47_enquiries.all():
            if (
                s47.icpc_not_required
                and _by(s47.completed_date, today)
                and _s47_events(s, s47) & evidence
            ):
                return s47.completed_date
    return None


def contact_decision_ended(event_id: int | None) -> Ended | None:
    """T1: when the contact whose event raised the alert got its final decision (a decision
    that needs a manager's authorisation is final when authorised)."""
    from sightline.frontdoor.models import Contact, Decision

    contact = Contact.objects.filter(event_id=event_id).first() if event_id else None
    if contact is None:
        return None
    try:
        decision = contact.decision
    except Decision.DoesNotExist:
        return None
    final = decision.authorised_at if decision.needs_authorisation else decision.decided_at
    if final is None:
        return None
    due = local_date(contact.decision_due_at)
    return Ended(local_date(final), "the contact was decided", True, due)


# Timescales read from the records of apps above risk -------------------------------------------

# The partnership's case reviews (T7 panel-notification-overdue, T8 rapid-review-overdue) are
# its own records, and risk may not import partnership (the layers of DESIGN.md section 3), so
# partnership registers them at start-up (`record_timescale_register`). An item names no
# chronology event: its alert concerns the child the record is linked to (a record with no
# child's record raises none), is raised at the end of its due day, and is recognised by its
# person, rule and that moment (`engine.timescales_sweep`).


@dataclass(frozen=True)
class RecordTimescale:
    """`overdue(today)`: (person id, due day) of each item overdue at `today`;
    `ended(person_id, due, today)`: how the item due that day ended by `today`, or None."""

    overdue: Callable[[dt.date], list[tuple[int, dt.date]]]
    ended: Callable[[int, dt.date, dt.date], Ended | None]


RECORD_TIMESCALES: dict[str, RecordTimescale] = {}


def record_timescale_register(
    code: str,
    *,
    overdue: Callable[[dt.date], list[tuple[int, dt.date]]],
    ended: Callable[[int, dt.date, dt.date], Ended | None],
) -> None:
    catalogue.rule_get(code)  # a rule of the catalogue, or KeyError
    RECORD_TIMESCALES[code] = RecordTimescale(overdue, ended)


def due_passed(due: dt.date) -> dt.datetime:
    """The moment a deadline passed: the end of its due day (midnight, London time)."""
    return dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)


def record_timescale_instances(code: str, today: dt.date) -> list[Instance]:
    return [
        Instance(code, person_id, None, due_passed(due), [])
        for person_id, due in RECORD_TIMESCALES[code].overdue(today)
    ]
