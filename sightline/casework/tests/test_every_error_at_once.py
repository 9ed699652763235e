"""Every casework form shows every error at once: a missing or malformed answer and a
contradiction the service refuses appear together, on the first submission, and nothing is
recorded (issue 14, "errors shown in stages")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sightline.casework.models import Conference, MedicalRequest, S47Enquiry, StrategyDiscussion
from sightline.casework.services.protection import at_time
from sightline.casework.tests import test_protection_builders as b
from sightline.casework.tests.test_protection_pages import date_fields, management
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(time_machine, agencies, social_worker):  # type: ignore[no-untyped-def]
    time_machine.move_to("2025-06-16 17:00 +01:00")
    child = f.child(given_name="Ivy", family_name="Stagedchild")
    episode = b.episode(child, agencies, dt.date(2025, 5, 12))
    enquiry = b.s47(social_worker, episode, agencies, dt.date(2025, 6, 2))
    conference = b.icpc_with_plan(social_worker, enquiry, agencies, dt.date(2025, 6, 13))
    plan = b.cp_plan(conference)
    return {
        "episode": episode,
        "enquiry": enquiry,
        "plan": plan,
        "agencies": agencies,
        "social_worker": social_worker,
    }


@pytest.fixture
def client(social_worker):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(social_worker)
    return client


def strategy_discussion(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No answer to "did it decide S47?" (the form's check) and a date before the referral.
    return f"/casework/episodes/{w['episode'].pk}/strategy-discussions/new/", {
        **date_fields("held_on", dt.date(2025, 5, 1)),
        "held_time": "10:30",
        "information_shared": "School reports bruising.",
        "missing_agency_reason": "Police and health could not join at short notice.",
        **management("attendees"),
        **management("actions", 3),
        "attendees-0-agency": w["agencies"]["csc"].pk,
        "attendees-0-name": "Sam Worker",
        "attendees-0-role": "Social worker",
    }


def s47_start(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # A date that is not real, while another S47 enquiry is open for the child.
    b.s47(w["social_worker"], w["episode"], w["agencies"], dt.date(2025, 6, 16))
    talk = b.discussion(
        w["social_worker"], w["episode"], w["agencies"], at_time(dt.date(2025, 6, 16), 11)
    )
    return f"/casework/strategy-discussions/{talk.pk}/s47/new/", {
        "start_date_day": "31",
        "start_date_month": "2",
        "start_date_year": "2025",
    }


def s47_complete(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No outcome (the form's check) and completed before the enquiry started on 2 June.
    enquiry = b.s47(w["social_worker"], w["episode"], w["agencies"], dt.date(2025, 6, 16))
    return f"/casework/s47/{enquiry.pk}/complete/", {
        **date_fields("completed_date", dt.date(2025, 6, 3))
    }


def review_conference(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No decision (the form's check) and a Saturday.
    return f"/casework/plans/{w['plan'].pk}/review-conferences/new/", {
        **date_fields("conference_date", dt.date(2025, 6, 14)),
        **management("attendees"),
        **management("members", 4),
    }


def medical_request(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # A time that is not a time (the form's check) and no history given (the service's).
    return f"/casework/episodes/{w['episode'].pk}/medicals/new/", {
        **date_fields("requested_on", dt.date(2025, 6, 16)),
        "requested_time": "25:99",
        "injury": "Bruise on the left cheek, 3 cm.",
        "parental_responsibility": "Mother",
    }


Case = tuple[Callable[[dict[str, Any]], tuple[str, dict[str, Any]]], list[str], Any]
# Each case: the form's page and answers; the field the form itself refuses and the service's
# contradiction; the records that must not be written.
CASES: dict[str, Case] = {
    "strategy discussion": (
        strategy_discussion,
        ["s47_decided", "The strategy discussion cannot be before the referral on 12 May 2025"],
        StrategyDiscussion,
    ),
    "S47 start": (
        s47_start,
        ["start_date", "An S47 enquiry is already open for this child"],
        S47Enquiry,
    ),
    "S47 completion": (
        s47_complete,
        ["outcome", "The enquiry cannot be completed before it started on 16 June 2025"],
        None,
    ),
    "review conference": (
        review_conference,
        ["decision", "14 June 2025 is a Saturday"],
        Conference,
    ),
    "medical request": (
        medical_request,
        ["requested_time", "Give the explanation offered, by whom and when"],
        MedicalRequest,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_it_shows_the_form_errors_and_the_contradiction_together(client, world, name):  # type: ignore[no-untyped-def]
    build, (field, contradiction), model = CASES[name]
    url, data = build(world)
    before = model.objects.count() if model else None
    response = client.post(url, data)
    page = response.content.decode()
    summary = page[
        page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))
    ]
    [field_message] = response.context["form"].errors[field]
    assert field_message in summary
    assert contradiction in summary
    if model:
        assert model.objects.count() == before
