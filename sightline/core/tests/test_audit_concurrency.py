"""Concurrent writers on PostgreSQL still make one unbroken chain (the advisory lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from sightline.core import audit
from sightline.core.models import AuditEntry

WRITERS, ENTRIES_EACH = 6, 15


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(ENTRIES_EACH):
                audit.record(actor=f"writer {writer}", kind=audit.Kind.READ, action=f"read.{n}")
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert AuditEntry.objects.count() == WRITERS * ENTRIES_EACH
    assert list(audit.verify_chain()) == []
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)  # no fork: no two entries share a parent
