"""The partnership's overview: what is due and overdue; subgroups."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.problems import refuse
from sightline.partnership import selectors
from sightline.partnership.forms import SubgroupForm
from sightline.partnership.services.plan import subgroup_create, subgroup_problems
from sightline.partnership.views import (
    SignedInRequest,
    area_view,
    form_page,
    home_crumbs,
    manager_view,
)


@area_view
@require_GET
def overview(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "partnership/overview.html",
        {
            "overview": selectors.overview(user=request.user),
            "manager": request.user.has_perm("partnership.manage"),
        },
    )


@manager_view
@require_GET
def subgroups(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "partnership/subgroups.html",
        {"subgroups": selectors.subgroups_list(user=request.user), "crumbs": home_crumbs()},
    )


@manager_view
@require_http_methods(["GET", "POST"])
def subgroup_new(request: SignedInRequest) -> HttpResponse:
    return form_page(
        request,
        form=SubgroupForm(request.POST or None),
        checks=lambda data: refuse(subgroup_problems(**data)),
        save=lambda data: subgroup_create(actor=request.user, **data),
        success="Subgroup added.",
        next_url=reverse("partnership:subgroups"),
        title="Add a subgroup",
        crumbs=[*home_crumbs(), ("Subgroups", reverse("partnership:subgroups"))],
        submit="Add subgroup",
    )
