"""`sightline audit verify [--anchor HASH]`: walk the tamper-evident trail and report any break.
`sightline audit anchor`: note the chain's head outside the database (AUDIT_ANCHOR_FILE).
`sightline audit grants --role NAME`: the SQL that lets the application's PostgreSQL role run
Sightline without being able to rewrite the audit trail (sightline.core.roles).

The chain is keyed (HMAC with AUDIT_CHAIN_KEY, held outside the database), so an entry edited
with its hashes recomputed is caught; the anchors catch the newest entries being cut off.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.core.audit import (
    anchor_note,
    anchor_present,
    anchors_missing,
    anchors_read,
    chain_head,
    verify_chain,
)
from sightline.core.models import AuditEntry
from sightline.core.roles import app_role_grants


class Command(BaseCommand):
    help = (
        "Audit trail tools. `verify` checks the keyed hash chain of the access and audit trail "
        "and every anchor noted outside the database, and exits non-zero, naming the entries, "
        "when an entry was edited or removed. `anchor` notes the chain's head in "
        "AUDIT_ANCHOR_FILE (run it periodically, e.g. hourly from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "anchor", "grants"])
        parser.add_argument(
            "--role",
            metavar="NAME",
            help="grants: the PostgreSQL role the application connects as",
        )
        parser.add_argument(
            "--anchor",
            metavar="HASH",
            help="a hash printed by an earlier verify: check it is still in the trail "
            "(detects removal of the newest entries)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "grants":
            if not options.get("role"):
                raise CommandError("Name the application's database role with --role NAME.")
            for statement in app_role_grants(role=options["role"]):
                self.stdout.write(statement + ";")
            return
        if options["action"] == "anchor":
            noted_now = anchor_note()
            self.stdout.write(
                f"Noted entry {noted_now.entry_id} ({noted_now.hash}) "
                f"in {settings.AUDIT_ANCHOR_FILE}."
            )
            return
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
        noted = anchors_read()
        for missing in anchors_missing(noted):
            self.stderr.write(
                f"The anchor noted at {missing.noted_at} (entry {missing.entry_id}) is no longer "
                "in the trail: entries were removed or rewritten after it was noted."
            )
            problems += 1
        total = AuditEntry.objects.count()
        if problems:
            raise CommandError(
                f"The audit trail is broken in {problems} place(s) out of {total} entries."
            )
        checked = f", {len(noted)} anchors checked" if noted else ""
        self.stdout.write(f"The audit trail is intact: {total} entries, chain verified{checked}.")
        self.stdout.write(f"Newest hash (keep it to check later with --anchor): {chain_head()}")
