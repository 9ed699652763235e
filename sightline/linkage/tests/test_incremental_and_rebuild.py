"""The per-event linkage (a feed's records, one by one) and `sightline linkage rebuild` (all
records at once, with Splink) make the same decisions for the same records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sightline.linkage.generator import generate
from sightline.linkage.rebuild import linkage_rebuild
from sightline.linkage.services import RecordAsSent, source_record_resolve
from sightline.people.models import SourceRecord

AGENCY = {"health": "health", "csc": "csc", "police": "police", "school": "school"}


def _groups() -> set[frozenset[str]]:
    """The records of each person, by record id."""
    persons: dict[int, set[str]] = defaultdict(set)
    for record_id, person_id in SourceRecord.objects.values_list("record_id", "person_id"):
        persons[person_id].add(record_id)
    return {frozenset(records) for records in persons.values()}


def test_identifier_poor_records_are_linked_alike_one_by_one_and_in_a_rebuild(agencies):
    rows = generate(400, seed=7, profile="identifier-poor")
    for _uid, agency, record_id, _person, given, family, dob, *_ids, line, _pc in rows:
        source_record_resolve(
            actor="feed",
            sent=RecordAsSent(
                agencies[AGENCY.get(agency, "police")],
                record_id,
                given_name=given,
                family_name=family,
                date_of_birth=dt.date.fromisoformat(dob) if dob else None,
                address_line=line,
            ),
        )
    as_imported = _groups()
    summary = linkage_rebuild(actor="linkage (test)")
    assert (summary.merges, summary.splits) == (0, 0)
    assert _groups() == as_imported
