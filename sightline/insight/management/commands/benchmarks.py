"""`sightline benchmarks load FILE`: load published benchmark figures (a CSV laid out as
sightline/insight/data/dfe-benchmarks-2025.csv), replacing earlier figures for the same
indicator, area and year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.insight.benchmarks import BenchmarkFileError, benchmarks_read
from sightline.insight.services import benchmarks_save


class Command(BaseCommand):
    help = "Load benchmark figures (England, region, statistical neighbours) from a CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="Load a CSV file of benchmark figures")
        load.add_argument("file", help="The CSV file, laid out as the shipped 2025 file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot be read as UTF-8 text ({error}).") from None
        try:
            figures = benchmarks_read(text)
        except BenchmarkFileError as error:
            raise CommandError(f"{path}: {error}") from None
        saved = benchmarks_save(actor="sightline benchmarks", figures=figures, file_name=path.name)
        years = sorted({figure.year_ending for figure in figures})
        self.stdout.write(
            f"Loaded {saved} figures for the years to 31 March {', '.join(map(str, years))}."
        )
