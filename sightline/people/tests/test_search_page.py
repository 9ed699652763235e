"""The Find a person page: a GOV.UK GET form, results split by relationship, errors explained."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sightline.core.models import AuditEntry
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("people:search")


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


def test_the_empty_form_shows_no_errors_and_records_nothing(signed_in, social_worker):
    before = AuditEntry.objects.count()
    response = signed_in(social_worker).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Find a person</h1>' in html
    assert "There is a problem" not in html
    assert AuditEntry.objects.count() == before


def test_a_visible_match_shows_date_of_birth_age_postcode_and_a_link(signed_in, social_worker):
    child = f.child(
        given_name="Ivy",
        family_name="Smith",
        date_of_birth=dt.date(2019, 1, 4),
        address={"line": "4 Mill Lane", "postcode": "BD21 4QA"},
    )
    html = signed_in(social_worker).get(URL, {"name": "Ivy Smyth"}).content.decode()
    assert reverse("chronology:person", args=[child.pk]) in html
    assert "4 January 2019" in html
    assert "BD21 4QA" in html
    assert "year" in html  # the age


def test_a_restricted_match_shows_only_name_and_year_of_birth(signed_in, outsider):
    child = f.child(
        given_name="Ivy",
        family_name="Smith",
        date_of_birth=dt.date(2019, 1, 4),
        address={"line": "4 Mill Lane", "postcode": "BD21 4QA"},
    )
    html = signed_in(outsider).get(URL, {"name": "Ivy Smith"}).content.decode()
    assert "Ivy Smith" in html
    assert "2019" in html
    assert "4 January 2019" not in html
    assert "BD21 4QA" not in html
    assert f'href="{reverse("chronology:person", args=[child.pk])}"' not in html
    assert reverse("people:break-glass", args=[child.pk]) in html


def test_the_search_is_recorded(signed_in, social_worker):
    signed_in(social_worker).get(URL, {"name": "Smith"})
    assert AuditEntry.objects.filter(actor=social_worker, kind="search").count() == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"name": "", "nhs_number": "", "postcode": ""}, "Enter a name, date of birth"),
        ({"nhs_number": "485 777 3456"}, "This is not a valid NHS number"),
        ({"nhs_number": "12345"}, "An NHS number has 10 digits"),
        (
            {"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "2999"},
            "Date of birth must be today or in the past",
        ),
        (
            {"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "2019"},
            "Date of birth must be a real date",
        ),
        ({"date_of_birth_day": "4", "date_of_birth_year": "2019"}, "must include a month"),
        ({"postcode": "NOT A CODE"}, "Enter a real postcode"),
    ],
)
def test_bad_input_is_explained_in_an_error_summary(signed_in, social_worker, query, message):
    before = AuditEntry.objects.count()
    response = signed_in(social_worker).get(URL, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert message in html
    assert "<title>Error: " in html
    assert AuditEntry.objects.count() == before


def test_the_error_summary_links_to_the_date_field(signed_in, social_worker):
    query = {"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "2019"}
    html = signed_in(social_worker).get(URL, query).content.decode()
    assert 'href="#id_date_of_birth_day"' in html
    assert 'id="id_date_of_birth_day"' in html


def test_no_match_suggests_how_to_search_again(signed_in, social_worker):
    html = signed_in(social_worker).get(URL, {"name": "Nobody Atall"}).content.decode()
    assert "No one you work with matches" in html
    assert "Check the spelling" in html
