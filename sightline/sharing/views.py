"""CP-IS style lookup pages: the search, then its answer (post, redirect, get)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.pagination import paginate
from sightline.core.requests import SignedInRequest
from sightline.sharing import selectors
from sightline.sharing.forms import CpisLookupForm
from sightline.sharing.models import format_nhs_number
from sightline.sharing.rules import LOOKUP_CPIS
from sightline.sharing.services import cpis_lookup

SESSION_KEY = "sharing.cpis_lookup"


def unscheduled_care(view: Any) -> Any:
    return login_required(permission_required(LOOKUP_CPIS, raise_exception=True)(view))


@unscheduled_care
@require_http_methods(["GET", "POST"])
def lookup(request: SignedInRequest) -> HttpResponse:
    form = CpisLookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            found = cpis_lookup(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            request.session[SESSION_KEY] = found.pk
            return redirect("sharing:cpis-answer")
    return render(request, "sharing/cpis_lookup.html", {"form": form})


@unscheduled_care
@require_GET
def answer(request: SignedInRequest) -> HttpResponse:
    """The answer to this session's last lookup; without one, back to the search."""
    lookup_id = request.session.get(SESSION_KEY)
    found = selectors.cpis_lookup_get(user=request.user, lookup_id=lookup_id) if lookup_id else None
    if found is None:
        return redirect("sharing:cpis")
    detail = found.answer_detail
    return render(
        request,
        "sharing/cpis_answer.html",
        {
            "lookup": found,
            "nhs_number": format_nhs_number(found.nhs_number),
            "detail": detail,
            "plan": selectors.plan_for_display(detail.get("plan")),
            "unborn": [selectors.plan_for_display(p) for p in detail.get("unborn", [])],
        },
    )


@login_required
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    """Messages Sightline sent the signed-in user, also sent by e-mail when they have one."""
    page = paginate(request, selectors.messages_for(user=request.user), per_page=25)
    selectors.message_inbox_record(user=request.user, shown=list(page.object_list))
    return render(request, "sharing/inbox.html", {"page": page})
