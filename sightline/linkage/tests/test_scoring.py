"""The per-event scorer: the twins guard and how identifiers weigh."""

from __future__ import annotations

import pytest

from sightline.linkage.features import Features, features_of
from sightline.linkage.scoring import Model, load_shipped_model, score, twin_guard_applies
from sightline.people.identifiers import upn_with_check_letter

UPN = upn_with_check_letter("380123420001")
UPN_TWIN = upn_with_check_letter("380123420002")


def child(**fields: str) -> Features:
    base = {
        "given_name": "Amara",
        "family_name": "Okafor",
        "date_of_birth": "2016-03-07",
        "sex": "F",
        "address_line": "18 Beech Grove",
        "postcode": "BD22 7HT",
    }
    return features_of(**{**base, **fields})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def model() -> Model:
    return Model.from_json(load_shipped_model())


def test_twins_issued_consecutive_upns_are_not_linked(model):
    assert UPN and UPN_TWIN
    twin = score(child(upn=UPN), child(given_name="Chidi", sex="M", upn=UPN_TWIN), model)
    assert twin.match_probability < 0.5


def test_an_identifier_one_slip_away_lifts_the_twins_guard():
    # twins are never given identifiers one slip apart (check characters see to that), so
    # a slip means one person whose first name one agency got wrong
    twins = {"date_of_birth": "exact", "family_name": "exact", "given_name": "different"}
    assert twin_guard_applies({**twins, "upn": "different", "nhs_number": ""})
    assert not twin_guard_applies({**twins, "upn": "typo", "nhs_number": ""})
    assert not twin_guard_applies({**twins, "upn": "", "nhs_number": "exact"})


def test_consecutive_valid_upns_are_never_one_slip_apart(model):
    assert score(child(upn=UPN), child(upn=UPN_TWIN), model).level("upn") == "different"


def test_a_different_upn_counts_against_but_does_not_overrule_everything_else(model):
    same = child(upn=UPN)
    other = child(upn=UPN_TWIN)
    assert score(same, other, model).level("upn") == "different"
    assert score(same, other, model).match_weight < score(same, child(), model).match_weight
    assert score(same, other, model).match_weight > 0
