"""Entries recorded inside `audit.deferred()` are written together at its end, in order and
chained, leaving out those of a feed line (`savepoint_shared`) that was rolled back."""

from __future__ import annotations

import pytest
from django.db import transaction

from sightline.core import audit
from sightline.core.models import AuditEntry
from sightline.core.transactions import savepoint_shared


class Refused(Exception):
    pass


@pytest.mark.django_db
def test_deferred_entries_are_written_at_the_end_in_order_and_chained():
    audit.record(actor="before", kind=audit.Kind.CHANGE, action="first")
    with transaction.atomic(), audit.deferred():
        for n in range(3):
            audit.record(actor="batch", kind=audit.Kind.CHANGE, action=f"deferred.{n}")
        assert AuditEntry.objects.count() == 1  # nothing written yet
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["first", "deferred.0", "deferred.1", "deferred.2"]
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_entries_from_a_line_rolled_back_are_left_out():
    with transaction.atomic(), audit.deferred():
        audit.record(actor="batch", kind=audit.Kind.CHANGE, action="kept.1")
        with pytest.raises(Refused), savepoint_shared():
            audit.record(actor="batch", kind=audit.Kind.CHANGE, action="rolled.back")
            raise Refused
        audit.record(actor="batch", kind=audit.Kind.CHANGE, action="kept.2")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["kept.1", "kept.2"]
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_entries_of_an_inner_block_that_ended_well_go_when_the_block_around_it_rolls_back():
    with transaction.atomic(), audit.deferred():
        with pytest.raises(Refused), savepoint_shared():
            with savepoint_shared():
                audit.record(actor="batch", kind=audit.Kind.CHANGE, action="inner")
            audit.record(actor="batch", kind=audit.Kind.CHANGE, action="outer")
            raise Refused
        with savepoint_shared():
            audit.record(actor="batch", kind=audit.Kind.CHANGE, action="kept")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["kept"]
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_an_entry_written_straight_after_a_rolled_back_one_chains_to_the_one_kept():
    """No remembered head outlives a rollback: each entry chains to the newest one stored."""
    audit.record(actor="before", kind=audit.Kind.CHANGE, action="first")
    with transaction.atomic():
        with pytest.raises(Refused), transaction.atomic():
            audit.record(actor="someone", kind=audit.Kind.CHANGE, action="rolled.back")
            raise Refused
        audit.record(actor="someone", kind=audit.Kind.CHANGE, action="second")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["first", "second"]
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_an_entry_written_after_the_block_follows_the_deferred_ones():
    with transaction.atomic():
        with audit.deferred():
            audit.record(actor="batch", kind=audit.Kind.CHANGE, action="deferred")
        audit.record(actor="after", kind=audit.Kind.CHANGE, action="straight")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["deferred", "straight"]
    assert list(audit.verify_chain()) == []


@pytest.mark.django_db
def test_an_error_inside_the_block_writes_nothing():
    with pytest.raises(Refused), transaction.atomic(), audit.deferred():
        audit.record(actor="batch", kind=audit.Kind.CHANGE, action="lost")
        raise Refused
    assert not AuditEntry.objects.exists()
