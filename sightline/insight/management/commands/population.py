"""`sightline population load FILE`: the district's children by single year of age at the middle
of a year (an ONS mid-year estimate), from a CSV with columns `year`, `age` (0 to 17), `count`
and `source`; each year in the file replaces that year's figures."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.insight.services import child_population_set


class Command(BaseCommand):
    help = "Load the district's child population by age (year,age,count,source)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="Load a CSV of children by single year of age")
        load.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot be read as UTF-8 text ({error}).") from None
        reader = csv.DictReader(io.StringIO(text))
        missing = [
            c for c in ("year", "age", "count", "source") if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise CommandError(f"{path}: no column {', '.join(missing)} (line 1).")
        years: dict[int, dict[int, int]] = defaultdict(dict)
        sources: dict[int, str] = {}
        problems = []
        for line, row in enumerate(reader, start=2):
            try:
                year, age, count = int(row["year"]), int(row["age"]), int(row["count"])
            except (TypeError, ValueError):
                problems.append(f"line {line}: year, age and count must be whole numbers")
                continue
            if not 0 <= age <= 17 or count < 0 or not 1990 <= year <= 2100:
                problems.append(
                    f"line {line}: age must be 0 to 17, count 0 or more, year 1990-2100"
                )
                continue
            if age in years[year]:
                problems.append(f"line {line}: age {age} in {year} is given twice")
            years[year][age] = count
            sources[year] = (row.get("source") or "").strip() or path.name
        if problems:
            raise CommandError(f"{path}: " + "; ".join(problems) + ". Nothing was loaded.")
        for year, counts in sorted(years.items()):
            child_population_set(actor="sightline population", year=year,
                                 counts={a: counts.get(a, 0) for a in range(18)},
                                 source=sources[year])  # fmt: skip
            self.stdout.write(f"Mid-{year}: {sum(counts.values()):,} children aged 0 to 17.")
