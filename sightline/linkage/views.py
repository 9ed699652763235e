"""Linkage pages: the model in use and rolling it back, the review queue, one uncertain match
side by side, merges and undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sightline.core.problems import refuse
from sightline.core.requests import SignedInRequest
from sightline.linkage import selectors
from sightline.linkage.changes import person_change_undo
from sightline.linkage.forms import DecisionForm
from sightline.linkage.model_versions import model_version_rollback
from sightline.linkage.rules import MANAGE_MODEL, REVIEW_MATCHES
from sightline.linkage.services import (
    match_candidate_decide,
    match_candidate_reopen,
    match_decision_problems,
)


def data_quality(view: Any) -> Any:
    return login_required(permission_required(REVIEW_MATCHES, raise_exception=True)(view))


@data_quality
@require_GET
def review_queue(request: SignedInRequest) -> HttpResponse:
    queue = selectors.review_queue(user=request.user)
    decided = selectors.decided_matches(user=request.user, limit=20)
    return render(
        request,
        "linkage/review_queue.html",
        {
            "queue": queue[:200],
            "waiting": len(queue),
            "decided": decided,
            "share": selectors.review_share(user=request.user),
        },
    )


@data_quality
@require_GET
def model(request: SignedInRequest) -> HttpResponse:
    """The model in use: its link threshold, when it was trained and on how many records."""
    return render(
        request,
        "linkage/model.html",
        {
            "in_use": selectors.linkage_model_in_use(user=request.user),
            "may_roll_back": request.user.has_perm(MANAGE_MODEL),
        },
    )


@login_required
@permission_required(MANAGE_MODEL, raise_exception=True)
@require_POST
def model_rollback(request: SignedInRequest) -> HttpResponse:
    try:
        previous = model_version_rollback(actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Rolled back: linkage model {previous.pk} is in use again."
            if previous
            else "Rolled back: the model shipped with Sightline is in use again.",
        )
    return redirect("linkage:model")


@data_quality
@require_http_methods(["GET", "POST"])
def review_match(request: SignedInRequest, candidate_id: int) -> HttpResponse:
    side = selectors.match_candidate_get(user=request.user, candidate_id=candidate_id)
    form = DecisionForm(
        request.POST or None,
        checks=lambda data: refuse(
            match_decision_problems(
                candidate=side.candidate,
                same_person=data["decision"] == "link" if "decision" in data else None,
            )
        ),
    )
    if request.method == "POST" and form.is_valid():
        same = form.cleaned_data["decision"] == "link"
        try:
            match_candidate_decide(
                actor=request.user,
                candidate=side.candidate,
                same_person=same,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(
                request,
                "Linked: the records are now one person. You can undo this from the merges page."
                if same
                else "Kept apart: later re-linking will keep these records apart. "
                "You can undo this from the recent decisions below.",
            )
            return redirect("linkage:review")
    total = sum(f.weight for f in side.fields)
    return render(
        request,
        "linkage/review_match.html",
        {"side": side, "form": form, "total_field_weight": total},
    )


@data_quality
@require_POST
def review_undo(request: SignedInRequest, candidate_id: int) -> HttpResponse:
    """Undo a keep-apart decision: the match waits for a decision again."""
    candidate = selectors.match_candidate_for_undo(user=request.user, candidate_id=candidate_id)
    try:
        match_candidate_reopen(actor=request.user, candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Decision undone: the match is waiting for a decision again.")
    return redirect("linkage:review")


@data_quality
@require_GET
def merges(request: SignedInRequest) -> HttpResponse:
    changes = selectors.person_changes(user=request.user)
    return render(request, "linkage/merges.html", {"changes": changes})


@data_quality
@require_POST
def undo(request: SignedInRequest, change_id: int) -> HttpResponse:
    change = selectors.person_change_get(user=request.user, change_id=change_id)
    try:
        person_change_undo(actor=request.user, change=change)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{change.get_kind_display()} undone: the records are back where they were."
        )
    return redirect("linkage:merges")
