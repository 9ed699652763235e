"""Every casework form shows every error at once: a missing or malformed answer and a
contradiction the service refuses appear together, on the first submission, and nothing is
recorded (issue 14, "errors shown in stages")."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sightline.casework.models import (
    Assessment,
    Conference,
    CoreGroupMeeting,
    CoreGroupMember,
    Episode,
    MedicalRequest,
    Plan,
    S47Enquiry,
    StatutoryVisit,
    StrategyDiscussion,
    Supervision,
)
from sightline.casework.services.episodes import assessment_start
from sightline.casework.services.plans import plan_create
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
    manager = f.user(agencies["csc"], "team_manager", "social_worker", username="tm.rowan")
    return {
        "episode": episode,
        "enquiry": enquiry,
        "plan": plan,
        "agencies": agencies,
        "social_worker": social_worker,
        "manager": manager,
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
def visit(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No date (the form's check) and "seen alone" without "seen" (the service's).
    return f"/casework/episodes/{w['episode'].pk}/visits/new/", {"seen_alone": "on"}


def assessment_begin(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # Nobody the form offers as the social worker, and a start before the referral.
    return f"/casework/episodes/{w['episode'].pk}/assessments/new/", {
        **date_fields("start_date", dt.date(2025, 5, 1)),
        "social_worker": "999999",
    }


def _assessment(w: dict[str, Any]) -> Assessment:
    return assessment_start(
        actor=w["social_worker"], episode=w["episode"], start_date=dt.date(2025, 5, 13)
    )


def assessment_progress(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # A factor the form does not offer, and the child seen before the referral.
    return f"/casework/assessments/{_assessment(w).pk}/", {
        **date_fields("child_seen_date", dt.date(2025, 5, 1)),
        "factors": ["99Z"],
    }


def assessment_authorise(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No outcome (the form's check), and completed before it started on 13 May.
    return f"/casework/assessments/{_assessment(w).pk}/complete/", {
        **date_fields("completed_date", dt.date(2025, 5, 12)),
        "factors": ["21"],
    }


def supervision(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No decisions (the form's check), and the next supervision before this one.
    return f"/casework/episodes/{w['episode'].pk}/supervision/new/", {
        **date_fields("supervision_date", dt.date(2025, 6, 10)),
        **date_fields("next_date", dt.date(2025, 6, 9)),
    }


def cin_plan(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # A date that is not real, while the child is on a child protection plan.
    return f"/casework/episodes/{w['episode'].pk}/plans/new/", {
        "start_date_day": "30",
        "start_date_month": "2",
        "start_date_year": "2025",
    }


def cin_plan_end(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No reason (the form's check), and an end before the plan started.
    child = f.child(given_name="Rowan", family_name="Stagedchild")
    episode = b.episode(child, w["agencies"], dt.date(2025, 5, 12))
    plan = plan_create(
        actor=w["social_worker"],
        episode=episode,
        kind=Plan.Kind.CIN,
        start_date=dt.date(2025, 6, 2),
    )
    return f"/casework/plans/{plan.pk}/end/", {**date_fields("end_date", dt.date(2025, 6, 1))}


def episode_open(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No team (the form's check), for a child whose episode is still open (the service's).
    return f"/casework/children/{w['episode'].child_id}/episodes/new/", {
        **date_fields("referral_date", dt.date(2025, 6, 10)),
        "referral_source": "6",
    }


def core_group_member(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # A role with no name (the form's check), joining before the plan started (the service's).
    return f"/casework/plans/{w['plan'].pk}/core-group/", {
        "member-role": "Health visitor",
        **date_fields("member-joined", dt.date(2025, 6, 1)),
    }


def core_group_meeting(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # A date that is not real (the form's check), and nobody said to have come (the service's).
    return f"/casework/plans/{w['plan'].pk}/core-group/meetings/new/", {
        "meeting_date_day": "31",
        "meeting_date_month": "2",
        "meeting_date_year": "2025",
        **management("actions", 3),
    }


def cp_plan_end(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No end date (the form's check), and a move with no receiving authority named.
    return f"/casework/plans/{w['plan'].pk}/end/", {
        "ended_because": "moved_authority",
        "receiving_authority": " ",
    }


def closure(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No closure summary (the form's check), and a closure before the referral.
    return f"/casework/episodes/{w['episode'].pk}/close/", {
        **date_fields("closure_date", dt.date(2025, 5, 1)),
        "reason": "RC1",
    }


def transfer(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No reason (the form's check), and a transfer before the referral.
    other = f.team(w["agencies"]["csc"], "Child Protection Team South")
    return f"/casework/episodes/{w['episode'].pk}/transfer/", {
        "to_team": other.pk,
        **date_fields("transfer_date", dt.date(2025, 5, 1)),
    }


def reallocation(w: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # No reason (the form's check), and a reallocation before the referral.
    colleague = f.user(
        w["agencies"]["csc"], "social_worker", username="sw.hazel", team=w["episode"].team
    )
    return f"/casework/episodes/{w['episode'].pk}/reallocate/", {
        "social_worker": colleague.pk,
        **date_fields("reallocation_date", dt.date(2025, 5, 1)),
    }


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
    "statutory visit": (visit, ["visit_date", "tick 'The child was seen' as well"], StatutoryVisit),
    "assessment start": (
        assessment_begin,
        ["social_worker", "The assessment cannot start before the referral on 12 May 2025"],
        Assessment,
    ),
    "assessment progress": (
        assessment_progress,
        ["factors", "The date seen cannot be before the referral on 12 May 2025"],
        None,
    ),
    "assessment completion": (
        assessment_authorise,
        ["outcome", "The assessment cannot be completed before it started on 13 May 2025"],
        None,
    ),
    "supervision": (
        supervision,
        ["decisions", "The next supervision must be after this one"],
        Supervision,
    ),
    "child in need plan": (
        cin_plan,
        ["start_date", "This child is on a child protection plan (from 13 June 2025)"],
        Plan,
    ),
    "child in need plan's end": (
        cin_plan_end,
        ["reason", "The plan cannot end before it started on 2 June 2025"],
        None,
    ),
    "opening an episode": (
        episode_open,
        ["team", "already has an open episode from 12 May 2025"],
        Episode,
    ),
    "core group member": (
        core_group_member,
        ["name", "A member cannot join before the plan started on 13 June 2025"],
        CoreGroupMember,
    ),
    "core group meeting": (
        core_group_meeting,
        ["meeting_date", "Say who came"],
        CoreGroupMeeting,
    ),
    "child protection plan's end outside a conference": (
        cp_plan_end,
        ["end_date", "Name the local authority the child moved to"],
        None,
    ),
    "closure": (
        closure,
        ["summary", "The closure date cannot be before the referral on 12 May 2025"],
        None,
    ),
    "transfer": (
        transfer,
        ["reason", "The transfer cannot be before the referral on 12 May 2025"],
        None,
    ),
    "reallocation": (
        reallocation,
        ["reason", "The reallocation cannot be before the referral on 12 May 2025"],
        None,
    ),
}

MANAGERS = {"assessment completion", "supervision", "transfer", "reallocation"}


@pytest.mark.parametrize("name", CASES)
def test_it_shows_the_form_errors_and_the_contradiction_together(client, world, name):  # type: ignore[no-untyped-def]
    build, (field, contradiction), model = CASES[name]
    url, data = build(world)
    if name in MANAGERS:
        client.force_login(world["manager"])
    before = model.objects.count() if model else None
    response = client.post(url, data)
    page = html.unescape(response.content.decode())
    summary = page[
        page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))
    ]
    [field_message] = response.context["form"].errors[field]
    assert field_message in summary
    assert contradiction in summary
    if model:
        assert model.objects.count() == before
