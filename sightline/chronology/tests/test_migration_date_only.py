"""Migration 0004: steps Sightline stored at an invented time are marked as date-only."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from sightline.chronology.models import Event, EventType
from sightline.core.working_days import LONDON
from sightline.testing import chronology as c
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db

backfill = importlib.import_module(
    "sightline.chronology.migrations.0004_event_occurred_on_has_time"
).backfill


def test_only_casework_steps_at_their_module_s_invented_time_lose_their_time(
    agencies, social_worker
):
    child = f.child(given_name="Ivy", family_name="Migrated")
    csc = agencies["csc"]

    def step(type: str, hour: int, minute: int = 0, **kwargs):  # type: ignore[no-untyped-def]
        return c.event(
            child, source=csc, type=type, recorded_by=social_worker, details={"episode": 1},
            occurred_at=dt.datetime(2025, 6, 13, hour, minute, tzinfo=LONDON), **kwargs,
        )  # fmt: skip

    conference = step(EventType.ICPC, 10)
    plan = step(EventType.CP_PLAN_STARTED, 10, 1)
    visit = step(EventType.STATUTORY_VISIT, 12)
    discussion = step(EventType.STRATEGY_DISCUSSION, 10)  # recorded with its time
    late_visit = step(EventType.STATUTORY_VISIT, 12, 5)  # not an invented time
    feed = c.event(
        child, source=agencies["police"], type=EventType.ICPC,
        occurred_at=dt.datetime(2025, 6, 13, 10, tzinfo=LONDON),
    )  # fmt: skip
    backfill(apps, SimpleNamespace(connection=connection))  # it uses only the connection
    untimed = set(Event.objects.filter(has_time=False).values_list("pk", flat=True))
    assert untimed == {conference.pk, plan.pk, visit.pk}
    assert {discussion.pk, late_visit.pk, feed.pk}.isdisjoint(untimed)
    conference.refresh_from_db()
    assert conference.occurred_on == dt.date(2025, 6, 13)
