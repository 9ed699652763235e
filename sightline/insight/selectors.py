"""Reads for the partnership's dashboard: each figure of a census year beside its benchmarks, as
the user may see it, and the children behind a figure, scoped to the user and recorded.

Who has no access to the children sees counts of 1 to 5 as "c" (and no value computed from
one), as DfE's own tables do; who has access sees every count, each linking to the children.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sightline.accounts.models import User
from sightline.core import audit
from sightline.insight.dataset import Dataset, dataset_compute, json_code
from sightline.insight.indicators import COUNT, PER_10000, Indicator
from sightline.insight.models import Benchmark
from sightline.insight.rules import SEE_CHILDREN_BEHIND_FIGURES
from sightline.people.models import full_name_of
from sightline.people.selectors import persons_visible_to

SUPPRESSED = "c"
SMALL = range(1, 6)  # counts of 1 to 5


@dataclass(frozen=True)
class Comparison:
    label: str  # "England, year to 31 March 2025"
    value: Decimal
    area_name: str = ""


@dataclass
class Figure:
    indicator: Indicator
    value: str  # as shown: "12.5", "c", or "" when it cannot be computed
    numerator: str
    denominator: str
    comparisons: list[Comparison] = field(default_factory=list)
    drill_down: bool = False  # the numerator links to the children behind it

    @property
    def chart_value(self) -> float | None:
        if self.value in ("", SUPPRESSED):
            return None
        return float(self.value.replace(",", ""))

    @property
    def key(self) -> str:
        return json_code(self.indicator)

    def comparison(self, area_label: str) -> Comparison | None:
        return next((c for c in self.comparisons if c.label.startswith(area_label)), None)

    @property
    def england(self) -> Comparison | None:
        return self.comparison("England")

    @property
    def region(self) -> Comparison | None:
        return self.comparison("Region")

    @property
    def neighbours(self) -> Comparison | None:
        return self.comparison("Statistical")


@dataclass
class Dashboard:
    dataset: Dataset
    figures: list[Figure]
    suppressed: bool
    benchmark_years: list[int]

    @property
    def computed_at(self) -> dt.datetime:
        return self.dataset.computed_at

    def of(self, code: str) -> list[Figure]:
        return [figure for figure in self.figures if figure.indicator.code == code]

    def with_unit(self, unit: str, *, grouped: bool = False) -> list[Figure]:
        return [
            f
            for f in self.figures
            if f.indicator.unit == unit and bool(f.indicator.group) == grouped and f.comparisons
        ]


def _shown(number: int | None, suppress: bool) -> str:
    if number is None:
        return ""
    if suppress and number in SMALL:
        return SUPPRESSED
    return f"{number:,}"


def _value_shown(indicator: Indicator, suppress: bool) -> str:
    value = indicator.value
    if value is None:
        return ""
    hidden = indicator.numerator in SMALL or (
        indicator.unit not in (PER_10000, COUNT) and (indicator.denominator or 0) in SMALL
    )
    if suppress and hidden:
        return SUPPRESSED
    return f"{value:,}" if indicator.unit != COUNT else f"{int(value):,}"


def _benchmarks(year: int) -> tuple[dict[str, list[Comparison]], list[int]]:
    """For each indicator, its benchmarks for the census year (the year to 31 March `year`+1),
    or the latest published before it, each labelled with its area and year."""
    wanted = year + 1
    by_indicator: dict[str, dict[str, Benchmark]] = {}
    for figure in Benchmark.objects.filter(year_ending__lte=wanted).order_by("year_ending"):
        by_indicator.setdefault(figure.indicator, {})[figure.area] = figure  # latest wins
    result: dict[str, list[Comparison]] = {}
    years: set[int] = set()
    order = (Benchmark.Area.ENGLAND, Benchmark.Area.REGION, Benchmark.Area.NEIGHBOURS)
    for indicator, areas in by_indicator.items():
        for area in order:
            found = areas.get(area)
            if found is None:
                continue
            name = {
                Benchmark.Area.ENGLAND: "England",
                Benchmark.Area.REGION: f"Region ({found.area_name})",
                Benchmark.Area.NEIGHBOURS: "Statistical neighbours' median",
            }[Benchmark.Area(area)]
            period = f"year to 31 March {found.year_ending}"
            result.setdefault(indicator, []).append(
                Comparison(
                    f"{name}, {period}", found.value.quantize(Decimal("0.1")), found.area_name
                )
            )
            years.add(found.year_ending)
    return result, sorted(years)


def dashboard_get(*, user: User, year: int) -> Dashboard:
    """The census year's figures as `user` may see them. Aggregates only: nothing about a
    person is shown, so nothing is recorded in the audit trail."""
    dataset = dataset_compute(year)
    may_see_children = user.has_perm(SEE_CHILDREN_BEHIND_FIGURES)
    suppress = not may_see_children
    comparisons, years = _benchmarks(year)
    figures = [
        Figure(
            indicator=indicator,
            value=_value_shown(indicator, suppress),
            numerator=_shown(indicator.numerator, suppress),
            denominator=_shown(indicator.denominator, suppress)
            if indicator.unit != PER_10000
            else f"{indicator.denominator:,}"
            if indicator.denominator
            else "",
            comparisons=comparisons.get(indicator.benchmark_code, []),
            drill_down=may_see_children and bool(indicator.children),
        )
        for indicator in dataset.indicators
    ]
    return Dashboard(dataset=dataset, figures=figures, suppressed=suppress, benchmark_years=years)


@dataclass(frozen=True)
class ChildBehind:
    person_id: int
    name: str
    date_of_birth: dt.date | None


@dataclass(frozen=True)
class ChildrenBehind:
    indicator: Indicator
    children: list[ChildBehind]
    not_shown: int  # children behind the figure whom the user has no relationship with


def figure_children(*, user: User, year: int, key: str) -> ChildrenBehind:
    """The children behind one figure (its numerator), those of them the user may see, with the
    read recorded. 403 for a user without access to children; 404 for an unknown figure."""
    if not user.has_perm(SEE_CHILDREN_BEHIND_FIGURES):
        raise PermissionDenied
    dataset = dataset_compute(year)
    indicator = next((i for i in dataset.indicators if json_code(i) == key), None)
    if indicator is None:
        raise Http404("No such figure")
    rows = (
        persons_visible_to(user)
        .filter(pk__in=sorted(indicator.children))
        .order_by("family_name", "given_name", "pk")
        .values_list("pk", "kind", "given_name", "family_name", "date_of_birth")
    )
    children = [
        ChildBehind(pk, full_name_of(kind, given, family), born)
        for pk, kind, given, family, born in rows
    ]
    audit.record(
        actor=user,
        kind=audit.Kind.LIST,
        action="insight.figure_children_listed",
        detail={"year": year, "figure": key, "shown": [child.person_id for child in children]},
    )
    return ChildrenBehind(indicator, children, len(indicator.children) - len(children))
