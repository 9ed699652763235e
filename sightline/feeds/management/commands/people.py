"""`sightline people --format json`: every person, with every source record linked to them.

The output is one JSON array (DESIGN.md section 7): `id`, `name`, `date_of_birth`
(YYYY-MM-DD or null) and `source_ids` (every `source:record_id`, sorted). It is written as it
is read, so a large partnership does not need it all in memory. The export is audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sightline.accounts.services import COMMAND_LINE
from sightline.core import audit
from sightline.people.models import Person, SourceRecord

BATCH = 5000


def people_for_export() -> Iterator[dict[str, Any]]:
    """Every person as DESIGN.md section 7 shows them, in id order, a batch at a time."""
    last = 0
    while True:
        batch = list(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "kind", "given_name", "family_name", "date_of_birth")[:BATCH]
        )
        if not batch:
            return
        ids: dict[int, list[str]] = {person.pk: [] for person in batch}
        records = SourceRecord.objects.filter(person_id__in=ids).values_list(
            "person_id", "agency__code", "record_id"
        )
        for person_id, code, record_id in records:
            ids[person_id].append(f"{code}:{record_id}")
        for person in batch:
            yield {
                "id": person.pk,
                "name": person.full_name,
                "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
                "source_ids": sorted(ids[person.pk]),
            }
        last = batch[-1].pk


class Command(BaseCommand):
    help = "Every person as a JSON array: id, name, date_of_birth, source_ids."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        self.stdout.write("[", ending="")
        for person in people_for_export():
            self.stdout.write(("," if count else "") + "\n" + json.dumps(person), ending="")
            count += 1
        self.stdout.write("\n]" if count else "]")
        audit.record(
            actor=COMMAND_LINE,
            kind=audit.Kind.EXPORT,
            action="people.exported",
            detail={"format": "json", "people": count},
        )
