"""The CP-IS style lookup pages: the search form, its messages, and the minimal answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sightline.sharing.models import CpisLookup
from sightline.sharing.tests import builders as b
from sightline.testing import factories as f


@pytest.fixture(autouse=True)
def _now(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to("2026-03-10 14:05 +00:00", tick=False)


@pytest.fixture
def child(agencies):  # type: ignore[no-untyped-def]
    person = f.child(given_name="Ava", family_name="Testchild", nhs_number=b.CHILD_NHS)
    person.addresses.create(line="1 Secret Street", town="Northmoor", postcode="NM1 1AA")
    return person


@pytest.fixture
def clinician(client: Client, unscheduled_care) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(unscheduled_care)
    return client


def search(client: Client, **fields: str):  # type: ignore[no-untyped-def]
    data = {"setting": "ed", **fields}
    return client.post("/cp-is/", data, follow=True)


def test_the_search_page_asks_for_the_setting_and_the_nhs_number(clinician):
    page = clinician.get("/cp-is/").content.decode()

    assert "Check if a child is on a child protection plan" in page
    assert "Emergency department attendance" in page
    assert 'name="nhs_number"' in page


def test_a_child_on_a_plan_shows_the_plan_the_team_contact_and_nothing_else(
    clinician, child, agencies
):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))

    response = search(clinician, nhs_number="9434765919")

    page = response.content.decode()
    assert response.redirect_chain == [("/cp-is/answer/", 302)]
    assert "This child is on a child protection plan" in page
    assert "3 November 2025" in page
    assert "Safeguarding Team West" in page
    assert "01632 960 123" in page
    assert "Out of hours" in page
    assert "Northmoor Emergency Duty Team: " in page and "01632 960 999" in page
    assert "Not recorded:" not in page and "Team phone</dt>" in page
    assert "safeguarding.west@example.org" in page
    assert "Looked after" in page and "Not recorded in Sightline" in page
    assert "NHS number 943 476 5919" in page
    for private in ("Ava", "Testchild", "Secret Street", "NM1 1AA", "14 March 2018"):
        assert private not in page, private


def test_a_plan_ended_in_the_last_12_months_shows_its_end_date(clinician, child, agencies):
    b.plan(child, agencies, start=dt.date(2024, 9, 2), end=dt.date(2025, 4, 10))

    page = search(clinician, nhs_number=b.CHILD_NHS).content.decode()

    assert "was on a child protection plan in the last 12 months" in page
    assert "End date" in page and "10 April 2025" in page


def test_a_child_in_need_plan_is_answered_as_not_on_a_child_protection_plan(
    clinician, child, agencies
):
    b.plan(child, agencies, start=dt.date(2025, 12, 1), kind="cin")

    page = search(clinician, nhs_number=b.CHILD_NHS).content.decode()

    assert "Not on a child protection plan now or in the last 12 months" in page
    assert "Safeguarding Team West" not in page


def test_the_mothers_nhs_number_shows_her_unborn_childs_pre_birth_plan(clinician, agencies):
    _, unborn = b.mother_with_unborn_child(expected=dt.date(2026, 5, 20))
    b.plan(unborn, agencies, start=dt.date(2026, 2, 2))

    page = search(clinician, nhs_number=b.MOTHER_NHS).content.decode()

    assert "Unborn child of this woman: on a child protection plan since 2 February 2026" in page
    assert "Safeguarding Team West" in page
    assert "Jade" not in page


def test_an_invalid_nhs_number_is_explained_and_nothing_is_looked_up(clinician, child):
    response = clinician.post("/cp-is/", {"setting": "ed", "nhs_number": "943 476 5918"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "This is not a valid NHS number: its check digit is wrong" in page
    assert CpisLookup.objects.count() == 0


def test_a_short_nhs_number_is_explained(clinician):
    page = clinician.post("/cp-is/", {"setting": "ed", "nhs_number": "94347"}).content.decode()

    assert "An NHS number has 10 digits" in page


def test_an_empty_search_asks_for_an_nhs_number_or_a_name_and_the_setting(clinician):
    page = clinician.post("/cp-is/", {}).content.decode()

    assert "Enter the child&#x27;s NHS number, or their name and date of birth" in page
    assert "Select where you are seeing the child" in page


def test_a_name_without_a_date_of_birth_asks_for_it(clinician):
    page = clinician.post(
        "/cp-is/", {"setting": "ed", "given_name": "Ava", "family_name": "Testchild"}
    ).content.decode()

    assert "Enter the child&#x27;s date of birth" in page
    assert CpisLookup.objects.count() == 0


def test_an_ambiguous_name_search_asks_for_the_nhs_number(clinician, child, agencies):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))
    f.child(given_name="Ava", family_name="Testchild")

    page = search(
        clinician,
        given_name="Ava",
        family_name="Testchild",
        date_of_birth_day="14",
        date_of_birth_month="3",
        date_of_birth_year="2018",
    ).content.decode()

    assert "Search again with the NHS number" in page
    assert "Safeguarding Team West" not in page
    assert CpisLookup.objects.get().answer == CpisLookup.Answer.NOT_IDENTIFIED


def test_a_name_matching_one_child_answers(clinician, child, agencies):
    b.plan(child, agencies, start=dt.date(2025, 11, 3))

    page = search(
        clinician,
        given_name="Ava",
        family_name="Testchild",
        date_of_birth_day="14",
        date_of_birth_month="3",
        date_of_birth_year="2018",
    ).content.decode()

    assert "This child is on a child protection plan" in page


def test_the_answer_page_without_a_lookup_goes_back_to_the_search(clinician):
    response = clinician.get("/cp-is/answer/")

    assert response.status_code == 302
    assert response["Location"] == "/cp-is/"


def test_the_home_page_links_to_the_check_for_clinicians_only(client, unscheduled_care, analyst):
    client.force_login(unscheduled_care)
    assert "/cp-is/" in client.get("/").content.decode()
    client.force_login(analyst)
    assert "/cp-is/" not in client.get("/").content.decode()


@pytest.mark.parametrize("persona", ["social_worker", "health_visitor", "ifd_manager", "analyst"])
def test_other_roles_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/cp-is/").status_code == 403
    assert client.post("/cp-is/", {"setting": "ed", "nhs_number": b.CHILD_NHS}).status_code == 403
    assert CpisLookup.objects.count() == 0


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/cp-is/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
