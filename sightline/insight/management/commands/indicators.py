"""`sightline indicators --year YYYY --format json`: the census year's indicators (a contract).

Prints a JSON list of objects with `code`, `value`, `numerator`, `denominator`,
`period_start` and `period_end`. The codes are those of the benchmark file
(`referral_rate`, `cp_plan_rate_31_march` ...) and the multi-agency measures; a breakdown
row's code names its group after a dot (`training_reach.northmoor_police`).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.core import audit
from sightline.insight.dataset import dataset_compute, dataset_json


class Command(BaseCommand):
    help = "Print the indicators of the census year starting 1 April YYYY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="For example 2025 (2025-26)")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2008 <= year <= 2100:
            raise CommandError(f"--year takes the year the census starts in, not {year}.")
        dataset = dataset_compute(year)
        audit.record(
            actor="sightline indicators",
            kind=audit.Kind.EXPORT,
            action="insight.indicators_exported",
            detail={"year": year, "format": "json", "figures": len(dataset.indicators)},
        )
        self.stdout.write(json.dumps(dataset_json(dataset), indent=2))
