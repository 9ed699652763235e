"""`sightline load-demo`: load the synthetic demo district into the configured database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.demo.loader import (
    SIZES,
    LoadResult,
    database_is_empty,
    district_load,
    district_loaded,
    migrations_pending,
)
from sightline.demo.signins import sign_ins_text


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of takes a date like 2026-03-31, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Load Northmoor, the synthetic demo district (invented people only), into the "
        "configured database without serving it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=sorted(SIZES),
            default="full",
            help="full: about 2,000 children and a year of contacts; small: 60 children, for tests",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the database already holds other (non-demo) records",
        )
        parser.add_argument(
            "--as-of",
            type=_date,
            default=None,
            help="Load as if today were this date (the same date gives the same district)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if migrations_pending():
            raise CommandError("The database is not up to date: run `sightline migrate` first.")
        if district_loaded():
            self.stdout.write(
                "The demo district is already loaded in this database: nothing to do.\n"
                "To start again, point DATABASE_URL at an empty database (or remove the "
                "SQLite file in the data directory) and run `sightline load-demo`."
            )
            return
        if not database_is_empty() and not options["force"]:
            self.stdout.write(
                "This database already holds records that are not the demo district, so the "
                "demo was not loaded. Use --force to load it beside them."
            )
            return
        self.stdout.write(f"Loading the {options['size']} demo district ...")
        result = district_load(size=options["size"], as_of=options["as_of"])
        self.stdout.write(load_report(result))


def load_report(result: LoadResult) -> str:
    width = max(len(name) for name in result.counts)
    lines = [f"Loaded in {result.seconds:.1f} seconds:"]
    lines += [f"  {name:<{width}}  {count:>6,}" for name, count in result.counts.items()]
    if result.further:
        lines.append(f"Also loaded: {', '.join(result.further)}.")
    lines += [
        "",
        sign_ins_text(),
        "",
        "API token for the police agency's system (shown once; send it as "
        "'Authorization: Bearer <token>'):",
        f"  {result.api_token}",
    ]
    return "\n".join(lines)
