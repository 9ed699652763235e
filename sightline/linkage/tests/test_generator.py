"""The seeded multi-agency generator behind the linkage benchmarks."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from sightline.linkage.generator import COLUMNS, REFERENCE_DATE, _dob_error, generate

DOB = COLUMNS.index("date_of_birth")


@pytest.fixture(scope="module")
def rows() -> list[tuple]:  # type: ignore[type-arg]
    return generate(20_000, seed=11)


def test_it_gives_exactly_the_number_of_records_asked_for(rows) -> None:  # type: ignore[no-untyped-def]
    assert len(rows) == 20_000
    assert len(generate(1_234, seed=11)) == 1_234
    assert [r[0] for r in rows] == list(range(1, 20_001))


def test_the_same_seed_gives_the_same_records_and_a_smaller_run_is_the_start_of_a_larger(
    rows,  # type: ignore[no-untyped-def]
) -> None:
    assert generate(5_000, seed=11) == rows[:5_000]
    assert generate(5_000, seed=12) != rows[:5_000]


def test_no_date_of_birth_is_after_the_reference_date(rows) -> None:  # type: ignore[no-untyped-def]
    dobs = [dt.date.fromisoformat(r[DOB]) for r in rows if r[DOB]]
    assert dobs
    assert max(dobs) <= REFERENCE_DATE
    assert any(d.year == REFERENCE_DATE.year - 1 for d in dobs)  # babies are there


def test_a_mistyped_date_of_birth_is_never_in_the_future() -> None:
    rng = random.Random(3)
    recent = [REFERENCE_DATE - dt.timedelta(days=d) for d in range(0, 3000, 7)]
    pairs = [(dob, dt.date.fromisoformat(_dob_error(rng, dob))) for dob in recent * 20]
    assert max(typed for _, typed in pairs) <= REFERENCE_DATE
    # still mistyped most of the time: the benchmark needs its errors
    assert sum(typed != dob for dob, typed in pairs) > 0.8 * len(pairs)


def test_records_of_one_person_come_from_several_agencies(rows) -> None:  # type: ignore[no-untyped-def]
    persons = {r[COLUMNS.index("person")] for r in rows}
    assert 0.3 * len(rows) < len(persons) < 0.6 * len(rows)
    assert {r[COLUMNS.index("agency")] for r in rows} == {
        "health",
        "csc",
        "police",
        "school",
        "housing",
    }
