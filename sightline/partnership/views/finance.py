"""The partnership's finances: a page per year with contributions by statutory partner,
spending by heading and the under- or overspend."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.problems import refuse
from sightline.partnership import selectors_governance as selectors
from sightline.partnership.forms_governance import (
    ContributionForm,
    EscalationOutcomeForm,
    FinancialYearForm,
    SpendingForm,
)
from sightline.partnership.services import finance as services
from sightline.partnership.services.plan import escalation_resolve, escalation_resolve_problems
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    form_page,
    home_crumbs,
    manager_view,
)


def _crumbs(year: object = None) -> Crumbs:
    crumbs = [*home_crumbs(), ("Finances", reverse("partnership:finances"))]
    if year is not None:
        crumbs.append((str(year), reverse("partnership:finance-year", args=[year.start_year])))  # type: ignore[attr-defined]
    return crumbs


@manager_view
@require_http_methods(["GET", "POST"])
def finances(request: SignedInRequest) -> HttpResponse:
    return form_page(
        request,
        form=FinancialYearForm(request.POST or None),
        checks=lambda data: refuse(services.financial_year_problems(**data)),
        save=lambda data: services.financial_year_create(actor=request.user, **data),
        success="Financial year added.",
        next_url=lambda year: reverse("partnership:finance-year", args=[year.start_year]),
        title="Finances",
        intro="Each year's contributions from the statutory partners and the partnership's "
        "spending, with the under- or overspend.",
        crumbs=home_crumbs(),
        submit="Add year",
        template="partnership/finances.html",
        extra={"years": selectors.financial_years(user=request.user)},
    )


@manager_view
@require_GET
def finance_year(request: SignedInRequest, start_year: int) -> HttpResponse:
    year = selectors.financial_year_get(user=request.user, start_year=start_year)
    return render(request, "partnership/finance_year.html", {"year": year, "crumbs": _crumbs()})


@manager_view
@require_http_methods(["GET", "POST"])
def contribution_new(request: SignedInRequest, start_year: int) -> HttpResponse:
    year = selectors.financial_year_get(user=request.user, start_year=start_year)
    return form_page(
        request,
        form=ContributionForm(request.POST or None),
        checks=lambda data: refuse(services.contribution_problems(**data)),
        save=lambda data: services.contribution_record(actor=request.user, year=year, **data),
        success="Contribution recorded.",
        next_url=reverse("partnership:finance-year", args=[year.start_year]),
        title="Record a partner's contribution",
        caption=f"Finances {year}",
        intro="Recording a partner again for this year corrects its amount.",
        crumbs=_crumbs(year),
        submit="Save contribution",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def spending_new(request: SignedInRequest, start_year: int) -> HttpResponse:
    year = selectors.financial_year_get(user=request.user, start_year=start_year)
    return form_page(
        request,
        form=SpendingForm(request.POST or None),
        checks=lambda data: refuse(services.spending_problems(**data)),
        save=lambda data: services.spending_record(actor=request.user, year=year, **data),
        success="Spending recorded.",
        next_url=reverse("partnership:finance-year", args=[year.start_year]),
        title="Record spending under a heading",
        caption=f"Finances {year}",
        intro="Recording a heading again for this year corrects its amount.",
        crumbs=_crumbs(year),
        submit="Save spending",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def escalation_outcome(request: SignedInRequest, escalation_id: int) -> HttpResponse:
    escalation = selectors.escalations_for(user=request.user).filter(pk=escalation_id).first()
    if escalation is None:
        raise Http404("No such escalation")
    action_url = reverse("partnership:action", args=[escalation.action_id])
    return form_page(
        request,
        form=EscalationOutcomeForm(request.POST or None),
        checks=lambda data: refuse(escalation_resolve_problems(escalation=escalation, **data)),
        save=lambda data: escalation_resolve(actor=request.user, escalation=escalation, **data),
        success="The lead safeguarding partners' decision is recorded.",
        next_url=action_url,
        title="Record the outcome of the escalation",
        intro=f"Why it was escalated: {escalation.reason}",
        crumbs=[*home_crumbs(), ("Action", action_url)],
        submit="Record outcome",
    )
