"""The audit trail is append-only and tamper-evident."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from sightline.core import audit
from sightline.core.models import AppendOnlyError, AuditEntry

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists only on PostgreSQL"
)


@pytest.fixture
def trail(police_officer) -> list[AuditEntry]:
    return [
        audit.record(actor=police_officer, kind=audit.Kind.SEARCH, action="person.searched"),
        audit.record_read(
            actor=police_officer, target=police_officer, person_id=7, reason="Open case"
        ),
        audit.record(actor="feed:police", kind=audit.Kind.CHANGE, action="event.imported"),
    ]


def test_each_entry_links_to_the_one_before_it(trail):
    assert trail[0].prev_hash == audit.GENESIS
    assert trail[1].prev_hash == trail[0].hash
    assert trail[2].prev_hash == trail[1].hash
    assert list(audit.verify_chain()) == []


def test_an_entry_says_who_what_when_and_why(trail, police_officer):
    read = AuditEntry.objects.get(pk=trail[1].pk)
    assert read.actor == police_officer
    assert read.actor_label == "Pc Ash (Northmoor Police)"
    assert (read.kind, read.action, read.person_id, read.reason) == (
        "read",
        "user.viewed",
        7,
        "Open case",
    )
    assert read.object_type == "accounts.user"
    assert read.object_id == str(police_officer.pk)
    system = AuditEntry.objects.get(pk=trail[2].pk)
    assert (system.actor, system.actor_label) == (None, "feed:police")


def test_the_stored_entry_still_matches_its_hash(trail):
    for entry in AuditEntry.objects.all():
        assert entry.compute_hash() == entry.hash


def test_details_with_dates_are_hashed_as_they_are_stored(db):
    audit.record(
        actor="test",
        kind=audit.Kind.EXPORT,
        action="report.exported",
        detail={"from": dt.date(2025, 4, 1), "rows": 3, 2: "two"},
    )
    stored = AuditEntry.objects.get()
    assert stored.detail == {"from": "2025-04-01", "rows": 3, "2": "two"}
    assert list(audit.verify_chain()) == []


def test_a_very_long_actor_label_is_shortened_to_fit(db):
    entry = audit.record(actor="x" * 500, kind=audit.Kind.CHANGE, action="thing.changed")
    assert len(AuditEntry.objects.get(pk=entry.pk).actor_label) == 200
    assert list(audit.verify_chain()) == []


def test_an_entry_cannot_be_saved_again(trail):
    entry = AuditEntry.objects.get(pk=trail[0].pk)
    entry.reason = "Covering my tracks"
    with pytest.raises(AppendOnlyError):
        entry.save()


def test_an_entry_cannot_be_deleted(trail):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.get(pk=trail[0].pk).delete()


def test_entries_cannot_be_updated_or_deleted_in_bulk(trail):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=trail[0].pk).update(reason="Covering my tracks")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update(list(AuditEntry.objects.all()), ["reason"])
    assert AuditEntry.objects.count() == 3


def test_entries_cannot_be_added_around_the_chain(db):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(actor_label="x", kind="read", action="x")])


def test_an_audit_entry_is_rolled_back_with_the_change_it_records(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor="test", kind=audit.Kind.CHANGE, action="thing.changed")
        raise RuntimeError("the change failed")
    assert not AuditEntry.objects.exists()
    audit.record(actor="test", kind=audit.Kind.CHANGE, action="thing.changed")
    assert list(audit.verify_chain()) == []


@on_postgresql
def test_the_database_refuses_to_update_an_entry(trail):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE core_auditentry SET reason = 'Covering my tracks' WHERE id = %s",
            [trail[0].pk],
        )


@on_postgresql
def test_the_database_refuses_to_delete_an_entry(trail):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [trail[0].pk])
    assert AuditEntry.objects.count() == 3
