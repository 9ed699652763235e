"""Operation Encompass pages: the measures, the school calendars, and the acknowledgement."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sightline.core.requests import SignedInRequest
from sightline.sharing.encompass import selectors
from sightline.sharing.encompass.rules import VIEW_CALENDARS, VIEW_MEASURES
from sightline.sharing.encompass.services import encompass_acknowledge


def _month(request: HttpRequest) -> dt.date:
    today = timezone.localdate()
    try:
        chosen = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return today.replace(day=1)
    return chosen if chosen <= today else today.replace(day=1)


@login_required
@permission_required(VIEW_MEASURES, raise_exception=True)
@require_GET
def measures(request: SignedInRequest) -> HttpResponse:
    month = _month(request)
    found = selectors.encompass_measures(user=request.user, month_start=month)
    previous = (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "sharing/encompass/measures.html",
        {
            "m": found,
            "delay": selectors.delay_in_words(found.median_delay),
            "share": f"{found.on_time_share:.0%}" if found.on_time_share is not None else None,
            "previous": previous,
        },
    )


@login_required
@permission_required(VIEW_CALENDARS, raise_exception=True)
@require_GET
def calendars(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "sharing/encompass/calendars.html",
        {"calendars": list(selectors.school_calendars(user=request.user))},
    )


@login_required
@require_POST
def acknowledge(request: SignedInRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_acknowledgement(user=request.user, notice_id=notice_id)
    try:
        encompass_acknowledge(actor=request.user, notice=notice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "Acknowledged. The police and the partnership can see you have it."
        )
    return redirect("sharing:notifications")
