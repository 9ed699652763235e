"""Child protection pages: strategy discussions, S47 enquiries, medicals and conferences.

Every page is for children's social care roles (else 403) and for a child the user may see
(else 404); every page that shows a child's record writes an access entry.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sightline.accounts.models import User
from sightline.casework import forms_protection as forms
from sightline.casework.models import (
    Conference,
    Episode,
    MedicalRequest,
    Plan,
    S47Enquiry,
    StrategyDiscussion,
)
from sightline.casework.rules_protection import WORK_PROTECTION
from sightline.casework.services import plans as plan_services
from sightline.casework.services import protection as services
from sightline.core import audit
from sightline.core.problems import refuse, renamed
from sightline.core.requests import SignedInRequest
from sightline.core.versions import StaleEdit
from sightline.people.selectors import persons_visible_to

T = TypeVar("T", bound=models.Model)
TEMPLATES = "casework/protection"


def protection(view: Any) -> Any:
    """Signed in (else the sign-in page) and in children's social care (else 403)."""
    return login_required(permission_required(WORK_PROTECTION, raise_exception=True)(view))


def visible(user: User, model: type[T], child_path: str, **lookup: Any) -> T:
    """One record of a child the user may see (404 otherwise)."""
    queryset = model._default_manager.filter(  # type: ignore[attr-defined]
        **{f"{child_path}__in": persons_visible_to(user)}
    )
    return get_object_or_404(queryset, **lookup)  # type: ignore[no-any-return]


def episode_for(user: User, episode_id: int) -> Episode:
    return visible(user, Episode, "child", pk=episode_id)


def read(user: User, target: models.Model, episode: Episode) -> None:
    audit.record_read(actor=user, target=target, person_id=episode.child_id)


def apply_errors(form: Any, error: ValidationError, formsets: dict[str, Any] | None = None) -> None:
    """A service's errors on the form's fields; row errors above the rows."""
    if isinstance(error, StaleEdit):
        form.add_errors_from(error)  # the other person's change, and the newer version
        return
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if formsets and name in formsets:
                formsets[name].service_errors = [m for e in errors for m in e.messages]
            else:
                form.add_error(_form_field(form, name), errors)
    else:
        form.add_error(None, error)


def _form_field(form: Any, name: str) -> str | None:
    """The form's field for a service's error: a moment the form takes as a date and a time
    ("held_at" from "held_on" and "held_time") is the date's, so the summary links to it."""
    if name in form.fields:
        return name
    if name.endswith("_at") and f"{name[:-3]}_on" in form.fields:
        return f"{name[:-3]}_on"
    return None


def checking_rows(
    problems: Any, formsets: dict[str, BaseFormSet], names: dict[str, str] | None = None
) -> Any:
    """A form's `checks=` for a service check that also reads rows: the rows are given when
    they are valid themselves (else not judged yet); the service's problems with the rows go
    above them, the rest on the form's fields (a service's `held_at` on the form's `held_on`
    by `names`)."""

    def check(data: dict[str, Any]) -> None:
        given = {
            name: forms.rows(formset) for name, formset in formsets.items() if formset.is_valid()
        }
        error = renamed(problems(**data, **given), names or {})
        if error is not None and hasattr(error, "error_dict"):
            for name, formset in formsets.items():
                if name in error.error_dict:
                    formset.service_errors = ValidationError(error.error_dict.pop(name)).messages  # type: ignore[attr-defined]
            if not error.error_dict:
                return
        refuse(error)

    return check


def all_valid(form: Any, *formsets: BaseFormSet) -> bool:
    return all([form.is_valid(), *(formset.is_valid() for formset in formsets)])


def episode_url(episode: Episode) -> str:
    return reverse("casework:protection-overview", args=[episode.pk])


def due_context(due: Any, done: bool) -> dict[str, Any]:
    return {"due": due, "overdue": bool(due and not done and due < timezone.localdate())}


# Overview ---------------------------------------------------------------------------------


@protection
@require_GET
def overview(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = episode_for(request.user, episode_id)
    read(request.user, episode, episode)
    today = timezone.localdate()
    enquiries = list(
        episode.s47_enquiries.select_related("icpc", "strategy_discussion").order_by("-start_date")
    )
    for enquiry in enquiries:
        held = getattr(enquiry, "icpc", None)
        enquiry.icpc_overdue = (  # type: ignore[attr-defined]
            held is None and not enquiry.icpc_not_required and enquiry.icpc_target_date < today
        )
    plans = list(episode.plans.all())
    for plan in plans:
        plan.core_group_due = plan_services.core_group_due_date(plan)  # type: ignore[attr-defined]
        plan.review_due = services.review_conference_due_date(plan)  # type: ignore[attr-defined]
        plan.core_group_overdue = bool(  # type: ignore[attr-defined]
            plan.core_group_due and plan.core_group_due < today  # type: ignore[attr-defined]
        )
        plan.review_overdue = bool(  # type: ignore[attr-defined]
            plan.review_due and plan.review_due < today  # type: ignore[attr-defined]
        )
    return render(
        request,
        f"{TEMPLATES}/overview.html",
        {
            "episode": episode,
            "today": today,
            "discussions": episode.strategy_discussions.all(),
            "enquiries": enquiries,
            "medicals": episode.medicals.all(),
            "conferences": episode.conferences.all(),
            "plans": plans,
        },
    )


# Strategy discussions ---------------------------------------------------------------------


@protection
@require_http_methods(["GET", "POST"])
def strategy_discussion_new(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = episode_for(request.user, episode_id)
    data = request.POST if request.method == "POST" else None
    attendees = forms.AttendeeFormSet(data, prefix="attendees")
    actions = forms.ActionFormSet(data, prefix="actions")
    form = forms.StrategyDiscussionForm(
        data,
        checks=checking_rows(
            lambda **given: services.strategy_discussion_problems(
                episode=episode, held_at=forms.moment(given, "held_on", "held_time"), **given
            ),
            {"attendees": attendees, "actions": actions},
            names={"held_at": "held_on"},
        ),
    )
    missing: list[str] = []
    if request.method == "POST" and all_valid(form, attendees, actions):
        people = forms.rows(attendees)
        missing = services.strategy_missing_agencies(people)
        held_at = form.held_at()
        assert held_at is not None
        try:
            discussion = services.strategy_discussion_record(
                actor=request.user,
                episode=episode,
                held_at=held_at,
                attendees=people,
                information_shared=form.cleaned_data["information_shared"],
                s47_decided=form.cleaned_data["s47_decided"],
                rationale=form.cleaned_data["rationale"],
                safety_plan=form.cleaned_data["safety_plan"],
                missing_agency_reason=form.cleaned_data["missing_agency_reason"],
                actions=forms.rows(actions),
            )
        except ValidationError as error:
            apply_errors(form, error, {"attendees": attendees, "actions": actions})
        else:
            messages.success(request, "Strategy discussion recorded.")
            return redirect("casework:strategy-discussion", discussion.pk)
    return render(
        request,
        f"{TEMPLATES}/strategy_new.html",
        {
            "episode": episode,
            "form": form,
            "attendees": attendees,
            "actions": actions,
            "missing": missing,
            "formsets_list": [attendees, actions],
            "has_errors": bool(
                form.errors
                or any(f.errors for f in [*attendees.forms, *actions.forms])
                or getattr(attendees, "service_errors", None)
                or getattr(actions, "service_errors", None)
            ),
        },
    )


@protection
@require_GET
def strategy_discussion_detail(request: SignedInRequest, discussion_id: int) -> HttpResponse:
    discussion = visible(request.user, StrategyDiscussion, "episode__child", pk=discussion_id)
    episode = discussion.episode
    read(request.user, discussion, episode)
    today = timezone.localdate()
    actions = [
        (action, action.done_date is None and action.due_date < today)
        for action in discussion.actions.select_related("owner_agency")
    ]
    return render(
        request,
        f"{TEMPLATES}/strategy_detail.html",
        {
            "episode": episode,
            "discussion": discussion,
            "attendees": discussion.attendees.select_related("agency"),
            "actions": actions,
            "enquiries": discussion.s47_enquiries.all(),
            "icpc_due": services.icpc_due_date(discussion),
        },
    )


# S47 enquiries ----------------------------------------------------------------------------


@protection
@require_http_methods(["GET", "POST"])
def s47_start(request: SignedInRequest, discussion_id: int) -> HttpResponse:
    discussion = visible(request.user, StrategyDiscussion, "episode__child", pk=discussion_id)
    form = forms.S47StartForm(
        request.POST or None,
        initial={"start_date": services.local_date(discussion.held_at)},
        checks=lambda data: refuse(services.s47_start_problems(discussion=discussion, **data)),
    )
    if form.is_valid():
        try:
            enquiry = services.s47_start(
                actor=request.user, discussion=discussion, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                "S47 enquiry started. The initial conference is due by "
                f"{services.long_date(enquiry.icpc_target_date)}.",
            )
            return redirect("casework:s47", enquiry.pk)
    return render(
        request,
        f"{TEMPLATES}/s47_start.html",
        {
            "episode": discussion.episode,
            "discussion": discussion,
            "form": form,
            "icpc_due": services.icpc_due_date(discussion),
        },
    )


@protection
@require_GET
def s47_detail(request: SignedInRequest, s47_id: int) -> HttpResponse:
    enquiry = visible(request.user, S47Enquiry, "episode__child", pk=s47_id)
    read(request.user, enquiry, enquiry.episode)
    held = Conference.objects.filter(s47=enquiry).first()
    return render(
        request,
        f"{TEMPLATES}/s47_detail.html",
        {
            "episode": enquiry.episode,
            "enquiry": enquiry,
            "icpc": held,
            "measure": services.s47_to_icpc_working_days(enquiry),
            "medicals": enquiry.medicals.all(),
            **due_context(enquiry.icpc_target_date, held is not None or enquiry.icpc_not_required),
        },
    )


@protection
@require_http_methods(["GET", "POST"])
def s47_complete(request: SignedInRequest, s47_id: int) -> HttpResponse:
    enquiry = visible(request.user, S47Enquiry, "episode__child", pk=s47_id)
    form = forms.S47CompleteForm(
        request.POST or None,
        checks=lambda data: refuse(services.s47_complete_problems(s47=enquiry, **data)),
    )
    if form.is_valid():
        try:
            services.s47_complete(actor=request.user, s47=enquiry, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "S47 enquiry completed.")
            return redirect("casework:s47", enquiry.pk)
    return render(
        request,
        f"{TEMPLATES}/s47_complete.html",
        {"episode": enquiry.episode, "enquiry": enquiry, "form": form},
    )


# Medicals ---------------------------------------------------------------------------------


@protection
@require_http_methods(["GET", "POST"])
def medical_new(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = episode_for(request.user, episode_id)
    enquiry = episode.s47_enquiries.filter(services.open_s47_enquiries(episode.child_id))
    form = forms.MedicalRequestForm(
        request.POST or None,
        checks=lambda data: refuse(
            renamed(
                services.medical_request_problems(
                    episode=episode,
                    requested_at=forms.moment(data, "requested_on", "requested_time"),
                    s47=enquiry.first(),
                    **data,
                ),
                {"requested_at": "requested_on"},
            )
        ),
    )
    if form.is_valid():
        requested_at = form.requested_at()
        assert requested_at is not None
        data = {
            name: form.cleaned_data[name]
            for name in (
                "injury",
                "history",
                "parental_responsibility",
                "previous_concerns",
                "paediatrician",
            )
        }
        try:
            medical = services.medical_request(
                actor=request.user,
                episode=episode,
                requested_at=requested_at,
                s47=enquiry.first(),
                **data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Child protection medical requested.")
            return redirect("casework:medical", medical.pk)
    return render(request, f"{TEMPLATES}/medical_new.html", {"episode": episode, "form": form})


@protection
@require_http_methods(["GET", "POST"])
def medical_detail(request: SignedInRequest, medical_id: int) -> HttpResponse:
    medical = visible(request.user, MedicalRequest, "episode__child", pk=medical_id)
    form = forms.MedicalOutcomeForm(
        request.POST or None,
        checks=lambda data: refuse(
            renamed(
                services.medical_outcome_problems(
                    medical=medical,
                    examined_at=forms.moment(data, "examined_on", "examined_time"),
                    **data,
                ),
                {"examined_at": "examined_on"},
            )
        ),
    )
    if request.method == "GET":
        read(request.user, medical, medical.episode)
    if form.is_valid():
        examined_at = form.examined_at()
        assert examined_at is not None
        try:
            services.medical_outcome(
                actor=request.user,
                medical=medical,
                examined_at=examined_at,
                outcome=form.cleaned_data["outcome"],
                paediatrician=form.cleaned_data["paediatrician"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Outcome of the medical recorded.")
            return redirect("casework:medical", medical.pk)
    return render(
        request,
        f"{TEMPLATES}/medical_detail.html",
        {"episode": medical.episode, "medical": medical, "form": form},
    )


# Conferences ------------------------------------------------------------------------------


def _conference_page(
    request: SignedInRequest,
    *,
    episode: Episode,
    kind: str,
    s47: S47Enquiry | None = None,
    plan: Plan | None = None,
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    attendees = forms.ConferenceAttendeeFormSet(data, prefix="attendees")
    members = forms.MemberFormSet(data, prefix="members")
    form = forms.ConferenceForm(
        data,
        kind=kind,
        checks=checking_rows(
            lambda core_group=None, **given: services.conference_problems(
                episode=episode, kind=kind, s47=s47, plan=plan, core_group=core_group, **given
            ),
            {"core_group": members},
        ),
    )
    if request.method == "POST" and all_valid(form, attendees, members):
        try:
            conference = services.conference_record(
                actor=request.user,
                episode=episode,
                kind=kind,
                s47=s47,
                plan=plan,
                attendees=forms.rows(attendees),
                core_group=forms.rows(members),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error, {"core_group": members, "attendees": attendees})
        else:
            messages.success(request, f"{conference.get_kind_display()} recorded.")
            return redirect("casework:conference", conference.pk)
    review = services.review_conference_due(plan) if plan is not None else None
    due = s47.icpc_target_date if s47 else (review[0] if review else None)
    return render(
        request,
        f"{TEMPLATES}/conference_new.html",
        {
            "episode": episode,
            "kind": kind,
            "initial": kind == Conference.Kind.INITIAL,
            "due_basis": review[1] if review else "",
            "enquiry": s47,
            "plan": plan,
            "form": form,
            "attendees": attendees,
            "members": members,
            "formsets_list": [attendees, members],
            "has_errors": bool(
                form.errors
                or any(f.errors for f in [*attendees.forms, *members.forms])
                or getattr(members, "service_errors", None)
            ),
            **due_context(due, False),
        },
    )


@protection
@require_http_methods(["GET", "POST"])
def icpc_new(request: SignedInRequest, s47_id: int) -> HttpResponse:
    enquiry = visible(request.user, S47Enquiry, "episode__child", pk=s47_id)
    return _conference_page(
        request, episode=enquiry.episode, kind=Conference.Kind.INITIAL, s47=enquiry
    )


@protection
@require_http_methods(["GET", "POST"])
def rcpc_new(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = visible(request.user, Plan, "episode__child", pk=plan_id)
    return _conference_page(request, episode=plan.episode, kind=Conference.Kind.REVIEW, plan=plan)


@protection
@require_GET
def conference_detail(request: SignedInRequest, conference_id: int) -> HttpResponse:
    conference = visible(request.user, Conference, "episode__child", pk=conference_id)
    read(request.user, conference, conference.episode)
    return render(
        request,
        f"{TEMPLATES}/conference_detail.html",
        {
            "episode": conference.episode,
            "conference": conference,
            "attendees": conference.attendees.select_related("agency"),
            "plan": Plan.objects.filter(icpc=conference).first(),
            "late": conference.conference_date > conference.due_date,
        },
    )
