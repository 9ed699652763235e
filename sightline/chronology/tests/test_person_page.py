"""The person page: header, chronology with filters and pages, family, professionals, open work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sightline.chronology import panels
from sightline.chronology.models import EventType
from sightline.core.models import AuditEntry
from sightline.people.models import PersonName, Relationship
from sightline.people.services import (
    involvement_start,
    person_name_add,
    source_record_link,
)
from sightline.testing import chronology as c
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def lily(agencies):  # type: ignore[no-untyped-def]
    child = f.child(
        given_name="Ivy",
        family_name="Harlowe",
        date_of_birth=dt.date(2019, 1, 4),
        sex="F",
        nhs_number="4857773457",
        address={"line": "4 Mill Lane", "town": "Northmoor", "postcode": "BD21 4QA"},
    )
    source_record_link(actor="test", person=child, agency=agencies["police"], record_id="WYP-553")
    person_name_add(
        actor="test", person=child, given_name="Ivie", family_name="Harlowe",
        kind=PersonName.Kind.SPELLING,
    )  # fmt: skip
    return child


def url(person):  # type: ignore[no-untyped-def]
    return reverse("chronology:person", args=[person.pk])


def test_the_header_shows_who_the_person_is(signed_in, social_worker, lily):
    html = signed_in(social_worker).get(url(lily)).content.decode()
    assert '<h1 class="govuk-heading-l">Ivy Harlowe</h1>' in html
    assert "4 January 2019" in html
    assert "Female" in html
    assert "485 777 3457" in html
    assert "4 Mill Lane" in html and "BD21 4QA" in html
    assert "Ivie Harlowe <span" in html and "(other spelling)" in html


def test_agency_records_are_named_by_agency_never_by_code(signed_in, social_worker, lily):
    html = signed_in(social_worker).get(url(lily)).content.decode()
    assert "Northmoor Police record WYP-553" in html
    assert f"Northmoor Children&#x27;s Social Care record LA{lily.pk:08d}" in html
    assert "police:WYP-553" not in html
    assert f"csc:LA{lily.pk:08d}" not in html


def test_the_chronology_is_newest_first_with_agency_recorder_and_role(
    signed_in, social_worker, agencies, lily
):
    c.event(
        lily, source=agencies["police"], type=EventType.DOMESTIC_ABUSE_INCIDENT,
        occurred_at=c.at("2020-03-07", "23:10"), summary="Neighbour called police; shouting.",
        recorded_by_label="PC Ash",
    )  # fmt: skip
    c.event(
        lily, source=agencies["health"], type=EventType.APPOINTMENT_NOT_BROUGHT,
        occurred_at=c.at("2021-06-01", "09:30"), summary="Not brought to the 2-year review.",
        role="subject", recorded_by_label="Health Visitor Birch",
    )  # fmt: skip
    html = signed_in(social_worker).get(url(lily)).content.decode()
    newer, older = html.index("Not brought to the 2-year review."), html.index("Neighbour called")
    assert newer < older
    assert "Domestic abuse incident" in html
    assert "7 Mar 2020" in html and "23:10" in html
    assert "Northmoor Police" in html and "PC Ash" in html
    assert "Northmoor Community Health" in html and "Health Visitor Birch" in html
    assert "Subject" in html and "Child" in html


def test_opening_the_page_records_the_read(signed_in, social_worker, lily):
    signed_in(social_worker).get(url(lily))
    entry = AuditEntry.objects.filter(kind="read", person_id=lily.pk).latest("id")
    assert entry.actor == social_worker
    assert entry.detail["purpose"] == "person page"


def test_the_chronology_is_filtered_by_agency(signed_in, social_worker, agencies, lily):
    c.event(lily, source=agencies["police"], summary="Police contact about Ivy.")
    c.event(lily, source=agencies["health"], summary="Health contact about Ivy.")
    html = signed_in(social_worker).get(url(lily), {"agency": "police"}).content.decode()
    assert "Police contact about Ivy." in html
    assert "Health contact about Ivy." not in html
    assert "Clear filters" in html


def test_the_chronology_is_filtered_by_type(signed_in, social_worker, agencies, lily):
    c.event(lily, source=agencies["police"], type=EventType.MISSING_EPISODE, summary="Missing.")
    c.event(lily, source=agencies["police"], type=EventType.CONTACT, summary="A contact.")
    html = signed_in(social_worker).get(url(lily), {"type": "missing_episode"}).content.decode()
    assert "Missing." in html
    assert "A contact." not in html


def test_the_chronology_is_filtered_by_dates_inclusively(signed_in, social_worker, agencies, lily):
    for day in ("2024-01-31", "2024-02-01", "2024-02-29", "2024-03-01"):
        c.event(lily, source=agencies["police"], occurred_at=c.at(day, "23:30"), summary=day)
    query = {
        "date_from_day": 1, "date_from_month": 2, "date_from_year": 2024,
        "date_to_day": 29, "date_to_month": 2, "date_to_year": 2024,
    }  # fmt: skip
    html = signed_in(social_worker).get(url(lily), query).content.decode()
    assert ">2024-02-01<" in html and ">2024-02-29<" in html
    assert ">2024-01-31<" not in html and ">2024-03-01<" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from_day": 30, "date_from_month": 2, "date_from_year": 2024}, "must be a real"),
        (
            {
                "date_from_day": 2, "date_from_month": 1, "date_from_year": 2024,
                "date_to_day": 1, "date_to_month": 1, "date_to_year": 2024,
            },
            "must be on or after",
        ),
        ({"agency": "nobody"}, "Choose an agency from the list"),
    ],
)  # fmt: skip
def test_an_invalid_filter_is_explained_in_an_error_summary(
    signed_in, social_worker, agencies, lily, query, message
):
    # Dated after every valid part of the filters, so the test does not depend on the order
    # tests run in (the builders' default dates count up across the run).
    c.event(
        lily, source=agencies["police"], occurred_at=c.at("2024-01-03"), summary="Still listed."
    )
    response = signed_in(social_worker).get(url(lily), query)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert message in html
    assert "Still listed." in html


def test_the_chronology_shows_fifty_entries_a_page(signed_in, social_worker, agencies, lily):
    c.events(lily, 55, source=agencies["police"])
    client = signed_in(social_worker)
    first = client.get(url(lily)).content.decode()
    assert "Showing 1 to 50 of 55 events" in first
    assert 'class="govuk-pagination' in first
    second = client.get(url(lily), {"page": 2}).content.decode()
    assert "Showing 51 to 55 of 55 events" in second


def test_page_links_keep_the_filters(signed_in, social_worker, agencies, lily):
    c.events(lily, 55, source=agencies["police"])
    html = signed_in(social_worker).get(url(lily), {"agency": "police"}).content.decode()
    assert "?agency=police&amp;page=2" in html


def test_the_number_of_queries_does_not_grow_with_the_chronology(
    signed_in, social_worker, agencies, lily, django_assert_max_num_queries
):
    client = signed_in(social_worker)
    c.events(lily, 10, source=agencies["police"])
    with CaptureQueriesContext(connection) as with_ten:
        assert client.get(url(lily)).status_code == 200
    assert len(with_ten) <= 30
    c.events(lily, 190, source=agencies["health"], start=c.at("2022-01-01"))
    with django_assert_max_num_queries(len(with_ten)):
        assert "of 200 events" in client.get(url(lily)).content.decode()


def test_the_household_and_relatives_are_shown_both_ways(signed_in, social_worker, lily):
    mother = f.adult(given_name="Jordan", family_name="Testmother")
    partner = f.adult(given_name="Casey", family_name="Testpartner")
    baby = f.child(given_name="Rowan", family_name="Harlowe", date_of_birth=dt.date(2024, 2, 2))
    c.household(lily, mother, partner, name="4 Mill Lane")
    Relationship.objects.create(
        person=mother, relative=lily, kind="mother", parental_responsibility=True
    )
    Relationship.objects.create(person=lily, relative=baby, kind="sibling")
    html = signed_in(social_worker).get(url(lily)).content.decode()
    assert "Jordan Testmother" in html and "Casey Testpartner" in html
    assert "Mother" in html
    assert "Rowan Harlowe" in html and "Brother or sister" in html
    assert reverse("chronology:person", args=[partner.pk]) in html


def test_professionals_are_listed_current_first(signed_in, social_worker, agencies, lily):
    hv = f.user(agencies["health"], "practitioner", "health_visitor", username="hv.rowan")
    involvement_start(
        actor="test", person=lily, agency=agencies["health"], role="Former health visitor",
        user=hv, started=dt.date(2019, 1, 10),
    )  # fmt: skip
    lily.involvements.update(ended=dt.date(2020, 1, 1))
    involvement_start(
        actor="test", person=lily, agency=agencies["csc"], role="Lead social worker",
        user=social_worker, started=dt.date(2024, 5, 1),
    )  # fmt: skip
    html = signed_in(social_worker).get(url(lily)).content.decode()
    assert html.index("Lead social worker") < html.index("Former health visitor")
    assert "sw.elm@example.org" in html
    assert "Northmoor Children&#x27;s Social Care" in html


def test_open_work_from_other_apps_is_shown(signed_in, social_worker, lily):
    def provider(*, user, person):  # type: ignore[no-untyped-def]
        if person != lily:
            return []
        return [
            panels.OpenWork(
                kind="Contact awaiting decision", title="CON-0001", url="/frontdoor/1/",
                due_at=dt.date(2024, 5, 2), owner="Integrated Front Door", overdue=True,
            )
        ]  # fmt: skip

    panels.register_open_work(provider)
    try:
        html = signed_in(social_worker).get(url(lily)).content.decode()
    finally:
        panels._open_work.remove(provider)
    assert "Contact awaiting decision" in html and "CON-0001" in html
    assert "(overdue)" in html


def test_someone_from_an_agency_that_recorded_the_person_sees_the_page(
    signed_in, police_officer, lily
):
    assert signed_in(police_officer).get(url(lily)).status_code == 200


def test_a_person_who_does_not_exist_is_not_found(signed_in, social_worker):
    assert signed_in(social_worker).get(reverse("chronology:person", args=[999])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, lily):
    response = client.get(url(lily))
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]
