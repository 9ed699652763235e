"""The new-session form shows every error at once: a number of places that is not a number
(the form's check) and a session ending before it starts with no venue (the service's) appear
together on the first submission (issue 14, "errors shown in stages")."""

from __future__ import annotations

import pytest

from sightline.learning.models import TrainingSession
from sightline.learning.tests.test_pages import world  # noqa: F401  (the pages' fixture)
from sightline.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_shows_the_form_errors_and_the_services_together(client, world):  # noqa: F811
    client.login(username="po.larch", password=PASSWORD)
    data = {
        "date_day": "15",
        "date_month": "4",
        "date_year": "2027",
        "start_time": "14:00",
        "end_time": "10:00",
        "venue": "",
        "joining_link": "",
        "capacity": "twelve",
        "trainer_name": "",
    }
    response = client.post(f"/training/manage/courses/{world['course']}/sessions/new/", data)
    page = response.content.decode()
    summary = page[
        page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))
    ]
    assert "Enter the number of places as a whole number, like 20" in summary
    assert "The session must end after it starts" in summary
    assert "Enter the venue, or a joining link" in summary
    assert TrainingSession.objects.count() == 1
