"""`sightline restore FILE [--force]`: replace the database's contents with a backup.

Refused when the database holds data, unless --force; the refusal says what would be
replaced. Stop Sightline (web and workers) while restoring, then run `sightline migrate`
(a backup made by an older Sightline) and `sightline audit verify`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.core.backup import (
    BackupError,
    backup_restore,
    database_label,
    describe_contents,
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by `sightline backup`, replacing everything in the database. "
        "Refused when the database already holds data, unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a backup made by `sightline backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        try:
            replaced = backup_restore(source=source, force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        if replaced:
            self.stdout.write(f"Replaced {describe_contents(replaced)}.")
        self.stdout.write(
            f"Restored {source} into {database_label()}. Next: `sightline migrate` (if the "
            "backup was made by an older Sightline), then `sightline audit verify` with the "
            "AUDIT_CHAIN_KEY the backup was made under."
        )
