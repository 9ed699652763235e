"""`rows_insert` writes what `bulk_create` would: the same values, defaults, stamps and
conversions, keys set in order, a conflicting row skipped only when asked; `rows_read`
builds the instances the ORM would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from sightline.core.models import AuditEntry, Notification
from sightline.core.rows import rows_insert, rows_read


def _notification(n: int) -> Notification:
    return Notification(
        recipient_email=f"someone{n}@example.org",
        subject=f"Subject {n}",
        body="Body",
        topic="contact.received",
        object_type="contact",
        object_id=str(n),
        claimed_at=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC) if n % 2 else None,
    )


def _stored(pks: list[int]) -> list[dict[str, object]]:
    rows = Notification.objects.filter(pk__in=pks).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in ("id", "created_at")} for row in rows]


@pytest.mark.django_db
def test_it_stores_the_same_values_as_bulk_create():
    by_orm = Notification.objects.bulk_create([_notification(n) for n in range(4)])
    ours = [_notification(n) for n in range(4)]
    rows_insert(ours)
    assert _stored([n.pk for n in ours]) == _stored([n.pk for n in by_orm])
    stamped = Notification.objects.get(pk=ours[0].pk).created_at
    assert stamped is not None and ours[0].created_at == stamped


@pytest.mark.django_db
def test_keys_are_set_in_order_across_more_rows_than_one_statement_holds():
    notifications = [_notification(n) for n in range(1200)]
    rows_insert(notifications)
    assert all(n.pk is not None and not n._state.adding for n in notifications)
    stored = dict(Notification.objects.values_list("pk", "object_id"))
    assert [stored[n.pk] for n in notifications] == [str(n) for n in range(1200)]


def _entry(hash_: str) -> AuditEntry:
    return AuditEntry(
        at=dt.datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=dt.UTC),
        actor_label="feed:police",
        kind="change",
        action="event.recorded",
        detail={"type": "contact", "people": [1, 2], "note": 'it\'s "quoted"'},
        prev_hash="0" * 64,
        hash=hash_,
    )


@pytest.mark.django_db
def test_dates_and_json_round_trip():
    entry = _entry("a" * 64)
    rows_insert([entry])
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.at == entry.at
    assert stored.detail == entry.detail


@pytest.mark.django_db
def test_a_conflict_fails_the_insert_unless_conflicts_are_to_be_skipped():
    rows_insert([_entry("b" * 64)])
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert([_entry("b" * 64)])
    rows_insert([_entry("b" * 64), _entry("c" * 64)], ignore_conflicts=True)
    assert sorted(AuditEntry.objects.values_list("hash", flat=True)) == ["b" * 64, "c" * 64]


def _fields(obj: object, names: list[str]) -> dict[str, object]:
    return {name: getattr(obj, name) for name in names}


@pytest.mark.django_db
def test_rows_read_builds_the_same_instances_as_the_orm():
    entry = _entry("d" * 64)
    rows_insert([entry])
    notifications = [_notification(n) for n in range(3)]
    rows_insert(notifications)
    for model, pk in ((AuditEntry, entry.pk), (Notification, notifications[1].pk)):
        names = [f.attname for f in model._meta.concrete_fields]
        (ours,) = rows_read(model, "id = %s", [pk])
        assert type(ours) is model and not ours._state.adding
        assert _fields(ours, names) == _fields(model.objects.get(pk=pk), names)
    assert rows_read(Notification, "id = %s", [0]) == []
