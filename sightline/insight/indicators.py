"""The partnership's dataset: DfE's children's social care indicators for a census year, computed
the way DfE computes them from the CIN census return, and the multi-agency measures no national
table has.

The DfE indicators are counted from the very rows the census export writes
(`census.census_children`), so they reconcile with Sightline's own return by construction and
a test recounts them from the XML itself. Each indicator's formula is the one DfE publishes
(sightline/insight/data/dfe-benchmarks-2025.csv, column `formula`):

- rates per 10,000 divide by the district's children aged 0 to 17 at the middle of the year
  the census year starts in (`ChildPopulation`; DfE's rates use ONS mid-year estimates);
- a referral is an episode whose referral date falls in the year; a re-referral is one within
  12 months (365 days, or 366 across a 29 February) of the child's previous referral, found in
  this year's return or the one before (a referral up to 12 months earlier was open, so in it);
- working days exclude weekends and England and Wales bank holidays and are counted after the
  start day up to and including the end day (`core.working_days.working_days_between`).

Each figure keeps the ids of the children behind its numerator, for the dashboard's
drill-down (the list a user sees is then scoped to their access).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Sum

from sightline.core.working_days import working_day_deadline, working_days_between
from sightline.insight.census import CensusYear, ChildRow, census_children
from sightline.insight.models import ChildPopulation

PER_10000 = "per 10,000 children aged 0 to 17"
PERCENT = "%"
COUNT = "count"
NEGLECT_FACTOR = "16A"
NOT_IN_NEED_CLOSURES = frozenset({"RC8", "RC9"})  # closed after assessment: not in need


@dataclass
class Indicator:
    """One figure: `value` is numerator / denominator (x 10,000 for a rate, x 100 for a
    percentage), or the count itself; None when the denominator is 0 or not held."""

    code: str
    title: str
    unit: str
    numerator: int
    denominator: int | None
    period_start: dt.date
    period_end: dt.date
    group: str = ""  # the agency, rule or outcome a breakdown row is for, in words
    children: frozenset[int] = field(default_factory=frozenset)  # person ids behind it
    benchmark_code: str = ""  # the code of the benchmark file, where there is one

    @property
    def value(self) -> Decimal | None:
        if self.unit == COUNT:
            return Decimal(self.numerator)
        if not self.denominator:
            return None
        scale = 10000 if self.unit == PER_10000 else 100
        return (Decimal(self.numerator * scale) / Decimal(self.denominator)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def as_json(self) -> dict[str, object]:
        value = self.value
        return {
            "code": self.code,
            "value": float(value) if value is not None else None,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
        }


def child_population(year: int) -> int | None:
    """Children aged 0 to 17 at mid-`year`, as the partnership recorded them (None: not held)."""
    total = ChildPopulation.objects.filter(year=year).aggregate(total=Sum("count"))["total"]
    return int(total) if total is not None else None


def _within_12_months(previous: dt.date, referral: dt.date) -> bool:
    return previous < referral <= previous + relativedelta(months=12)


@dataclass
class _Tally:
    """Numerator and denominator of one indicator, with the children behind the numerator."""

    numerator: int = 0
    denominator: int = 0
    children: set[int] = field(default_factory=set)

    def count(self, child: int, counted: bool) -> None:  # noqa: FBT001
        self.denominator += 1
        if counted:
            self.numerator += 1
            self.children.add(child)


def census_indicators(
    census: CensusYear,
    children: Iterable[ChildRow] | None = None,
    previous: Iterable[ChildRow] | None = None,
    population: int | None = -1,
) -> list[Indicator]:
    """DfE's indicators for the census year, from its return's rows (and the previous year's,
    for re-referrals). `population` None means not held; -1 reads it from the database."""
    rows = list(census_children(census) if children is None else children)
    before = census_children(CensusYear(census.year - 1)) if previous is None else previous
    if population == -1:
        population = child_population(census.year)
    start, end = census.start, census.reference_date
    two_years_before = end - relativedelta(years=2)

    earlier_referrals: dict[int, list[dt.date]] = defaultdict(list)
    for child in before:
        for episode in child.episodes:
            earlier_referrals[child.person_id].append(episode.referral_date)

    referrals, rereferrals, nfa, not_in_need = _Tally(), _Tally(), _Tally(), _Tally()
    assessed_45, icpc_15, repeat_plans, open_2_years = _Tally(), _Tally(), _Tally(), _Tally()
    s47s, cp_at_end, cp_starts, cin_at_end, neglect = set(), set(), set(), set(), set()
    counts = Counter[str]()
    for child in rows:
        pid = child.person_id
        referral_dates = sorted(
            set(earlier_referrals.get(pid, [])) | {e.referral_date for e in child.episodes}
        )
        for episode in child.episodes:
            referred = episode.referral_date
            if census.within(referred):
                referrals.count(pid, True)
                earlier = [day for day in referral_dates if day < referred]
                rereferrals.count(pid, bool(earlier) and _within_12_months(earlier[-1], referred))
                nfa.count(pid, episode.referral_nfa)
            closed_not_in_need = episode.closure_reason in NOT_IN_NEED_CLOSURES
            if census.within(episode.closure_date) and closed_not_in_need:
                not_in_need.children.add(pid)
                not_in_need.numerator += 1
            if episode.closure_date is None and not episode.referral_nfa:
                cin_at_end.add(pid)
            neglect_found = False
            for assessment in episode.assessments:
                if census.within(assessment.authorised):
                    assert assessment.authorised is not None
                    days = working_days_between(assessment.start, assessment.authorised)
                    assessed_45.count(pid, days <= 45)
                    neglect_found |= NEGLECT_FACTOR in assessment.factors
            if neglect_found:
                neglect.add(pid)
                counts["neglect"] += 1
            for s47 in episode.s47s:
                if census.within(s47.start):
                    s47s.add(pid)
                    counts["s47"] += 1
                held = s47.icpc_date
                if held is not None and census.within(held) and held >= s47.start:
                    # An ICPC with a valid duration: on or after the enquiry's start.
                    icpc_15.count(pid, working_days_between(s47.start, held) <= 15)
            for plan in episode.cp_plans:
                if census.within(plan.start):
                    cp_starts.add(pid)
                    counts["cp_starts"] += 1
                    repeat_plans.count(pid, plan.previous_plans > 0)
                if plan.start <= end and plan.end is None:
                    cp_at_end.add(pid)
                    open_2_years.count(pid, plan.start <= two_years_before)
    not_in_need.denominator = referrals.denominator

    def rate(code: str, title: str, numerator: int, who: set[int]) -> Indicator:
        return Indicator(code, title, PER_10000, numerator, population, start, end,
                         children=frozenset(who), benchmark_code=code)  # fmt: skip

    def share(code: str, title: str, tally: _Tally) -> Indicator:
        return Indicator(code, title, PERCENT, tally.numerator, tally.denominator, start, end,
                         children=frozenset(tally.children), benchmark_code=code)  # fmt: skip

    return [
        rate("referral_rate", "Referrals", referrals.numerator, referrals.children),
        share("rereferral_within_12_months", "Re-referrals within 12 months", rereferrals),
        share("referral_nfa", "Referrals with no further action", nfa),
        share("assessed_not_in_need", "Assessed as not in need", not_in_need),
        share(
            "assessments_within_45_working_days",
            "Assessments completed within 45 working days",
            assessed_45,
        ),  # fmt: skip
        rate("s47_rate", "Section 47 enquiries started", counts["s47"], s47s),
        share(
            "icpc_within_15_working_days",
            "Initial child protection conferences within 15 "
            "working days of the section 47 enquiry starting",
            icpc_15,
        ),  # fmt: skip
        rate(
            "cp_plan_rate_31_march",
            "Children on a child protection plan on 31 March",
            len(cp_at_end),
            cp_at_end,
        ),  # fmt: skip
        rate(
            "cp_plan_starts_rate", "Child protection plans started", counts["cp_starts"], cp_starts
        ),  # fmt: skip
        share(
            "repeat_cp_plans",
            "Child protection plans that are a second or later plan",
            repeat_plans,
        ),  # fmt: skip
        share(
            "cp_plans_open_2_years",
            "Child protection plans open 2 years or more on 31 March",
            open_2_years,
        ),  # fmt: skip
        rate("cin_rate_31_march", "Children in need on 31 March", len(cin_at_end), cin_at_end),
        rate(
            "neglect_at_assessment_rate",
            "Episodes with neglect identified at assessment",
            counts["neglect"],
            neglect,
        ),  # fmt: skip
    ]


def front_door_deadline(received_at: dt.datetime) -> dt.datetime:
    """The end of the working day after the contact arrived (DOMAIN.md T1)."""
    return working_day_deadline(received_at, 1)
