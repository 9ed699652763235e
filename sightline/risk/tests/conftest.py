"""Shared builders for the rule tests: events that arrive the way a feed sends them (through
chronology.services.event_record), with the after-commit listener run as in production."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sightline.chronology.models import Event
from sightline.people.models import Person
from sightline.risk.models import Alert
from sightline.testing import chronology as c
from sightline.testing import factories as f


@pytest.fixture
def arrive(agencies, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Record one event and run the listeners after it commits, as a feed would."""

    def record(
        type: str,
        day: str,
        *participants: tuple[Person, str],
        source: str = "police",
        time: str = "12:00",
        **details: Any,
    ) -> Event:
        with django_capture_on_commit_callbacks(execute=True):
            return c.event(
                source=agencies[source],
                type=type,
                occurred_at=c.at(day, time),
                participants=list(participants),
                details=details,
            )

    return record


@pytest.fixture
def lily(agencies):  # type: ignore[no-untyped-def]
    return f.child(given_name="Poppy", family_name="Smith", date_of_birth=dt.date(2019, 1, 4))


@pytest.fixture
def frankie(db):  # type: ignore[no-untyped-def]
    return f.adult(given_name="Jordan", family_name="Smith", date_of_birth=dt.date(1998, 2, 11))


@pytest.fixture
def sam(db):  # type: ignore[no-untyped-def]
    return f.adult(given_name="Sam", family_name="Ashcombe", date_of_birth=dt.date(1996, 7, 30))


def alerts(rule: str, person: Person | None = None) -> list[Alert]:
    found = Alert.objects.filter(rule=rule).order_by("raised_at", "id")
    if person is not None:
        found = found.filter(person=person)
    return list(found)


def evidence(alert: Alert) -> list[int]:
    return list(alert.evidence.order_by("occurred_at", "id").values_list("pk", flat=True))
