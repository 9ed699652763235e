"""Addresses and households over time, so a rule can ask who lived with a child on a day."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from sightline.feeds.services import feed_import
from sightline.people.households import household_members_on
from sightline.people.models import Person, SourceRecord
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db

LILY = {
    "role": "child",
    "record_id": "T-31",
    "given_name": "Poppy",
    "family_name": "Testsmith",
    "date_of_birth": "2019-01-04",
}
JORDAN = {
    "role": "member",
    "record_id": "T-32",
    "given_name": "Jordan",
    "family_name": "Testlodger",
    "date_of_birth": "1990-10-10",
}


def line(event_id: str, type_: str, day: str, people: list[dict[str, Any]], **details: Any):  # type: ignore[no-untyped-def]
    return {
        "feed": "1",
        "source": "housing",
        "event_id": event_id,
        "type": type_,
        "occurred_at": f"{day}T10:00:00+00:00",
        "summary": f"Synthetic {type_}",
        "people": people,
        "details": details,
    }


def send(*lines: dict[str, Any]) -> None:
    summary = feed_import([(n, json.dumps(x)) for n, x in enumerate(lines, start=1)])
    assert summary.clean, [str(p) for r in summary.results for p in r.problems]


def person(record_id: str, source: str = "housing") -> Person:
    return SourceRecord.objects.get(agency__code=source, record_id=record_id).person


def test_someone_who_joins_lives_with_the_child_until_they_leave(agencies):
    send(
        line("HJ-1", "household_member_joined", "2024-06-15", [LILY, JORDAN]),
        line("HL-1", "household_member_left", "2024-08-15", [LILY, JORDAN]),
    )
    lily, jordan = person("T-31"), person("T-32")
    assert household_members_on(person=lily, day=dt.date(2024, 6, 14)) == []
    assert household_members_on(person=lily, day=dt.date(2024, 6, 15)) == [jordan]
    assert household_members_on(person=lily, day=dt.date(2024, 8, 14)) == [jordan]
    assert household_members_on(person=lily, day=dt.date(2024, 8, 15)) == []
    assert household_members_on(person=jordan, day=dt.date(2024, 7, 1)) == [lily]


def test_a_second_joiner_joins_the_same_household(agencies):
    casey = {**JORDAN, "record_id": "T-33", "given_name": "Casey"}
    send(
        line("HJ-1", "household_member_joined", "2024-06-15", [LILY, JORDAN]),
        line("HJ-2", "household_member_joined", "2024-07-01", [LILY, casey]),
    )
    lily = person("T-31")
    members = household_members_on(person=lily, day=dt.date(2024, 7, 2))
    assert members == [person("T-32"), person("T-33")]
    assert household_members_on(person=person("T-33"), day=dt.date(2024, 7, 2)) == [
        lily,
        person("T-32"),
    ]


def test_someone_we_never_heard_join_lived_there_until_they_left(agencies):
    send(line("HL-1", "household_member_left", "2024-08-15", [LILY, JORDAN]))
    lily = person("T-31")
    assert household_members_on(person=lily, day=dt.date(2024, 8, 14)) == [person("T-32")]
    assert household_members_on(person=lily, day=dt.date(2024, 8, 15)) == []


def test_people_at_the_same_address_live_together_from_the_day_of_the_event(agencies):
    at_mill_lane = {"line": "4 Invented Lane", "postcode": "bd21 4qa"}
    send(
        line(
            "DA-1",
            "missing_episode",
            "2024-02-01",
            [
                {**LILY, "address": at_mill_lane},
                {
                    **JORDAN,
                    "role": "carer",
                    "address": {"line": "4, invented lane", "postcode": "BD214QA"},
                },
            ],
        ),
    )
    lily, jordan = person("T-31"), person("T-32")
    assert household_members_on(person=lily, day=dt.date(2024, 2, 1)) == [jordan]
    assert household_members_on(person=lily, day=dt.date(2024, 1, 31)) == []


def test_a_neighbour_at_the_same_postcode_is_not_in_the_household(agencies):
    send(
        line(
            "E-1",
            "missing_episode",
            "2024-02-01",
            [
                {**LILY, "address": {"line": "4 Invented Lane", "postcode": "BD21 4QA"}},
                {
                    **JORDAN,
                    "role": "carer",
                    "address": {"line": "6 Invented Lane", "postcode": "BD21 4QA"},
                },
            ],
        ),
    )
    assert household_members_on(person=person("T-31"), day=dt.date(2024, 3, 1)) == []


def test_an_address_change_moves_everyone_in_it_on_that_day(agencies):
    mum = {
        **JORDAN,
        "role": "mother",
        "record_id": "T-30",
        "given_name": "Jordan",
        "family_name": "Testsmith",
        "address": {"line": "4 Invented Lane", "postcode": "BD21 4QA"},
    }
    send(
        line("E-1", "missing_episode", "2024-02-01", [LILY, mum]),
        line(
            "ADR-1",
            "address_change",
            "2024-06-01",
            [LILY, mum],
            address={"line": "12 Made-up Road", "postcode": "BD22 7XY"},
        ),
    )
    lily, frankie = person("T-31"), person("T-30")
    current = lily.addresses.get(moved_out__isnull=True)
    assert (current.line, current.postcode, current.moved_in) == (
        "12 Made-up Road",
        "BD22 7XY",
        dt.date(2024, 6, 1),
    )
    old = frankie.addresses.get(line="4 Invented Lane")
    assert (old.moved_in, old.moved_out) == (dt.date(2024, 2, 1), dt.date(2024, 5, 31))
    assert household_members_on(person=lily, day=dt.date(2024, 6, 1)) == [frankie]


def test_an_older_event_does_not_undo_a_newer_move(agencies):
    send(
        line(
            "ADR-1",
            "address_change",
            "2024-06-01",
            [LILY],
            address={"line": "12 Made-up Road", "postcode": "BD22 7XY"},
        ),
        line(
            "E-0",
            "missing_episode",
            "2024-02-01",
            [{**LILY, "address": {"line": "4 Invented Lane", "postcode": "BD21 4QA"}}],
        ),
    )
    current = person("T-31").addresses.get(moved_out__isnull=True)
    assert current.line == "12 Made-up Road"


def test_a_release_from_custody_gives_the_released_person_the_release_address(agencies):
    child = f.child(given_name="Noor", family_name="Testkhan", known_to_social_care=False)
    from sightline.people.services import address_add

    address_add(
        actor="test",
        person=child,
        line="4 Invented Lane",
        postcode="BD21 4QA",
        moved_in=dt.date(2020, 1, 1),
    )
    released = {
        "role": "subject",
        "record_id": "P-552",
        "given_name": "Sam",
        "family_name": "Testbrookes",
        "date_of_birth": "1996-07-30",
    }
    summary = feed_import(
        [
            (
                1,
                json.dumps(
                    {
                        "feed": "1",
                        "source": "police",
                        "event_id": "CR-1",
                        "type": "custody_release",
                        "occurred_at": "2024-07-01T10:00:00+00:00",
                        "people": [released],
                        "details": {
                            "release_address": {"line": "4 Invented Lane", "postcode": "BD21 4QA"},
                            "domestic_abuse_history": True,
                        },
                    }
                ),
            )
        ]
    )
    assert summary.accepted == 1
    sam = person("P-552", "police")
    assert household_members_on(person=child, day=dt.date(2024, 7, 1)) == [sam]
    assert household_members_on(person=child, day=dt.date(2024, 6, 30)) == []
