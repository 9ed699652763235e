"""The data team's pages: the CIN census return and the Annex A lists, as downloads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sightline.core import audit
from sightline.core.exports import XLSX
from sightline.insight.annex_a import TITLES, Period, annex_a_workbook
from sightline.insight.census import CensusYear
from sightline.insight.census_xml import census_summary, census_xml_chunks
from sightline.insight.forms import AnnexAForm, CensusYearForm
from sightline.insight.rules import EXPORT_RETURNS


def returns_page(view: Any) -> Any:
    return login_required(permission_required(EXPORT_RETURNS, raise_exception=True)(view))


@returns_page
@require_GET
def cin_census(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    form = CensusYearForm(request.GET or None, today=today)
    if form.is_bound and form.is_valid() and request.GET.get("check"):
        census = CensusYear(int(form.cleaned_data["year"]))
        summary = census_summary(census)
        audit.record(
            actor=request.user,
            kind=audit.Kind.LIST,
            action="insight.cin_census_checked",
            detail={"year": census.year, "children": summary.children},
        )
        return render(
            request,
            "insight/cin_census.html",
            {"form": form, "summary": summary, "notes": summary.not_sent(), "census": census},
        )
    if form.is_bound and form.is_valid():
        census = CensusYear(int(form.cleaned_data["year"]))
        audit.record(
            actor=request.user,
            kind=audit.Kind.EXPORT,
            action="insight.cin_census_exported",
            detail={"year": census.year, "format": "xml"},
        )
        response = StreamingHttpResponse(
            (piece.encode("utf-8") for piece in census_xml_chunks(census)),
            content_type="application/xml; charset=utf-8",
        )
        name = f"cin-census-{census.year}-{census.collection_year % 100:02d}.xml"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "insight/cin_census.html", {"form": form})


@returns_page
@require_GET
def annex_a(request: HttpRequest) -> HttpResponse:
    default = Period.last_twelve_months(timezone.localdate())
    bound = "date_from_day" in request.GET
    form = AnnexAForm(
        request.GET if bound else None,
        initial={"date_from": default.start, "date_to": default.end},
    )
    if bound and form.is_valid():
        period = Period(start=form.cleaned_data["date_from"], end=form.cleaned_data["date_to"])
        content, counts = annex_a_workbook(period)
        audit.record(
            actor=request.user,
            kind=audit.Kind.EXPORT,
            action="insight.annex_a_exported",
            detail={"from": period.start, "to": period.end, "rows": counts, "format": "xlsx"},
        )
        response = HttpResponse(content, content_type=XLSX)
        name = f"annex-a-{period.start.isoformat()}-to-{period.end.isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "insight/annex_a.html", {"form": form, "lists": TITLES})
