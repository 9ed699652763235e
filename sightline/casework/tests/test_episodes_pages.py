"""The episode pages: a referral allocated, an assessment through to authorisation, a visit,
supervision, transfer and closure, the way a social worker and their manager would do it."""

# ruff: noqa: F811 (the shared fixtures are imported by name and used as arguments)

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sightline.casework.models import Episode
from sightline.casework.tests.test_episodes_builders import (  # noqa: F401 (fixtures)
    case_worker,
    child,
    kinds,
    north_team,
    referral,
    south_team,
    team_manager,
)
from sightline.chronology.models import EventType


def date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


@pytest.fixture
def clock(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-03-10 10:00 +00:00", tick=False)


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_referral_is_allocated_worked_and_closed_through_the_pages(
    clock, agencies, ifd_practitioner, case_worker, team_manager, child, north_team, south_team
):
    referral(child, agencies, reference="C-2025-000777", received="2025-03-03", strategy=True)
    ifd = signed_in(ifd_practitioner)
    page = ifd.get("/casework/referrals/")
    assert "C-2025-000777" in page.content.decode()
    assert "Strategy discussion now" in page.content.decode()

    response = ifd.post(
        f"/casework/children/{child.pk}/episodes/new/?referral=C-2025-000777",
        {
            "contact_reference": "C-2025-000777",
            "team": north_team.pk,
            "lead_social_worker": case_worker.pk,
        },
    )
    episode = Episode.objects.get(child=child)
    assert (
        response.status_code == 302 and response["Location"] == f"/casework/episodes/{episode.pk}/"
    )
    assert episode.referral_date == dt.date(2025, 3, 3) and episode.referral_source == "2A"
    assert "C-2025-000777" not in ifd.get("/casework/referrals/").content.decode()

    worker = signed_in(case_worker)
    refused = worker.post(
        f"/casework/episodes/{episode.pk}/assessments/new/", date("start_date", dt.date(2025, 3, 1))
    )
    body = refused.content.decode()
    assert "There is a problem" in body
    assert "The assessment cannot start before the referral on 3 March 2025" in body
    started = worker.post(
        f"/casework/episodes/{episode.pk}/assessments/new/", date("start_date", dt.date(2025, 3, 4))
    )
    assessment = episode.assessments.get()
    assert started["Location"] == f"/casework/assessments/{assessment.pk}/"

    combined = worker.post(
        f"/casework/assessments/{assessment.pk}/",
        {
            **date("child_seen_date", dt.date(2025, 3, 5)),
            "child_voice": "I like school.",
            "factors": ["21", "3B"],
        },
    )
    assert "21 No factors identified cannot be combined" in combined.content.decode()
    worker.post(
        f"/casework/assessments/{assessment.pk}/",
        {
            **date("child_seen_date", dt.date(2025, 3, 5)),
            "child_voice": "I like school.",
            "factors": ["3B"],
        },
    )
    assert worker.get(f"/casework/assessments/{assessment.pk}/complete/").status_code == 403

    manager = signed_in(team_manager)
    page = manager.get(f"/casework/assessments/{assessment.pk}/complete/").content.decode()
    assert "Domestic abuse" in page and 'id="id_factors_0"' in page
    manager.post(
        f"/casework/assessments/{assessment.pk}/complete/",
        {
            "outcome": "Child in need: support for the family.",
            **date("completed_date", dt.date(2025, 3, 7)),
            "factors": ["3B"],
            "primary_need": "N1",
        },
    )
    assessment.refresh_from_db()
    assert assessment.completed_date == dt.date(2025, 3, 7)

    worker.post(
        f"/casework/episodes/{episode.pk}/visits/new/",
        {**date("visit_date", dt.date(2025, 3, 7)), "child_seen": "on", "seen_alone": "on"},
    )
    assert worker.get(f"/casework/episodes/{episode.pk}/supervision/new/").status_code == 403
    manager.post(
        f"/casework/episodes/{episode.pk}/supervision/new/",
        {
            **date("supervision_date", dt.date(2025, 3, 7)),
            "decisions": "Close to early help.",
            **date("next_date", dt.date(2025, 3, 14)),
        },
    )
    worker.post(
        f"/casework/episodes/{episode.pk}/transfer/",
        {
            "to_team": south_team.pk,
            **date("transfer_date", dt.date(2025, 3, 7)),
            "reason": "Long-term team",
        },
    )
    page = worker.get(f"/casework/episodes/{episode.pk}/").content.decode()
    assert "Child Protection Team South" in page and "Close to early help." in page

    team = worker.get(f"/casework/team/?team={south_team.pk}").content.decode()
    assert "Supervision" in team and "Isla Episodechild" in team

    unsummarised = worker.post(
        f"/casework/episodes/{episode.pk}/close/",
        {"action": "close", **date("closure_date", dt.date(2025, 3, 10)), "reason": "RC9"},
    ).content.decode()
    assert "Write the closure summary" in unsummarised
    asked = worker.post(
        f"/casework/episodes/{episode.pk}/close/",
        {
            "action": "close",
            **date("closure_date", dt.date(2025, 3, 10)),
            "reason": "RC9",
            "summary": "Early help will support the family; the school is content.",
        },
    )
    assert asked.status_code == 302
    episode.refresh_from_db()
    assert episode.is_open
    waiting = worker.get(f"/casework/episodes/{episode.pk}/close/").content.decode()
    assert "waiting for a manager of Child Protection Team South" in waiting
    assert "Authorise the closure" not in waiting
    refused = worker.post(f"/casework/episodes/{episode.pk}/close/", {"action": "authorise"})
    assert "A team manager authorises closing an episode" in refused.content.decode()
    # The case moved to the south team: the north manager who supervised it no longer decides.
    request = manager.get(f"/casework/episodes/{episode.pk}/close/").content.decode()
    assert "Authorise the closure" not in request
    refused = manager.post(f"/casework/episodes/{episode.pk}/close/", {"action": "authorise"})
    assert "only a manager of Child Protection Team South" in refused.content.decode()
    episode.refresh_from_db()
    assert episode.is_open
    from sightline.testing import factories as f

    south_manager = f.user(
        agencies["csc"], "team_manager", "social_worker", username="tm.oak", team=south_team
    )
    south = signed_in(south_manager)
    request = south.get(f"/casework/episodes/{episode.pk}/close/").content.decode()
    assert "Early help will support the family" in request and "Authorise the closure" in request
    south.post(f"/casework/episodes/{episode.pk}/close/", {"action": "authorise"})
    episode.refresh_from_db()
    assert episode.closure_reason == "RC9" and episode.closure_authorised_by == south_manager
    closed = worker.get(f"/casework/episodes/{episode.pk}/").content.decode()
    assert "Authorised by" in closed and "Early help will support the family" in closed
    assert kinds(child)[-5:] == [
        EventType.ASSESSMENT_COMPLETED,
        EventType.STATUTORY_VISIT,
        EventType.SUPERVISION,
        EventType.CASE_TRANSFERRED,
        EventType.EPISODE_CLOSED,
    ]
    assert (
        "Nothing is overdue" in worker.get(f"/casework/team/?team={south_team.pk}").content.decode()
    )


def test_the_childs_page_lists_the_open_episode(clock, agencies, case_worker, child, north_team):
    worker = signed_in(case_worker)
    worker.post(
        f"/casework/children/{child.pk}/episodes/new/",
        {
            "team": north_team.pk,
            **date("referral_date", dt.date(2025, 3, 3)),
            "referral_source": "6",
        },
    )
    episode = Episode.objects.get(child=child)
    page = worker.get(f"/people/{child.pk}/").content.decode()
    assert f"/casework/episodes/{episode.pk}/" in page
    casework = worker.get(f"/casework/children/{child.pk}/").content.decode()
    assert "Open episode from 3 March 2025" in casework


def test_a_second_episode_is_refused_on_the_page(clock, case_worker, child, north_team):
    worker = signed_in(case_worker)
    form = {
        "team": north_team.pk,
        **date("referral_date", dt.date(2025, 3, 3)),
        "referral_source": "6",
    }
    worker.post(f"/casework/children/{child.pk}/episodes/new/", form)
    again = worker.post(f"/casework/children/{child.pk}/episodes/new/", form)
    assert "already has an open episode from 3 March 2025" in again.content.decode()
    assert Episode.objects.filter(child=child).count() == 1


def test_pages_are_refused_outside_social_care(
    clock, police_officer, case_worker, child, north_team
):
    worker = signed_in(case_worker)
    worker.post(
        f"/casework/children/{child.pk}/episodes/new/",
        {
            "team": north_team.pk,
            **date("referral_date", dt.date(2025, 3, 3)),
            "referral_source": "6",
        },
    )
    episode = Episode.objects.get(child=child)
    police = signed_in(police_officer)
    for url in (
        "/casework/referrals/",
        "/casework/team/",
        f"/casework/episodes/{episode.pk}/",
        f"/casework/episodes/{episode.pk}/close/",
    ):
        assert police.get(url).status_code == 403, url
    assert Client().get("/casework/team/").status_code == 302


def test_a_manager_reallocates_the_case_within_the_team_on_its_page(
    clock, agencies, case_worker, team_manager, child, north_team
):
    from sightline.testing import factories as f

    colleague = f.user(agencies["csc"], "social_worker", username="sw.larch", team=north_team)
    worker = signed_in(case_worker)
    worker.post(
        f"/casework/children/{child.pk}/episodes/new/",
        {
            "team": north_team.pk,
            "lead_social_worker": case_worker.pk,
            **date("referral_date", dt.date(2025, 3, 3)),
            "referral_source": "6",
        },
    )
    episode = Episode.objects.get(child=child)
    manager = signed_in(team_manager)
    url = f"/casework/episodes/{episode.pk}/reallocate/"
    assert "Reallocate the case within Assessment Team North" in manager.get(url).content.decode()
    refused = manager.post(url, {**date("reallocation_date", dt.date(2025, 3, 7))})
    body = refused.content.decode()
    assert "Choose the social worker who will hold the case" in body
    assert "Say why the case is being reallocated" in body
    done = manager.post(
        url,
        {
            "social_worker": colleague.pk,
            **date("reallocation_date", dt.date(2025, 3, 7)),
            "reason": "Caseload balance.",
        },
    )
    assert done.status_code == 302
    episode.refresh_from_db()
    assert episode.lead_social_worker == colleague
    page = manager.get(f"/casework/episodes/{episode.pk}/").content.decode()
    assert "reallocated within Assessment Team North" in page


def test_the_episode_page_names_the_referral_source_and_need_in_words_not_census_codes(
    clock, agencies, ifd_practitioner, case_worker, child, north_team
):
    referral(child, agencies, reference="C-2025-000778", received="2025-03-03", strategy=True)
    signed_in(ifd_practitioner).post(
        f"/casework/children/{child.pk}/episodes/new/?referral=C-2025-000778",
        {
            "contact_reference": "C-2025-000778",
            "team": north_team.pk,
            "lead_social_worker": case_worker.pk,
        },
    )
    episode = Episode.objects.get(child=child)
    Episode.objects.filter(pk=episode.pk).update(primary_need="N1")
    html = signed_in(case_worker).get(f"/casework/episodes/{episode.pk}/").content.decode()
    assert "source 2A" not in html and "(2A)" not in html and "N1 Abuse" not in html
    assert "from Schools" in html
    assert "Abuse or neglect" in html
