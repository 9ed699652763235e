"""The partner-check form: agencies already involved with the child first, the rest grouped by
kind with a filter (a list that works without JavaScript; the filter enhances it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sightline.accounts.models import Agency
from sightline.people.models import Involvement, SourceRecord
from sightline.testing import factories as f
from sightline.testing import frontdoor as fd

pytestmark = pytest.mark.django_db


def page(user, contact) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get(reverse("frontdoor:request-new", args=[contact.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def many_agencies(agencies):  # type: ignore[no-untyped-def]
    for number in range(1, 41):
        Agency.objects.create(
            code=f"school-{number}",
            name=f"Testfield School {number:02d}",
            kind=Agency.Kind.SCHOOL,
        )
    return agencies


def test_the_agencies_involved_with_the_child_come_first_saying_why(
    many_agencies, ifd_practitioner, health_visitor
):
    agencies = many_agencies
    child = f.child(given_name="Nora", known_to_social_care=False)
    Involvement.objects.create(
        person=child,
        user=health_visitor,
        agency=agencies["health"],
        role="Health visitor",
        started=dt.date(2024, 1, 5),
    )
    Involvement.objects.create(
        person=child,
        agency=agencies["housing"],
        role="Tenancy officer",
        started=dt.date(2020, 1, 5),
        ended=dt.date(2021, 1, 5),
    )
    SourceRecord.objects.create(agency=agencies["school"], record_id="MP-0042", person=child)

    html = page(ifd_practitioner, fd.contact(child=child))

    involved = html.index("Already involved with Nora")
    rest = html.index("Other agencies")
    assert involved < html.index("Millbrook Primary School") < rest
    assert involved < html.index("Northmoor Community Health") < rest
    assert "Health visitor: Hv Birch" in html
    assert "Holds a record of Nora" in html
    assert "MP-0042" not in html  # an agency's record code is never shown
    # An involvement that ended is not current: housing is among the others.
    assert html.index("Northmoor Homes") > rest
    # Each agency is offered once.
    assert html.count(f'value="{agencies["school"].pk}"') == 1


def test_the_other_agencies_are_grouped_by_kind_with_a_filter_for_scripts_to_enhance(
    many_agencies, ifd_practitioner
):
    html = page(ifd_practitioner, fd.contact(child=f.child(known_to_social_care=False)))
    assert "Already involved with" not in html
    assert '<h3 class="govuk-heading-s' in html and ">Schools</h3>" in html
    assert ">Police</h3>" in html
    assert "data-agency-filter" in html
    assert "agency-filter.mjs" in html
    assert html.count('type="checkbox"') == Agency.objects.filter(active=True).count()
    # The error summary's link has an input to go to.
    assert 'id="id_agencies_0"' in html


def test_an_agency_already_asked_is_not_offered_again(agencies, ifd_practitioner):
    from sightline.frontdoor.services.requests import information_request_create

    contact = fd.contact(child=f.child())
    information_request_create(
        actor=ifd_practitioner, contact=contact, agencies=[agencies["police"]], question="?"
    )
    html = page(ifd_practitioner, contact)
    assert f'value="{agencies["police"].pk}"' not in html


def test_a_choice_survives_an_error_elsewhere_on_the_form(agencies, ifd_practitioner):
    contact = fd.contact(child=f.child())
    client = Client()
    client.force_login(ifd_practitioner)
    response = client.post(
        reverse("frontdoor:request-new", args=[contact.pk]),
        {"agencies": [agencies["police"].pk], "question": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'value="{agencies["police"].pk}" checked' in html
