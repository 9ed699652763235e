"""Timescale rules read from casework records (built through the casework services):
core-group-overdue (T5), review-conference-overdue (T6), supervision-overdue (LOCAL), and the
casework side of icpc-overdue (T4) and assessment-overdue (T2).

The ICPC is on Thursday 17 April 2025: Good Friday, Easter Monday and the early May bank
holiday fall in the next 10 working days, so the first core group is due on Tuesday 6 May.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.casework.models import Conference, Episode, Plan, S47Enquiry
from sightline.casework.services.episodes import (
    assessment_start,
    episode_open,
    supervision_record,
)
from sightline.casework.services.plans import core_group_meeting_record, plan_create
from sightline.casework.services.protection import (
    Attendee,
    Member,
    at_time,
    conference_record,
    s47_complete,
    s47_start,
    strategy_discussion_record,
)
from sightline.chronology.models import Event
from sightline.core.working_days import LONDON
from sightline.risk import engine
from sightline.risk.tests.conftest import alerts, evidence
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db

ICPC_DAY = dt.date(2025, 4, 17)


@pytest.fixture
def manager(agencies):  # type: ignore[no-untyped-def]
    return f.user(agencies["csc"], "team_manager", username="tm.casework.timescales")


@pytest.fixture
def episode(time_machine, lily, agencies, social_worker):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-04-01 17:00 +01:00")
    return episode_open(
        actor=social_worker,
        child=lily,
        team=f.team(agencies["csc"], "Safeguarding Team North"),
        referral_date=dt.date(2025, 4, 1),
        referral_source="6",
    )


def s47(actor, episode: Episode, agencies, day: dt.date) -> S47Enquiry:  # type: ignore[no-untyped-def]
    discussion = strategy_discussion_record(
        actor=actor,
        episode=episode,
        held_at=at_time(day, 10),
        attendees=[
            Attendee(agency=agencies["csc"], name="Ann Worker", role="Social worker"),
            Attendee(agency=agencies["police"], name="DC Lee", role="Detective constable"),
            Attendee(agency=agencies["health"], name="Nia Nurse", role="Named nurse"),
        ],
        information_shared="Bruising seen by the health visitor; police called twice.",
        s47_decided=True,
        safety_plan="She stays with her grandmother until the conference.",
    )
    return s47_start(actor=actor, discussion=discussion, start_date=day)


@pytest.fixture
def cp_plan(time_machine, episode, social_worker, agencies):  # type: ignore[no-untyped-def]
    """S47 from Thursday 3 April; the ICPC on Thursday 17 April decides a CP plan."""
    time_machine.move_to("2025-04-03 17:00 +01:00")
    enquiry = s47(social_worker, episode, agencies, dt.date(2025, 4, 3))
    time_machine.move_to("2025-04-17 17:00 +01:00")
    conference = conference_record(
        actor=social_worker,
        episode=episode,
        kind=Conference.Kind.INITIAL,
        s47=enquiry,
        conference_date=ICPC_DAY,
        decision=Conference.Decision.CP_PLAN,
        category="NEG",
        lead_social_worker=social_worker,
        core_group=[Member(name="Sam Parent", role="Mother")],
    )
    return Plan.objects.get(icpc=conference)


def found(rule: str, as_of: str) -> list[tuple[int | None, dt.datetime]]:
    return [
        (i.raised_by, i.raised_at)
        for i in engine.compute(as_of=dt.date.fromisoformat(as_of))
        if i.rule == rule
    ]


def event(type: str, day: dt.date) -> Event:
    return Event.objects.get(type=type, occurred_at__date=day)


def passed(day: str) -> dt.datetime:
    """The due moment: the end of the due day (midnight into the next day), London time."""
    return dt.datetime.combine(
        dt.date.fromisoformat(day) + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON
    )


def hold_core_group(actor, plan: Plan, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    core_group_meeting_record(
        actor=actor,
        plan=plan,
        meeting_date=day,
        present=list(plan.core_group.all()),
        progress=[],
    )


def test_a_core_group_not_held_10_working_days_after_the_icpc_is_overdue(
    time_machine, cp_plan, social_worker, lily
):
    icpc = event("icpc", ICPC_DAY)
    assert found("core-group-overdue", "2025-05-06") == []
    assert found("core-group-overdue", "2025-05-07") == [(icpc.pk, passed("2025-05-06"))]

    time_machine.move_to("2025-05-06 18:00 +01:00")
    engine.timescales_sweep()
    assert alerts("core-group-overdue") == []
    time_machine.move_to("2025-05-07 09:00 +01:00")
    engine.timescales_sweep()
    [alert] = alerts("core-group-overdue", lily)
    assert (alert.raised_by_id, alert.raised_at) == (icpc.pk, passed("2025-05-06"))
    assert evidence(alert) == [icpc.pk]

    # Held a day late: it stops being overdue and the sweep raises nothing more (the alert
    # raised stays, as every missed deadline does, for someone to close).
    time_machine.move_to("2025-05-07 17:00 +01:00")
    hold_core_group(social_worker, cp_plan, dt.date(2025, 5, 7))
    engine.timescales_sweep()
    assert alerts("core-group-overdue", lily) == [alert]
    assert found("core-group-overdue", "2025-05-07") == []
    # The next is due 6 weeks after the meeting: Wednesday 18 June.
    meeting = event("core_group", dt.date(2025, 5, 7))
    assert found("core-group-overdue", "2025-06-18") == []
    assert found("core-group-overdue", "2025-06-19") == [(meeting.pk, passed("2025-06-18"))]


def test_as_of_before_a_late_core_group_finds_it_overdue(time_machine, cp_plan, social_worker):
    time_machine.move_to("2025-05-09 17:00 +01:00")
    hold_core_group(social_worker, cp_plan, dt.date(2025, 5, 9))
    icpc = event("icpc", ICPC_DAY)
    assert found("core-group-overdue", "2025-05-08") == [(icpc.pk, passed("2025-05-06"))]
    assert found("core-group-overdue", "2025-05-09") == []


def test_the_first_review_conference_is_overdue_3_months_after_the_icpc(
    time_machine, cp_plan, social_worker, episode
):
    icpc = event("icpc", ICPC_DAY)
    assert found("review-conference-overdue", "2025-07-17") == []
    assert found("review-conference-overdue", "2025-07-18") == [(icpc.pk, passed("2025-07-17"))]
    time_machine.move_to("2025-07-17 17:00 +01:00")
    conference_record(
        actor=social_worker,
        episode=episode,
        kind=Conference.Kind.REVIEW,
        plan=cp_plan,
        conference_date=dt.date(2025, 7, 17),
        decision=Conference.Decision.CONTINUE,
    )
    assert found("review-conference-overdue", "2025-07-18") == []
    review = event("rcpc", dt.date(2025, 7, 17))
    # 6 months on is Saturday 17 January 2026: due the working day before, Friday 16 January.
    assert found("review-conference-overdue", "2026-01-16") == []
    assert found("review-conference-overdue", "2026-01-17") == [(review.pk, passed("2026-01-16"))]


def test_supervision_is_overdue_4_weeks_after_the_last_one_on_a_cin_plan(
    time_machine, episode, social_worker, manager
):
    time_machine.move_to("2025-04-22 17:00 +01:00")
    plan_create(
        actor=social_worker, episode=episode, kind=Plan.Kind.CIN, start_date=dt.date(2025, 4, 8)
    )
    supervision_record(
        actor=manager,
        episode=episode,
        supervision_date=dt.date(2025, 4, 22),
        decisions="Visit weekly; review the plan in May.",
        next_date=dt.date(2025, 5, 20),
    )
    supervised = event("supervision", dt.date(2025, 4, 22))
    assert found("supervision-overdue", "2025-05-20") == []
    assert found("supervision-overdue", "2025-05-21") == [(supervised.pk, passed("2025-05-20"))]


def test_supervision_is_not_overdue_on_a_case_with_no_plan(time_machine, episode, manager):
    time_machine.move_to("2025-04-22 17:00 +01:00")
    supervision_record(
        actor=manager,
        episode=episode,
        supervision_date=dt.date(2025, 4, 22),
        decisions="Complete the assessment.",
        next_date=dt.date(2025, 5, 20),
    )
    assert found("supervision-overdue", "2025-07-01") == []


def test_no_alerts_when_the_work_is_done_on_time(
    time_machine, cp_plan, social_worker, manager, episode
):
    for day in ("2025-05-01", "2025-05-29", "2025-06-26", "2025-07-17"):
        date = dt.date.fromisoformat(day)
        time_machine.move_to(f"{day} 17:00 +01:00")
        supervision_record(
            actor=manager,
            episode=episode,
            supervision_date=date,
            decisions="Plan on track.",
            next_date=date + dt.timedelta(weeks=4),
        )
        if day == "2025-05-01":
            hold_core_group(social_worker, cp_plan, date)
    time_machine.move_to("2025-06-12 17:00 +01:00")
    hold_core_group(social_worker, cp_plan, dt.date(2025, 6, 12))
    time_machine.move_to("2025-07-17 17:00 +01:00")
    hold_core_group(social_worker, cp_plan, dt.date(2025, 7, 17))
    conference_record(
        actor=social_worker,
        episode=episode,
        kind=Conference.Kind.REVIEW,
        plan=cp_plan,
        conference_date=dt.date(2025, 7, 17),
        decision=Conference.Decision.CONTINUE,
    )
    time_machine.move_to("2025-07-20 09:00 +01:00")
    engine.timescales_sweep()
    rules = ("core-group-overdue", "review-conference-overdue", "supervision-overdue")
    for rule in (*rules, "icpc-overdue"):
        assert alerts(rule) == []
        for as_of in ("2025-05-07", "2025-06-01", "2025-07-18"):
            assert found(rule, as_of) == []


def test_an_s47_completed_with_no_conference_required_is_not_icpc_overdue(
    time_machine, episode, social_worker, agencies
):
    time_machine.move_to("2025-04-03 17:00 +01:00")
    enquiry = s47(social_worker, episode, agencies, dt.date(2025, 4, 3))
    # The chronology alone (strategy discussion, s47_started, no icpc) would find it overdue,
    # from the first of the day's two events: the S47 start, a date-only step, is stored at the
    # start of its day (core.dates), the discussion at 10:00.
    started = event("s47_started", dt.date(2025, 4, 3))
    assert found("icpc-overdue", "2025-04-29") == [(started.pk, started.occurred_at)]
    time_machine.move_to("2025-04-15 17:00 +01:00")
    s47_complete(
        actor=social_worker,
        s47=enquiry,
        completed_date=dt.date(2025, 4, 15),
        outcome="No continuing risk of significant harm.",
        icpc_not_required=True,
    )
    assert found("icpc-overdue", "2025-04-29") == []
    assert found("icpc-overdue", "2025-04-14") == []  # not due until 28 April


def test_an_assessment_past_its_due_date_raises_one_alert_naming_it(
    time_machine, episode, social_worker, lily
):
    time_machine.move_to("2025-04-02 17:00 +01:00")
    assessment = assessment_start(
        actor=social_worker, episode=episode, start_date=dt.date(2025, 4, 2)
    )
    referral = event("contact", dt.date(2025, 4, 1))
    started = event("assessment_started", dt.date(2025, 4, 2))
    due = assessment.due_date.isoformat()
    assert found("assessment-overdue", due) == []
    next_day = (assessment.due_date + dt.timedelta(days=1)).isoformat()
    assert found("assessment-overdue", next_day) == [(referral.pk, referral.occurred_at)]
    time_machine.move_to(f"{next_day} 09:00 +01:00")
    engine.timescales_sweep()
    engine.timescales_sweep()
    [alert] = alerts("assessment-overdue", lily)
    assert evidence(alert) == [referral.pk, started.pk]
