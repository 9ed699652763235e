"""A batch of events (a feed import) evaluates each person it touches once, and gives the
alerts that evaluating after every event gives."""

from __future__ import annotations

import pytest
from django.db import transaction

from sightline.chronology import listeners
from sightline.risk import catalogue, engine
from sightline.risk.models import Alert
from sightline.testing import chronology as c

DAYS = ("2020-03-07", "2020-04-07", "2020-05-07")


def pattern_alerts() -> set[tuple[str, int, int | None]]:
    return {
        (a.rule, a.person_id, a.raised_by_id)
        for a in Alert.objects.filter(rule__in=catalogue.PATTERN_CODES)
    }


def replayed() -> set[tuple[str, int, int | None]]:
    return {
        (i.rule, i.person_id, i.raised_by)
        for i in engine.compute()
        if i.rule in catalogue.PATTERN_CODES
    }


def incidents(agencies, lily, frankie, sam):  # type: ignore[no-untyped-def]
    for day in DAYS:
        c.event(
            source=agencies["police"],
            type="domestic_abuse_incident",
            occurred_at=c.at(day, "23:10"),
            participants=[(frankie, "victim"), (sam, "perpetrator"), (lily, "child")],
            details={"child_present": True},
        )


def test_each_touched_person_is_evaluated_once_per_batch(
    agencies, lily, frankie, sam, monkeypatch, django_capture_on_commit_callbacks
):
    evaluated: list[list[int]] = []
    real = engine.people_evaluate

    def people_evaluate(person_ids, **kwargs):  # type: ignore[no-untyped-def]
        evaluated.append(list(person_ids))
        return real(person_ids, **kwargs)

    monkeypatch.setattr(engine, "people_evaluate", people_evaluate)
    with listeners.batch():
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            incidents(agencies, lily, frankie, sam)
        assert evaluated == []  # not before the batch ends
    assert len(evaluated) == 1
    [people] = evaluated
    assert sorted(people) == sorted({lily.pk, frankie.pk, sam.pk})
    assert pattern_alerts() == replayed()
    assert pattern_alerts()  # three incidents in the child's household raise


@pytest.mark.parametrize("batched", [True, False])
def test_a_batch_gives_the_alerts_of_one_event_at_a_time(
    agencies, lily, frankie, sam, django_capture_on_commit_callbacks, batched
):
    if batched:
        with listeners.batch(), django_capture_on_commit_callbacks(execute=True):
            incidents(agencies, lily, frankie, sam)
    else:
        for day in DAYS:
            with django_capture_on_commit_callbacks(execute=True):
                c.event(
                    source=agencies["police"],
                    type="domestic_abuse_incident",
                    occurred_at=c.at(day, "23:10"),
                    participants=[(frankie, "victim"), (sam, "perpetrator"), (lily, "child")],
                    details={"child_present": True},
                )
    assert pattern_alerts() == replayed()
    assert {(rule, person) for rule, person, _ in pattern_alerts()} >= {
        ("domestic-abuse-cumulative", lily.pk)
    }
