"""Nicknames are not twins: a known name and its nickname or short form (as the person search
knows them, spelt with -y, -ie or -i) on records with the same date of birth, family name and
address are scored as the same first name's forms; twins with genuinely different first names
still go to review. On the shipped model."""

from __future__ import annotations

import datetime as dt

import pytest

from sightline.linkage.features import features_of
from sightline.linkage.models import MatchCandidate
from sightline.linkage.scoring import TWIN_GUARD, Model, load_shipped_model, score
from sightline.linkage.services import RecordAsSent, source_record_resolve
from sightline.people.selectors import given_name_search_keys

SIBLING = {
    "family_name": "Okafor",
    "date_of_birth": "2016-03-07",
    "address_line": "18 Beech Grove",
    "postcode": "BD22 7HT",
}
NICKNAMES = [
    ("Elizabeth", "Lizzy"),
    ("Rebecca", "Becki"),
    ("Thomas", "Tommie"),
    ("William", "Billie"),
    ("Samuel", "Sammie"),
    ("Victoria", "Vicki"),
    ("Catherine", "Katy"),
    ("Stephen", "Steven"),
]
TWINS = [("Amelia", "Olivia"), ("Tommy", "Tony"), ("Ella", "Ellie"), ("Jacob", "Joseph")]


@pytest.fixture(scope="module")
def model() -> Model:
    return Model.from_json(load_shipped_model())


def _pair(model: Model, a: str, b: str):  # type: ignore[no-untyped-def]
    return score(
        features_of(given_name=a, **SIBLING),  # type: ignore[arg-type]
        features_of(given_name=b, **SIBLING),  # type: ignore[arg-type]
        model,
    )


@pytest.mark.parametrize(("name", "short"), NICKNAMES)
def test_the_person_search_knows_each_pair(name, short):  # type: ignore[no-untyped-def]
    from sightline.people.names import name_key

    assert name_key(short) in given_name_search_keys(name) or name_key(
        name
    ) in given_name_search_keys(short)


@pytest.mark.parametrize(("name", "short"), NICKNAMES)
def test_a_name_and_its_nickname_are_scored_as_one_name_not_held_as_twins(model, name, short):  # type: ignore[no-untyped-def]
    scored = _pair(model, name, short)
    assert scored.level("given_name") == "nickname"
    assert not scored.guard
    assert scored.match_probability >= 0.99


@pytest.mark.parametrize(("one", "other"), TWINS)
def test_twins_with_different_first_names_are_still_held_for_review(model, one, other):  # type: ignore[no-untyped-def]
    scored = _pair(model, one, other)
    assert scored.level("given_name") not in ("exact", "nickname")
    assert scored.guard == TWIN_GUARD
    assert scored.match_probability < 0.99


def _send(agency, record_id, given):  # type: ignore[no-untyped-def]
    sent = RecordAsSent(
        agency,
        record_id,
        given_name=given,
        family_name="Okafor",
        date_of_birth=dt.date(2016, 3, 7),
        address_line="18 Beech Grove",
        postcode="BD22 7HT",
    )
    return source_record_resolve(actor="feed", sent=sent)


@pytest.mark.django_db
def test_a_feed_record_with_the_nickname_is_linked_to_the_child(agencies):  # type: ignore[no-untyped-def]
    first = _send(agencies["health"], "H-1", "Rebecca")
    second = _send(agencies["school"], "S-1", "Becki")
    assert second.method == "probabilistic" and second.person == first.person
    assert not MatchCandidate.objects.exists()


@pytest.mark.django_db
def test_a_feed_record_of_a_twin_goes_to_review(agencies):  # type: ignore[no-untyped-def]
    first = _send(agencies["health"], "H-1", "Amelia")
    second = _send(agencies["school"], "S-1", "Olivia")
    assert second.person != first.person and second.method == "review"
    assert MatchCandidate.objects.get(record=second.record).reason == TWIN_GUARD
