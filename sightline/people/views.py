"""People pages: find a person, break the glass, the access trail and the break-glass report."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.pagination import paginate
from sightline.core.requests import SignedInRequest
from sightline.people import selectors
from sightline.people.forms import BreakGlassForm, BreakGlassReportFilterForm, PersonSearchForm
from sightline.people.services import break_glass_open


def _submitted(request: HttpRequest, form_class: type[forms.Form]) -> bool:
    return any(key.startswith(tuple(form_class.base_fields)) for key in request.GET)


@login_required
@require_GET
def search(request: SignedInRequest) -> HttpResponse:
    if request.user.role not in selectors.MAY_SEARCH:
        raise PermissionDenied("Unscheduled-care staff use the child protection lookup instead.")
    form = PersonSearchForm(request.GET if _submitted(request, PersonSearchForm) else None)
    result = None
    if form.is_valid():
        result = selectors.people_search(user=request.user, **form.cleaned_data)
    return render(request, "people/search.html", {"form": form, "result": result})


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: SignedInRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for_break_glass(user=request.user, person_id=person_id)
    person_url = reverse("chronology:person", args=[person.pk])
    next_url = _safe_next(request, person_url)
    if request.method == "GET" and selectors.person_visible(user=request.user, person=person):
        return redirect(next_url)
    form = BreakGlassForm(request.POST or None)
    if form.is_valid():
        try:
            break_glass_open(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, "Your reason has been recorded. You can now see this record.")
            return redirect(next_url)
    return render(
        request,
        "people/break_glass.html",
        {"person": person, "form": form, "next": next_url, "hours": settings.BREAK_GLASS_HOURS},
    )


@login_required
@require_GET
def access_trail(request: SignedInRequest, person_id: int) -> HttpResponse:
    person, entries = selectors.person_access_trail(user=request.user, person_id=person_id)
    return render(
        request, "people/access_trail.html", {"person": person, "page": paginate(request, entries)}
    )


@login_required
@require_GET
def break_glass_report(request: SignedInRequest) -> HttpResponse:
    bound = _submitted(request, BreakGlassReportFilterForm)
    form = BreakGlassReportFilterForm(request.GET if bound else None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    grants = selectors.break_glass_grants(user=request.user, **filters)
    return render(
        request,
        "people/break_glass_report.html",
        {"form": form, "page": paginate(request, grants)},
    )
