"""`sightline export-cin-census --year YYYY [--output FILE]`: the DfE CIN census XML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.core import audit
from sightline.core.files import WriteProblem, file_write
from sightline.insight.census import CensusYear
from sightline.insight.census_xml import census_xml_write


class Command(BaseCommand):
    help = (
        "Write the Children in Need census XML for the census year starting 1 April YYYY "
        "(DfE's schema; validate it with sightline/insight/validate_census.py)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="For example 2025 (2025-26)")
        parser.add_argument("--output", help="The file to write (standard output if not given)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2008 <= year <= 2100:
            raise CommandError(f"--year takes the year the census starts in, not {year}.")
        census = CensusYear(year)
        output = options.get("output")
        try:
            if output:
                summary = file_write(
                    Path(output), lambda stream: census_xml_write(census, stream), text=True
                )
            else:
                summary = census_xml_write(census, sys.stdout)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except WriteProblem as error:
            raise CommandError(str(error)) from error
        audit.record(
            actor="sightline export-cin-census",
            kind=audit.Kind.EXPORT,
            action="insight.cin_census_exported",
            detail={
                "year": year,
                "children": summary.children,
                "episodes": summary.episodes,
                "output": output or "stdout",
                "not_sent": summary.not_sent(),
            },
        )
        report = sys.stderr if not output else self.stdout
        report.write(
            f"CIN census {year}-{(year + 1) % 100:02d}: {summary.children:,} children, "
            f"{summary.episodes:,} episodes{f' written to {output}' if output else ''}.\n"
        )
        for note in summary.not_sent():
            report.write(f"Not sent: {note}\n")
