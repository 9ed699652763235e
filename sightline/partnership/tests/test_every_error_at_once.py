"""The partnership's question pages show every error at once: a missing answer and a
contradiction the service refuses appear together on the first submission (issue 14,
"errors shown in stages")."""

import datetime as dt
import html

import pytest
from django.test import Client
from django.urls import reverse

from sightline.partnership.models import AgencyInformationRequest
from sightline.partnership.services import reviews

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(partnership_officer, incident, time_machine):
    time_machine.move_to(dt.datetime(2025, 5, 2, 10, 0, tzinfo=dt.UTC))
    reviews.serious_incident_notify(
        actor=partnership_officer, incident=incident, notified_on=dt.date(2025, 5, 2)
    )
    return reviews.rapid_review_start(actor=partnership_officer, incident=incident)


def _date(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def _summary(response):
    page = html.unescape(response.content.decode())
    start = page.index("govuk-error-summary")
    return page[start : page.index("</ul>", start)]


@pytest.mark.parametrize(
    ("page", "answers", "field", "contradiction"),
    [
        (
            "partnership:rapid-review-decision",
            {**_date("meeting_on", dt.date(2025, 5, 1)), "decision_rationale": "Learning."},
            "decision",
            "The meeting must be on or after the notification",
        ),
        (
            "partnership:information-request-new",
            {**_date("due_on", dt.date(2025, 12, 1))},
            "agency",
            "Ask for the return by",
        ),
    ],
)
def test_it_shows_the_missing_answer_and_the_contradiction_together(
    review, partnership_officer, page, answers, field, contradiction
):
    client = Client()
    client.force_login(partnership_officer)
    response = client.post(reverse(page, args=[review.pk]), answers)
    summary = _summary(response)
    [missing] = response.context["form"].errors[field]
    assert missing in summary
    assert contradiction in summary
    review.refresh_from_db()
    assert review.decided_on is None
    assert not AgencyInformationRequest.objects.exists()
