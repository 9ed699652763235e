"""people_search: spelling-tolerant, scoped to the user's working relationships, recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.core.models import AuditEntry
from sightline.people.selectors import people_search
from sightline.people.services import address_add, person_name_add, source_record_link
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db


def names(people):  # type: ignore[no-untyped-def]
    return sorted(p.full_name for p in people)


def test_smyth_finds_smith(social_worker):
    f.child(given_name="Ivy", family_name="Smith")
    result = people_search(user=social_worker, name="Ivy Smyth")
    assert names(result.visible) == ["Ivy Smith"]


def test_smith_finds_smyth(social_worker):
    f.child(given_name="Ivy", family_name="Smyth")
    result = people_search(user=social_worker, name="Ivy Smith")
    assert names(result.visible) == ["Ivy Smyth"]


def test_bill_finds_william(social_worker):
    f.child(given_name="William", family_name="Ashdown")
    result = people_search(user=social_worker, name="Bill Ashdown")
    assert names(result.visible) == ["William Ashdown"]


def test_a_near_spelling_of_the_family_name_is_found(social_worker):
    f.child(given_name="Noah", family_name="Thompson")
    f.child(given_name="Noah", family_name="Simpson")
    result = people_search(user=social_worker, name="Noah Thomson")
    assert names(result.visible) == ["Noah Thompson"]


def test_a_previous_family_name_finds_the_person(social_worker):
    child = f.child(given_name="Maya", family_name="Okafor")
    person_name_add(
        actor="test", person=child, given_name="Maya", family_name="Brennan", kind="previous"
    )
    result = people_search(user=social_worker, name="Maya Brennan")
    assert names(result.visible) == ["Maya Okafor"]


def test_a_last_name_alone_finds_everyone_with_it(social_worker):
    f.child(given_name="Ava", family_name="Marsh")
    f.child(given_name="Leo", family_name="Marsh")
    f.child(given_name="Ava", family_name="Pike")
    assert names(people_search(user=social_worker, name="marsh").visible) == [
        "Ava Marsh",
        "Leo Marsh",
    ]


def test_a_different_given_name_does_not_match(social_worker):
    f.child(given_name="Ivy", family_name="Smith")
    assert people_search(user=social_worker, name="Oscar Smith").visible == []


def test_date_of_birth_nhs_number_and_postcode_narrow_the_search(social_worker):
    twin = f.child(given_name="Ava", family_name="Marsh", date_of_birth=dt.date(2019, 5, 1))
    f.child(given_name="Ava", family_name="Marsh", date_of_birth=dt.date(2017, 2, 2))
    address_add(actor="test", person=twin, line="4 Mill Lane", postcode="BD21 4QA")
    assert names(
        people_search(
            user=social_worker, name="Ava Marsh", date_of_birth=dt.date(2019, 5, 1)
        ).visible
    ) == ["Ava Marsh"]
    assert people_search(user=social_worker, postcode="bd214qa").visible == [twin]


def test_an_nhs_number_finds_the_person_whatever_its_spacing(social_worker):
    child = f.child(given_name="Ava", family_name="Marsh", nhs_number="4857773457")
    assert people_search(user=social_worker, nhs_number="485 777 3457").visible == [child]


def test_an_empty_search_finds_nobody_and_records_nothing(social_worker):
    before = AuditEntry.objects.count()
    result = people_search(user=social_worker)
    assert result.visible == [] and result.restricted == []
    assert AuditEntry.objects.count() == before


def test_an_outsider_sees_a_match_only_as_restricted(outsider):
    child = f.child(given_name="Ivy", family_name="Smith")
    result = people_search(user=outsider, name="Ivy Smith")
    assert result.visible == []
    assert result.restricted == [child]


def test_an_agency_practitioner_sees_the_people_their_agency_recorded(police_officer, agencies):
    recorded = f.adult(given_name="Sam", family_name="Ashcombe")
    source_record_link(actor="test", person=recorded, agency=agencies["police"], record_id="P-1")
    other = f.adult(given_name="Sam", family_name="Ashcombe", date_of_birth=dt.date(1970, 1, 1))
    result = people_search(user=police_officer, name="Sam Ashcombe")
    assert result.visible == [recorded]
    assert result.restricted == [other]


def test_the_ifd_practitioner_sees_children_known_to_social_care(ifd_practitioner):
    known = f.child(given_name="Ruby", family_name="Hale", known_to_social_care=True)
    unknown = f.child(
        given_name="Ruby",
        family_name="Hale",
        date_of_birth=dt.date(2016, 1, 1),
        known_to_social_care=False,
    )
    result = people_search(user=ifd_practitioner, name="Ruby Hale")
    assert result.visible == [known]
    assert result.restricted == [unknown]


def test_unscheduled_care_is_not_offered_restricted_matches(unscheduled_care):
    f.child(given_name="Ivy", family_name="Smith")
    result = people_search(user=unscheduled_care, name="Ivy Smith")
    assert result.visible == [] and result.restricted == []


def test_every_search_is_recorded_with_who_was_shown(outsider):
    child = f.child(given_name="Ivy", family_name="Smith")
    people_search(user=outsider, name="Ivy Smith")
    entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.SEARCH).latest("id")
    assert entry.actor == outsider
    assert entry.action == "people.searched"
    assert entry.detail["name"] == "Ivy Smith"
    assert entry.detail["restricted"] == [child.pk]
    assert entry.detail["shown"] == []
