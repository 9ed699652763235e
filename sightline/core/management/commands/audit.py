"""`sightline audit verify [--anchor HASH]`: walk the tamper-evident trail and report any break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.core.audit import anchor_present, chain_head, verify_chain
from sightline.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Audit trail tools. `verify` checks the hash chain of the access and audit trail and "
        "exits non-zero, naming the entries, when an entry was edited or removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument(
            "--anchor",
            metavar="HASH",
            help="a hash printed by an earlier verify: check it is still in the trail "
            "(detects removal of the newest entries)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = 0
        for item in verify_chain():
            self.stderr.write(f"Entry {item.entry_id}: {item.problem}")
            problems += 1
        anchor = options.get("anchor")
        if anchor and not anchor_present(anchor):
            self.stderr.write(
                f"The anchor {anchor} is no longer in the trail: entries were removed "
                "or rewritten after it was noted."
            )
            problems += 1
        total = AuditEntry.objects.count()
        if problems:
            raise CommandError(
                f"The audit trail is broken in {problems} place(s) out of {total} entries."
            )
        self.stdout.write(f"The audit trail is intact: {total} entries, chain verified.")
        self.stdout.write(f"Newest hash (keep it to check later with --anchor): {chain_head()}")
