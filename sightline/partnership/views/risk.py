"""The challenge and risk log: list (filtered, CSV, XLSX), raise, respond, close, and the
quarterly outcome report (page, CSV, XLSX)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.problems import refuse
from sightline.partnership import reports
from sightline.partnership import selectors_governance as selectors
from sightline.partnership.forms_governance import (
    QuarterForm,
    RiskCloseForm,
    RiskFilterForm,
    RiskForm,
    RiskResponseForm,
)
from sightline.partnership.governance_reports import (
    RISK_COLUMNS,
    Quarter,
    quarterly_risk_report,
    risk_rows,
)
from sightline.partnership.services import risk as services
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    area_view,
    form_page,
    home_crumbs,
    manager_view,
)
from sightline.partnership.views.plan import _export_query


def _crumbs(entry: Any = None) -> Crumbs:
    crumbs = [*home_crumbs(), ("Challenge and risk log", reverse("partnership:risks"))]
    if entry is not None:
        crumbs.append((entry.reference, reverse("partnership:risk", args=[entry.pk])))
    return crumbs


def _filters(request: SignedInRequest) -> tuple[RiskFilterForm, selectors.RiskFilter, dict]:
    form = RiskFilterForm(request.GET or None)
    if not form.is_valid():
        return form, selectors.RiskFilter(), {}
    data = form.cleaned_data
    filters = selectors.RiskFilter(
        status=data.get("status") or "",
        against_agency_id=data["against_agency"].pk if data.get("against_agency") else None,
        subgroup_id=data["subgroup"].pk if data.get("subgroup") else None,
        overdue_only=bool(data.get("overdue")),
    )
    described = {key: str(value) for key, value in data.items() if value not in (None, "", False)}
    return form, filters, described


@area_view
@require_GET
def risks(request: SignedInRequest) -> HttpResponse:
    form, filters, described = _filters(request)
    entries = selectors.risks_list(user=request.user, filters=filters)
    today = timezone.localdate()
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return reports.export(
            user=request.user,
            what="risk_log",
            fmt=fmt,
            columns=RISK_COLUMNS,
            rows=risk_rows(list(entries), today),
            filters=described,
        )
    return render(
        request,
        "partnership/risks.html",
        {
            "entries": entries,
            "filter_form": form,
            "crumbs": home_crumbs(),
            "today": today,
            "manager": request.user.has_perm("partnership.manage"),
            "csv_query": _export_query(request, "csv"),
            "xlsx_query": _export_query(request, "xlsx"),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def risk_new(request: SignedInRequest) -> HttpResponse:
    chaired = request.user.chaired_subgroups.first()
    return form_page(
        request,
        form=RiskForm(request.POST or None, initial={"raised_by_subgroup": chaired}),
        checks=lambda data: refuse(services.risk_log_entry_problems(**data)),
        save=lambda data: services.risk_log_entry_create(actor=request.user, **data),
        success="Challenge logged. The agency has been told.",
        next_url=lambda entry: reverse("partnership:risk", args=[entry.pk]),
        title="Log a challenge or risk",
        intro="The board or a subgroup asks an agency or a subgroup for an assurance report "
        "that addresses the risk or concern.",
        crumbs=_crumbs(),
        submit="Log challenge",
    )


@area_view
@require_GET
def risk(request: SignedInRequest, entry_id: int) -> HttpResponse:
    entry = selectors.risk_get(user=request.user, entry_id=entry_id)
    manager = request.user.has_perm("partnership.manage")
    may_respond = entry.status != "closed" and (
        request.user.has_perm("partnership.respond_risk", entry)
        or (manager and entry.against_subgroup_id is not None)
    )
    return render(
        request,
        "partnership/risk.html",
        {
            "entry": entry,
            "history": selectors.risk_history(entry=entry),
            "crumbs": _crumbs(),
            "today": timezone.localdate(),
            "manager": manager,
            "may_respond": may_respond,
        },
    )


@area_view
@require_http_methods(["GET", "POST"])
def risk_respond(request: SignedInRequest, entry_id: int) -> HttpResponse:
    entry = selectors.risk_get(user=request.user, entry_id=entry_id)
    manager = request.user.has_perm("partnership.manage")
    if not (
        request.user.has_perm("partnership.respond_risk", entry)
        or (manager and entry.against_subgroup_id is not None)
    ):
        raise PermissionDenied("Only the agency challenged can respond to this entry.")
    return form_page(
        request,
        form=RiskResponseForm(
            request.POST or None, initial={"response": entry.response, "version": entry.version}
        ),
        checks=lambda data: refuse(services.risk_response_problems(entry=entry, **data)),
        save=lambda data: services.risk_log_entry_respond(actor=request.user, entry=entry, **data),
        success="Response sent to the partnership.",
        next_url=reverse("partnership:risk", args=[entry.pk]),
        title="Respond to the challenge",
        caption=f"{entry.reference}: report due by {entry.assurance_due_on:%-d %B %Y}",
        intro=f"{entry.concern}\n\nAssurance report requested: {entry.assurance_requested}",
        crumbs=_crumbs(entry),
        submit="Send response",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def risk_close(request: SignedInRequest, entry_id: int) -> HttpResponse:
    entry = selectors.risk_get(user=request.user, entry_id=entry_id)
    return form_page(
        request,
        form=RiskCloseForm(request.POST or None),
        checks=lambda data: refuse(services.risk_close_problems(entry=entry, **data)),
        save=lambda data: services.risk_log_entry_close(actor=request.user, entry=entry, **data),
        success="Outcome recorded. The entry is closed.",
        next_url=reverse("partnership:risk", args=[entry.pk]),
        title="Record the outcome and close the entry",
        caption=entry.reference,
        intro=f"Response: {entry.response or 'none yet'}",
        crumbs=_crumbs(entry),
        submit="Close entry",
    )


def _quarters() -> list[Quarter]:
    quarter, found = Quarter.containing(timezone.localdate()), []
    for _ in range(8):
        found.append(quarter)
        quarter = quarter.previous
    return found


@manager_view
@require_GET
def risk_quarterly_report(request: SignedInRequest) -> HttpResponse:
    quarters = _quarters()
    chosen = Quarter.parse(request.GET.get("quarter", "")) or quarters[0]
    choices = [(q.code, q.label) for q in quarters]
    if chosen.code not in dict(choices):
        choices.insert(0, (chosen.code, chosen.label))
    form = QuarterForm({"quarter": chosen.code}, quarters=choices)
    report = quarterly_risk_report(user=request.user, quarter=chosen)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        sections = [
            ("Raised in the quarter", report.raised),
            ("Closed in the quarter", report.closed),
            ("Still open at the end of the quarter", report.still_open),
            ("Overdue at the end of the quarter", report.overdue),
        ]
        rows = [
            [section, *row]
            for section, entries in sections
            for row in risk_rows(entries, chosen.end)
        ]
        return reports.export(
            user=request.user,
            what=f"risk_log_{chosen.code.lower().replace('-', '_')}",
            fmt=fmt,
            columns=["Section", *RISK_COLUMNS],
            rows=rows,
            filters={"quarter": chosen.code},
        )
    return render(
        request,
        "partnership/risk_quarterly.html",
        {
            "report": report,
            "form": form,
            "crumbs": _crumbs(),
            "query": f"quarter={chosen.code}",
        },
    )
