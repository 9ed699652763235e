"""Section 11 and Section 175 self-assessment returns: the standards, returns asked of
agencies, the agency's own return (rate each standard, submit), the partnership's challenge,
and the summary across agencies (page, CSV, XLSX)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sightline.core.problems import refuse
from sightline.partnership import reports
from sightline.partnership import selectors_governance as selectors
from sightline.partnership.forms_governance import (
    ChallengeForm,
    ChallengeResponseForm,
    RatingForm,
    ReturnRequestForm,
    StandardForm,
    SummaryFilterForm,
)
from sightline.partnership.governance_reports import (
    self_assessment_summary,
    summary_columns,
    summary_rows,
)
from sightline.partnership.models import Framework
from sightline.partnership.services import self_assessment as services
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    area_view,
    form_page,
    home_crumbs,
    manager_view,
)


def _crumbs(item: object = None) -> Crumbs:
    crumbs = [*home_crumbs(), ("Self-assessment returns", reverse("partnership:returns"))]
    if item is not None:
        crumbs.append(("Return", reverse("partnership:return", args=[item.pk])))  # type: ignore[attr-defined]
    return crumbs


@area_view
@require_GET
def returns(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "partnership/returns.html",
        {
            "returns": selectors.returns_visible_to(request.user),
            "manager": request.user.has_perm("partnership.manage"),
            "crumbs": home_crumbs(),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def returns_request(request: SignedInRequest) -> HttpResponse:
    def save(data: dict) -> list:
        created = services.self_assessment_request(actor=request.user, **data)
        if not created:
            raise ValidationError("Every agency chosen has already been asked for that year")
        return created

    return form_page(
        request,
        form=ReturnRequestForm(request.POST or None),
        checks=lambda data: refuse(
            services.self_assessment_request_problems(new_returns_only=True, **data)
        ),
        save=save,
        success="Returns requested. Each agency has been told.",
        next_url=reverse("partnership:returns"),
        title="Ask agencies for their self-assessment returns",
        crumbs=_crumbs(),
        submit="Ask for returns",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def standards(request: SignedInRequest) -> HttpResponse:
    lists = [(label, selectors.standards(framework=value)) for value, label in Framework.choices]
    return form_page(
        request,
        form=StandardForm(request.POST or None),
        checks=lambda data: refuse(services.standard_problems(**data)),
        save=lambda data: services.standard_create(actor=request.user, **data),
        success="Standard added.",
        next_url=reverse("partnership:standards"),
        title="Standards",
        intro="The standards each Section 11 and Section 175 return is rated against. "
        "Add a standard below.",
        crumbs=_crumbs(),
        submit="Add standard",
        template="partnership/standards.html",
        extra={"lists": lists},
    )


@area_view
@require_GET
def return_detail(request: SignedInRequest, return_id: int) -> HttpResponse:
    item = selectors.return_get(user=request.user, return_id=return_id)
    ratings = {rating.standard_id: rating for rating in item.ratings.all()}
    rows = [(s, ratings.get(s.pk)) for s in selectors.standards(framework=item.framework)]
    return render(
        request,
        "partnership/return.html",
        {
            "item": item,
            "rows": rows,
            "crumbs": _crumbs(),
            "may_complete": request.user.has_perm("partnership.complete_return", item)
            and item.editable,
            "may_challenge": request.user.has_perm("partnership.challenge_return", item)
            and not item.editable,
            "may_respond": request.user.has_perm("partnership.respond_to_challenge", item)
            and item.status == item.Status.CHALLENGED,
        },
    )


@area_view
@require_http_methods(["GET", "POST"])
def return_rate(request: SignedInRequest, return_id: int, standard_id: int) -> HttpResponse:
    item = selectors.return_get(user=request.user, return_id=return_id)
    if not request.user.has_perm("partnership.complete_return", item):
        raise PermissionDenied("Only the agency whose return this is can complete it.")
    try:
        standard = services.standard_for_return(item=item, standard_id=standard_id)
    except ValidationError as error:
        return render(
            request,
            "partnership/refused.html",
            {
                "title": "This standard is not part of the return",
                "reason": " ".join(error.messages),
                "back_url": reverse("partnership:return", args=[item.pk]),
                "back_label": "Back to the return",
                "crumbs": _crumbs(item),
            },
            status=404,
        )
    rating = item.ratings.filter(standard=standard).first()
    initial = {"rag": rating.rag, "evidence": rating.evidence} if rating else {}
    return form_page(
        request,
        form=RatingForm(request.POST or None, initial=initial),
        checks=lambda data: refuse(services.rating_problems(item=item, **data)),
        save=lambda data: services.self_assessment_rate(
            actor=request.user, item=item, standard_id=standard.pk, **data
        ),
        success=f"Standard {standard.number} rated.",
        next_url=reverse("partnership:return", args=[item.pk]),
        title=f"Standard {standard.number}: {standard.title}",
        caption=str(item),
        intro=standard.description,
        crumbs=_crumbs(item),
        submit="Save rating",
    )


@area_view
@require_POST
def return_submit(request: SignedInRequest, return_id: int) -> HttpResponse:
    item = selectors.return_get(user=request.user, return_id=return_id)
    try:
        services.self_assessment_submit(actor=request.user, item=item)
    except ValidationError as error:
        return render(
            request,
            "partnership/refused.html",
            {
                "title": "The return cannot be submitted yet",
                "reason": " ".join(error.messages),
                "back_url": reverse("partnership:return", args=[item.pk]),
                "back_label": "Back to the return",
                "crumbs": _crumbs(item),
            },
            status=400,
        )
    messages.success(request, "Return submitted to the partnership.")
    return redirect("partnership:return", return_id=item.pk)


@manager_view
@require_http_methods(["GET", "POST"])
def return_challenge(request: SignedInRequest, return_id: int) -> HttpResponse:
    item = selectors.return_get(user=request.user, return_id=return_id)
    return form_page(
        request,
        form=ChallengeForm(request.POST or None, initial={"challenge": item.challenge}),
        checks=lambda data: refuse(services.challenge_problems(item=item, **data)),
        save=lambda data: services.self_assessment_challenge(actor=request.user, item=item, **data),
        success="Challenge recorded.",
        next_url=reverse("partnership:return", args=[item.pk]),
        title="Record the partnership's challenge",
        caption=str(item),
        crumbs=_crumbs(item),
        submit="Record challenge",
    )


@area_view
@require_http_methods(["GET", "POST"])
def return_respond(request: SignedInRequest, return_id: int) -> HttpResponse:
    item = selectors.return_get(user=request.user, return_id=return_id)
    if not request.user.has_perm("partnership.respond_to_challenge", item):
        raise PermissionDenied(
            "Only the agency's named lead responds to the partnership's challenge; you may view it."
        )
    if item.status != item.Status.CHALLENGED:
        messages.info(request, "There is no challenge waiting for your agency's response.")
        return redirect("partnership:return", return_id=item.pk)
    return form_page(
        request,
        form=ChallengeResponseForm(request.POST or None),
        checks=lambda data: refuse(services.challenge_response_problems(item=item, **data)),
        save=lambda data: services.self_assessment_challenge_respond(
            actor=request.user, item=item, **data
        ),
        success="Your response has been sent to the partnership.",
        next_url=reverse("partnership:return", args=[item.pk]),
        title="Respond to the partnership's challenge",
        caption=str(item),
        intro=item.challenge,
        crumbs=_crumbs(item),
        submit="Send response",
    )


@manager_view
@require_GET
def returns_summary(request: SignedInRequest) -> HttpResponse:
    years = selectors.return_years(user=request.user)
    data = {
        "framework": request.GET.get("framework") or Framework.SECTION_11,
        "year": request.GET.get("year") or (years[0] if years else ""),
    }
    form = SummaryFilterForm(data, years=years)
    summary = None
    if form.is_valid():
        summary = self_assessment_summary(
            user=request.user,
            framework=form.cleaned_data["framework"],
            year=form.cleaned_data["year"],
        )
    fmt = request.GET.get("format", "")
    if summary is not None and fmt in ("csv", "xlsx"):
        return reports.export(
            user=request.user,
            what=f"{summary.framework}_summary_{summary.year}",
            fmt=fmt,
            columns=summary_columns(summary),
            rows=summary_rows(summary),
            filters={"framework": summary.framework, "year": summary.year},
        )
    query = f"framework={data['framework']}&year={data['year']}"
    return render(
        request,
        "partnership/returns_summary.html",
        {
            "summary": summary,
            "form": form,
            "framework_label": Framework(data["framework"]).label
            if data["framework"] in Framework.values
            else "",
            "query": query,
            "crumbs": _crumbs(),
        },
    )
