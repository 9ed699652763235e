"""A rapid review asks agencies for their information: the agency's named lead is told and
answers in Sightline; a decision taken while returns are awaited is allowed, with a warning
naming the agencies awaited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sightline.core.models import AuditEntry, Notification
from sightline.partnership.services import reviews

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(partnership_officer, incident, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 2, 10, 0, tzinfo=dt.UTC))
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=incident, notified_on=dt.date(2025, 5, 2)
    )
    return reviews.rapid_review_start(actor=partnership_officer, incident=incident)


@pytest.fixture
def police_request(partnership_officer, review, agencies, police_lead):
    return reviews.rapid_review_request_information(
        actor=partnership_officer,
        rapid_review=review,
        agency=agencies["police"],
        due_on=dt.date(2025, 5, 12),
        question="Your contacts with the family since January.",
    )


def test_the_agencys_named_lead_is_told_of_the_request(police_request, police_lead):
    told = Notification.objects.get(recipient_user=police_lead)
    assert told.topic == "partnership.information_requested"
    assert "Your contacts with the family since January." in told.body
    assert "12 May 2025" in told.body


def test_the_named_lead_answers_and_the_partnership_is_told(
    police_request, police_lead, partnership_officer
):
    reviews.information_request_answer(
        actor=police_lead, request=police_request, summary="Two call-outs in March; no arrests."
    )
    police_request.refresh_from_db()
    assert police_request.returned_on == dt.date(2025, 5, 2)
    assert police_request.returned_by == police_lead
    assert Notification.objects.filter(
        recipient_user=partnership_officer, topic="partnership.information_returned"
    ).exists()
    assert AuditEntry.objects.filter(action="rapid_review.information_returned").exists()
    with pytest.raises(ValidationError, match="already"):
        reviews.information_request_answer(
            actor=police_lead, request=police_request, summary="Again."
        )


def test_only_the_named_lead_of_the_agency_asked_answers(
    police_request, police_officer, health_visitor, partnership_officer
):
    for someone in (police_officer, health_visitor, partnership_officer):
        with pytest.raises(PermissionDenied):
            reviews.information_request_answer(
                actor=someone, request=police_request, summary="Not mine to give."
            )


def test_it_refuses_an_empty_answer(police_request, police_lead):
    with pytest.raises(ValidationError) as error:
        reviews.information_request_answer(actor=police_lead, request=police_request, summary=" ")
    assert set(error.value.message_dict) == {"summary"}


def test_a_request_cannot_be_due_before_the_la_knew_of_the_incident(
    partnership_officer, review, agencies
):
    with pytest.raises(ValidationError) as error:
        reviews.rapid_review_request_information(
            actor=partnership_officer,
            rapid_review=review,
            agency=agencies["health"],
            due_on=dt.date(2025, 4, 29),
        )
    assert (
        "after the date the local authority became aware" in error.value.message_dict["due_on"][0]
    )


def test_the_lead_sees_and_answers_the_request_in_sightline(
    client, police_request, police_lead, police_officer
):
    client.force_login(police_officer)
    page = client.get(reverse("partnership:information-request", args=[police_request.pk]))
    assert page.status_code == 200
    assert "named agency lead" in page.content.decode()
    assert "Give your agency" not in page.content.decode()
    answer = reverse("partnership:information-request-answer", args=[police_request.pk])
    assert client.get(answer).status_code == 403

    client.force_login(police_lead)
    overview = client.get(reverse("partnership:overview")).content.decode()
    assert police_request.rapid_review.incident.reference in overview
    response = client.post(answer, {"summary": "Two call-outs in March; no arrests."})
    assert response.status_code == 302
    page = client.get(reverse("partnership:information-request", args=[police_request.pk]))
    assert "Two call-outs in March; no arrests." in page.content.decode()
    assert "2 May 2025" in page.content.decode()


def test_a_decision_while_returns_are_awaited_is_allowed_with_a_warning_naming_them(
    client, partnership_officer, review, police_request, agencies
):
    reviews.rapid_review_request_information(
        actor=partnership_officer,
        rapid_review=review,
        agency=agencies["health"],
        due_on=dt.date(2025, 5, 12),
    )
    client.force_login(partnership_officer)
    url = reverse("partnership:rapid-review-decision", args=[review.pk])
    page = client.get(url).content.decode()
    assert "Warning" in page
    names = " and ".join(sorted([agencies["health"].name, agencies["police"].name]))
    assert f"{names} have not returned their information yet" in page
    response = client.post(
        url,
        {
            "meeting_on_day": "2",
            "meeting_on_month": "5",
            "meeting_on_year": "2025",
            "decision": "no_practice_review",
            "decision_rationale": "The police return was given orally at the meeting.",
        },
        follow=True,
    )
    assert "Returns still awaited from" in response.content.decode()
    review.refresh_from_db()
    assert review.decided_on == dt.date(2025, 5, 2)
    entry = AuditEntry.objects.get(action="rapid_review.decided")
    assert sorted(entry.detail["returns_awaited"]) == sorted(
        [agencies["health"].name, agencies["police"].name]
    )
    with pytest.raises(ValidationError, match="already reached its decision"):
        reviews.rapid_review_decide(
            actor=partnership_officer,
            rapid_review=review,
            meeting_on=dt.date(2025, 5, 2),
            decision="practice_review",
            rationale="Changed our mind.",
        )
