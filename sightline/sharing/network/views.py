"""The notifications inbox: the list, one notification, and marking it read or acted on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sightline.core.pagination import paginate
from sightline.core.requests import SignedInRequest
from sightline.sharing.network import selectors
from sightline.sharing.network.services import (
    notification_mark_acted_on,
    notification_mark_read,
)


@login_required
@require_GET
def notifications(request: SignedInRequest) -> HttpResponse:
    page = paginate(request, selectors.notifications_for(user=request.user), per_page=25)
    shown = selectors.notifications_shown(user=request.user, notifications=list(page.object_list))
    return render(request, "sharing/notifications.html", {"page": page, "shown": shown})


@login_required
@require_GET
def notification(request: SignedInRequest, notification_id: int) -> HttpResponse:
    found = selectors.notification_get(user=request.user, notification_id=notification_id)
    shown = selectors.notification_shown(user=request.user, notification=found)
    return render(request, "sharing/notification.html", {"item": shown})


@login_required
@require_POST
def notification_mark(request: SignedInRequest, notification_id: int, state: str) -> HttpResponse:
    found = selectors.notification_get(user=request.user, notification_id=notification_id)
    try:
        if state == "acted-on":
            notification_mark_acted_on(actor=request.user, notification=found)
            messages.success(request, "Marked as acted on.")
        else:
            notification_mark_read(actor=request.user, notification=found)
            messages.success(request, "Marked as read.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("sharing:notifications")
