"""Changing the plan: edit or withdraw a recommendation; edit, withdraw or re-open an action.

Only the partnership's roles (those who add recommendations and actions) reach these pages;
the services refuse anything the page should not have offered."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sightline.core.problems import refuse
from sightline.partnership import selectors
from sightline.partnership.forms import (
    ActionEditForm,
    RecommendationEditForm,
    ReopenForm,
    WithdrawForm,
)
from sightline.partnership.models import Action, ActionStatus, Recommendation
from sightline.partnership.services import plan_changes as services
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    form_page,
    home_crumbs,
    manager_view,
)


def _recommendation_crumbs(item: Recommendation) -> Crumbs:
    return [
        *home_crumbs(),
        ("Recommendations", reverse("partnership:recommendations")),
        (str(item), reverse("partnership:recommendation", args=[item.pk])),
    ]


def _action_crumbs(item: Action) -> Crumbs:
    return [
        *home_crumbs(),
        ("Action plan", reverse("partnership:action-plan")),
        ("Action", reverse("partnership:action", args=[item.pk])),
    ]


def _refused(request: SignedInRequest, *, title: str, reason: str, item: Any) -> HttpResponse:
    is_action = isinstance(item, Action)
    crumbs = _action_crumbs(item) if is_action else _recommendation_crumbs(item)
    return render(
        request,
        "partnership/refused.html",
        {
            "title": title,
            "reason": reason,
            "back_url": crumbs[-1][1],
            "back_label": f"Back to the {'action' if is_action else 'recommendation'}",
            "crumbs": crumbs,
        },
        status=409,
    )


# --- Recommendations -----------------------------------------------------------------------


@manager_view
@require_http_methods(["GET", "POST"])
def recommendation_edit(request: SignedInRequest, recommendation_id: int) -> HttpResponse:
    item = selectors.recommendation_get(user=request.user, recommendation_id=recommendation_id)
    if item.withdrawn:
        return _refused(
            request,
            title="This recommendation cannot be changed",
            reason="It has been withdrawn. Its history keeps what it said.",
            item=item,
        )
    initial = {
        "source": item.source,
        "source_reference": item.source_reference,
        "number": item.number,
        "text": item.text,
        "themes": list(item.themes.all()),
        "for_partnership": item.for_partnership,
        "agencies": list(item.agencies.all()),
        "version": item.version,
    }
    return form_page(
        request,
        form=RecommendationEditForm(request.POST or None, initial=initial),
        checks=lambda data: refuse(
            services.recommendation_update_problems(recommendation=item, **data)
        ),
        save=lambda data: services.recommendation_update(
            actor=request.user, recommendation=item, **data
        ),
        success="Recommendation changed. Its history shows what it said before.",
        next_url=reverse("partnership:recommendation", args=[item.pk]),
        title="Change the recommendation",
        caption=str(item),
        crumbs=_recommendation_crumbs(item),
        submit="Save changes",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def recommendation_withdraw(request: SignedInRequest, recommendation_id: int) -> HttpResponse:
    item = selectors.recommendation_get(user=request.user, recommendation_id=recommendation_id)
    if item.withdrawn:
        return _refused(
            request,
            title="This recommendation has already been withdrawn",
            reason=f"Withdrawn on {item.withdrawn_at:%-d %B %Y}: {item.withdrawal_reason}",
            item=item,
        )
    open_count = sum(1 for action in item.actions.all() if action.is_open)
    also = (
        f" Its {open_count} open action{'s' if open_count != 1 else ''} will be withdrawn "
        "with it; completed and achieved actions stay as they are."
        if open_count
        else ""
    )
    return form_page(
        request,
        form=WithdrawForm(request.POST or None),
        checks=lambda data: refuse(
            services.recommendation_withdraw_problems(recommendation=item, **data)
        ),
        save=lambda data: services.recommendation_withdraw(
            actor=request.user, recommendation=item, **data
        ),
        success="Recommendation withdrawn.",
        next_url=reverse("partnership:recommendation", args=[item.pk]),
        title="Withdraw the recommendation",
        caption=str(item),
        intro=f"{item.text}\n\nIt stays in the plan, marked withdrawn, and its history is kept."
        + also,
        crumbs=_recommendation_crumbs(item),
        submit="Withdraw recommendation",
    )


# --- Actions -------------------------------------------------------------------------------


@manager_view
@require_http_methods(["GET", "POST"])
def action_edit(request: SignedInRequest, action_id: int) -> HttpResponse:
    item = selectors.action_get(user=request.user, action_id=action_id)
    if item.locked:
        reason = (
            "It has been withdrawn. Its history keeps what it said."
            if item.withdrawn
            else f"It is {item.get_status_display().lower()}: a completed or signed-off action "
            "is not edited. Re-open it first, saying why; the re-opening is recorded in its "
            "history."
        )
        return _refused(request, title="This action cannot be edited", reason=reason, item=item)
    initial = {
        "description": item.description,
        "owner_agency": item.owner_agency,
        "owner_subgroup": item.owner_subgroup,
        "lead_person": item.lead_person,
        "due_on": item.due_on,
        "version": item.version,
    }
    return form_page(
        request,
        form=ActionEditForm(request.POST or None, initial=initial),
        checks=lambda data: refuse(services.action_update_problems(action=item, **data)),
        save=lambda data: services.action_update(actor=request.user, action=item, **data),
        success="Action changed. Its history shows what it was before.",
        next_url=reverse("partnership:action", args=[item.pk]),
        title="Change the action",
        caption=str(item.recommendation),
        crumbs=_action_crumbs(item),
        submit="Save changes",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def action_withdraw(request: SignedInRequest, action_id: int) -> HttpResponse:
    item = selectors.action_get(user=request.user, action_id=action_id)
    if item.status in (ActionStatus.WITHDRAWN, ActionStatus.ACHIEVED):
        reason = (
            f"Withdrawn on {item.withdrawn_at:%-d %B %Y}: {item.withdrawal_reason}"
            if item.withdrawn and item.withdrawn_at
            else "Its impact has been signed off. Re-open it first if the sign-off was wrong."
        )
        return _refused(request, title="This action cannot be withdrawn", reason=reason, item=item)
    return form_page(
        request,
        form=WithdrawForm(request.POST or None),
        checks=lambda data: refuse(services.action_withdraw_problems(action=item, **data)),
        save=lambda data: services.action_withdraw(actor=request.user, action=item, **data),
        success="Action withdrawn.",
        next_url=reverse("partnership:action", args=[item.pk]),
        title="Withdraw the action",
        caption=str(item.recommendation),
        intro=f"{item.description}\n\nIt stays in the plan, marked withdrawn, but no longer "
        "counts as open or overdue.",
        crumbs=_action_crumbs(item),
        submit="Withdraw action",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def action_reopen(request: SignedInRequest, action_id: int) -> HttpResponse:
    item = selectors.action_get(user=request.user, action_id=action_id)
    if item.status not in (ActionStatus.COMPLETED, ActionStatus.ACHIEVED):
        return _refused(
            request,
            title="This action cannot be re-opened",
            reason="Only a completed or signed-off action is re-opened.",
            item=item,
        )
    undo = (
        " Its impact sign-off will be undone (the history keeps it)."
        if item.status == ActionStatus.ACHIEVED
        else ""
    )
    return form_page(
        request,
        form=ReopenForm(request.POST or None),
        checks=lambda data: refuse(services.action_reopen_problems(action=item, **data)),
        save=lambda data: services.action_reopen(actor=request.user, action=item, **data),
        success="Action re-opened. It is on track again and can be changed.",
        next_url=reverse("partnership:action", args=[item.pk]),
        title="Re-open the action",
        caption=str(item.recommendation),
        intro=f"{item.description}\n\nIt goes back to on track.{undo}",
        crumbs=_action_crumbs(item),
        submit="Re-open action",
    )
