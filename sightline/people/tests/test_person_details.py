"""The person's details as the person page shows them: each relative listed once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sightline.people.models import Relationship
from sightline.people.selectors import person_details
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


def test_a_sibling_recorded_from_both_sides_is_listed_once(agencies):
    lily = f.child(given_name="Lily", family_name="Testharlowe")
    rowan = f.child(
        given_name="Rowan", family_name="Testharlowe", date_of_birth=dt.date(2020, 2, 2)
    )
    Relationship.objects.create(person=lily, relative=rowan, kind="sibling")
    Relationship.objects.create(person=rowan, relative=lily, kind="sibling")
    relatives = person_details(person=lily).relatives
    assert [(r.person.pk, r.relationship) for r in relatives] == [(rowan.pk, "Brother or sister")]


def test_a_sibling_recorded_twice_keeps_the_current_relationship(agencies):
    lily = f.child(given_name="Lily", family_name="Testharlowe")
    rowan = f.child(
        given_name="Rowan", family_name="Testharlowe", date_of_birth=dt.date(2020, 2, 2)
    )
    Relationship.objects.create(
        person=lily, relative=rowan, kind="sibling", until=dt.date(2022, 1, 1)
    )
    Relationship.objects.create(person=rowan, relative=lily, kind="sibling")
    (relative,) = person_details(person=lily).relatives
    assert relative.until is None


def test_a_mother_and_her_child_are_not_taken_for_one_relationship(agencies):
    lily = f.child(given_name="Lily", family_name="Testharlowe")
    mother = f.adult(given_name="Jordan", family_name="Testharlowe")
    Relationship.objects.create(person=mother, relative=lily, kind="mother")
    Relationship.objects.create(person=lily, relative=mother, kind="carer")
    labels = sorted(r.relationship for r in person_details(person=lily).relatives)
    assert labels == ["Cared for by this person", "Mother"]


def test_the_person_page_lists_a_sibling_recorded_both_ways_once(client, social_worker):  # type: ignore[no-untyped-def]
    lily = f.child(given_name="Lily", family_name="Testharlowe")
    rowan = f.child(
        given_name="Rowan", family_name="Testharlowe", date_of_birth=dt.date(2020, 2, 2)
    )
    Relationship.objects.create(person=lily, relative=rowan, kind="sibling")
    Relationship.objects.create(person=rowan, relative=lily, kind="sibling")
    client.force_login(social_worker)
    html = client.get(reverse("chronology:person", args=[lily.pk])).content.decode()
    assert html.count("Rowan Testharlowe") == 1
