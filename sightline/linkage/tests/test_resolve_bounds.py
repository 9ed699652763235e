"""Resolution reads only the candidate rows that could reach the review threshold.

Rows are bounded in SQL (equalities on the index columns) and then in Python before they are
scored; these tests hold the bounds to the scorer: a bound is never below a row's true match
weight, and the candidates kept give exactly the links and review queue of scoring every
blocked row.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection

from sightline.linkage import conf
from sightline.linkage.features import Features, features_of
from sightline.linkage.index import _row_fields, forget_term_frequencies, row_features
from sightline.linkage.models import LinkageRecord
from sightline.linkage.scoring import score
from sightline.linkage.services import (
    _checks,
    _sql_bound,
    _term_frequencies,
    active_model,
    best_candidates,
    resolution_candidates,
)
from sightline.people.identifiers import nhs_number_with_check_digit
from sightline.people.models import Person

BORN = dt.date(2016, 3, 7)
NHS = nhs_number_with_check_digit("943476591")
OTHER_NHS = nhs_number_with_check_digit("401023213")
GIVEN = ["William", "Bill", "Wiliam", "Okafor", "Willa", "Sam", "", "Liam"]
FAMILY = ["Okafor", "Okafer", "William", "Okafor-Smith", "Ashcombe", ""]
DOBS = [
    BORN,
    dt.date(2016, 7, 3),
    dt.date(2016, 3, 8),
    dt.date(2015, 3, 8),
    dt.date(1990, 11, 30),
    dt.date(2016, 3, 17),  # one digit
    dt.date(2006, 3, 7),  # one digit, in the year
    dt.date(2016, 8, 3),  # two digits
    dt.date(2061, 3, 7),  # two digits transposed
    dt.date(2016, 12, 7),  # two digits, month
    None,
]
POSTCODES = ["BD22 7HT", "BD22 7HX", "BD22 8AA", "LS1 1AA", "BD22", ""]
LINES = ["18 Beech Grove", "18 Beech Road", "20 Oak Street", ""]
SEXES = ["M", "F", ""]
NUMBERS = [NHS or "", OTHER_NHS or "", ""]

INCOMING = [
    {
        "given_name": "William",
        "family_name": "Okafor",
        "date_of_birth": BORN,
        "sex": "M",
        "postcode": "BD22 7HT",
        "address_line": "18 Beech Grove",
    },
    {"given_name": "Bill", "family_name": "Okafor", "date_of_birth": BORN},
    {"given_name": "William", "family_name": "Okafor", "nhs_number": NHS or ""},
    {"given_name": "William", "family_name": "Okafor", "postcode": "BD22 7HT"},
    {"given_name": "Okafor", "family_name": "William", "date_of_birth": dt.date(2016, 7, 3)},
    {"family_name": "Okafor", "date_of_birth": BORN, "address_line": "18 Beech Grove"},
    {"given_name": "William", "family_name": "Okafor"},
]


def _record(rng: random.Random) -> Features:
    return features_of(
        given_name=rng.choice(GIVEN),
        family_name=rng.choice(FAMILY),
        date_of_birth=rng.choice(DOBS),
        sex=rng.choice(SEXES),
        nhs_number=rng.choice(NUMBERS),
        postcode=rng.choice(POSTCODES),
        address_line=rng.choice(LINES),
    )


@pytest.fixture
def index_rows(db):  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    records = [_record(rng) for _ in range(300)]
    people = Person.objects.bulk_create(
        [Person(kind="child", given_name="x", family_name="y") for _ in range(150)]
    )
    LinkageRecord.objects.bulk_create(
        LinkageRecord(person=people[n % len(people)], **_row_fields(f))  # type: ignore[arg-type]
        for n, f in enumerate(records)
    )
    return records


@pytest.fixture(params=["model weights", "name frequencies"])
def frequencies(request, settings):  # type: ignore[no-untyped-def]
    settings.LINKAGE_TF_MIN_RECORDS = 10**9 if request.param == "model weights" else 10
    forget_term_frequencies()
    yield request.param
    forget_term_frequencies()


@pytest.mark.parametrize("sent", INCOMING)
def test_the_sql_bound_is_never_below_a_rows_weight(index_rows, frequencies, sent):  # type: ignore[no-untyped-def]
    features = features_of(**sent)
    model, tf = active_model(), _term_frequencies()
    expression, params = _sql_bound(features, _checks(features, model, tf))
    table = LinkageRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {expression} FROM {table}", params)  # noqa: S608
        bounds = {key: float(value) for key, value in cursor.fetchall()}  # numeric on PostgreSQL
    for row in LinkageRecord.objects.all():
        weight = score(features, row_features(row), model, tf).match_weight
        assert model.prior_weight + bounds[row.pk] >= weight - 1e-9, (row, weight)


@pytest.mark.parametrize("sent", INCOMING)
def test_bounded_candidates_are_those_that_matter(index_rows, frequencies, sent):  # type: ignore[no-untyped-def]
    features = features_of(**sent)
    born = sent.get("date_of_birth")
    review = conf.review_threshold()
    wanted = [
        (c.person_id, c.score.match_probability, c.score.match_weight, c.score.guard)
        for c in best_candidates(features, born)
        if c.score.match_probability >= review
    ]
    got = [
        (c.person_id, c.score.match_probability, c.score.match_weight, c.score.guard)
        for c in resolution_candidates(features, born)
        if c.score.match_probability >= review
    ]
    assert got == wanted
