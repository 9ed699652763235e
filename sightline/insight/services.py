"""Writes of the partnership's dataset: benchmarks and the child population."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from sightline.core import audit
from sightline.insight.benchmarks import BenchmarkFigure
from sightline.insight.models import Benchmark, ChildPopulation


@transaction.atomic
def benchmarks_save(*, actor: object, figures: Iterable[BenchmarkFigure], file_name: str) -> int:
    """Store the figures, replacing any earlier figure for the same indicator, area and year."""
    now = timezone.now()
    saved = 0
    for figure in figures:
        Benchmark.objects.update_or_create(
            indicator=figure.indicator,
            area=figure.area,
            year_ending=figure.year_ending,
            defaults={
                "area_name": figure.area_name,
                "value": figure.value,
                "unit": figure.unit,
                "formula": figure.formula,
                "source": figure.source,
                "loaded_at": now,
            },
        )
        saved += 1
    audit.record(
        actor=actor,
        kind=audit.Kind.CHANGE,
        action="insight.benchmarks_loaded",
        detail={"file": file_name, "figures": saved},
    )
    return saved


@transaction.atomic
def child_population_set(
    *, actor: object, year: int, counts: dict[int, int], source: str
) -> list[ChildPopulation]:
    """The mid-`year` child population by single year of age (0 to 17), replacing that year's."""
    problems = [age for age in counts if not 0 <= age <= 17]
    if problems:
        raise ValueError(f"Ages must be 0 to 17; got {', '.join(map(str, sorted(problems)))}.")
    now = timezone.now()
    ChildPopulation.objects.filter(year=year).delete()
    rows = ChildPopulation.objects.bulk_create(
        ChildPopulation(year=year, age=age, count=count, source=source[:300], loaded_at=now)
        for age, count in sorted(counts.items())
    )
    audit.record(
        actor=actor,
        kind=audit.Kind.CHANGE,
        action="insight.child_population_set",
        detail={"year": year, "children": sum(counts.values()), "source": source},
    )
    return rows


def mid_year(year: int) -> dt.date:
    return dt.date(year, 6, 30)
