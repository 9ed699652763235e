"""Non-attendance charges for invoicing, and the attendance reports, with their downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sightline.core import audit
from sightline.learning import selectors
from sightline.learning.exports import CHARGE_HEADERS, FORMATS, charge_rows, table_response
from sightline.learning.forms import ChargesFilterForm, ReportFilterForm
from sightline.learning.reports import REPORTS


@login_required
@require_GET
def charges(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("learning.view_charges"):
        raise PermissionDenied
    form = ChargesFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        agency = form.cleaned_data["agency"]
        filters = {
            "agency_id": agency.pk if agency else None,
            "status": form.cleaned_data["status"],
        }
    items = selectors.charges_for_invoicing(user=request.user, **filters)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return table_response(
            title="Non-attendance charges",
            headers=CHARGE_HEADERS,
            rows=charge_rows(items),
            fmt=fmt,
            filename="training-charges",
            actor=request.user,
            action="training_charges.exported",
        )
    audit.record(actor=request.user, kind=audit.Kind.LIST, action="training_charges.listed")
    totals = items.values("agency__name").annotate(total=Sum("amount")).order_by("agency__name")
    return render(
        request,
        "learning/charges.html",
        {
            "form": form,
            "charges": items,
            "totals": totals,
            "grand_total": items.aggregate(total=Sum("amount"))["total"],
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("learning.view_reports"):
        raise PermissionDenied
    return render(request, "learning/reports.html", {})


@login_required
@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in REPORTS:
        raise Http404("No such report")
    if not request.user.has_perm("learning.view_reports"):
        raise PermissionDenied
    form = ReportFilterForm(
        request.GET if any(k.startswith("date_") for k in request.GET) else None
    )
    period = {}
    if form.is_bound and form.is_valid():
        period = form.cleaned_data
    result = REPORTS[slug](user=request.user, **period)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS and not form.errors:
        return table_response(
            title=result.title,
            headers=result.headers,
            rows=result.rows,
            fmt=fmt,
            filename=f"training-attendance-by-{slug}",
            actor=request.user,
            action=f"training_report_{slug}.exported",
        )
    return render(
        request,
        "learning/report.html",
        {"report": result, "form": form, "query": request.GET.urlencode()},
    )
