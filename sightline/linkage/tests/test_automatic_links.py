"""Automatic links (the feed's, a rebuild's, a review decision's) are listed on the merges page
and can be undone; a linked record's address becomes the current one only when it is newer
and really different; a keep-apart decision can be undone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.chronology.models import Event, Participant
from sightline.core.models import AuditEntry
from sightline.linkage.changes import person_change_undo, person_merge
from sightline.linkage.models import MatchCandidate, PersonChange
from sightline.linkage.services import (
    RecordAsSent,
    match_candidate_decide,
    match_candidate_reopen,
    source_record_resolve,
)
from sightline.people.models import Person
from sightline.testing import factories as f

pytestmark = pytest.mark.django_db

WILLIAM = {
    "given_name": "William",
    "family_name": "Okafor",
    "date_of_birth": dt.date(2016, 3, 7),
    "sex": "M",
    "address_line": "18 Beech Grove",
    "postcode": "BD22 7HT",
}


def send(agency, record_id, **fields):  # type: ignore[no-untyped-def]
    return source_record_resolve(
        actor="Police feed", sent=RecordAsSent(agency, record_id, **fields)
    )


def current_line(person: Person) -> str:
    return person.addresses.get(moved_out__isnull=True).line


def test_a_feed_link_by_the_model_is_recorded_as_an_automatic_link(agencies):
    first = send(agencies["health"], "H-1", **WILLIAM)
    second = send(agencies["police"], "P-1", **{**WILLIAM, "address_line": "18 Beech Grv"})
    assert second.method == "probabilistic" and second.person == first.person
    change = PersonChange.objects.get(kind=PersonChange.Kind.LINK)
    assert change.to_person == first.person
    assert change.moved == {"people.sourcerecord": [second.record.pk]}
    assert "probability" in change.reason and change.made_by_label == "Police feed"


def test_a_feed_link_by_nhs_number_is_recorded_as_an_automatic_link(agencies):
    first = send(agencies["health"], "H-1", **WILLIAM, nhs_number="9434765919")
    second = send(
        agencies["school"], "S-1", **{**WILLIAM, "given_name": "Liam"}, nhs_number="943 476 5919"
    )
    assert second.method == "nhs_number"
    change = PersonChange.objects.get(kind=PersonChange.Kind.LINK)
    assert change.to_person == first.person and "NHS number" in change.reason


def test_a_record_that_was_already_known_is_not_linked_again(agencies):
    send(agencies["health"], "H-1", **WILLIAM)
    send(agencies["police"], "P-1", **WILLIAM)
    send(agencies["police"], "P-1", **WILLIAM)
    assert PersonChange.objects.filter(kind=PersonChange.Kind.LINK).count() == 1


def test_undoing_an_automatic_link_gives_the_record_and_its_entries_a_person_of_their_own(
    agencies,
):
    first = send(agencies["health"], "H-1", **WILLIAM)
    second = send(agencies["police"], "P-1", **WILLIAM)
    event = Event.objects.create(
        type="missing_episode",
        occurred_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        recorded_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        summary="Missing overnight.",
        source=agencies["police"],
    )
    Participant.objects.create(
        event=event,
        person=first.person,
        role="child",
        source_record=second.record,
        occurred_at=event.occurred_at,
    )
    analyst = f.user(None, "analyst", "other", username="an.rowan")
    link = PersonChange.objects.get(kind=PersonChange.Kind.LINK)

    person_change_undo(actor=analyst, change=link)

    link.refresh_from_db()
    second.record.refresh_from_db()
    assert link.is_undone and link.undone_by == analyst
    assert second.record.person != first.person
    assert Participant.objects.get(event=event).person == second.record.person
    assert first.person.source_records.count() == 1
    assert AuditEntry.objects.filter(action="person.link_undone", actor=analyst).exists()
    with pytest.raises(ValidationError, match="already been undone"):
        person_change_undo(actor=analyst, change=link)


def test_merging_keeps_the_current_address_when_the_other_is_a_misspelt_copy(agencies):
    held = f.child(address={**_at("14 Acacia Avenue", "BD21 4QA"), "moved_in": dt.date(2024, 1, 1)})
    copy = f.child(address={**_at("14 Acaica Ave", "BD21 4QA"), "moved_in": dt.date(2025, 2, 1)})
    change = person_merge(actor="test", survivor=held, merged=copy, reason="Rebuild")
    assert current_line(held) == "14 Acacia Avenue"
    assert held.addresses.filter(moved_out__isnull=True).count() == 1
    person_change_undo(actor="test", change=change)
    assert current_line(copy) == "14 Acaica Ave"
    assert current_line(held) == "14 Acacia Avenue"


def test_merging_takes_the_other_address_when_it_is_newer_and_really_different(agencies):
    held = f.child(address={**_at("14 Acacia Avenue", "BD21 4QA"), "moved_in": dt.date(2024, 1, 1)})
    moved = f.child(address={**_at("3 Canal Street", "LS11 5QR"), "moved_in": dt.date(2025, 2, 1)})
    person_merge(actor="test", survivor=held, merged=moved, reason="Rebuild")
    assert current_line(held) == "3 Canal Street"
    assert held.addresses.get(line="14 Acacia Avenue").moved_out == dt.date(2025, 1, 31)


def test_merging_keeps_the_current_address_when_the_other_is_older(agencies):
    held = f.child(address={**_at("14 Acacia Avenue", "BD21 4QA"), "moved_in": dt.date(2024, 1, 1)})
    old = f.child(address={**_at("3 Canal Street", "LS11 5QR"), "moved_in": dt.date(2022, 2, 1)})
    person_merge(actor="test", survivor=held, merged=old, reason="Rebuild")
    assert current_line(held) == "14 Acacia Avenue"
    assert held.addresses.get(line="3 Canal Street").moved_out == dt.date(2023, 12, 31)


def _at(line: str, postcode: str) -> dict[str, object]:
    return {"line": line, "postcode": postcode}


def test_a_keep_apart_decision_can_be_undone_and_the_match_waits_again(agencies):
    analyst = f.user(None, "analyst", "other", username="an.rowan")
    send(agencies["health"], "H-1", **WILLIAM)
    doubtful = {**WILLIAM, "given_name": "Bill", "date_of_birth": dt.date(2016, 7, 3)}
    doubtful |= {"address_line": "2 Canal Street", "postcode": "LS11 5QR"}
    second = send(agencies["police"], "P-1", **doubtful)
    match = MatchCandidate.objects.get(record=second.record)
    match_candidate_decide(actor=analyst, candidate=match, same_person=False, note="Other GP.")

    reopened = match_candidate_reopen(actor=analyst, candidate=match)

    assert reopened.status == MatchCandidate.Status.PENDING
    assert reopened.decided_by is None and reopened.decided_at is None
    assert AuditEntry.objects.filter(action="linkage.keep_apart_undone", actor=analyst).exists()
    with pytest.raises(ValidationError, match="waiting for a decision"):
        match_candidate_reopen(actor=analyst, candidate=reopened)


def test_a_link_decision_is_undone_from_the_merges_page_not_reopened(agencies):
    analyst = f.user(None, "analyst", "other", username="an.rowan")
    send(agencies["health"], "H-1", **WILLIAM)
    doubtful = {**WILLIAM, "given_name": "Bill", "date_of_birth": dt.date(2016, 7, 3)}
    doubtful |= {"address_line": "2 Canal Street", "postcode": "LS11 5QR"}
    second = send(agencies["police"], "P-1", **doubtful)
    match = MatchCandidate.objects.get(record=second.record)
    match_candidate_decide(actor=analyst, candidate=match, same_person=True)
    with pytest.raises(ValidationError, match="merges page"):
        match_candidate_reopen(actor=analyst, candidate=match)


def _line(source: str, event_id: str, day: str, address: dict[str, str]) -> str:
    import json

    child = {
        "role": "child",
        "record_id": f"{source.upper()}-7",
        "given_name": "Poppy",
        "family_name": "Testacacia",
        "date_of_birth": "2017-05-12",
        "sex": "F",
        "address": address,
    }
    return json.dumps(
        {
            "feed": "1",
            "source": source,
            "event_id": event_id,
            "type": "missing_episode",
            "occurred_at": f"{day}T10:00:00+00:00",
            "summary": "Synthetic event",
            "people": [child],
            "details": {},
        }
    )


def test_a_feed_link_with_the_street_misspelt_keeps_the_childs_address_and_is_listed(agencies):
    from sightline.feeds.services import feed_import
    from sightline.people.models import SourceRecord

    held = {"line": "14 Acacia Avenue", "postcode": "BD21 4QA"}
    misspelt = {"line": "14 Acaica Ave", "postcode": "BD214QA"}
    assert feed_import([(1, _line("school", "S-E1", "2025-01-10", held))]).clean
    assert feed_import([(1, _line("police", "P-E1", "2025-03-01", misspelt))]).clean
    school = SourceRecord.objects.get(agency__code="school").person
    police = SourceRecord.objects.get(agency__code="police")
    assert police.person == school
    assert current_line(school) == "14 Acacia Avenue"
    assert school.addresses.count() == 1
    link = PersonChange.objects.get(kind=PersonChange.Kind.LINK)
    assert link.to_person == school and link.moved["people.sourcerecord"] == [police.pk]


def test_undoing_a_wrong_feed_link_takes_back_the_address_the_linked_record_brought(agencies):
    from sightline.feeds.services import feed_import
    from sightline.people.models import SourceRecord

    held = {"line": "14 Acacia Avenue", "postcode": "BD21 4QA"}
    elsewhere = {"line": "3 Canal Street", "postcode": "LS11 5QR"}
    assert feed_import([(1, _line("school", "S-E1", "2025-01-10", held))]).clean
    assert feed_import([(1, _line("police", "P-E1", "2025-03-01", elsewhere))]).clean
    child = SourceRecord.objects.get(agency__code="school").person
    assert current_line(child) == "3 Canal Street"  # newer and really different: taken
    link = PersonChange.objects.get(kind=PersonChange.Kind.LINK)

    person_change_undo(actor="test", change=link)

    other = SourceRecord.objects.get(agency__code="police").person
    assert other != child
    assert current_line(child) == "14 Acacia Avenue"
    assert current_line(other) == "3 Canal Street"
    split = PersonChange.objects.get(kind=PersonChange.Kind.SPLIT)
    person_change_undo(actor="test", change=split)  # undoing the undo puts it all back
    assert current_line(child) == "3 Canal Street"
    assert child.addresses.get(line="14 Acacia Avenue").moved_out == dt.date(2025, 2, 28)


def test_a_person_merged_away_is_never_indexed_again_nor_linked_to(agencies):  # type: ignore[no-untyped-def]
    """The index catch-up looks for persons without source records: one merged into another
    has none left, and must not come back as someone to match (a later record linked to it
    would sit on a person nobody sees, and a rebuild could not merge it)."""
    from sightline.linkage.changes import person_merge
    from sightline.linkage.index import index_catch_up, index_rebuild
    from sightline.linkage.models import LinkageRecord
    from sightline.linkage.services import RecordAsSent, source_record_resolve

    ivy = {"given_name": "Ivy", "family_name": "Quarrie", "date_of_birth": dt.date(2017, 4, 2)}
    first = source_record_resolve(actor="feed", sent=RecordAsSent(agencies["health"], "H-1", **ivy))
    other = source_record_resolve(
        actor="feed",
        sent=RecordAsSent(
            agencies["school"], "S-1", **{**ivy, "date_of_birth": dt.date(2017, 9, 20)}
        ),
    )
    assert other.person != first.person
    person_merge(actor="test", survivor=first.person, merged=other.person, reason="test")
    index_catch_up()
    assert not LinkageRecord.objects.filter(person=other.person).exists()
    index_rebuild()
    assert not LinkageRecord.objects.filter(person=other.person).exists()
    again = source_record_resolve(
        actor="feed",
        sent=RecordAsSent(
            agencies["police"], "P-1", **{**ivy, "date_of_birth": dt.date(2017, 9, 20)}
        ),
    )
    assert again.person != other.person
