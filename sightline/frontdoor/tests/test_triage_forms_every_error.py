"""Every front-door triage form shows all its errors at once: its own and the service's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sightline.frontdoor.services.requests import information_request_create
from sightline.people.models import Person
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd

pytestmark = pytest.mark.django_db


def test_the_request_form_shows_a_missing_agency_and_a_question_too_long_together(
    agencies, ifd_practitioner
):
    contact = fd.contact(child=f.child())
    client = Client()
    client.force_login(ifd_practitioner)
    response = client.post(
        reverse("frontdoor:request-new", args=[contact.pk]), {"question": "x" * 20_001}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one agency to ask" in html
    assert "The question must be 20,000 characters or fewer" in html


def test_the_answer_form_shows_a_missing_yes_or_no_and_an_answer_too_long_together(
    agencies, ifd_practitioner, health_visitor
):
    [item] = information_request_create(
        actor=ifd_practitioner,
        contact=fd.contact(),
        agencies=[agencies["health"]],
        question="What do you know?",
    )
    client = Client()
    client.force_login(health_visitor)
    response = client.post(
        reverse("frontdoor:request-answer", args=[item.pk]), {"answer": "x" * 20_001}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select yes if your agency knows this child or household" in html
    assert "The answer must be 20,000 characters or fewer" in html


def test_recording_a_child_shows_a_missing_name_and_a_false_postcode_together(
    agencies, ifd_practitioner
):
    contact = fd.contact(child=None)
    client = Client()
    client.force_login(ifd_practitioner)
    response = client.post(
        reverse("frontdoor:contact-child", args=[contact.pk]),
        {
            "action": "create",
            "new-sex": "U",
            "new-postcode": "NOWHERE",
            "new-date_of_birth_day": "1",
            "new-date_of_birth_month": "1",
            "new-date_of_birth_year": "1850",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter at least a first name or a last name" in html
    assert "Enter a real postcode, like BD21 4QA" in html
    assert "Date of birth must be after 1900" in html
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("years", "message"),
    [
        (-1, "is in the future: for a child not yet born, leave the date of birth blank"),
        (25, "a child is under 18"),
    ],
)
def test_recording_a_child_refuses_an_adult_or_a_future_birth_beside_a_missing_name(
    agencies, ifd_practitioner, years, message
):
    """Issue 14: the front door's new-child form accepted an adult's date of birth."""
    import datetime as dt

    contact = fd.contact(child=None)
    client = Client()
    client.force_login(ifd_practitioner)
    year = dt.date.today().year - years
    response = client.post(
        reverse("frontdoor:contact-child", args=[contact.pk]),
        {
            "action": "create",
            "new-sex": "U",
            "new-date_of_birth_day": "1",
            "new-date_of_birth_month": "1" if years > 0 else "12",
            "new-date_of_birth_year": str(year),
        },
    )
    page = response.content.decode()
    assert "Enter at least a first name or a last name" in page
    assert message in page
    assert not Person.objects.exists()


def test_recording_a_child_not_yet_born_with_the_expected_date(agencies, ifd_practitioner):
    import datetime as dt

    contact = fd.contact(child=None)
    client = Client()
    client.force_login(ifd_practitioner)
    expected = dt.date.today() + dt.timedelta(days=90)
    response = client.post(
        reverse("frontdoor:contact-child", args=[contact.pk]),
        {
            "action": "create",
            "new-family_name": "Expectedchild",
            "new-sex": "U",
            "new-expected_date_of_birth_day": str(expected.day),
            "new-expected_date_of_birth_month": str(expected.month),
            "new-expected_date_of_birth_year": str(expected.year),
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.child is not None and contact.child.kind == Person.Kind.UNBORN
    assert contact.child.expected_date_of_birth == expected
