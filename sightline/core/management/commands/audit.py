"""`sightline audit verify`: walk the tamper-evident trail and report any break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.core.audit import verify_chain
from sightline.core.models import AuditEntry


class Command(BaseCommand):
    help = "Audit trail tools. `verify` checks the hash chain of the access and audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = list(verify_chain())
        total = AuditEntry.objects.count()
        for item in breaks:
            self.stderr.write(f"Entry {item.entry_id}: {item.problem}")
        if breaks:
            raise CommandError(
                f"The audit trail is broken in {len(breaks)} place(s) out of {total} entries."
            )
        self.stdout.write(f"The audit trail is intact: {total} entries, chain verified.")
