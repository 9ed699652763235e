"""Closing an episode: the DfE reasons, nothing ended silently, RC8/RC9 only after an
assessment with no plan or S47 (DOMAIN.md section 3)."""

# ruff: noqa: F811 (the shared fixtures are imported by name and used as arguments)

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sightline.accounts.models import User
from sightline.casework.models import ClosureRequest, Plan, S47Enquiry, StrategyDiscussion
from sightline.casework.services.episodes import (
    assessment_complete,
    assessment_start,
    episode_close,
    episode_closure_authorise,
    episode_closure_request,
    episode_closure_return,
)
from sightline.casework.tests.test_episodes_builders import (  # noqa: F401 (fixtures)
    case_worker,
    child,
    kinds,
    north_team,
    open_episode,
    south_team,
    team_manager,
)
from sightline.chronology.models import Event, EventType

MARCH_3 = dt.date(2025, 3, 3)


@pytest.fixture
def episode(time_machine, case_worker, child, north_team, team_manager):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-06-02 10:00 +01:00", tick=False)
    return open_episode(case_worker, child, north_team, MARCH_3)


@pytest.fixture
def assessed(episode, case_worker, team_manager):  # type: ignore[no-untyped-def]
    assessment = assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    assessment_complete(
        actor=team_manager,
        assessment=assessment,
        outcome="No further action: the family is supported by the school.",
        completed_date=dt.date(2025, 3, 20),
        factors=["21"],
    )
    return episode


SUMMARY = "The family is supported by the school; the child is safe and doing well."


def close(episode, day, reason):  # type: ignore[no-untyped-def]
    """A team manager closes the episode with a closure summary."""
    manager = User.objects.get(username="tm.willow")
    return episode_close(
        actor=manager, episode=episode, closure_date=day, reason=reason, summary=SUMMARY
    )


def cp_plan(episode, actor, start=dt.date(2025, 4, 1)):  # type: ignore[no-untyped-def]
    return Plan.objects.create(
        episode=episode,
        kind=Plan.Kind.CP,
        status=Plan.Status.CONFIRMED,
        start_date=start,
        created_by=actor,
    )


def test_rc8_is_refused_while_the_child_has_an_open_plan(assessed, case_worker):
    cp_plan(assessed, case_worker)
    with pytest.raises(ValidationError) as error:
        close(assessed, dt.date(2025, 5, 1), "RC8")
    assert error.value.message_dict["reason"] == [
        "Reason RC8 means the case closed after assessment with no further action: this child "
        "has an open child protection plan, so end the plan first"
    ]


def test_rc9_is_refused_when_the_episode_had_a_plan_even_an_ended_one(assessed, case_worker):
    plan = cp_plan(assessed, case_worker)
    plan.status, plan.end_date = Plan.Status.ENDED, dt.date(2025, 4, 20)
    plan.save()
    with pytest.raises(ValidationError, match="this episode had a plan, so choose another"):
        close(assessed, dt.date(2025, 5, 1), "RC9")


def test_rc8_is_refused_when_the_episode_had_a_section_47_enquiry(assessed, case_worker):
    discussion = StrategyDiscussion.objects.create(
        episode=assessed,
        held_at=timezone.make_aware(dt.datetime(2025, 3, 4, 10)),
        information_shared="Shared",
        s47_decided=True,
        chaired_by=case_worker,
    )
    S47Enquiry.objects.create(
        episode=assessed,
        strategy_discussion=discussion,
        start_date=dt.date(2025, 3, 4),
        icpc_target_date=dt.date(2025, 3, 25),
        completed_date=dt.date(2025, 3, 18),
        icpc_not_required=True,
        created_by=case_worker,
    )
    with pytest.raises(ValidationError, match="had a section 47 enquiry"):
        close(assessed, dt.date(2025, 5, 1), "RC8")


def test_rc8_needs_a_completed_assessment(episode, case_worker):
    with pytest.raises(ValidationError, match="complete and authorise the assessment first"):
        close(episode, dt.date(2025, 5, 1), "RC8")


def test_closing_is_refused_while_a_plan_is_open_whatever_the_reason(assessed, case_worker):
    cp_plan(assessed, case_worker)
    with pytest.raises(ValidationError, match="end the plan before closing the episode"):
        close(assessed, dt.date(2025, 5, 1), "RC7")


def test_closing_is_refused_while_an_assessment_is_open(episode, case_worker):
    assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    with pytest.raises(ValidationError, match="is still open: complete it before closing"):
        close(episode, dt.date(2025, 5, 1), "RC7")


def test_an_episode_cannot_close_before_its_referral_or_its_work(assessed, case_worker):
    with pytest.raises(ValidationError, match="before the referral on 3 March 2025"):
        close(assessed, dt.date(2025, 3, 1), "RC8")
    assessed.assessments.update(start_date=dt.date(2025, 3, 10))
    with pytest.raises(ValidationError, match="before an assessment was completed on 20 March"):
        close(assessed, dt.date(2025, 3, 5), "RC8")


def test_closing_after_assessment_writes_episode_closed_with_its_reason(
    assessed, case_worker, child
):
    close(assessed, dt.date(2025, 3, 21), "RC8")
    assessed.refresh_from_db()
    assert assessed.closure_date == dt.date(2025, 3, 21) and assessed.closure_reason == "RC8"
    closed = Event.objects.get(participants__person=child, type=EventType.EPISODE_CLOSED)
    assert closed.details["reason"] == "RC8"
    assert kinds(child)[-1] == EventType.EPISODE_CLOSED
    with pytest.raises(ValidationError, match="This episode closed on 21 March 2025"):
        close(assessed, dt.date(2025, 3, 22), "RC7")


def test_a_new_episode_may_open_once_the_last_one_closed(assessed, case_worker, child, north_team):
    close(assessed, dt.date(2025, 3, 21), "RC8")
    with pytest.raises(ValidationError, match="before the child's last episode closed"):
        open_episode(case_worker, child, north_team, dt.date(2025, 3, 20))
    again = open_episode(case_worker, child, north_team, dt.date(2025, 5, 2))
    assert again.is_open


# Authorisation: a social worker asks, a team manager authorises (DOMAIN.md section 2) -------


def test_a_social_worker_cannot_close_an_episode_themselves(assessed, case_worker):
    with pytest.raises(ValidationError, match="A team manager authorises closing an episode"):
        episode_close(
            actor=case_worker,
            episode=assessed,
            closure_date=dt.date(2025, 3, 21),
            reason="RC8",
            summary=SUMMARY,
        )
    assessed.refresh_from_db()
    assert assessed.is_open


def test_a_manager_cannot_close_an_episode_without_a_closure_summary(assessed, team_manager):
    with pytest.raises(ValidationError) as error:
        episode_close(
            actor=team_manager,
            episode=assessed,
            closure_date=dt.date(2025, 3, 21),
            reason="RC8",
            summary="  ",
        )
    assert error.value.message_dict["summary"] == [
        "Write the closure summary: what was done, what changed and why the episode can close"
    ]


def test_a_manager_closing_is_recorded_as_their_authorisation_with_the_summary(
    assessed, team_manager
):
    close(assessed, dt.date(2025, 3, 21), "RC8")
    assessed.refresh_from_db()
    assert (assessed.closure_authorised_by, assessed.closure_summary) == (team_manager, SUMMARY)


def test_a_social_worker_asks_and_the_episode_closes_only_when_a_manager_authorises(
    assessed, case_worker, team_manager, child
):
    request = episode_closure_request(
        actor=case_worker,
        episode=assessed,
        closure_date=dt.date(2025, 3, 21),
        reason="RC8",
        summary=SUMMARY,
    )
    assessed.refresh_from_db()
    assert assessed.is_open and request.status == ClosureRequest.Status.PENDING
    assert not Event.objects.filter(participants__person=child, type="episode_closed").exists()
    with pytest.raises(ValidationError, match="A team manager authorises"):
        episode_closure_authorise(actor=case_worker, request=request)

    episode_closure_authorise(actor=team_manager, request=request)
    assessed.refresh_from_db()
    request.refresh_from_db()
    assert (assessed.closure_date, assessed.closure_reason) == (dt.date(2025, 3, 21), "RC8")
    assert (assessed.closure_authorised_by, assessed.closure_summary) == (team_manager, SUMMARY)
    assert (request.status, request.decided_by) == (ClosureRequest.Status.AUTHORISED, team_manager)
    assert Event.objects.filter(participants__person=child, type="episode_closed").exists()


def test_a_request_to_close_is_checked_as_a_closure_would_be(episode, case_worker):
    assessment_start(actor=case_worker, episode=episode, start_date=MARCH_3)
    with pytest.raises(ValidationError, match="is still open: complete it before closing"):
        episode_closure_request(
            actor=case_worker,
            episode=episode,
            closure_date=dt.date(2025, 5, 1),
            reason="RC7",
            summary=SUMMARY,
        )
    assert not ClosureRequest.objects.exists()


def test_a_manager_returns_a_request_saying_why_and_the_worker_may_ask_again(
    assessed, case_worker, team_manager
):
    asked = dict(
        actor=case_worker,
        episode=assessed,
        closure_date=dt.date(2025, 3, 21),
        reason="RC8",
        summary=SUMMARY,
    )
    request = episode_closure_request(**asked)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="that request is waiting for a manager"):
        episode_closure_request(**asked)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Say what is needed"):
        episode_closure_return(actor=team_manager, request=request, note=" ")
    episode_closure_return(actor=team_manager, request=request, note="Tell the school nurse first.")
    request.refresh_from_db()
    assessed.refresh_from_db()
    assert request.status == ClosureRequest.Status.RETURNED and assessed.is_open
    with pytest.raises(ValidationError, match="already returned"):
        episode_closure_authorise(actor=team_manager, request=request)
    assert episode_closure_request(**asked).status == ClosureRequest.Status.PENDING  # type: ignore[arg-type]


def test_an_episode_cannot_close_before_its_last_visit_or_the_end_of_a_plan(assessed, case_worker):
    from sightline.casework.services.episodes import visit_record

    visit_record(
        actor=case_worker, episode=assessed, visit_date=dt.date(2025, 4, 10), child_seen=True
    )
    with pytest.raises(ValidationError, match="before a statutory visit on 10 April 2025"):
        close(assessed, dt.date(2025, 4, 1), "RC7")
    plan = cp_plan(assessed, case_worker, start=dt.date(2025, 4, 1))
    plan.status, plan.end_date = Plan.Status.ENDED, dt.date(2025, 5, 20)
    plan.save()
    with pytest.raises(ValidationError, match="before a plan ended on 20 May 2025"):
        close(assessed, dt.date(2025, 5, 1), "RC7")


def test_only_a_manager_of_the_cases_own_team_closes_authorises_or_returns(
    assessed, case_worker, team_manager, south_team, agencies
):
    """Issue 14: any team manager could authorise any episode's closure. Only a manager of
    the team holding the case may (there is no hierarchy of teams above it)."""
    from sightline.testing import factories as f

    elsewhere = f.user(
        agencies["csc"], "team_manager", "social_worker", username="tm.rowan", team=south_team
    )
    no_team = f.user(agencies["csc"], "team_manager", "social_worker", username="tm.nobody")
    refusal = (
        "The case is held by Assessment Team North: only a manager of Assessment Team North "
        "authorises closing this episode"
    )
    for outsider in (elsewhere, no_team):
        with pytest.raises(ValidationError) as error:
            episode_close(
                actor=outsider,
                episode=assessed,
                closure_date=dt.date(2025, 3, 21),
                reason="RC8",
                summary=SUMMARY,
            )
        assert error.value.messages == [refusal]
    request = episode_closure_request(
        actor=case_worker,
        episode=assessed,
        closure_date=dt.date(2025, 3, 21),
        reason="RC8",
        summary=SUMMARY,
    )
    for outsider in (elsewhere, no_team):
        with pytest.raises(ValidationError, match="only a manager of Assessment Team North"):
            episode_closure_authorise(actor=outsider, request=request)
        with pytest.raises(ValidationError, match="only a manager of Assessment Team North"):
            episode_closure_return(actor=outsider, request=request, note="Not yet.")
    request.refresh_from_db()
    assessed.refresh_from_db()
    assert request.status == ClosureRequest.Status.PENDING and assessed.is_open

    episode_closure_authorise(actor=team_manager, request=request)
    assessed.refresh_from_db()
    assert assessed.closure_authorised_by == team_manager
