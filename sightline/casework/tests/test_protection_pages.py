"""The child protection and plan pages: each renders, each form refuses bad input on the page
with a message saying what to fix, and the happy path reaches the next step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sightline.casework.models import Plan, StrategyDiscussion
from sightline.casework.services.plans import plan_outcome_add
from sightline.casework.tests import test_protection_builders as b
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(time_machine, agencies, social_worker):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-06-16 17:00 +01:00")
    child = f.child(given_name="Ivy", family_name="Pagechild")
    episode = b.episode(child, agencies, dt.date(2025, 5, 12))
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2025, 6, 2))
    conference = b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13))
    plan = b.cp_plan(conference)
    return {"episode": episode, "enquiry": enquiry, "conference": conference, "plan": plan}


@pytest.fixture
def client(social_worker):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(social_worker)
    return client


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def management(prefix: str, total: int = 6) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_every_page_renders(client, world):  # type: ignore[no-untyped-def]
    plan, enquiry = world["plan"], world["enquiry"]
    urls = [
        f"/casework/episodes/{world['episode'].pk}/protection/",
        f"/casework/episodes/{world['episode'].pk}/strategy-discussions/new/",
        f"/casework/strategy-discussions/{enquiry.strategy_discussion_id}/",
        f"/casework/s47/{enquiry.pk}/",
        f"/casework/conferences/{world['conference'].pk}/",
        f"/casework/plans/{plan.pk}/",
        f"/casework/plans/{plan.pk}/outcomes/new/",
        f"/casework/plans/{plan.pk}/core-group/",
        f"/casework/plans/{plan.pk}/core-group/meetings/new/",
        f"/casework/plans/{plan.pk}/review-conferences/new/",
        f"/casework/plans/{plan.pk}/end/",
        f"/casework/episodes/{world['episode'].pk}/medicals/new/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'class="govuk-back-link"' in response.content, url


def test_the_strategy_page_asks_why_health_was_not_there(client, world, agencies):  # type: ignore[no-untyped-def]
    data = {
        **date_fields("held_on", dt.date(2025, 6, 16)),
        "held_time": "10:30",
        "information_shared": "School reports bruising.",
        "s47_decided": "no",
        **management("attendees"),
        **management("actions", 3),
        "attendees-0-agency": agencies["csc"].pk,
        "attendees-0-name": "Sam Worker",
        "attendees-0-role": "Social worker",
        "attendees-1-agency": agencies["police"].pk,
        "attendees-1-name": "Dee Constable",
        "attendees-1-role": "Detective",
    }
    url = f"/casework/episodes/{world['episode'].pk}/strategy-discussions/new/"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "No one from health took part: say why" in response.content.decode()
    assert StrategyDiscussion.objects.count() == 1  # the builder's
    data["missing_agency_reason"] = "The named nurse was in court; she sent a written update."
    response = client.post(url, data)
    assert response.status_code == 302
    assert StrategyDiscussion.objects.count() == 2


def test_a_strategy_date_error_links_to_the_date_field_not_the_main_content(
    client, world, agencies
):  # type: ignore[no-untyped-def]
    import re

    data = {
        **date_fields("held_on", dt.date(2025, 5, 1)),  # before the referral on 12 May 2025
        "held_time": "10:30",
        "information_shared": "School reports bruising.",
        "s47_decided": "no",
        "missing_agency_reason": "The named nurse was in court; she sent a written update.",
        **management("attendees"),
        **management("actions", 3),
        "attendees-0-agency": agencies["csc"].pk,
        "attendees-0-name": "Sam Worker",
        "attendees-0-role": "Social worker",
    }
    url = f"/casework/episodes/{world['episode'].pk}/strategy-discussions/new/"
    html = client.post(url, data).content.decode()
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    link = re.search(r'<a href="#([^"]+)">The strategy discussion cannot be before', summary)
    assert link, summary
    assert link.group(1) != "main-content"
    assert f'id="{link.group(1)}"' in html  # the link lands on the date's first input


def test_the_conference_page_refuses_a_saturday(client, world, social_worker):  # type: ignore[no-untyped-def]
    plan = world["plan"]
    data = {
        **date_fields("conference_date", dt.date(2025, 6, 14)),
        "decision": "continue",
        **management("attendees"),
        **management("members", 4),
    }
    response = client.post(f"/casework/plans/{plan.pk}/review-conferences/new/", data)
    assert "Conferences are held on working days: 14 June 2025 is a Saturday" in (
        response.content.decode()
    )


def test_confirming_an_incomplete_plan_says_what_to_fix(client, world, social_worker, agencies):  # type: ignore[no-untyped-def]
    plan = world["plan"]
    plan_outcome_add(
        actor=social_worker,
        plan=plan,
        concern="Ivy misses school.",
        action="Walk Ivy to school every day.",
        responsible_person="",
        responsible_agency=agencies["school"],
        by_when=None,
        success_measure="Attendance above 95%.",
    )
    response = client.post(f"/casework/plans/{plan.pk}/confirm/")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Outcome 1 has no owner: say who is responsible" in page
    assert "Outcome 1 has no date: say by when it will be done" in page
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_an_outsider_is_refused_and_a_front_door_colleague_may_record(
    world, police_officer, ifd_practitioner
):  # type: ignore[no-untyped-def]
    url = f"/casework/plans/{world['plan'].pk}/"
    police = Client()
    police.force_login(police_officer)
    assert police.get(url).status_code == 403
    ifd = Client()
    ifd.force_login(ifd_practitioner)
    assert ifd.get(url).status_code == 200


def test_the_end_page_of_a_child_protection_plan_leads_to_a_review_conference_and_refuses_an_end(  # type: ignore[no-untyped-def]
    client, world
):
    plan = world["plan"]
    page = client.get(f"/casework/plans/{plan.pk}/end/").content.decode()
    assert "ends only when a review child protection conference decides" in page
    assert f"/casework/plans/{plan.pk}/review-conferences/new/" in page
    refused = client.post(
        f"/casework/plans/{plan.pk}/end/",
        {**date_fields("end_date", dt.date(2025, 6, 13)), "reason": "Doing well"},
    )
    assert "There is a problem" in refused.content.decode()
    assert "Choose why the plan is ending" in refused.content.decode()
    # "Doing well" is not one of the reasons a plan may end without a review conference.
    refused = client.post(
        f"/casework/plans/{plan.pk}/end/",
        {
            **date_fields("end_date", dt.date(2025, 6, 13)),
            "ended_because": "review_conference",
            "reason": "Doing well",
        },
    )
    assert "Select a valid choice" in refused.content.decode()
    plan.refresh_from_db()
    assert plan.status != Plan.Status.ENDED


def test_a_review_conference_page_ends_the_plan_only_with_a_chair(client, world, time_machine):  # type: ignore[no-untyped-def]
    plan = world["plan"]
    time_machine.move_to("2025-09-12 17:00 +01:00")
    data = {
        **date_fields("conference_date", dt.date(2025, 9, 12)),
        "decision": "end",
        **management("attendees"),
        **management("members", 4),
    }
    url = f"/casework/plans/{plan.pk}/review-conferences/new/"
    assert "Name the chair" in client.post(url, data).content.decode()
    response = client.post(url, {**data, "chair": "Jo Chair"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ENDED and plan.end_date == dt.date(2025, 9, 12)
    page = client.get(f"/casework/plans/{plan.pk}/").content.decode()
    assert "review conference chaired by Jo Chair" in page


def test_the_review_conference_page_says_the_due_date_moved_off_a_saturday(client, world):  # type: ignore[no-untyped-def]
    plan = world["plan"]
    for url in (
        f"/casework/plans/{plan.pk}/review-conferences/new/",
        f"/casework/plans/{plan.pk}/",
    ):
        page = client.get(url).content.decode()
        assert "12 Sep" in page, url  # the date filter may abbreviate the month
        assert "13 September 2025 is a Saturday, so the working day before" in page, url
