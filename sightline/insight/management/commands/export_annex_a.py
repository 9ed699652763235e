"""`sightline export-annex-a --from DATE --to DATE --output FILE`: Ofsted's Annex A lists 1-7."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sightline.core import audit
from sightline.core.files import WriteProblem, file_write
from sightline.insight.annex_a import Period, annex_a_workbook


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Dates look like 2025-04-01, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Write Ofsted's Annex A lists 1 to 7 (contacts, early help, referrals, assessments, "
        "S47 enquiries and ICPCs, children in need, child protection) as one XLSX workbook."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=_date, help="Default: a year ago")
        parser.add_argument("--to", dest="end", type=_date, help="Default: today")
        parser.add_argument("--output", required=True, help="The .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        default = Period.last_twelve_months(timezone.localdate())
        period = Period(start=options["start"] or default.start, end=options["end"] or default.end)
        if period.start > period.end:
            raise CommandError("--from must be on or before --to.")
        try:
            content, counts = annex_a_workbook(period)
            file_write(Path(options["output"]), lambda stream: stream.write(content))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except WriteProblem as error:
            raise CommandError(str(error)) from error
        audit.record(
            actor="sightline export-annex-a",
            kind=audit.Kind.EXPORT,
            action="insight.annex_a_exported",
            detail={"from": period.start, "to": period.end, "rows": counts},
        )
        listed = ", ".join(f"{name}: {count:,}" for name, count in counts.items())
        self.stdout.write(
            f"Annex A {period.start} to {period.end} written to {options['output']} ({listed}).\n"
        )
