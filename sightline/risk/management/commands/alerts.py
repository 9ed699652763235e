"""`sightline alerts --format json [--as-of DATE] [--rebuild]` (DESIGN.md section 7)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sightline.risk import engine, tasks
from sightline.risk.export import computed_alerts_json, stored_alerts_json


class Command(BaseCommand):
    help = (
        "Every alert as a JSON array (after evaluating the rules for events the worker has "
        "not reached yet). --rebuild replays every rule over all history first; "
        "--as-of DATE sets the clock for the timescale rules and leaves out events after "
        "that date (nothing is written)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD")
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as error:
                raise CommandError("--as-of must be a date like 2025-03-31") from error
        # The rules run in the worker; what it has not evaluated yet is evaluated here, so the
        # answer is the same whether or not a worker ran after the last import.
        stuck = None
        try:
            tasks.evaluations_run(until_empty=True)
        except tasks.EvaluationFailed as error:
            stuck = error  # the others were evaluated: list them, then say so and exit 1
        if options["rebuild"]:
            result = engine.replay()
            self.stderr.write(
                "Replayed: " + ", ".join(f"{k} {v}" for k, v in result.counts().items())
            )
        if as_of is not None:
            rows = computed_alerts_json(engine.compute(as_of=as_of))
        else:
            if not options["rebuild"]:
                engine.timescales_sweep()
            rows = stored_alerts_json()
        self.stdout.write(json.dumps(rows, indent=2))
        if stuck is not None:
            raise CommandError(str(stuck), returncode=1)
