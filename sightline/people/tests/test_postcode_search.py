"""Postcode search: an exact postcode finds who lives or lived there; when no one did, people
at a postcode one character away are shown, and the page says they are near matches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sightline.people.selectors import people_search
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("people:search")


@pytest.fixture
def ivy(agencies):  # type: ignore[no-untyped-def]
    return f.child(
        given_name="Ivy",
        family_name="Testsmith",
        date_of_birth=dt.date(2019, 1, 4),
        address={"line": "4 Mill Lane", "postcode": "BD21 4QA"},
    )


def test_an_exact_postcode_finds_the_child_and_is_not_called_near(social_worker, ivy):
    result = people_search(user=social_worker, postcode="bd21 4qa")
    assert result.visible == [ivy] and result.near_postcodes == []


@pytest.mark.parametrize("typed", ["BD21 4QB", "BD12 4QA", "BD21 4AQ", "BD2 4QA"])
def test_a_postcode_one_character_away_finds_the_child_as_a_near_match(social_worker, ivy, typed):  # type: ignore[no-untyped-def]
    result = people_search(user=social_worker, postcode=typed)
    assert result.visible == [ivy]
    assert result.near_postcodes == ["BD21 4QA"]


def test_a_postcode_far_from_any_held_finds_no_one(social_worker, ivy):
    result = people_search(user=social_worker, postcode="LS11 5QR")
    assert result.visible == [] and result.near_postcodes == []


def test_near_matches_are_not_shown_when_someone_lives_at_the_postcode(social_worker, ivy):
    other = f.child(
        given_name="Noah",
        family_name="Testjones",
        address={"line": "6 Mill Lane", "postcode": "BD21 4QB"},
    )
    result = people_search(user=social_worker, postcode="BD21 4QB")
    assert result.visible == [other] and result.near_postcodes == []


def test_the_page_says_the_results_are_near_matches(signed_in, social_worker, ivy):
    html = signed_in(social_worker).get(URL, {"postcode": "BD21 4QB"}).content.decode()
    assert "No one we hold lives or lived at BD21 4QB" in html
    assert "near matches" in html and "BD21 4QA" in html
    assert reverse("chronology:person", args=[ivy.pk]) in html


def test_the_page_does_not_call_exact_results_near(signed_in, social_worker, ivy):
    html = signed_in(social_worker).get(URL, {"postcode": "BD21 4QA"}).content.decode()
    assert reverse("chronology:person", args=[ivy.pk]) in html
    assert "near matches" not in html
