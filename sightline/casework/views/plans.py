"""Plan pages: the plan (outcomes, confirmation, versions), ending it, the core group."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sightline.casework import forms_protection as forms
from sightline.casework.models import CoreGroupMeeting, Plan, PlanOutcome
from sightline.casework.services import plans as services
from sightline.casework.services.protection import review_conference_due
from sightline.casework.views.protection import (
    SignedInRequest,
    all_valid,
    apply_errors,
    due_context,
    episode_for,
    protection,
    read,
    visible,
)
from sightline.core.problems import refuse

TEMPLATES = "casework/plans"


def plan_for(request: SignedInRequest, plan_id: int) -> Plan:
    return visible(request.user, Plan, "episode__child", pk=plan_id)


def _plan_page(
    request: SignedInRequest, plan: Plan, problems: list[str] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    outcomes = [
        (number, outcome, bool(outcome.by_when and outcome.by_when < today))
        for number, outcome in enumerate(
            plan.outcomes.select_related("responsible_agency"), start=1
        )
    ]
    open_plan = plan.status != Plan.Status.ENDED
    review = review_conference_due(plan)
    return render(
        request,
        f"{TEMPLATES}/detail.html",
        {
            "episode": plan.episode,
            "plan": plan,
            "outcomes": outcomes,
            "versions": plan.versions.select_related("confirmed_by"),
            "problems": problems or [],
            "core_group": due_context(services.core_group_due_date(plan), not open_plan),
            "review": due_context(review[0] if review else None, not open_plan),
            "review_basis": review[1] if review else "",
            "meetings": plan.core_group_meetings.all(),
            "open_plan": open_plan,
        },
        status=status,
    )


@protection
@require_http_methods(["GET", "POST"])
def cin_plan_new(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = episode_for(request.user, episode_id)
    form = forms.PlanCreateForm(
        request.POST or None,
        checks=lambda data: refuse(
            services.plan_create_problems(episode=episode, kind=Plan.Kind.CIN, **data)
        ),
    )
    if form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user, episode=episode, kind=Plan.Kind.CIN, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Child in need plan started: add its outcomes.")
            return redirect("casework:plan", plan.pk)
    return render(request, f"{TEMPLATES}/cin_new.html", {"episode": episode, "form": form})


@protection
@require_GET
def plan_detail(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    read(request.user, plan, plan.episode)
    return _plan_page(request, plan)


@protection
@require_http_methods(["GET", "POST"])
def outcome_edit(
    request: SignedInRequest, plan_id: int, outcome_id: int | None = None
) -> HttpResponse:
    plan = plan_for(request, plan_id)
    outcome = get_object_or_404(PlanOutcome, plan=plan, pk=outcome_id) if outcome_id else None
    initial = (
        {name: getattr(outcome, name) for name in services.OUTCOME_FIELDS}
        | {"version": outcome.version}
        if outcome
        else None
    )
    form = forms.PlanOutcomeForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            if outcome is None:
                data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
                services.plan_outcome_add(actor=request.user, plan=plan, **data)
            else:
                services.plan_outcome_update(
                    actor=request.user, outcome=outcome, **form.cleaned_data
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Outcome saved.")
            return redirect("casework:plan", plan.pk)
    return render(
        request,
        f"{TEMPLATES}/outcome_form.html",
        {"episode": plan.episode, "plan": plan, "outcome": outcome, "form": form},
    )


@protection
@require_POST
def outcome_remove(request: SignedInRequest, plan_id: int, outcome_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    outcome = get_object_or_404(PlanOutcome, plan=plan, pk=outcome_id)
    try:
        services.plan_outcome_remove(actor=request.user, outcome=outcome)
    except ValidationError as error:
        return _plan_page(request, plan, problems=error.messages, status=400)
    messages.success(request, "Outcome removed.")
    return redirect("casework:plan", plan.pk)


@protection
@require_POST
def plan_confirm(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    try:
        version = services.plan_confirm(actor=request.user, plan=plan)
    except ValidationError as error:
        return _plan_page(request, plan, problems=error.messages, status=400)
    messages.success(request, f"Plan confirmed: version {version.number}.")
    return redirect("casework:plan", plan.pk)


@protection
@require_GET
def plan_version(request: SignedInRequest, plan_id: int, number: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    version = get_object_or_404(plan.versions, number=number)
    read(request.user, plan, plan.episode)
    return render(
        request,
        f"{TEMPLATES}/version.html",
        {"episode": plan.episode, "plan": plan, "version": version},
    )


@protection
@require_http_methods(["GET", "POST"])
def plan_end(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    end_form = forms.CPPlanEndForm if plan.kind == Plan.Kind.CP else forms.PlanEndForm
    form = end_form(
        request.POST or None,
        checks=lambda data: refuse(services.plan_end_problems(plan=plan, **data)),
    )
    # A child protection plan ends at the review conference that decides it (the page leads
    # there), or on this form only for a move to another authority's plan, the child's 18th
    # birthday or death, with the evidence; the service refuses any other end.
    if form.is_valid():
        try:
            services.plan_end(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Plan ended.")
            return redirect("casework:plan", plan.pk)
    return render(
        request, f"{TEMPLATES}/end.html", {"episode": plan.episode, "plan": plan, "form": form}
    )


@protection
@require_http_methods(["GET", "POST"])
def core_group(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    form = forms.CoreGroupMemberForm(
        request.POST or None,
        prefix="member",
        checks=lambda data: refuse(services.core_group_member_problems(plan=plan, **data)),
    )
    if request.method == "GET":
        read(request.user, plan, plan.episode)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.core_group_member_add(
                actor=request.user,
                plan=plan,
                name=data["name"],
                role=data["role"],
                agency=data.get("agency"),
                joined=data["joined"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{data['name']} added to the core group.")
            return redirect("casework:core-group", plan.pk)
    return render(
        request,
        f"{TEMPLATES}/core_group.html",
        {
            "episode": plan.episode,
            "plan": plan,
            "members": plan.core_group.select_related("agency"),
            "meetings": plan.core_group_meetings.all(),
            "form": form,
            **due_context(services.core_group_due_date(plan), plan.status == Plan.Status.ENDED),
        },
    )


@protection
@require_http_methods(["GET", "POST"])
def core_group_meeting_new(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    data = request.POST if request.method == "POST" else None
    actions = forms.ActionFormSet(data, prefix="actions")

    def check(given: dict[str, Any]) -> None:
        """The service's problems at once with the form's own: those with the progress and
        the actions go above them (the actions judged once they are valid themselves)."""
        error = services.core_group_meeting_problems(
            plan=plan,
            meeting_date=given.get("meeting_date"),
            present=list(given["present"]) if "present" in given else None,
            progress=form.progress_from(given),
            actions=forms.rows(actions) if actions.is_valid() else None,
        )
        if error is not None and hasattr(error, "error_dict"):
            for name, target in (("progress", form), ("actions", actions)):
                if name in error.error_dict:
                    found = ValidationError(error.error_dict.pop(name)).messages
                    target.service_errors = found  # type: ignore[attr-defined,union-attr]
            if not error.error_dict:
                return
        refuse(error)

    form = forms.CoreGroupMeetingForm(data, plan=plan, checks=check)
    if request.method == "POST" and all_valid(form, actions):
        try:
            meeting = services.core_group_meeting_record(
                actor=request.user,
                plan=plan,
                meeting_date=form.cleaned_data["meeting_date"],
                present=list(form.cleaned_data["present"]),
                progress=form.progress(),
                actions=forms.rows(actions),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            apply_errors(form, error, {"progress": form, "actions": actions})
        else:
            messages.success(request, "Core group meeting recorded.")
            return redirect("casework:core-group-meeting", meeting.pk)
    progress_errors = getattr(form, "service_errors", [])
    return render(
        request,
        f"{TEMPLATES}/meeting_new.html",
        {
            "episode": plan.episode,
            "plan": plan,
            "form": form,
            "actions": actions,
            "formsets_list": [actions],
            "progress_errors": progress_errors,
            "has_errors": bool(
                form.errors
                or progress_errors
                or any(f.errors for f in actions.forms)
                or getattr(actions, "service_errors", None)
            ),
            **due_context(services.core_group_due_date(plan), False),
        },
    )


@protection
@require_GET
def core_group_meeting_detail(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = visible(request.user, CoreGroupMeeting, "plan__episode__child", pk=meeting_id)
    plan = meeting.plan
    read(request.user, meeting, plan.episode)
    return render(
        request,
        f"{TEMPLATES}/meeting_detail.html",
        {
            "episode": plan.episode,
            "plan": plan,
            "meeting": meeting,
            "present": meeting.present.all(),
            "progress": meeting.progress.select_related("outcome"),
            "actions": meeting.actions.select_related("owner_agency"),
            "late": meeting.meeting_date > meeting.due_date,
        },
    )
