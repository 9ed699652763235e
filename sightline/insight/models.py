"""What the partnership keeps for its dataset: the child population it counts rates against,
and the published benchmarks it sets its own figures beside.

Writes go through `sightline.insight.services`; nothing here is about a person.
"""

from __future__ import annotations

from django.db import models

__all__ = ["Benchmark", "ChildPopulation"]


class ChildPopulation(models.Model):
    """Children of one single year of age living in the district at the middle of a year (an
    ONS mid-year estimate, or the partnership's own figure): the denominator of every rate per
    10,000 children. Census year YYYY (1 April YYYY to 31 March YYYY+1) uses mid-YYYY, as
    DfE's rates use the mid-year estimate of the year the census year starts in."""

    year = models.PositiveSmallIntegerField(help_text="The year of the mid-year estimate")
    age = models.PositiveSmallIntegerField(help_text="Age in whole years, 0 to 17")
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=300, help_text="Where the figure comes from")
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["year", "age"]
        constraints = [
            models.UniqueConstraint(fields=["year", "age"], name="child_population_once_per_age"),
            models.CheckConstraint(condition=models.Q(age__lte=17), name="child_population_0_17"),
        ]

    def __str__(self) -> str:
        return f"{self.count} children aged {self.age} in mid-{self.year}"


class Benchmark(models.Model):
    """One published figure for one indicator: England's, the region's, the authority's own
    published figure or its statistical neighbours' median, for a year ending 31 March."""

    class Area(models.TextChoices):
        ENGLAND = "england", "England"
        REGION = "region", "Region"
        AUTHORITY = "authority", "This authority (published)"
        NEIGHBOURS = "neighbours", "Statistical neighbours (median)"

    indicator = models.CharField(max_length=60, db_index=True)
    area = models.CharField(max_length=12, choices=Area.choices)
    area_name = models.CharField(max_length=100, blank=True)
    year_ending = models.PositiveSmallIntegerField(
        help_text="The figure is for the year to 31 March of this year"
    )
    value = models.DecimalField(max_digits=9, decimal_places=2)
    unit = models.CharField(max_length=100)
    formula = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300)
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "year_ending", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "year_ending"], name="benchmark_once_per_area_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_area_display()} {self.year_ending}: {self.value}"
