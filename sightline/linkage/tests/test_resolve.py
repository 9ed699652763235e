"""Resolving source records to persons: exact identifiers first, then the probabilistic model."""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.linkage.models import MatchCandidate
from sightline.linkage.services import RecordAsSent, source_record_resolve
from sightline.people.identifiers import nhs_number_with_check_digit

NHS_A = nhs_number_with_check_digit("943476591")
NHS_B = nhs_number_with_check_digit("401023213")
NHS_C = nhs_number_with_check_digit("450557710")


def send(agency, record_id, **fields):  # type: ignore[no-untyped-def]
    return source_record_resolve(actor="feed", sent=RecordAsSent(agency, record_id, **fields))


LILY = {
    "given_name": "Poppy",
    "family_name": "Smith",
    "date_of_birth": dt.date(2019, 1, 4),
    "sex": "F",
    "address_line": "4 Mill Lane",
    "postcode": "BD21 4QA",
}
WILLIAM = {
    "given_name": "William",
    "family_name": "Okafor",
    "date_of_birth": dt.date(2016, 3, 7),
    "sex": "M",
    "address_line": "18 Beech Grove",
    "postcode": "BD22 7HT",
}


@pytest.fixture
def police(agencies):  # type: ignore[no-untyped-def]
    return agencies["police"]


@pytest.fixture
def health(agencies):  # type: ignore[no-untyped-def]
    return agencies["health"]


@pytest.fixture
def school(agencies):  # type: ignore[no-untyped-def]
    return agencies["school"]


def test_a_record_seen_before_stays_with_its_person(police):  # type: ignore[no-untyped-def]
    first = send(police, "P-1", **LILY)
    again = send(police, "P-1", **{**LILY, "given_name": "Someone else"})
    assert again.method == "existing" and again.person == first.person


def test_a_valid_nhs_number_links_whatever_the_spelling(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", nhs_number=NHS_A, **LILY)
    second = send(police, "P-1", **{**LILY, "given_name": "Popy", "nhs_number": NHS_A})
    assert second.method == "nhs_number"
    assert second.person == first.person


def test_a_valid_upn_links(school, police):  # type: ignore[no-untyped-def]
    from sightline.people.identifiers import upn_with_check_letter

    upn = upn_with_check_letter("380211512001")
    first = send(school, "S-1", upn=upn, **WILLIAM)
    second = send(police, "P-9", upn=upn, **{**WILLIAM, "postcode": "", "address_line": ""})
    assert second.method == "upn" and second.person == first.person


def test_a_typo_in_the_family_name_links(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", **LILY)
    second = send(police, "P-1", **{**LILY, "family_name": "Smtih"})
    assert second.method == "probabilistic" and second.person == first.person


def test_a_nickname_links_to_the_formal_name(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", **WILLIAM)
    second = send(police, "P-1", **{**WILLIAM, "given_name": "Bill"})
    assert second.person == first.person


def test_day_and_month_swapped_links(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", **LILY)
    second = send(police, "P-1", **{**LILY, "date_of_birth": dt.date(2019, 4, 1)})
    assert second.person == first.person


def test_a_single_digit_error_in_the_date_of_birth_links(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", **WILLIAM)
    second = send(police, "P-1", **{**WILLIAM, "date_of_birth": dt.date(2016, 3, 9)})
    assert second.person == first.person


def test_a_missing_nhs_number_still_links_on_name_and_birthday(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", nhs_number=NHS_A, **LILY)
    second = send(police, "P-1", **LILY)
    assert second.method == "probabilistic" and second.person == first.person


def test_a_child_who_moved_house_stays_one_person(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", **WILLIAM)
    moved = {**WILLIAM, "address_line": "2 Canal Street", "postcode": "LS11 5QR"}
    second = send(police, "P-1", **moved)
    assert second.person == first.person


def test_a_move_with_the_same_nhs_number_stays_one_person(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", nhs_number=NHS_B, **WILLIAM)
    moved = {**WILLIAM, "given_name": "Will", "address_line": "2 Canal St", "postcode": "LS11 5QR"}
    second = send(police, "P-1", nhs_number=NHS_B, **moved)
    assert second.method == "nhs_number" and second.person == first.person


def test_twins_are_kept_apart(health, police):  # type: ignore[no-untyped-def]
    ella = send(health, "H-1", **LILY, nhs_number=NHS_A)
    sister = {**LILY, "given_name": "Grace"}
    grace = send(health, "H-2", **sister, nhs_number=NHS_B)
    assert grace.person != ella.person
    # The police know the twins without NHS numbers: each still goes to the right child.
    assert send(police, "P-1", **LILY).person == ella.person
    assert send(police, "P-2", **sister).person == grace.person


def test_twins_without_nhs_numbers_are_never_linked_automatically(health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", **{**LILY, "given_name": "Ella"})
    second = send(health, "H-2", **{**LILY, "given_name": "Ellie"})
    assert second.person != first.person
    assert second.method == "review"
    queued = MatchCandidate.objects.get(record=second.record)
    assert "twins" in queued.reason


def test_same_name_same_birthday_children_in_different_families_stay_apart(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", nhs_number=NHS_A, **WILLIAM)
    other_family = {**WILLIAM, "address_line": "77 Moor Road", "postcode": "HX1 2AB"}
    second = send(health, "H-2", nhs_number=NHS_C, **other_family)
    assert second.person != first.person
    assert second.method == "new"


def test_a_mothers_nhs_number_on_her_babys_record_goes_to_review(police, health):  # type: ignore[no-untyped-def]
    mother = send(
        health,
        "H-1",
        nhs_number=NHS_A,
        given_name="Dawn",
        family_name="Smith",
        date_of_birth=dt.date(1994, 5, 17),
        sex="F",
        postcode="BD21 4QA",
    )
    baby = send(police, "P-1", nhs_number=NHS_A, **LILY)
    assert baby.person != mother.person
    assert baby.method == "review"
    assert baby.person.nhs_number == ""
    queued = MatchCandidate.objects.get(record=baby.record)
    assert queued.candidate == mother.person and "NHS number" in queued.reason


def test_a_different_person_gets_a_new_person(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", **LILY)
    second = send(police, "P-1", **WILLIAM)
    assert second.created_person and second.person != first.person


def test_an_uncertain_match_goes_to_review_with_its_weights(police, health):  # type: ignore[no-untyped-def]
    first = send(health, "H-1", **WILLIAM)
    # Nickname, a moved address and day and month swapped: not sure enough to link.
    doubtful = {
        **WILLIAM,
        "given_name": "Bill",
        "date_of_birth": dt.date(2016, 7, 3),
        "address_line": "2 Canal Street",
        "postcode": "LS11 5QR",
    }
    second = send(police, "P-1", **doubtful)
    assert second.method == "review" and second.person != first.person
    queued = MatchCandidate.objects.get(record=second.record)
    assert 0.8 <= queued.match_probability < 0.99
    levels = {f["comparison"]: f["level"] for f in queued.fields}
    assert levels["given_name"] == "nickname" and levels["date_of_birth"] == "swapped"


def test_persons_created_elsewhere_are_found(police):  # type: ignore[no-untyped-def]
    from sightline.testing import factories as f

    known = f.child(given_name="Poppy", family_name="Smith", date_of_birth=dt.date(2019, 1, 4))
    found = send(police, "P-1", **LILY)
    assert found.person == known
