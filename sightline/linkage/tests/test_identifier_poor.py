"""Records without identifiers (no NHS number, UPN, postcode or sex): what is missing weighs
nothing, street lines are compared as people write them, and a slip is not a twin."""

from __future__ import annotations

import pytest

from sightline.linkage import conf
from sightline.linkage.comparisons import ADDRESS
from sightline.linkage.features import Features, features_of
from sightline.linkage.scoring import Model, load_shipped_model, score


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
