"""Splitting a wrongly linked record off a person moves exactly the chronology entries that
record brought, even when the same agency has another record that stays."""

from __future__ import annotations

import json

import pytest

from sightline.chronology.models import Participant
from sightline.feeds.services import feed_import
from sightline.linkage.changes import person_change_undo, person_split
from sightline.people.identifiers import nhs_number_with_check_digit
from sightline.people.models import SourceRecord

pytestmark = pytest.mark.django_db
NHS = nhs_number_with_check_digit("943476591")


def _missing(event_id: str, record_id: str, day: str) -> dict[str, object]:
    return {
        "feed": "1",
        "source": "police",
        "event_id": event_id,
        "type": "missing_episode",
        "occurred_at": f"{day}T21:00:00+00:00",
        "summary": "Reported missing overnight.",
        "people": [
            {
                "role": "child",
                "record_id": record_id,
                "given_name": "Poppy",
                "family_name": "Testsmith",
                "date_of_birth": "2012-01-04",
                "nhs_number": NHS,
            }
        ],
        "details": {},
    }


def test_a_split_takes_the_entries_its_record_brought_and_undo_brings_them_back(agencies, analyst):
    # Two police records carry the same NHS number, so both land on one person; the second
    # was a mistake (another child's record given the wrong number).
    lines = [_missing("M-1", "WYP-1", "2024-02-01"), _missing("M-2", "WYP-2", "2024-03-01")]
    assert feed_import([(n, json.dumps(line)) for n, line in enumerate(lines, 1)]).accepted == 2
    first, second = (SourceRecord.objects.get(record_id=r) for r in ("WYP-1", "WYP-2"))
    person = first.person
    assert second.person == person
    entries = Participant.objects.filter(person=person)
    assert {p.event.source_event_id: p.source_record_id for p in entries} == {
        "M-1": first.pk,
        "M-2": second.pk,
    }

    change = person_split(actor=analyst, person=person, records=[second], reason="Wrong number")
    new = change.to_person
    assert [p.event.source_event_id for p in Participant.objects.filter(person=new)] == ["M-2"]
    assert [p.event.source_event_id for p in Participant.objects.filter(person=person)] == ["M-1"]

    person_change_undo(actor=analyst, change=change)
    assert Participant.objects.filter(person=person).count() == 2
    assert not Participant.objects.filter(person=new).exists()
