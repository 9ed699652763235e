"""The audit service: every read of personal data and every change writes one entry.

Call it inside the same transaction as the change it records. Entries form a hash chain;
`verify_chain` walks it and reports every break.

The chain shows an entry edited or removed from the middle. Removing the newest entries
leaves a shorter chain that is still whole, so `sightline audit verify` prints the newest
hash: kept somewhere else (a ticket, the operations log), it is an anchor that
`sightline audit verify --anchor HASH` checks is still there.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from sightline.core.models import AuditEntry
from sightline.core.transactions import on_rollback

GENESIS = "0" * 64
_LOCK_KEY = 0x5157_4C4E  # advisory lock id for appending to the chain on PostgreSQL

Kind = AuditEntry.Kind


def _as_stored(detail: dict[str, Any] | None) -> dict[str, Any]:
    """The detail exactly as the database will give it back, so its hash still matches."""
    return json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))


def _label(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    full = getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", "")
    agency = getattr(actor, "agency", None)
    return f"{full} ({agency.name})" if agency else str(full)


class _Deferred(threading.local):
    """Entries recorded inside `deferred()`, waiting to be written together; an entry recorded
    in a feed line that rolled back is dropped (`core.transactions.on_rollback`)."""

    entries: list[AuditEntry] | None = None


_deferred = _Deferred()


def _drop(entry: AuditEntry) -> None:
    if _deferred.entries is not None:
        _deferred.entries = [kept for kept in _deferred.entries if kept is not entry]


@contextmanager
def deferred() -> Iterator[None]:
    """Write the entries recorded inside this block together, in order, when it ends.

    For bulk work inside one transaction (a feed batch): one INSERT for many entries instead of
    one each. Entries recorded in a `savepoint_shared` block (a feed line) that was rolled back
    meanwhile are left out, as if written and rolled back with it; inside this block, code that
    rolls back part of its work and goes on does so in such a block. The chain is the same as
    with one write per entry; an entry's `id` and `hash` are set only once written. Use inside
    the transaction; an error inside the block writes nothing (the transaction is rolled back
    anyway).
    """
    if _deferred.entries is not None or not connection.in_atomic_block:
        yield
        return
    _deferred.entries = []
    try:
        yield
        _write_deferred()
    finally:
        _deferred.entries = None


def _write_deferred() -> None:
    kept, _deferred.entries = _deferred.entries or [], []
    if not kept:
        return
    last = _chain_head()
    for entry in kept:
        entry.prev_hash = last
        entry.hash = last = entry.compute_hash()
    AuditEntry.objects.all().append_chained(kept)


def _chain_head() -> str:
    """The newest hash, taking the turn to append on PostgreSQL (see `record`)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    return chain_head()


def record(
    *,
    actor: Any,
    kind: str,
    action: str,
    target: models.Model | None = None,
    person_id: int | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a user, a named system actor (str) or None.

    On PostgreSQL a transaction-scoped advisory lock makes concurrent writers take turns, so
    each entry links to the one committed before it; SQLite's IMMEDIATE transactions (see
    settings) already serialise writers. No savepoint of its own: an entry that cannot be
    written fails the change it records.
    """
    user = actor if hasattr(actor, "pk") and not isinstance(actor, str) else None
    entry = AuditEntry(
        at=timezone.now(),
        actor=user if user is not None and user.pk else None,
        actor_label=_label(actor)[:200],
        kind=kind,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        person_id=person_id,
        reason=reason,
        detail=_as_stored(detail),
    )
    if _deferred.entries is not None:
        _deferred.entries.append(entry)
        on_rollback(partial(_drop, entry))
        return entry
    return _append(entry)


@transaction.atomic(savepoint=False)
def _append(entry: AuditEntry) -> AuditEntry:
    entry.prev_hash = _chain_head()
    entry.hash = entry.compute_hash()
    entry.save(force_insert=True)
    return entry


def record_read(
    *,
    actor: Any,
    target: models.Model,
    person_id: int | None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    action: str | None = None,
) -> AuditEntry:
    return record(
        actor=actor,
        kind=Kind.READ,
        action=action or f"{target._meta.model_name}.viewed",
        target=target,
        person_id=person_id,
        reason=reason,
        detail=detail,
    )


def record_change(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    person_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    return record(
        actor=actor,
        kind=Kind.CHANGE,
        action=action,
        target=target,
        person_id=person_id,
        detail=detail,
    )


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    problem: str


def verify_chain(batch_size: int = 5000) -> Iterator[ChainBreak]:
    """Yield every place where the chain is broken: an edited entry, a removed one, a reorder."""
    expected_prev = GENESIS
    last_id = 0
    queryset = AuditEntry.objects.order_by("id")
    while True:
        batch = list(queryset.filter(id__gt=last_id)[:batch_size])
        if not batch:
            return
        for entry in batch:
            if entry.prev_hash != expected_prev:
                yield ChainBreak(
                    entry.id,
                    "does not follow the entry before it (an entry was removed or inserted)",
                )
            if not _link_matches(entry):
                yield ChainBreak(entry.id, "its contents do not match its hash (it was edited)")
            expected_prev = entry.hash
            last_id = entry.id


def _link_matches(entry: AuditEntry) -> bool:
    if hmac.compare_digest(entry.compute_hash(), entry.hash):
        return True
    unkeyed_until = settings.AUDIT_CHAIN_UNKEYED_UNTIL
    return entry.id <= unkeyed_until and entry.compute_unkeyed_hash() == entry.hash


def chain_head() -> str:
    """The hash of the newest entry (the genesis value for an empty trail)."""
    return AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS


def anchor_present(anchor: str) -> bool:
    """Whether an entry with this hash (noted earlier from `chain_head`) is still in the trail."""
    return anchor == GENESIS or AuditEntry.objects.filter(hash=anchor.strip().lower()).exists()


# Anchors kept outside the database ---------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """The chain's head at a moment, noted outside the database."""

    noted_at: str
    entry_id: int
    hash: str

    def line(self) -> str:
        return f"{self.noted_at} {self.entry_id} {self.hash}\n"


def anchor_note(path: Path | None = None) -> Anchor:
    """Append the chain's current head to the anchor file (made if missing) and return it.

    Run it periodically (`sightline audit anchor`, from cron or a systemd timer) and keep the
    file where the database's users cannot write: removing the newest entries, or rewriting
    the chain, is then caught by `anchors_missing`.
    """
    path = Path(path or settings.AUDIT_ANCHOR_FILE)
    head = AuditEntry.objects.order_by("-id").values_list("id", "hash").first() or (0, GENESIS)
    anchor = Anchor(noted_at=timezone.now().isoformat(), entry_id=head[0], hash=head[1])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(anchor.line())
        file.flush()
        os.fsync(file.fileno())
    return anchor


def anchors_read(path: Path | None = None) -> list[Anchor]:
    path = Path(path or settings.AUDIT_ANCHOR_FILE)
    if not path.exists():
        return []
    anchors = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            anchors.append(Anchor(noted_at=parts[0], entry_id=int(parts[1]), hash=parts[2]))
    return anchors


def anchors_missing(anchors: list[Anchor]) -> list[Anchor]:
    """The anchors the trail no longer holds: no entry with that id and that hash."""
    held = dict(
        AuditEntry.objects.filter(id__in=[a.entry_id for a in anchors]).values_list("id", "hash")
    )
    return [a for a in anchors if a.entry_id and held.get(a.entry_id) != a.hash]
