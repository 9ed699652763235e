"""Recommendations, the thematic action plan (page, print, PDF, CSV, XLSX) and actions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.problems import refuse
from sightline.partnership import reports, selectors
from sightline.partnership.forms import (
    ActionForm,
    EscalateForm,
    PlanFilterForm,
    ProgressForm,
    RecommendationForm,
    SignOffForm,
)
from sightline.partnership.services import plan as services
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    area_view,
    form_page,
    home_crumbs,
    manager_view,
)


def _filters(
    request: SignedInRequest,
) -> tuple[PlanFilterForm, selectors.PlanFilter, dict[str, Any]]:
    form = PlanFilterForm(request.GET or None)
    if not form.is_valid():
        return form, selectors.PlanFilter(), {}
    data = form.cleaned_data
    filters = selectors.PlanFilter(
        theme=data.get("theme"),
        status=data.get("status") or "",
        owner_agency_id=data["owner_agency"].pk if data.get("owner_agency") else None,
        owner_subgroup_id=data["owner_subgroup"].pk if data.get("owner_subgroup") else None,
        source=data.get("source") or "",
        overdue_only=bool(data.get("overdue")),
    )
    described = {key: str(value) for key, value in data.items() if value not in (None, "", False)}
    return form, filters, described


def _export_query(request: SignedInRequest, fmt: str) -> str:
    query = request.GET.copy()
    query["format"] = fmt
    return query.urlencode()


def _recommendations_crumbs() -> Crumbs:
    return [*home_crumbs(), ("Recommendations", reverse("partnership:recommendations"))]


# --- Recommendations -----------------------------------------------------------------------


@manager_view
@require_GET
def recommendations(request: SignedInRequest) -> HttpResponse:
    form, filters, described = _filters(request)
    items = selectors.recommendations_list(user=request.user, filters=filters)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return reports.export(
            user=request.user,
            what="recommendations",
            fmt=fmt,
            columns=reports.RECOMMENDATION_COLUMNS,
            rows=reports.recommendation_rows(items),
            filters=described,
        )
    return render(
        request,
        "partnership/recommendations.html",
        {
            "recommendations": items,
            "filter_form": form,
            "crumbs": home_crumbs(),
            "csv_query": _export_query(request, "csv"),
            "xlsx_query": _export_query(request, "xlsx"),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def recommendation_new(request: SignedInRequest) -> HttpResponse:
    practice = rapid = None
    initial: dict[str, Any] = {}
    if request.GET.get("practice_review", "").isdigit():
        practice = selectors.practice_review_get(
            user=request.user, review_id=int(request.GET["practice_review"])
        )
        initial = {"source": "local_review", "source_reference": practice.title}
    elif request.GET.get("rapid_review", "").isdigit():
        rapid = selectors.rapid_review_get(
            user=request.user, review_id=int(request.GET["rapid_review"])
        )
        initial = {
            "source": "rapid_review",
            "source_reference": f"Rapid review {rapid.incident.reference}",
        }
    return form_page(
        request,
        form=RecommendationForm(request.POST or None, initial=initial),
        checks=lambda data: refuse(services.recommendation_problems(**data)),
        save=lambda data: services.recommendation_create(
            actor=request.user, practice_review=practice, rapid_review=rapid, **data
        ),
        success="Recommendation added.",
        next_url=lambda item: reverse("partnership:recommendation", args=[item.pk]),
        title="Add a recommendation",
        crumbs=_recommendations_crumbs(),
        submit="Add recommendation",
    )


@manager_view
@require_GET
def recommendation(request: SignedInRequest, recommendation_id: int) -> HttpResponse:
    item = selectors.recommendation_get(user=request.user, recommendation_id=recommendation_id)
    return render(
        request,
        "partnership/recommendation.html",
        {
            "recommendation": item,
            "history": selectors.recommendation_history(recommendation=item),
            "crumbs": _recommendations_crumbs(),
            "today": timezone.localdate(),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def action_new(request: SignedInRequest, recommendation_id: int) -> HttpResponse:
    item = selectors.recommendation_get(user=request.user, recommendation_id=recommendation_id)
    return form_page(
        request,
        form=ActionForm(request.POST or None),
        checks=lambda data: refuse(services.action_problems(recommendation=item, **data)),
        save=lambda data: services.action_create(actor=request.user, recommendation=item, **data),
        success="Action added to the plan.",
        next_url=reverse("partnership:recommendation", args=[item.pk]),
        title="Add an action",
        caption=str(item),
        intro=item.text,
        crumbs=[
            *_recommendations_crumbs(),
            (str(item), reverse("partnership:recommendation", args=[item.pk])),
        ],
        submit="Add action",
    )


# --- The action plan -----------------------------------------------------------------------


def _plan_context(request: SignedInRequest) -> tuple[dict[str, Any], selectors.PlanFilter, dict]:
    form, filters, described = _filters(request)
    return (
        {
            "plan": selectors.action_plan(user=request.user, filters=filters),
            "filter_form": form,
            "described_filters": described,
            "crumbs": home_crumbs(),
        },
        filters,
        described,
    )


@manager_view
@require_GET
def action_plan(request: SignedInRequest) -> HttpResponse:
    fmt = request.GET.get("format", "")
    context, filters, described = _plan_context(request)
    if fmt in ("csv", "xlsx"):
        rows = reports.action_rows(
            selectors.plan_actions_rows(user=request.user, filters=filters), timezone.localdate()
        )
        return reports.export(
            user=request.user,
            what="action_plan",
            fmt=fmt,
            columns=reports.ACTION_COLUMNS,
            rows=rows,
            filters=described,
        )
    context |= {
        "csv_query": _export_query(request, "csv"),
        "xlsx_query": _export_query(request, "xlsx"),
        "query": request.GET.urlencode(),
    }
    return render(request, "partnership/action_plan.html", context)


@manager_view
@require_GET
def action_plan_print(request: SignedInRequest) -> HttpResponse:
    context, _, _ = _plan_context(request)
    context["crumbs"] = [*home_crumbs(), ("Action plan", reverse("partnership:action-plan"))]
    return render(request, "partnership/action_plan_print.html", context)


@manager_view
@require_GET
def action_plan_pdf(request: SignedInRequest) -> HttpResponse:
    context, _, described = _plan_context(request)
    return reports.pdf_download(
        user=request.user,
        what="action_plan",
        template="partnership/action_plan_pdf.html",
        context=context,
        filename=f"thematic-action-plan-{timezone.localdate():%Y-%m-%d}",
        detail={"filters": described},
    )


# --- Actions -------------------------------------------------------------------------------


def _action_crumbs(request: SignedInRequest, action: Any = None) -> Crumbs:
    if request.user.has_perm("partnership.manage"):
        crumbs = [*home_crumbs(), ("Action plan", reverse("partnership:action-plan"))]
    else:
        crumbs = home_crumbs()
    if action is not None:
        crumbs.append(("Action", reverse("partnership:action", args=[action.pk])))
    return crumbs


@area_view
@require_GET
def action(request: SignedInRequest, action_id: int) -> HttpResponse:
    item = selectors.action_get(user=request.user, action_id=action_id)
    return render(
        request,
        "partnership/action.html",
        {
            "action": item,
            "history": selectors.action_history(action=item),
            "crumbs": _action_crumbs(request),
            "today": timezone.localdate(),
            "manager": request.user.has_perm("partnership.manage"),
            "may_sign_off": request.user.has_perm("partnership.sign_off_impact"),
            "may_update": request.user.has_perm("partnership.update_action", item),
            "agency_leads": selectors.agency_leads(agency_id=item.owner_agency_id),
            "assurance_requests": item.assurance_requests.filter(
                pk__in=selectors.assurance_requests_visible_to(request.user)
            ),
        },
    )


@area_view
@require_http_methods(["GET", "POST"])
def action_progress(request: SignedInRequest, action_id: int) -> HttpResponse:
    item = selectors.action_get(user=request.user, action_id=action_id)
    if not request.user.has_perm("partnership.update_action", item):
        raise PermissionDenied(
            "Only your agency's named lead records progress on this action; you may view it."
        )
    initial = {
        "status": item.status,
        "completion_evidence": item.completion_evidence,
        "impact_evidence": item.impact_evidence,
        "impact_assessment": item.impact_assessment,
        "version": item.version,
    }
    return form_page(
        request,
        form=ProgressForm(request.POST or None, initial=initial),
        checks=lambda data: refuse(services.action_progress_problems(action=item, **data)),
        save=lambda data: services.action_progress_record(actor=request.user, action=item, **data),
        success="Progress recorded.",
        next_url=reverse("partnership:action", args=[item.pk]),
        title="Record progress on the action",
        caption=str(item.recommendation),
        intro=item.description,
        crumbs=_action_crumbs(request, item),
        submit="Save progress",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def action_sign_off(request: SignedInRequest, action_id: int) -> HttpResponse:
    item = selectors.action_get(user=request.user, action_id=action_id)
    return form_page(
        request,
        form=SignOffForm(request.POST or None),
        checks=lambda data: refuse(
            services.sign_off_problems(actor=request.user, action=item, **data)
        ),
        save=lambda data: services.action_impact_sign_off(actor=request.user, action=item, **data),
        success="Impact signed off. The action is achieved.",
        next_url=reverse("partnership:action", args=[item.pk]),
        title="Sign off the action's impact",
        caption=str(item.recommendation),
        template="partnership/action_sign_off.html",
        crumbs=_action_crumbs(request, item),
        submit="Sign off impact",
        extra={"action": item},
    )


@manager_view
@require_http_methods(["GET", "POST"])
def action_escalate(request: SignedInRequest, action_id: int) -> HttpResponse:
    item = selectors.action_get(user=request.user, action_id=action_id)
    return form_page(
        request,
        form=EscalateForm(request.POST or None),
        checks=lambda data: refuse(services.action_escalate_problems(action=item, **data)),
        save=lambda data: services.action_escalate(actor=request.user, action=item, **data),
        success="Escalated to the lead safeguarding partners.",
        next_url=reverse("partnership:action", args=[item.pk]),
        title="Escalate a blocked action to the lead safeguarding partners",
        caption=str(item.recommendation),
        intro=item.description,
        crumbs=_action_crumbs(request, item),
        submit="Escalate",
    )
