"""`sightline audit verify` finds edited and removed entries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.backends.utils import CursorWrapper

from sightline.core import audit
from sightline.core.models import AuditEntry


@contextmanager
def tampering() -> Iterator[CursorWrapper]:
    """A cursor that goes round the model. On PostgreSQL the append-only trigger is switched
    off for this transaction first (as a database superuser could), and on again after."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            yield cursor
            return
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pytest.skip("tampering on PostgreSQL needs a superuser to switch the trigger off")
        yield cursor
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def raw(sql: str, params: list) -> None:
    with tampering() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def trail(police_officer) -> list[AuditEntry]:
    return [
        audit.record(actor=police_officer, kind=audit.Kind.READ, action=f"person.viewed.{n}")
        for n in range(5)
    ]


def verify(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_intact_trail_is_reported_with_its_size(trail):
    out, err = verify()
    assert "The audit trail is intact: 5 entries, chain verified." in out
    assert trail[-1].hash in out
    assert err == ""


def test_an_empty_trail_is_intact(db):
    out, _ = verify()
    assert "intact: 0 entries" in out


def test_an_edited_entry_is_named_and_the_command_fails(trail):
    raw("UPDATE core_auditentry SET reason = %s WHERE id = %s", ["Nothing to see", trail[2].pk])
    err = StringIO()
    with pytest.raises(CommandError, match="broken in 1 place"):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert f"Entry {trail[2].pk}: its contents do not match its hash (it was edited)" in (
        err.getvalue()
    )


def test_an_entry_edited_with_its_hash_recomputed_is_still_caught(trail):
    entry = AuditEntry.objects.get(pk=trail[1].pk)
    entry.actor_label = "Someone Else"
    raw(
        "UPDATE core_auditentry SET actor_label = %s, hash = %s WHERE id = %s",
        [entry.actor_label, entry.compute_hash(), entry.pk],
    )
    breaks = list(audit.verify_chain())
    assert [b.entry_id for b in breaks] == [trail[2].pk]
    assert "an entry was removed or inserted" in breaks[0].problem


def test_a_removed_entry_is_found_at_the_entry_after_it(trail):
    raw("DELETE FROM core_auditentry WHERE id = %s", [trail[2].pk])
    err = StringIO()
    with pytest.raises(CommandError, match="out of 4 entries"):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert f"Entry {trail[3].pk}: does not follow the entry before it" in err.getvalue()


def test_removing_the_newest_entries_is_caught_by_an_anchor(trail):
    anchor = audit.chain_head()
    raw("DELETE FROM core_auditentry WHERE id >= %s", [trail[3].pk])
    assert list(audit.verify_chain()) == []  # what is left is a whole chain...
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--anchor", anchor, stdout=StringIO(), stderr=err)
    assert f"The anchor {anchor} is no longer in the trail" in err.getvalue()


def test_an_anchor_still_in_the_trail_passes(trail):
    anchor = audit.chain_head()
    audit.record(actor="test", kind=audit.Kind.CHANGE, action="later.change")
    out, _ = verify("--anchor", anchor)
    assert "intact: 6 entries" in out


def test_an_entry_rewritten_with_plain_hashes_is_caught_because_the_chain_is_keyed(trail):
    """Whoever can write to the database, but has no key, cannot rebuild the chain."""
    entries = list(AuditEntry.objects.order_by("id"))
    entries[1].actor_label = "Someone Else"
    prev = entries[0].hash
    for entry in entries[1:]:
        entry.prev_hash = prev
        prev = entry.compute_unkeyed_hash()  # the attacker's best: SHA-256 without the key
        raw(
            "UPDATE core_auditentry SET actor_label = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [entry.actor_label, entry.prev_hash, prev, entry.pk],
        )
    breaks = list(audit.verify_chain())
    assert [b.entry_id for b in breaks] == [e.pk for e in entries[1:]]
    assert all("was edited" in b.problem for b in breaks)


def test_entries_written_before_the_chain_was_keyed_still_verify(trail, settings):
    entry = AuditEntry.objects.get(pk=trail[0].pk)
    raw(
        "UPDATE core_auditentry SET hash = %s WHERE id = %s",
        [entry.compute_unkeyed_hash(), entry.pk],
    )
    raw(
        "UPDATE core_auditentry SET prev_hash = %s WHERE id = %s",
        [entry.compute_unkeyed_hash(), trail[1].pk],
    )
    later = AuditEntry.objects.get(pk=trail[1].pk)
    raw("UPDATE core_auditentry SET hash = %s WHERE id = %s", [later.compute_hash(), later.pk])
    later.hash = later.compute_hash()
    raw("UPDATE core_auditentry SET prev_hash = %s WHERE id = %s", [later.hash, trail[2].pk])
    # trail[2] onwards must be re-linked too: recompute each from the new prev.
    prev = later.hash
    for item in trail[2:]:
        current = AuditEntry.objects.get(pk=item.pk)
        current.prev_hash = prev
        prev = current.compute_hash()
        raw(
            "UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
            [current.prev_hash, prev, current.pk],
        )
    assert [b.entry_id for b in audit.verify_chain()] == [trail[0].pk]
    settings.AUDIT_CHAIN_UNKEYED_UNTIL = trail[0].pk
    assert list(audit.verify_chain()) == []


def test_cutting_off_the_newest_entries_is_caught_by_the_anchor_file(trail, settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.log"
    out = StringIO()
    call_command("audit", "anchor", stdout=out)
    assert f"Noted entry {trail[-1].pk}" in out.getvalue()
    assert "1 anchors checked" in verify()[0]
    raw("DELETE FROM core_auditentry WHERE id >= %s", [trail[3].pk])
    assert list(audit.verify_chain()) == []  # what is left is a whole chain...
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert f"(entry {trail[-1].pk}) is no longer in the trail" in err.getvalue()


def test_a_wrong_key_fails_every_entry(trail, settings):
    settings.AUDIT_CHAIN_KEY = "not-the-key-the-trail-was-written-with"
    assert len(list(audit.verify_chain())) == len(trail)
