"""The business plan: priorities and outcomes in the 2016-18 plan's table shape, and progress
updates on each outcome."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.problems import refuse
from sightline.partnership import selectors_governance as selectors
from sightline.partnership.forms_governance import OutcomeForm, OutcomeProgressForm, PriorityForm
from sightline.partnership.services import business_plan as services
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    form_page,
    home_crumbs,
    manager_view,
)


def _crumbs() -> Crumbs:
    return [*home_crumbs(), ("Business plan", reverse("partnership:business-plan"))]


@manager_view
@require_GET
def business_plan(request: SignedInRequest) -> HttpResponse:
    periods = selectors.plan_periods(user=request.user)
    period = request.GET.get("period", "")
    if period not in periods:
        period = periods[0] if periods else ""
    return render(
        request,
        "partnership/business_plan.html",
        {
            "priorities": selectors.plan_priorities(user=request.user, period=period),
            "periods": periods,
            "period": period,
            "crumbs": home_crumbs(),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def priority_new(request: SignedInRequest) -> HttpResponse:
    return form_page(
        request,
        form=PriorityForm(request.POST or None),
        checks=lambda data: refuse(services.plan_priority_problems(**data)),
        save=lambda data: services.plan_priority_create(actor=request.user, **data),
        success="Priority added to the business plan.",
        next_url=lambda item: reverse("partnership:business-plan") + f"?period={item.period}",
        title="Add a priority",
        crumbs=_crumbs(),
        submit="Add priority",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def outcome_new(request: SignedInRequest, priority_id: int) -> HttpResponse:
    priority = selectors.plan_priority_get(user=request.user, priority_id=priority_id)
    return form_page(
        request,
        form=OutcomeForm(request.POST or None),
        checks=lambda data: refuse(services.plan_outcome_problems(priority=priority, **data)),
        save=lambda data: services.plan_outcome_create(
            actor=request.user, priority=priority, **data
        ),
        success="Outcome added.",
        next_url=lambda item: reverse("partnership:plan-outcome", args=[item.pk]),
        title="Add an outcome",
        caption=str(priority),
        crumbs=_crumbs(),
        submit="Add outcome",
    )


@manager_view
@require_GET
def outcome(request: SignedInRequest, outcome_id: int) -> HttpResponse:
    item = selectors.plan_outcome_get(user=request.user, outcome_id=outcome_id)
    return render(
        request,
        "partnership/plan_outcome.html",
        {"outcome": item, "crumbs": _crumbs()},
    )


@manager_view
@require_http_methods(["GET", "POST"])
def outcome_progress(request: SignedInRequest, outcome_id: int) -> HttpResponse:
    item = selectors.plan_outcome_get(user=request.user, outcome_id=outcome_id)
    return form_page(
        request,
        form=OutcomeProgressForm(request.POST or None, initial={"rating": item.rating}),
        checks=lambda data: refuse(services.plan_outcome_progress_problems(**data)),
        save=lambda data: services.plan_outcome_progress_record(
            actor=request.user, outcome=item, **data
        ),
        success="Progress recorded.",
        next_url=reverse("partnership:plan-outcome", args=[item.pk]),
        title="Record progress on the outcome",
        caption=f"Outcome {item.number}",
        intro=item.outcome,
        crumbs=[
            *_crumbs(),
            (f"Outcome {item.number}", reverse("partnership:plan-outcome", args=[item.pk])),
        ],
        submit="Save progress",
    )
