"""A valid example of every event type in DESIGN.md section 5 lands on the chronology of each
person in it, in the role the agency gave, with the details as sent."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sightline.chronology.models import Event, Participant
from sightline.feeds.format import FEED_TYPES
from sightline.feeds.models import ReceivedEvent
from sightline.feeds.services import feed_import
from sightline.feeds.tests.lines import DATA, example_lines
from sightline.people.models import Person, SourceRecord

pytestmark = pytest.mark.django_db

EXAMPLES = example_lines()


def import_examples() -> None:
    raw = (DATA / "valid_events.jsonl").read_bytes().splitlines()
    summary = feed_import(list(enumerate(raw, start=1)))
    assert summary.clean, [str(p) for r in summary.results for p in r.problems]


def test_the_examples_cover_every_event_type_of_the_format():
    assert {line["type"] for line in EXAMPLES} == {str(t) for t in FEED_TYPES}


@pytest.mark.parametrize("line", EXAMPLES, ids=[line["type"] for line in EXAMPLES])
def test_each_example_lands_on_the_chronology_of_every_person_in_it(agencies, line):
    import_examples()
    event = Event.objects.get(source__code=line["source"], source_event_id=line["event_id"])
    assert event.type == line["type"]
    assert event.occurred_at == dt.datetime.fromisoformat(line["occurred_at"])
    assert event.summary == line["summary"]
    assert event.details == line.get("details", {})
    assert event.recorded_by_label == f"{agencies[line['source']].name} feed"
    for sent in line["people"]:
        record = SourceRecord.objects.get(agency__code=line["source"], record_id=sent["record_id"])
        assert Participant.objects.filter(
            event=event, person=record.person, role=sent["role"]
        ).exists(), f"{sent['record_id']} is not on the event as {sent['role']}"
    assert event.participants.count() == len(line["people"])


def test_the_agency_s_own_recorded_at_is_kept(agencies):
    import_examples()
    received = ReceivedEvent.objects.get(agency__code="police", source_event_id="DA-2024-0001")
    assert received.recorded_at == dt.datetime.fromisoformat(EXAMPLES[0]["recorded_at"])
    assert received.payload == EXAMPLES[0]
    assert received.event.source_event_id == "DA-2024-0001"


def test_a_child_is_under_18_on_the_day_of_the_event_and_an_unborn_baby_has_no_birthday(agencies):
    import_examples()

    def kind(source: str, record_id: str) -> str:
        return SourceRecord.objects.get(agency__code=source, record_id=record_id).person.kind

    assert kind("police", "P-553") == Person.Kind.CHILD
    assert kind("police", "P-551") == Person.Kind.ADULT
    assert kind("health", "MW-10") == Person.Kind.CHILD  # a 17-year-old expectant mother
    assert kind("health", "MW-11") == Person.Kind.UNBORN


def test_the_same_record_in_a_later_event_is_the_same_person(agencies):
    import_examples()
    child = SourceRecord.objects.get(agency__code="csc", record_id="LA-101").person
    assert child.events.filter(source__code="csc").count() == 10


def test_an_event_whose_source_is_registered_later_is_accepted_once_it_is(agencies):
    line = dict(EXAMPLES[0], source="youth-justice")
    first = feed_import([(1, json.dumps(line))])
    assert first.rejected == 1
    from sightline.accounts.services import agency_register

    agency_register(actor="test", code="youth-justice", name="Northmoor YJS", kind="youth_justice")
    assert feed_import([(1, json.dumps(line))]).accepted == 1
