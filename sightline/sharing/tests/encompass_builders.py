"""Builders for the Operation Encompass tests: a police incident with a household's children."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sightline.accounts.models import Agency, User
from sightline.chronology.models import Event
from sightline.chronology.services import event_record
from sightline.people.models import Person
from sightline.people.services import source_record_link
from sightline.sharing.encompass.services import pupil_roll_record
from sightline.testing import factories as f


def at(day: str, time: str = "12:00") -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def school(code: str, name: str) -> Agency:
    return Agency.objects.get_or_create(
        code=code, defaults={"name": name, "kind": Agency.Kind.SCHOOL}
    )[0]


def dsl(agency: Agency, username: str) -> User:
    return f.user(agency, "practitioner", "dsl", username=username)


def pupil(
    given: str, born: str, school_agency: Agency | None = None, *, record: str = ""
) -> Person:
    child = f.child(
        given_name=given, family_name="Testpupil", date_of_birth=dt.date.fromisoformat(born)
    )
    if school_agency is not None:
        pupil_roll_record(
            actor="test", person=child, school=school_agency, started=dt.date(2020, 9, 1)
        )
    if record:
        police = Agency.objects.get(code="police")
        source_record_link(actor="test", person=child, agency=police, record_id=record)
    return child


def incident(
    agencies: dict[str, Agency],
    occurred_at: dt.datetime,
    *people: tuple[Person, str],
    summary: str = "Police attended after a 999 call; shouting heard by a neighbour.",
    **details: Any,
) -> Event:
    return event_record(
        type="domestic_abuse_incident",
        occurred_at=occurred_at,
        summary=summary,
        source=agencies["police"],
        participants=list(people),
        recorded_by_label="Northmoor Police feed",
        source_event_id=f"DA-TEST-{Event.objects.count() + 1:04d}",
        details={"child_present": True, "dash_yes_count": 6, "risk_level": "standard", **details},
    )
