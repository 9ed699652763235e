"""The episode services: opening from a referral, assessments, visits, supervision, transfer,
each refusal saying what to fix and each step on the child's chronology."""

# ruff: noqa: F811 (the shared fixtures are imported by name and used as arguments)

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.casework.models import Episode
from sightline.casework.services.episodes import (
    assessment_complete,
    assessment_record,
    assessment_start,
    case_reallocate,
    case_transfer,
    episode_open,
    supervision_record,
    visit_record,
)
from sightline.casework.tests.test_episodes_builders import (  # noqa: F401 (fixtures)
    case_worker,
    child,
    kinds,
    north_team,
    open_episode,
    referral,
    south_team,
    team_manager,
)
from sightline.chronology.models import Event, EventType
from sightline.core.models import AuditEntry
from sightline.testing import factories as f

MARCH_3 = dt.date(2025, 3, 3)


@pytest.fixture
def today(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-06-02 10:00 +01:00", tick=False)
    return dt.date(2025, 6, 2)


@pytest.fixture
def episode(today, case_worker, child, north_team):  # type: ignore[no-untyped-def]
    return open_episode(case_worker, child, north_team, MARCH_3)


# Opening ------------------------------------------------------------------------------


def test_a_referral_from_the_front_door_opens_an_episode_with_the_contacts_date_and_source(
    today, agencies, ifd_practitioner, case_worker, child, north_team
):
    referral(child, agencies, reference="C-2025-000101", received="2025-03-03", source="2A")
    episode = episode_open(
        actor=ifd_practitioner,
        child=child,
        team=north_team,
        lead_social_worker=case_worker,
        contact_reference="C-2025-000101",
    )
    assert episode.referral_date == MARCH_3
    assert episode.referral_source == "2A"
    assert episode.team == north_team and episode.lead_social_worker == case_worker
    assert AuditEntry.objects.filter(action="episode.opened", object_id=str(episode.pk)).exists()


def test_a_contact_that_was_not_referred_cannot_open_an_episode(
    today, agencies, ifd_practitioner, child, north_team
):
    with pytest.raises(ValidationError, match="was not referred to social care") as error:
        episode_open(
            actor=ifd_practitioner, child=child, team=north_team, contact_reference="C-NOPE"
        )
    assert "contact_reference" in error.value.message_dict


def test_a_direct_referral_is_written_on_the_chronology_as_a_referral(
    today, case_worker, child, north_team
):
    open_episode(case_worker, child, north_team, MARCH_3, source="6")
    contact = Event.objects.get(participants__person=child, type=EventType.CONTACT)
    assert contact.details["outcome"] == "referral"
    assert contact.details["referral_source"] == "6"


@pytest.mark.parametrize("source", ["1A", "1B", "1C", "1D"])
def test_an_individuals_referral_reads_as_from_a_member_of_the_public_on_the_chronology(
    today, case_worker, child, north_team, source
):
    open_episode(case_worker, child, north_team, MARCH_3, source=source)
    contact = Event.objects.get(participants__person=child, type=EventType.CONTACT)
    assert contact.summary == "Referral to children's social care (from a member of the public)."
    assert "Individual" not in contact.summary


def test_it_refuses_a_second_open_episode_for_the_same_child(
    episode, case_worker, child, north_team
):
    with pytest.raises(ValidationError, match="already has an open episode from 3 March 2025"):
        open_episode(case_worker, child, north_team, dt.date(2025, 4, 1))
    assert Episode.objects.filter(child=child).count() == 1


def test_opening_an_episode_lists_every_problem_at_once(
    episode, case_worker, child, agencies, south_team
):
    """Issue 14: errors shown in stages. No team, an unknown source, a lead social worker of
    another team and a second open episode are refused together."""
    elsewhere = f.user(agencies["csc"], "social_worker", username="sw.south", team=south_team)
    with pytest.raises(ValidationError) as refused:
        episode_open(
            actor=case_worker,
            child=child,
            team=None,
            lead_social_worker=elsewhere,
            referral_date=dt.date(2025, 4, 1),
            referral_source="Z9",
        )
    found = refused.value.message_dict
    assert found["team"] == ["Choose the social work team that will hold the case"]
    assert found["referral_source"] == ["Choose who made the referral (the DfE referral source)"]
    assert "already has an open episode from 3 March 2025" in found["__all__"][0]
    assert Episode.objects.filter(child=child).count() == 1


def test_it_refuses_a_team_outside_childrens_social_care(today, agencies, case_worker, child):
    police_team = f.team(agencies["police"], "Safeguarding Unit")
    with pytest.raises(ValidationError, match="is not a children's social care team"):
        open_episode(case_worker, child, police_team, MARCH_3)


def test_it_refuses_an_unknown_referral_source(today, case_worker, child, north_team):
    with pytest.raises(ValidationError, match="Choose who made the referral"):
        open_episode(case_worker, child, north_team, MARCH_3, source="99")


# Assessments --------------------------------------------------------------------------


def test_an_assessment_cannot_start_before_its_referral(episode, case_worker):
    with pytest.raises(ValidationError) as error:
        assessment_start(actor=case_worker, episode=episode, start_date=dt.date(2025, 3, 2))
    assert error.value.message_dict["start_date"] == [
        "The assessment cannot start before the referral on 3 March 2025: check the start date"
    ]


def test_only_one_assessment_is_open_at_a_time(episode, case_worker):
    assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    with pytest.raises(ValidationError, match="is still open: complete it before starting"):
        assessment_start(actor=case_worker, episode=episode, start_date=dt.date(2025, 3, 5))


def test_an_assessment_is_due_45_working_days_after_the_referral(episode, case_worker):
    assessment = assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    # From Monday 3 March 2025: Good Friday (18 April) and Easter Monday (21 April) and the
    # early May bank holiday (5 May) are not working days.
    assert assessment.due_date == dt.date(2025, 5, 8)


def test_factor_21_is_never_combined_with_another_factor(episode, case_worker):
    assessment = assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    with pytest.raises(ValidationError, match="21 No factors identified cannot be combined"):
        assessment_record(actor=case_worker, assessment=assessment, factors=["21", "3B"])


def test_only_cin_factor_codes_are_accepted(episode, case_worker):
    assessment = assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    with pytest.raises(ValidationError, match="7B is not a CIN assessment factor"):
        assessment_record(actor=case_worker, assessment=assessment, factors=["7B"])


def test_the_childs_words_and_factors_are_recorded_in_census_order(episode, case_worker):
    assessment = assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    assessment_record(
        actor=case_worker,
        assessment=assessment,
        child_seen_date=dt.date(2025, 3, 4),
        child_voice="I don't like it when they shout.",
        factors=["16A", "3b", "3B"],
    )
    assessment.refresh_from_db()
    assert assessment.factors == ["3B", "16A"]
    assert assessment.child_voice == "I don't like it when they shout."


def test_a_social_worker_cannot_authorise_an_assessment(episode, case_worker):
    assessment = assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    with pytest.raises(ValidationError, match="A team manager must authorise"):
        assessment_complete(
            actor=case_worker,
            assessment=assessment,
            outcome="Child in need plan",
            completed_date=dt.date(2025, 4, 1),
            factors=["3B"],
        )


def test_a_late_assessment_needs_a_reason(episode, case_worker, team_manager):
    assessment = assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    with pytest.raises(ValidationError) as error:
        assessment_complete(
            actor=team_manager,
            assessment=assessment,
            outcome="Child in need plan",
            completed_date=dt.date(2025, 5, 12),
            factors=["3B"],
        )
    assert error.value.message_dict["late_reason"] == [
        "This assessment was due on 8 May 2025: say why it took longer"
    ]
    assessment_complete(
        actor=team_manager,
        assessment=assessment,
        outcome="Child in need plan",
        completed_date=dt.date(2025, 5, 12),
        factors=["3B"],
        late_reason="The father could not be seen until May.",
    )
    assessment.refresh_from_db()
    assert assessment.authorised_by == team_manager
    assert assessment.late_reason == "The father could not be seen until May."


def test_an_assessment_needs_its_factors_to_be_completed(episode, case_worker, team_manager):
    assessment = assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    with pytest.raises(ValidationError, match="or 21 No factors identified"):
        assessment_complete(
            actor=team_manager,
            assessment=assessment,
            outcome="No further action",
            completed_date=dt.date(2025, 4, 1),
            factors=[],
        )


# Visits, supervision, transfer --------------------------------------------------------


def test_a_child_seen_alone_must_have_been_seen(episode, case_worker):
    with pytest.raises(ValidationError) as error:
        visit_record(
            actor=case_worker,
            episode=episode,
            visit_date=dt.date(2025, 3, 10),
            child_seen=False,
            seen_alone=True,
        )
    assert "seen_alone" in error.value.message_dict


def test_supervision_is_recorded_by_a_team_manager(episode, case_worker, team_manager):
    with pytest.raises(ValidationError, match="is not a team manager"):
        supervision_record(
            actor=case_worker,
            episode=episode,
            supervision_date=dt.date(2025, 3, 20),
            decisions="Complete the assessment.",
            next_date=dt.date(2025, 4, 17),
        )
    with pytest.raises(ValidationError, match="must be after this one"):
        supervision_record(
            actor=team_manager,
            episode=episode,
            supervision_date=dt.date(2025, 3, 20),
            decisions="Complete the assessment.",
            next_date=dt.date(2025, 3, 20),
        )
    with pytest.raises(ValidationError, match="Enter the decisions"):
        supervision_record(
            actor=team_manager,
            episode=episode,
            supervision_date=dt.date(2025, 3, 20),
            decisions="  ",
            next_date=dt.date(2025, 4, 17),
        )


def test_a_transfer_moves_the_case_and_its_social_worker(
    episode, agencies, case_worker, south_team
):
    newcomer = f.user(agencies["csc"], "social_worker", username="sw.rowan", team=south_team)
    case_transfer(
        actor=case_worker,
        episode=episode,
        to_team=south_team,
        transfer_date=dt.date(2025, 4, 1),
        reason="Child protection plan: the CP team holds the case.",
        to_social_worker=newcomer,
    )
    episode.refresh_from_db()
    assert episode.team == south_team and episode.lead_social_worker == newcomer
    with pytest.raises(ValidationError, match="already with"):
        case_transfer(
            actor=case_worker,
            episode=episode,
            to_team=south_team,
            transfer_date=dt.date(2025, 4, 2),
            reason="Again",
        )


def test_every_step_is_written_on_the_childs_chronology(
    episode, case_worker, team_manager, south_team, child
):
    assessment = assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    assessment_record(actor=case_worker, assessment=assessment, factors=["3B"])
    visit_record(
        actor=case_worker,
        episode=episode,
        visit_date=dt.date(2025, 3, 10),
        child_seen=True,
        seen_alone=True,
    )
    supervision_record(
        actor=team_manager,
        episode=episode,
        supervision_date=dt.date(2025, 3, 20),
        decisions="Complete the assessment by April.",
        next_date=dt.date(2025, 4, 17),
    )
    assessment_complete(
        actor=team_manager,
        assessment=assessment,
        outcome="Child in need plan",
        completed_date=dt.date(2025, 3, 28),
    )
    case_transfer(
        actor=case_worker,
        episode=episode,
        to_team=south_team,
        transfer_date=dt.date(2025, 4, 1),
        reason="Long-term team",
    )
    assert kinds(child) == [
        EventType.CONTACT,
        EventType.EPISODE_OPENED,
        EventType.ASSESSMENT_STARTED,
        EventType.STATUTORY_VISIT,
        EventType.SUPERVISION,
        EventType.ASSESSMENT_COMPLETED,
        EventType.CASE_TRANSFERRED,
    ]
    completed = Event.objects.get(participants__person=child, type=EventType.ASSESSMENT_COMPLETED)
    assert completed.details["factors"] == ["3B"]
    assert completed.source.kind == "social_care"
    visit = Event.objects.get(participants__person=child, type=EventType.STATUTORY_VISIT)
    assert visit.details == {"episode": episode.pk, "child_seen": True, "seen_alone": True}


# A lead worker belongs to the team that holds the case ---------------------------------


def test_it_refuses_a_lead_social_worker_from_another_team_when_opening(
    today, agencies, case_worker, child, south_team
):
    with pytest.raises(ValidationError) as refused:
        episode_open(
            actor=case_worker,
            child=child,
            team=south_team,
            lead_social_worker=case_worker,
            referral_date=MARCH_3,
            referral_source="6",
        )
    assert refused.value.message_dict["lead_social_worker"] == [
        f"{case_worker} works in Assessment Team North, not Child Protection Team South: choose "
        "someone from Child Protection Team South, or transfer the case to their team"
    ]
    assert not Episode.objects.filter(child=child).exists()


def test_a_transfer_refuses_a_new_social_worker_from_a_third_team(
    episode, agencies, case_worker, south_team
):
    elsewhere = f.team(agencies["csc"], "Disabled Children's Team")
    stranger = f.user(agencies["csc"], "social_worker", username="sw.hazel", team=elsewhere)
    with pytest.raises(ValidationError, match="works in Disabled Children's Team, not Child"):
        case_transfer(
            actor=case_worker,
            episode=episode,
            to_team=south_team,
            transfer_date=dt.date(2025, 4, 1),
            reason="Child protection plan: the CP team holds the case.",
            to_social_worker=stranger,
        )
    episode.refresh_from_db()
    assert episode.team.name == "Assessment Team North"


# Reallocation within the team -------------------------------------------------------------


def test_a_case_is_reallocated_within_its_team_and_the_move_is_recorded(
    episode, agencies, case_worker, team_manager, north_team, child
):
    colleague = f.user(agencies["csc"], "social_worker", username="sw.larch", team=north_team)
    move = case_reallocate(
        actor=team_manager,
        episode=episode,
        social_worker=colleague,
        reallocation_date=dt.date(2025, 4, 1),
        reason="Sam is going on leave for three months.",
    )
    episode.refresh_from_db()
    assert episode.team == north_team and episode.lead_social_worker == colleague
    assert move.within_team and (move.from_social_worker, move.to_social_worker) == (
        case_worker,
        colleague,
    )
    assert AuditEntry.objects.filter(action="case.reallocated", person_id=child.pk).exists()
    moved = Event.objects.get(participants__person=child, type=EventType.CASE_TRANSFERRED)
    assert moved.summary == "Case reallocated within Assessment Team North to a new social worker."


def test_a_reallocation_refuses_a_worker_from_another_team_the_same_worker_and_no_reason(
    episode, agencies, case_worker, team_manager, south_team
):
    outsider = f.user(agencies["csc"], "social_worker", username="sw.oak", team=south_team)
    with pytest.raises(ValidationError, match="works in Child Protection Team South, not"):
        case_reallocate(
            actor=team_manager,
            episode=episode,
            social_worker=outsider,
            reallocation_date=dt.date(2025, 4, 1),
            reason="Leave",
        )
    with pytest.raises(ValidationError, match="already holds the case"):
        case_reallocate(
            actor=team_manager,
            episode=episode,
            social_worker=case_worker,
            reallocation_date=dt.date(2025, 4, 1),
            reason="Leave",
        )
    with pytest.raises(ValidationError) as refused:
        case_reallocate(
            actor=team_manager,
            episode=episode,
            social_worker=None,
            reallocation_date=dt.date(2025, 4, 1),
            reason=" ",
        )
    assert set(refused.value.message_dict) == {"social_worker", "reason"}
    with pytest.raises(ValidationError, match="cannot be before the referral"):
        case_reallocate(
            actor=team_manager,
            episode=episode,
            social_worker=team_manager,
            reallocation_date=dt.date(2025, 3, 1),
            reason="Leave",
        )
