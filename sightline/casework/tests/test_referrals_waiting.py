"""Referrals waiting for allocation: a referral about a child whose episode is open joins that
episode (one referral per episode in the CIN census), and a referral waiting past its deadline
is marked overdue."""

# ruff: noqa: F811 (the shared fixtures are imported by name and used as arguments)

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from sightline.casework.models import LinkedContact
from sightline.casework.selectors import referral_for, referrals_awaiting_allocation
from sightline.casework.services.episodes import episode_open, referral_add_to_open_episode
from sightline.casework.tests.test_episodes_builders import (  # noqa: F401 (fixtures)
    case_worker,
    child,
    north_team,
    open_episode,
    referral,
    team_manager,
)
from sightline.core.models import AuditEntry


@pytest.fixture
def open_with_a_later_referral(time_machine, agencies, case_worker, child, north_team):  # type: ignore[no-untyped-def]
    """The front door referred the child on Friday 7 March; before it was allocated, the police
    referred her directly and an episode was opened from that on Monday 10 March."""
    time_machine.move_to("2025-03-10 10:00 +00:00", tick=False)
    referral(child, agencies, reference="C-2025-000888", received="2025-03-07")
    return open_episode(case_worker, child, north_team, dt.date(2025, 3, 10))


def test_a_referral_for_a_child_with_an_open_episode_joins_it_without_a_new_referral(
    open_with_a_later_referral, case_worker, child
):
    episode = open_with_a_later_referral
    [waiting] = referrals_awaiting_allocation(user=case_worker)
    assert waiting.open_episode == episode
    with pytest.raises(ValidationError, match="already has an open episode"):
        episode_open(
            actor=case_worker,
            child=child,
            team=episode.team,
            contact_reference="C-2025-000888",
        )
    linked = referral_add_to_open_episode(
        actor=case_worker, child=child, contact_reference="C-2025-000888"
    )
    assert (linked.episode, linked.received_date) == (episode, dt.date(2025, 3, 7))
    episode.refresh_from_db()
    assert episode.referral_date == dt.date(2025, 3, 10) and episode.referral_source == "6"
    assert referrals_awaiting_allocation(user=case_worker) == []
    assert referral_for(user=case_worker, child=child, contact_reference="C-2025-000888") is None
    assert AuditEntry.objects.filter(action="episode.referral_added").count() == 1
    with pytest.raises(ValidationError, match="was already added to the episode from 10 March"):
        referral_add_to_open_episode(
            actor=case_worker, child=child, contact_reference="C-2025-000888"
        )


def test_a_referral_cannot_join_an_episode_when_none_is_open(
    time_machine, agencies, case_worker, child
):
    time_machine.move_to("2025-03-10 10:00 +00:00", tick=False)
    referral(child, agencies, reference="C-2025-000889", received="2025-03-07")
    with pytest.raises(ValidationError, match="has no open episode: open an episode instead"):
        referral_add_to_open_episode(
            actor=case_worker, child=child, contact_reference="C-2025-000889"
        )
    assert not LinkedContact.objects.exists()


def test_a_referral_is_overdue_after_the_end_of_the_next_working_day(
    time_machine, agencies, case_worker, child
):
    # Decided Friday 7 March 2025 at 15:00: to be allocated by the end of Monday 10 March.
    time_machine.move_to("2025-03-07 16:00 +00:00", tick=False)
    referral(child, agencies, reference="C-2025-000890", received="2025-03-07")
    [waiting] = referrals_awaiting_allocation(user=case_worker)
    assert waiting.due_at.date() == dt.date(2025, 3, 10) and not waiting.overdue
    time_machine.move_to("2025-03-10 23:00 +00:00", tick=False)
    assert not referrals_awaiting_allocation(user=case_worker)[0].overdue
    time_machine.move_to("2025-03-11 08:00 +00:00", tick=False)
    assert referrals_awaiting_allocation(user=case_worker)[0].overdue


def test_a_referral_asking_for_a_strategy_discussion_is_overdue_the_next_morning(
    time_machine, agencies, case_worker, child
):
    time_machine.move_to("2025-03-07 16:00 +00:00", tick=False)
    referral(child, agencies, reference="C-2025-000891", received="2025-03-07", strategy=True)
    assert referrals_awaiting_allocation(user=case_worker)[0].due_at.date() == dt.date(2025, 3, 7)
    time_machine.move_to("2025-03-08 08:00 +00:00", tick=False)
    assert referrals_awaiting_allocation(user=case_worker)[0].overdue


def test_the_pages_offer_to_add_the_referral_to_the_open_episode_and_mark_it_overdue(
    open_with_a_later_referral, time_machine, case_worker, child
):
    episode = open_with_a_later_referral
    time_machine.move_to("2025-03-12 10:00 +00:00", tick=False)
    worker = Client()
    worker.force_login(case_worker)
    listed = worker.get("/casework/referrals/").content.decode()
    assert "Add to the open episode" in listed and "Overdue" in listed
    url = f"/casework/children/{child.pk}/episodes/new/?referral=C-2025-000888"
    page = worker.get(url).content.decode()
    assert "Add the referral to the open episode" in page and "Open the episode" not in page
    added = worker.post(url, {"contact_reference": "C-2025-000888"})
    assert added.status_code == 302 and added["Location"] == f"/casework/episodes/{episode.pk}/"
    shown = worker.get(added["Location"]).content.decode()
    assert "Further referrals while open" in shown and "C-2025-000888" in shown
    assert "There are no referrals waiting" in worker.get("/casework/referrals/").content.decode()
