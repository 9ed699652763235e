"""Review decisions, merges and their undoing, and batch rebuilds that respect decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sightline.chronology.models import Event, Participant
from sightline.core.models import AuditEntry
from sightline.linkage.changes import person_change_undo, person_merge
from sightline.linkage.models import MatchCandidate, PersonChange
from sightline.linkage.rebuild import linkage_rebuild
from sightline.linkage.selectors import retired_person_ids
from sightline.linkage.services import (
    RecordAsSent,
    match_candidate_decide,
    source_record_resolve,
)
from sightline.people.models import SourceRecord
from sightline.testing import factories as f


def send(agency, record_id, **fields):  # type: ignore[no-untyped-def]
    return source_record_resolve(actor="feed", sent=RecordAsSent(agency, record_id, **fields))


WILLIAM = {
    "given_name": "William",
    "family_name": "Okafor",
    "date_of_birth": dt.date(2016, 3, 7),
    "sex": "M",
    "address_line": "18 Beech Grove",
    "postcode": "BD22 7HT",
}
DOUBTFUL = {
    **WILLIAM,
    "given_name": "Bill",
    "date_of_birth": dt.date(2016, 7, 3),
    "address_line": "2 Canal Street",
    "postcode": "LS11 5QR",
}


@pytest.fixture
def analyst(agencies):  # type: ignore[no-untyped-def]
    return f.user(None, "analyst", "other", username="an.rowan")


@pytest.fixture
def doubtful_pair(agencies):  # type: ignore[no-untyped-def]
    first = send(agencies["health"], "H-1", **WILLIAM)
    second = send(agencies["police"], "P-1", **DOUBTFUL)
    event = Event.objects.create(
        type="missing_episode",
        occurred_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        recorded_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        summary="Missing overnight.",
        source=agencies["police"],
        recorded_by_label="police",
    )
    Participant.objects.create(
        event=event, person=second.person, role="child", occurred_at=event.occurred_at
    )
    candidate = MatchCandidate.objects.get(record=second.record)
    return first, second, candidate, event


def test_linking_in_review_merges_the_records_and_chronology(doubtful_pair, analyst):  # type: ignore[no-untyped-def]
    first, second, candidate, event = doubtful_pair
    decided = match_candidate_decide(
        actor=analyst, candidate=candidate, same_person=True, note="Same school and GP."
    )
    assert decided.status == MatchCandidate.Status.LINKED
    assert SourceRecord.objects.get(pk=second.record.pk).person == first.person
    assert Participant.objects.get(event=event).person == first.person
    assert second.person.pk in retired_person_ids()
    assert AuditEntry.objects.filter(action="linkage.match_linked", actor=analyst).exists()


def test_undoing_a_merge_moves_everything_back(doubtful_pair, analyst):  # type: ignore[no-untyped-def]
    first, second, candidate, event = doubtful_pair
    decided = match_candidate_decide(actor=analyst, candidate=candidate, same_person=True)
    person_change_undo(actor=analyst, change=decided.change)
    assert SourceRecord.objects.get(pk=second.record.pk).person == second.person
    assert Participant.objects.get(event=event).person == second.person
    assert second.person.pk not in retired_person_ids()
    candidate.refresh_from_db()
    assert candidate.status == MatchCandidate.Status.PENDING  # to be decided again
    with pytest.raises(ValidationError, match="already been undone"):
        person_change_undo(actor=analyst, change=decided.change)


def test_a_merge_fills_in_what_the_survivor_lacked_and_undo_restores_it(agencies, analyst):  # type: ignore[no-untyped-def]
    survivor = f.child(given_name="Ava", family_name="Stone", nhs_number="")
    merged = f.child(given_name="Ava", family_name="Stone", nhs_number="9434765919")
    change = person_merge(actor=analyst, survivor=survivor, merged=merged, reason="Duplicate")
    survivor.refresh_from_db()
    assert survivor.nhs_number == "9434765919"
    person_change_undo(actor=analyst, change=change)
    survivor.refresh_from_db()
    assert survivor.nhs_number == ""


def test_a_person_merged_away_cannot_be_merged_again_until_the_merge_is_undone(agencies, analyst):  # type: ignore[no-untyped-def]
    survivor, merged, third = (f.child(given_name="Ava", family_name="Stone") for _ in range(3))
    change = person_merge(actor=analyst, survivor=survivor, merged=merged, reason="Duplicate")
    for pair in ((third, merged), (merged, third)):
        with pytest.raises(ValidationError, match="already been merged"):
            person_merge(actor=analyst, survivor=pair[0], merged=pair[1], reason="Again")
    person_change_undo(actor=analyst, change=change)
    person_merge(actor=analyst, survivor=third, merged=merged, reason="The right one")
    assert merged.pk in retired_person_ids() and survivor.pk not in retired_person_ids()


def test_keeping_apart_is_respected_by_a_rebuild(agencies, analyst):  # type: ignore[no-untyped-def]
    first = send(agencies["health"], "H-1", **WILLIAM)
    second = send(agencies["police"], "P-1", **DOUBTFUL)
    candidate = MatchCandidate.objects.get(record=second.record)
    match_candidate_decide(
        actor=analyst, candidate=candidate, same_person=False, note="Different schools and GPs."
    )
    # A third record bridges the two; without the decision a rebuild would join all three.
    send(
        agencies["school"],
        "S-1",
        **{**DOUBTFUL, "given_name": "William", "date_of_birth": dt.date(2016, 3, 7)},
    )
    linkage_rebuild(actor="test")
    h1 = SourceRecord.objects.get(record_id="H-1")
    p1 = SourceRecord.objects.get(record_id="P-1")
    assert h1.person_id != p1.person_id
    assert first.person.pk != second.person.pk


def test_linking_is_respected_by_a_rebuild(doubtful_pair, analyst):  # type: ignore[no-untyped-def]
    first, second, candidate, _ = doubtful_pair
    match_candidate_decide(actor=analyst, candidate=candidate, same_person=True)
    summary = linkage_rebuild(actor="test")
    assert SourceRecord.objects.get(pk=second.record.pk).person_id == first.person.pk
    assert summary.splits == 0


def test_a_rebuild_merges_duplicates_and_can_be_undone(agencies):  # type: ignore[no-untyped-def]
    # Two persons made by hand for one child (e.g. before linkage existed).
    a = f.child(given_name="Poppy", family_name="Smith", date_of_birth=dt.date(2019, 1, 4))
    b = f.child(given_name="Popy", family_name="Smith", date_of_birth=dt.date(2019, 1, 4))
    summary = linkage_rebuild(actor="test")
    assert summary.merges == 1
    change = PersonChange.objects.get()
    assert {change.from_person_id, change.to_person_id} == {a.pk, b.pk}
    person_change_undo(actor="test", change=change)
    assert SourceRecord.objects.filter(person=a).exists()
    assert SourceRecord.objects.filter(person=b).exists()


def test_a_rebuild_splits_twins_put_together_by_hand(agencies):  # type: ignore[no-untyped-def]
    ella = send(
        agencies["health"],
        "H-1",
        given_name="Ella",
        family_name="Hart",
        date_of_birth=dt.date(2020, 2, 2),
        sex="F",
        nhs_number="9434765919",
    )
    # Someone linked the twin sister's record to Ella by hand.
    SourceRecord.objects.create(
        agency=agencies["school"],
        record_id="S-9",
        person=ella.person,
        given_name="Grace",
        family_name="Hart",
        date_of_birth=dt.date(2020, 2, 2),
        sex="F",
        nhs_number="4010232137",
    )
    summary = linkage_rebuild(actor="test")
    assert summary.splits == 1
    grace = SourceRecord.objects.get(record_id="S-9")
    assert grace.person_id != ella.person.pk
    assert PersonChange.objects.get().kind == PersonChange.Kind.SPLIT
