"""`sightline linkage train`: every parameter estimated from the partnership's own records."""

from __future__ import annotations

import pandas as pd
import pytest

from sightline.linkage.batch import connect, prepare
from sightline.linkage.generator import COLUMNS, generate
from sightline.linkage.rebuild import TARGET_PRECISION, train_on
from sightline.linkage.scoring import load_shipped_model


@pytest.fixture(scope="module")
def trained() -> dict:  # type: ignore[type-arg]
    frame = pd.DataFrame(generate(3000, seed=11, profile="identifier-poor"), columns=COLUMNS)
    con = connect()
    con.register("raw_df", frame)
    con.sql("CREATE TABLE raw AS SELECT * FROM raw_df")
    prepare(con, "raw")
    return train_on(con, "records", load_shipped_model(), max_pairs=2e5)


def test_training_estimates_the_prior_from_the_records(trained):
    prior = trained["estimated_probability_two_random_records_match"]
    assert 1e-5 < prior < 1e-2  # 3,000 records, a few each per person


def test_training_estimates_the_street_levels_by_expectation_maximisation(trained):
    shipped = load_shipped_model()["comparisons"]["address"]
    street = trained["comparisons"]["address"]
    assert street["street"]["m"] != shipped["street"]["m"]
    assert street["street"]["m"] / street["street"]["u"] > 1  # the same street counts for


def test_training_reports_its_expected_precision_and_recall_at_a_calibrated_threshold(trained):
    expected = trained["expected"]
    assert 0.9 <= expected["threshold"] < 1
    assert expected["precision"] >= TARGET_PRECISION
    assert 0 < expected["recall"] <= 1
