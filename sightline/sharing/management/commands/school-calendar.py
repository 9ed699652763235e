"""`sightline school-calendar load FILE`: load school calendars (terms, INSET days, closures)
from a CSV file; each school named gets exactly the rows given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.sharing.encompass.services import calendar_rows_read, school_calendars_load

ACTOR = "sightline school-calendar load"


class Command(BaseCommand):
    help = "Keep the school calendars Operation Encompass deadlines are counted on."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load calendars from a CSV file")
        load.add_argument("file", help="CSV: school, kind, first_day, last_day, name[, day_starts]")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Could not read {path}: {error}") from error
        try:
            loaded = school_calendars_load(actor=ACTOR, rows=calendar_rows_read(text))
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        for code, count in sorted(loaded.items()):
            self.stdout.write(f"{code}: {count} terms and closures")
        self.stdout.write(f"Loaded the calendars of {len(loaded)} schools.")
