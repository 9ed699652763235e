"""The team's due list: what is overdue and what is due this week, moving with the clock
across weekends and bank holidays, and changing as each step is recorded."""

# ruff: noqa: F811 (the shared fixtures are imported by name and used as arguments)

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sightline.casework.models import Plan, S47Enquiry, StrategyDiscussion
from sightline.casework.selectors import open_work_for_child, team_due_list
from sightline.casework.services.episodes import (
    assessment_complete,
    assessment_start,
    supervision_record,
    visit_record,
)
from sightline.casework.tests.test_episodes_builders import (  # noqa: F401 (fixtures)
    case_worker,
    child,
    north_team,
    open_episode,
    south_team,
    team_manager,
)
from sightline.core.models import AuditEntry

FRIDAY_BEFORE_BANK_HOLIDAY = dt.date(2025, 5, 2)  # Monday 5 May 2025 is a bank holiday


def listed(due):  # type: ignore[no-untyped-def]
    return (
        [(d.kind, d.due_date) for d in due.overdue],
        [(d.kind, d.due_date) for d in due.due_this_week],
    )


@pytest.fixture
def referred(time_machine, case_worker, child, north_team):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-05-02 16:00 +01:00", tick=False)
    return open_episode(case_worker, child, north_team, FRIDAY_BEFORE_BANK_HOLIDAY)


def test_an_assessment_from_a_friday_before_two_bank_holidays_is_due_on_tuesday_8_july(
    referred, case_worker
):
    # 45 working days from Friday 2 May 2025, passing the bank holidays of 5 and 26 May.
    assessment = assessment_start(
        actor=case_worker, episode=referred, start_date=FRIDAY_BEFORE_BANK_HOLIDAY
    )
    assert assessment.due_date == dt.date(2025, 7, 8)


def test_the_assessment_is_due_this_week_then_overdue_the_day_after(
    referred, time_machine, case_worker, team_manager, north_team
):
    assessment_start(actor=case_worker, episode=referred, start_date=FRIDAY_BEFORE_BANK_HOLIDAY)
    supervision_record(
        actor=team_manager,
        episode=referred,
        supervision_date=FRIDAY_BEFORE_BANK_HOLIDAY,
        decisions="See the child at school this week.",
        next_date=dt.date(2025, 9, 1),
    )
    time_machine.move_to("2025-07-07 09:00 +01:00", tick=False)  # Monday
    due = team_due_list(user=team_manager, team=north_team, as_of=timezone.localdate())
    assert listed(due) == ([], [("Assessment", dt.date(2025, 7, 8))])
    time_machine.move_to("2025-07-09 09:00 +01:00", tick=False)
    due = team_due_list(user=team_manager, team=north_team, as_of=timezone.localdate())
    assert listed(due) == ([("Assessment", dt.date(2025, 7, 8))], [])
    assert due.overdue[0].child == referred.child


def test_the_list_changes_at_each_step(
    referred, time_machine, case_worker, team_manager, north_team
):
    def now():  # type: ignore[no-untyped-def]
        return team_due_list(user=case_worker, team=north_team, as_of=timezone.localdate())

    # No supervision yet: it is due 4 weeks after the referral (Friday 30 May).
    time_machine.move_to("2025-05-27 09:00 +01:00", tick=False)
    assert listed(now()) == ([], [("Supervision", dt.date(2025, 5, 30))])
    supervision_record(
        actor=team_manager,
        episode=referred,
        supervision_date=dt.date(2025, 5, 27),
        decisions="Start the assessment now.",
        next_date=dt.date(2025, 6, 24),
    )
    assert listed(now()) == ([], [])
    assessment = assessment_start(
        actor=case_worker, episode=referred, start_date=dt.date(2025, 5, 27)
    )
    time_machine.move_to("2025-07-09 09:00 +01:00", tick=False)
    assert listed(now()) == (
        [("Supervision", dt.date(2025, 6, 24)), ("Assessment", dt.date(2025, 7, 8))],
        [],
    )
    assessment_complete(
        actor=team_manager,
        assessment=assessment,
        outcome="Child in need plan",
        completed_date=dt.date(2025, 7, 9),
        factors=["4B"],
        late_reason="The mother was in hospital in June.",
    )
    supervision_record(
        actor=team_manager,
        episode=referred,
        supervision_date=dt.date(2025, 7, 9),
        decisions="Child in need plan; visit every four weeks.",
        next_date=dt.date(2025, 7, 11),
    )
    assert listed(now()) == ([], [("Supervision", dt.date(2025, 7, 11))])


def _cp_plan_visited_on_12_may(episode, case_worker, time_machine):  # type: ignore[no-untyped-def]
    """A child protection plan from Friday 2 May 2025, and a visit on Monday 12 May."""
    Plan.objects.create(
        episode=episode,
        kind=Plan.Kind.CP,
        status=Plan.Status.CONFIRMED,
        start_date=dt.date(2025, 5, 2),
        created_by=case_worker,
    )
    time_machine.move_to("2025-05-12 09:00 +01:00", tick=False)
    visit_record(
        actor=case_worker,
        episode=episode,
        visit_date=dt.date(2025, 5, 12),
        child_seen=True,
        seen_alone=True,
    )


def test_visits_on_a_child_protection_plan_are_due_every_10_working_days(
    referred, time_machine, case_worker, north_team
):
    _cp_plan_visited_on_12_may(referred, case_worker, time_machine)
    # Ten working days after Monday 12 May, passing the bank holiday of Monday 26 May.
    time_machine.move_to("2025-05-27 09:00 +01:00", tick=False)
    due = team_due_list(user=case_worker, team=north_team, as_of=timezone.localdate())
    visits = [d.due_date for d in due.due_this_week + due.overdue if d.kind == "Statutory visit"]
    assert visits == [dt.date(2025, 5, 27)]
    core_groups = [d.due_date for d in due.overdue + due.due_this_week if d.kind == "Core group"]
    assert core_groups == [dt.date(2025, 5, 19)]  # 10 working days after the plan began


def test_an_s47_without_a_conference_shows_its_icpc_target(
    referred, time_machine, case_worker, north_team
):
    discussion = StrategyDiscussion.objects.create(
        episode=referred,
        held_at=timezone.make_aware(dt.datetime(2025, 5, 2, 11)),
        information_shared="Shared",
        s47_decided=True,
        chaired_by=case_worker,
    )
    S47Enquiry.objects.create(
        episode=referred,
        strategy_discussion=discussion,
        start_date=dt.date(2025, 5, 2),
        icpc_target_date=dt.date(2025, 5, 27),
        created_by=case_worker,
    )
    time_machine.move_to("2025-05-28 09:00 +01:00", tick=False)
    due = team_due_list(user=case_worker, team=north_team, as_of=timezone.localdate())
    assert ("Initial child protection conference", dt.date(2025, 5, 27)) in listed(due)[0]


def test_the_list_shows_only_the_teams_open_episodes_and_is_recorded(
    referred, agencies, case_worker, south_team, north_team
):
    elsewhere = team_due_list(user=case_worker, team=south_team, as_of=dt.date(2025, 7, 9))
    assert elsewhere.open_episodes == 0 and listed(elsewhere) == ([], [])
    team_due_list(user=case_worker, team=north_team, as_of=dt.date(2025, 7, 9))
    entry = AuditEntry.objects.filter(action="casework.team_due_list.viewed").last()
    assert entry.detail["shown"] == [referred.child_id]


def test_people_outside_social_care_cannot_see_a_due_list(referred, police_officer, north_team):
    with pytest.raises(PermissionDenied):
        team_due_list(user=police_officer, team=north_team, as_of=dt.date(2025, 7, 9))


def test_the_childs_page_shows_the_open_episode_and_the_assessment_due_date(
    referred, case_worker, police_officer
):
    assessment_start(actor=case_worker, episode=referred, start_date=FRIDAY_BEFORE_BANK_HOLIDAY)
    items = open_work_for_child(user=case_worker, person=referred.child)
    assert [item.kind for item in items] == ["Open episode", "Assessment due"]
    assert items[1].due_at == dt.date(2025, 7, 8)
    assert open_work_for_child(user=police_officer, person=referred.child) == []


def test_the_childs_page_shows_the_next_statutory_visit_reading_only_what_it_shows(
    referred, time_machine, case_worker, django_assert_max_num_queries
):
    _cp_plan_visited_on_12_may(referred, case_worker, time_machine)
    assessment_start(actor=case_worker, episode=referred, start_date=dt.date(2025, 5, 12))
    # The episode, then its assessments, visits and plans: not its supervisions, enquiries,
    # conferences or core groups, which the page does not show.
    with django_assert_max_num_queries(4):
        items = open_work_for_child(user=case_worker, person=referred.child)
    assert [(item.kind, item.due_at) for item in items[1:]] == [
        ("Assessment due", dt.date(2025, 7, 8)),  # 45 working days after the referral
        ("Next statutory visit", dt.date(2025, 5, 27)),
    ]
