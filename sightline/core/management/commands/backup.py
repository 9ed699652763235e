"""`sightline backup --output FILE`: a backup of the whole database, safe while Sightline runs.

SQLite: an online backup (a consistent snapshot, writers carry on). PostgreSQL: `pg_dump
--format=custom` (Debian: `apt-get install postgresql-client`). Keep AUDIT_CHAIN_KEY with the
backups (not in them): without it the restored audit trail cannot be verified.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.core.backup import BackupError, backup_create, database_label


class Command(BaseCommand):
    help = (
        "Back up the whole database to a file, safely while Sightline runs (SQLite's online "
        "backup, or pg_dump's custom format on PostgreSQL). Restore it with `sightline restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", required=True, metavar="FILE", help="the backup file to write"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = backup_create(output=Path(options["output"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = written.stat().st_size
        self.stdout.write(
            f"Backed up {database_label()} to {written} ({size / 1_000_000:,.1f} MB). "
            "Keep AUDIT_CHAIN_KEY with your backups (not in them): the restored audit trail "
            "is verified with it."
        )
