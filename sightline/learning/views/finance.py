"""Non-attendance charges for invoicing, and the attendance reports, with their downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core import audit
from sightline.core.problems import refuse
from sightline.learning import selectors
from sightline.learning.exports import CHARGE_HEADERS, FORMATS, charge_rows, table_response
from sightline.learning.forms import (
    ChargeInvoiceForm,
    ChargePaidForm,
    ChargesFilterForm,
    ReportFilterForm,
)
from sightline.learning.reports import REPORTS
from sightline.learning.services import (
    charge_invoice,
    charge_invoice_problems,
    charge_mark_paid,
    charge_paid_problems,
)


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


def _charge_form_page(
    request: HttpRequest,
    *,
    charge_id: int,
    form_class: Any,
    save: Any,
    problems: Any,
    title: str,
    done: str,
) -> HttpResponse:
    """The invoice or payment question page; the service's checks (`problems`) run beside
    the form's own, so every error shows at once."""
    charge = selectors.charge_get(user=request.user, charge_id=charge_id)
    form = form_class(
        request.POST if request.method == "POST" else None,
        checks=lambda data: refuse(problems(charge=charge, **data)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, charge=charge, **form.cleaned_data)
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, done)
            return redirect("learning:charges")
    return render(
        request, "learning/charge_form.html", {"form": form, "charge": charge, "title": title}
    )


@login_required
@require_http_methods(["GET", "POST"])
def charge_invoice_view(request: HttpRequest, charge_id: int) -> HttpResponse:
    return _charge_form_page(
        request,
        charge_id=charge_id,
        form_class=ChargeInvoiceForm,
        save=charge_invoice,
        problems=charge_invoice_problems,
        title="Record the invoice",
        done="Invoice recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def charge_paid_view(request: HttpRequest, charge_id: int) -> HttpResponse:
    return _charge_form_page(
        request,
        charge_id=charge_id,
        form_class=ChargePaidForm,
        save=charge_mark_paid,
        problems=charge_paid_problems,
        title="Record the payment",
        done="Payment recorded.",
    )
