"""The partnership's dashboard (`/insight/`), its CSV, and the children behind a figure."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sightline.insight.charts import breakdown_chart, comparison_chart
from sightline.insight.forms import CensusYearForm
from sightline.insight.indicators import COUNT, PER_10000, PERCENT
from sightline.insight.rules import VIEW_DASHBOARD
from sightline.insight.selectors import Dashboard, dashboard_get, figure_children


def dashboard_page(view: Any) -> Any:
    return login_required(permission_required(VIEW_DASHBOARD, raise_exception=True)(view))


def _year(request: HttpRequest) -> tuple[CensusYearForm, int]:
    form = CensusYearForm(request.GET or None, today=timezone.localdate())
    if form.is_bound and form.is_valid():
        return form, int(form.cleaned_data["year"])
    if form.is_bound:
        raise Http404("No such census year")
    return form, int(form.fields["year"].initial)


SECTIONS = (
    # (heading, code, unit, title of the chart)
    ("Contacts by the agency that sent them", "contacts_by_source_agency", PERCENT),
    ("Partner checks answered by the time they were due", "partner_checks_answered_in_time",
     PERCENT),
    ("Alerts raised, by rule", "alerts_raised", COUNT),
    ("Alerts closed, by rule and how they were closed", "alerts_closed", PERCENT),
    ("Staff who attended partnership training, by agency", "training_reach", PERCENT),
)  # fmt: skip


def _period(dashboard: Dashboard) -> str:
    return (
        f"1 April {dashboard.dataset.census.year} to 31 March {dashboard.dataset.census.year + 1}"
    )


@dashboard_page
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, year = _year(request)
    board = dashboard_get(user=request.user, year=year)  # type: ignore[arg-type]
    period = _period(board)
    years = " and ".join(str(y) for y in board.benchmark_years) or "none loaded"
    rates = board.with_unit(PER_10000)
    shares = board.with_unit(PERCENT)
    charts = {
        "rates": comparison_chart(
            f"Rates per 10,000 children, {period}, against benchmarks for the year to 31 March "
            f"{years}",
            rates,
            "",
        ),
        "shares": comparison_chart(
            f"Percentages, {period}, against benchmarks for the year to 31 March {years}",
            shares,
            "%",
        ),
    }
    sections = []
    for heading, code, unit in SECTIONS:
        figures = board.of(code)
        chart = (
            breakdown_chart(f"{heading}, {period}", figures, "%" if unit == PERCENT else "")
            if figures
            else None
        )
        sections.append({"heading": heading, "figures": figures, "chart": chart, "unit": unit})
    return render(
        request,
        "insight/dashboard.html",
        {
            "form": form,
            "board": board,
            "year": year,
            "period": period,
            "rates": rates,
            "shares": shares,
            "front_door": board.of("front_door_decisions_within_1_working_day"),
            "charts": charts,
            "sections": sections,
            "PERCENT": PERCENT,
        },
    )


@dashboard_page
@require_GET
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    _, year = _year(request)
    board = dashboard_get(user=request.user, year=year)  # type: ignore[arg-type]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Figure", "For", "Value", "Unit", "Count", "Out of", "Period",
                     "Computed at", "Benchmarks"])  # fmt: skip
    computed = timezone.localtime(board.computed_at).strftime("%-d %B %Y %H:%M")
    for figure in board.figures:
        ind = figure.indicator
        writer.writerow([
            ind.title, ind.group, figure.value, ind.unit, figure.numerator, figure.denominator,
            _period(board), computed,
            "; ".join(f"{c.label}: {c.value}" for c in figure.comparisons),
        ])  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="partnership-figures-{year}-{(year + 1) % 100:02d}.csv"'
    )
    return response


@login_required
@require_GET
def children_behind(request: HttpRequest, year: int, key: str) -> HttpResponse:
    if not 2008 <= year <= 2100:
        raise Http404("No such census year")
    behind = figure_children(user=request.user, year=year, key=key)  # type: ignore[arg-type]
    return render(
        request,
        "insight/children_behind.html",
        {"behind": behind, "year": year, "period": f"1 April {year} to 31 March {year + 1}"},
    )
