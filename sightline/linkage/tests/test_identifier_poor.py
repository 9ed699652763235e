"""Records without identifiers (no NHS number, UPN, postcode or sex): what is missing weighs
nothing, street lines are compared as people write them, and a slip is not a twin."""

from __future__ import annotations

import pytest

from sightline.linkage import conf
from sightline.linkage.comparisons import ADDRESS
from sightline.linkage.features import Features, features_of
from sightline.linkage.scoring import Model, load_shipped_model, score, twin_guard_applies


def poor(**fields: str) -> Features:
    base = {
        "given_name": "Amara",
        "family_name": "Okafor",
        "date_of_birth": "2015-06-21",
        "address_line": "14 Acacia Avenue",
    }
    return features_of(**{**base, **fields})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def model() -> Model:
    return Model.from_json(load_shipped_model())


def address_weight(model: Model, a: Features, b: Features) -> float:
    return next(f.weight for f in score(a, b, model).fields if f.comparison == ADDRESS.name)


def test_no_postcode_on_either_side_is_not_a_different_area(model):
    a, b = poor(address_line=""), poor(address_line="")
    assert ADDRESS.level_of(a, b) is None
    assert address_weight(model, poor(), poor(address_line="")) == 0.0


@pytest.mark.parametrize(
    "line",
    ["14 Acacia", "14 Acaciaavenue", "14, Acacia Ave.", "14 ACACIA AV", "Flat 2, 14 Acacia Avenue"],
)
def test_a_street_with_or_without_its_suffix_and_no_postcode_links_a_name_one_letter_apart(
    model, line
):
    a = poor()
    b = poor(given_name="Amra", address_line=line)
    assert ADDRESS.level_of(a, b).name == "street"  # type: ignore[union-attr]
    assert address_weight(model, a, b) > 0
    assert score(a, b, model).match_probability >= conf.link_threshold()


@pytest.mark.parametrize(
    "one, other",
    [
        ("14 High St", "14 High Street"),
        ("3 Mill Rd", "3 Mill Road"),
        ("7 Church Hill Road", "7 Churchhill Rd"),
    ],
)
def test_street_abbreviations_and_run_together_words_are_the_same_street(one, other):
    assert ADDRESS.level_of(poor(address_line=one), poor(address_line=other)).name == "street"  # type: ignore[union-attr]


def test_a_slip_in_the_house_number_or_the_street_is_more_than_another_street(model):
    a = poor()
    for slip in ("41 Acacia Avenue", "14 Acaica Avenue", "15 Acacia Avenue"):
        b = poor(address_line=slip)
        assert ADDRESS.level_of(a, b).name == "street_slip", slip  # type: ignore[union-attr]
    elsewhere = poor(address_line="90 Station Road")
    assert address_weight(model, a, poor(address_line="41 Acacia Avenue")) > address_weight(
        model, a, elsewhere
    )


def test_a_different_street_with_no_postcode_is_not_a_different_area(model):
    level = ADDRESS.level_of(poor(), poor(address_line="90 Station Road"))
    assert level is not None and level.name == "other_street"


def twin_held(a: Features, b: Features, model: Model) -> bool:
    """The twins guard holds the pair back (whatever the pair's score)."""
    return twin_guard_applies({f.comparison: f.level for f in score(a, b, model).fields})


@pytest.mark.parametrize(
    "one, other",
    [
        ("Amara", "Amarra"),  # a letter added
        ("Amara", "Amra"),  # dropped
        ("Amara", "Aamra"),  # two letters swapped
        ("Thomas", "Tommyy"),  # a nickname with a slip
        ("Charlotte", "Charlei"),
        ("Katie", "Cutherine"),  # a slip in the full name of a nickname
        ("Frederick", "Fredy"),
    ],
)
def test_a_first_name_slip_is_not_held_back_as_a_twin(model, one, other):
    assert not twin_held(poor(given_name=one), poor(given_name=other), model)


def test_first_and_family_names_the_wrong_way_round_are_not_held_back_as_twins(model):
    a = poor()
    assert not twin_held(a, poor(given_name="Okafor", family_name="Amara"), model)
    assert not twin_held(a, poor(given_name="Okafr", family_name="Amara"), model)


@pytest.mark.parametrize("twin", ["Chidi", "Ellie", "Zara"])
def test_twins_with_different_first_names_still_go_to_review(model, twin):
    given = "Ella" if twin == "Ellie" else "Amara"
    a, b = poor(given_name=given), poor(given_name=twin)
    assert twin_held(a, b, model)
    assert score(a, b, model).match_probability < conf.link_threshold()


def test_a_record_without_a_first_name_is_held_back_like_a_twin_without_an_identifier(model):
    # either twin's record: same family, birthday and street, nothing tells them apart
    a, b = poor(), poor(given_name="")
    assert twin_held(a, b, model)
    assert score(a, b, model).match_probability < conf.link_threshold()
