# ruff: noqa: S608 (SQL built from the comparisons' own conditions, no user input)
"""Comparison levels: what each says about two records, in Python and in Splink's SQL alike."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from sightline.linkage.comparisons import ADDRESS, COMPARISONS, DOB, FAMILY, GIVEN
from sightline.linkage.features import Features, features_of
from sightline.linkage.scoring import Model, load_shipped_model, score


def person(**fields: str) -> Features:
    base = {
        "given_name": "Sarah",
        "family_name": "Okafor",
        "date_of_birth": "2014-03-07",
        "sex": "F",
        "address_line": "18 Beech Grove",
        "postcode": "BD22 7HT",
    }
    return features_of(**{**base, **fields})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def model() -> Model:
    return Model.from_json(load_shipped_model())


def weight(model: Model, a: Features, b: Features, comparison: str) -> float:
    return next(f.weight for f in score(a, b, model).fields if f.comparison == comparison)


def test_a_year_typo_counts_as_one_digit_and_weighs_more_than_another_birthday(model):
    typo = DOB.level_of(person(), person(date_of_birth="2015-03-07"))
    assert typo is not None and typo.name == "one_digit"
    other = person(date_of_birth="2009-11-23")
    assert weight(model, person(), person(date_of_birth="2015-03-07"), DOB.name) > weight(
        model, person(), other, DOB.name
    )


def test_two_slips_in_a_birthday_are_their_own_level_between_one_slip_and_different(model):
    a, b = person(date_of_birth="1930-10-22"), person(date_of_birth="1935-10-25")
    level = DOB.level_of(a, b)
    assert level is not None and level.name == "two_digits"
    one = weight(model, person(), person(date_of_birth="2014-03-08"), DOB.name)
    two = weight(model, a, b, DOB.name)
    different = weight(model, person(), person(date_of_birth="2009-11-23"), DOB.name)
    assert one > two > different


def test_names_the_wrong_way_round_are_recognised_on_both_names(model):
    a = person()
    b = person(given_name="Okafor", family_name="Sarah")
    assert GIVEN.level_of(a, b).name == "swapped"  # type: ignore[union-attr]
    assert FAMILY.level_of(a, b).name == "swapped"  # type: ignore[union-attr]
    stranger = person(given_name="Priya", family_name="Whitfield")
    assert score(a, b, model).match_weight > score(a, stranger, model).match_weight + 15


def test_a_swapped_name_with_a_slip_is_still_swapped():
    a, b = person(), person(given_name="Okafr", family_name="Sarah")
    assert GIVEN.level_of(a, b).name == "swapped"  # type: ignore[union-attr]
    assert FAMILY.level_of(a, b).name == "swapped"  # type: ignore[union-attr]


def test_one_name_found_the_other_way_round_counts_once():
    a, b = person(), person(given_name="Grace", family_name="Sarah")
    assert GIVEN.level_of(a, b).name == "swapped"  # type: ignore[union-attr]
    assert FAMILY.level_of(a, b).name == "different"  # type: ignore[union-attr]


def test_the_same_house_and_street_under_another_postcode_is_more_than_a_different_area(model):
    a = person()
    slip = person(postcode="LS6 2AB")
    assert ADDRESS.level_of(a, slip).name == "street"  # type: ignore[union-attr]
    elsewhere = person(address_line="3 Mill Lane", postcode="LS6 2AB")
    assert ADDRESS.level_of(a, elsewhere).name == "different"  # type: ignore[union-attr]
    assert weight(model, a, slip, ADDRESS.name) > weight(model, a, elsewhere, ADDRESS.name)


def test_a_model_trained_before_a_level_existed_still_scores():
    old = load_shipped_model()
    del old["comparisons"][DOB.name]["two_digits"]
    old["comparisons"][DOB.name]["exact"]["m"] = 0.5
    model = Model.from_json(old)
    assert model.parameters[DOB.name]["exact"][0] == 0.5
    assert DOB.name in model.weights and "two_digits" in model.weights[DOB.name]
    assert score(person(), person(date_of_birth="1930-10-22"), model).match_weight


PAIRS = [
    (person(), person()),
    (person(), person(given_name="Okafor", family_name="Sarah")),
    (person(), person(given_name="Grace", family_name="Sarah")),
    (person(), person(given_name="Sally")),
    (person(), person(given_name="Sarha", family_name="Okafer")),
    (person(), person(given_name="Sadia", family_name="Okonkwo")),
    (person(), person(date_of_birth="2014-07-03")),
    (person(), person(date_of_birth="2015-03-07")),
    (person(), person(date_of_birth="2015-03-09")),
    (person(), person(date_of_birth="1988-12-30", sex="M")),
    (person(), person(date_of_birth="")),
    (person(), person(postcode="BD22 7HU")),
    (person(), person(postcode="LS6 2AB")),
    (person(), person(address_line="3 Mill Lane", postcode="BD22 7TT")),
    (person(), person(address_line="", postcode="")),
    (person(given_name=""), person(given_name="Okafor", family_name="Sarah")),
    (person(), person(given_name="Sallyy")),
    (person(given_name="Sallyy"), person()),
    (person(postcode=""), person(address_line="18 Beech Grv", postcode="")),
    (person(postcode=""), person(address_line="81 Beech Grove")),
    (person(postcode=""), person(address_line="3 Mill Lane")),
    (person(postcode=""), person(address_line="", postcode="")),
    (person(address_line=""), person(postcode="")),
    (person(address_line="Beech Grove"), person(address_line="Beech Grove", postcode="LS1 1AA")),
]


def test_the_sql_levels_splink_uses_agree_with_the_python_levels():
    con = duckdb.connect()
    names = sorted({column for c in COMPARISONS for column in c.columns})
    rows = []
    for a, b in PAIRS:
        row = {}
        for column in names:
            for side, f in (("l", a), ("r", b)):
                value = getattr(f, column)
                if isinstance(value, frozenset):
                    value = sorted(value) or None
                row[f"{column}_{side}"] = value or None
        rows.append(row)
    con.register("pairs", pd.DataFrame(rows))
    for comparison in COMPARISONS:
        cases = " ".join(
            f"WHEN {level.sql} THEN '{level.name}'" for level in comparison.levels[:-1]
        )
        sql = (
            f"SELECT CASE WHEN {comparison.null_sql} THEN '' {cases} "
            f"ELSE '{comparison.levels[-1].name}' END FROM pairs"
        )
        from_sql = [r[0] for r in con.sql(sql).fetchall()]
        from_python = [level.name if (level := comparison.level_of(a, b)) else "" for a, b in PAIRS]
        assert from_sql == from_python, comparison.name
