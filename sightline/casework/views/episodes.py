"""Pages on the episode side of casework: referrals to allocate, the episode, assessments,
visits, supervision, transfer, closure and the team's due list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sightline.accounts.models import Agency
from sightline.casework import selectors
from sightline.casework.forms_episodes import (
    AssessmentCompleteForm,
    AssessmentRecordForm,
    AssessmentStartForm,
    CloseForm,
    ClosureReturnForm,
    EpisodeOpenForm,
    ReallocateForm,
    SupervisionForm,
    TeamChoiceForm,
    TransferForm,
    VisitForm,
)
from sightline.casework.models import Episode
from sightline.casework.services import episodes as services
from sightline.core.forms import GovukForm
from sightline.core.problems import refuse
from sightline.core.requests import SignedInRequest

TEMPLATES = "casework/episodes"
VIEW = "casework.view_casework"
OPEN = "casework.open_episode"
WORK = "casework.work_cases"
AUTHORISE = "casework.authorise_assessment"
SUPERVISE = "casework.record_supervision"


def needs(perm: str) -> Callable[[Any], Any]:
    """Signed in (else the sign-in page) and holding `perm` (else 403)."""

    def decorate(view: Any) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _save(request: SignedInRequest, form: Form, write: Callable[[], Any], done: str) -> Any | None:
    """Call the service when the form is valid; its refusals become the form's errors."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write()
    except ValidationError as error:
        form.add_errors_from(error)  # type: ignore[attr-defined]
        return None
    messages.success(request, done)
    return result or True


# Referrals and the child's casework -----------------------------------------------------


@needs(VIEW)
@require_GET
def referrals(request: SignedInRequest) -> HttpResponse:
    rows = selectors.referrals_awaiting_allocation(user=request.user)
    return render(request, f"{TEMPLATES}/referrals.html", {"referrals": rows})


@needs(VIEW)
@require_GET
def child_casework(request: SignedInRequest, person_id: int) -> HttpResponse:
    child = selectors.child_get(user=request.user, person_id=person_id)
    summary = selectors.child_casework_summary(user=request.user, child=child)
    return render(
        request,
        f"{TEMPLATES}/child.html",
        {"summary": summary, "child": child, "today": timezone.localdate()},
    )


@needs(OPEN)
@require_http_methods(["GET", "POST"])
def episode_open(request: SignedInRequest, person_id: int) -> HttpResponse:
    child = selectors.child_get(user=request.user, person_id=person_id)
    reference = (request.POST.get("contact_reference") or request.GET.get("referral") or "").strip()
    referral = (
        selectors.referral_for(user=request.user, child=child, contact_reference=reference)
        if reference
        else None
    )
    if referral is not None and referral.open_episode is not None:
        return _add_to_open_episode(request, child, referral)
    initial = {"team": request.user.team_id} if request.user.team_id else {}
    form = EpisodeOpenForm(
        request.POST or None,
        initial=initial,
        from_referral=bool(referral),
        checks=lambda data: refuse(
            services.episode_open_problems(
                child=child,
                contact_reference=referral.contact_reference if referral else "",
                given=True,  # a date or source left blank is missing (one refused keeps its own)
                **data,
            )
        ),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    episode = _save(
        request,
        form,
        lambda: services.episode_open(
            actor=request.user,
            child=child,
            team=data["team"],
            lead_social_worker=data.get("lead_social_worker"),
            contact_reference=referral.contact_reference if referral else "",
            referral_date=data.get("referral_date"),
            referral_source=data.get("referral_source", ""),
            primary_need=data.get("primary_need", ""),
        ),
        "Episode opened.",
    )
    if isinstance(episode, Episode):
        return redirect("casework:episode", episode.pk)
    return render(
        request,
        f"{TEMPLATES}/open.html",
        {"form": form, "child": child, "referral": referral, "reference": reference},
    )


def _add_to_open_episode(
    request: SignedInRequest, child: Any, referral: selectors.Referral
) -> HttpResponse:
    """A referral about a child whose episode is open joins it (one referral per episode)."""
    episode = referral.open_episode
    assert episode is not None
    error = ""
    if request.method == "POST":
        try:
            services.referral_add_to_open_episode(
                actor=request.user, child=child, contact_reference=referral.contact_reference
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request, f"Contact {referral.contact_reference} added to the open episode."
            )
            return redirect("casework:episode", episode.pk)
    return render(
        request,
        f"{TEMPLATES}/add_referral.html",
        {"child": child, "referral": referral, "episode": episode, "error": error},
        status=400 if error else 200,
    )


# The episode ----------------------------------------------------------------------------


@needs(VIEW)
@require_GET
def episode_detail(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_get(user=request.user, episode_id=episode_id)
    view = selectors.episode_detail(episode)
    today = timezone.localdate()
    due = [
        {"item": item, "overdue": item.overdue(today)}
        for item in sorted(view.due, key=lambda d: d.due_date)
    ]
    links = {
        "protection": selectors.url_or_blank("casework:protection-overview", episode.pk),
        "strategy": selectors.url_or_blank("casework:strategy-discussion-new", episode.pk),
        "medical": selectors.url_or_blank("casework:medical-new", episode.pk),
        "plan": selectors.url_or_blank("casework:cin-plan-new", episode.pk),
    }
    plans = [
        {"plan": plan, "url": selectors.url_or_blank("casework:plan", plan.pk)}
        for plan in view.episode.plans.all()
    ]
    s47s = [
        {"s47": s47, "url": selectors.url_or_blank("casework:s47", s47.pk)}
        for s47 in view.episode.s47_enquiries.all()
    ]
    conferences = [
        {"conference": c, "url": selectors.url_or_blank("casework:conference", c.pk)}
        for c in view.episode.conferences.all()
    ]
    return render(
        request,
        f"{TEMPLATES}/episode.html",
        {
            "view": view,
            "episode": view.episode,
            "due": due,
            "today": today,
            "links": links,
            "plans": plans,
            "s47s": s47s,
            "conferences": conferences,
            "closure_pending": selectors.closure_request_pending(episode) is not None,
            "may_authorise_closure": services.may_authorise_closure(request.user, episode),
        },
    )


@needs(WORK)
@require_http_methods(["GET", "POST"])
def assessment_start(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_get(user=request.user, episode_id=episode_id)
    form = AssessmentStartForm(
        request.POST or None,
        checks=lambda data: refuse(services.assessment_start_problems(episode=episode, **data)),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    assessment = _save(
        request,
        form,
        lambda: services.assessment_start(
            actor=request.user,
            episode=episode,
            start_date=data["start_date"],
            social_worker=data.get("social_worker"),
        ),
        "Assessment started.",
    )
    if assessment:
        return redirect("casework:assessment", assessment.pk)
    return _form_page(request, form, episode, "Start an assessment", "Start the assessment")


@needs(VIEW)
@require_http_methods(["GET", "POST"])
def assessment_detail(request: SignedInRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    may_work = request.user.has_perm(WORK)
    if request.method == "POST" and not may_work:
        raise PermissionDenied("Only social workers and team managers record assessments.")
    initial = {
        "child_seen_date": assessment.child_seen_date,
        "child_voice": assessment.child_voice,
        "factors": assessment.factors,
        "version": assessment.version,
    }
    form = AssessmentRecordForm(
        request.POST or None,
        initial=initial,
        checks=lambda data: refuse(
            services.assessment_record_problems(assessment=assessment, **data)
        ),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    saved = _save(
        request,
        form,
        lambda: services.assessment_record(
            actor=request.user,
            assessment=assessment,
            child_seen_date=data.get("child_seen_date"),
            child_voice=data.get("child_voice", ""),
            factors=data.get("factors", []),
            version=data.get("version"),
        ),
        "Assessment saved.",
    )
    if saved:
        return redirect("casework:assessment", assessment.pk)
    return render(
        request,
        f"{TEMPLATES}/assessment.html",
        {
            "assessment": assessment,
            "episode": assessment.episode,
            "form": form if may_work and assessment.completed_date is None else None,
            "factor_labels": [
                (code, services.ASSESSMENT_FACTORS.get(code, code)) for code in assessment.factors
            ],
            "overdue": assessment.completed_date is None
            and assessment.due_date < timezone.localdate(),
        },
    )


@needs(AUTHORISE)
@require_http_methods(["GET", "POST"])
def assessment_complete(request: SignedInRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    form = AssessmentCompleteForm(
        request.POST or None,
        initial={"factors": assessment.factors},
        checks=lambda data: refuse(
            services.assessment_complete_problems(actor=request.user, assessment=assessment, **data)
        ),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    done = _save(
        request,
        form,
        lambda: services.assessment_complete(
            actor=request.user,
            assessment=assessment,
            outcome=data["outcome"],
            completed_date=data["completed_date"],
            factors=data.get("factors", []),
            late_reason=data.get("late_reason", ""),
            primary_need=data.get("primary_need", ""),
        ),
        "Assessment completed and authorised.",
    )
    if done:
        return redirect("casework:episode", assessment.episode_id)
    return render(
        request,
        f"{TEMPLATES}/assessment_complete.html",
        {"assessment": assessment, "episode": assessment.episode, "form": form},
    )


def _form_page(
    request: SignedInRequest,
    form: Form,
    episode: Episode,
    title: str,
    button: str,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        f"{TEMPLATES}/form.html",
        {"form": form, "episode": episode, "title": title, "button": button, "intro": intro},
    )


@needs(WORK)
@require_http_methods(["GET", "POST"])
def visit_new(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_get(user=request.user, episode_id=episode_id)
    form = VisitForm(
        request.POST or None,
        checks=lambda data: refuse(services.visit_problems(episode=episode, **data)),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if _save(
        request,
        form,
        lambda: services.visit_record(
            actor=request.user,
            episode=episode,
            visit_date=data["visit_date"],
            child_seen=data.get("child_seen", False),
            seen_alone=data.get("seen_alone", False),
            notes=data.get("notes", ""),
        ),
        "Visit recorded.",
    ):
        return redirect("casework:episode", episode.pk)
    return _form_page(request, form, episode, "Record a statutory visit", "Record the visit")


@needs(SUPERVISE)
@require_http_methods(["GET", "POST"])
def supervision_new(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_get(user=request.user, episode_id=episode_id)
    form = SupervisionForm(
        request.POST or None,
        checks=lambda data: refuse(
            services.supervision_problems(episode=episode, supervisor=request.user, **data)
        ),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if _save(
        request,
        form,
        lambda: services.supervision_record(
            actor=request.user,
            episode=episode,
            supervision_date=data["supervision_date"],
            decisions=data["decisions"],
            next_date=data["next_date"],
            discussion=data.get("discussion", ""),
        ),
        "Supervision recorded.",
    ):
        return redirect("casework:episode", episode.pk)
    return _form_page(
        request,
        form,
        episode,
        "Record supervision",
        "Record supervision",
        intro="Your oversight of the case as its team manager: the decisions and the next date.",
    )


@needs(WORK)
@require_http_methods(["GET", "POST"])
def transfer(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_get(user=request.user, episode_id=episode_id)
    form = TransferForm(
        request.POST or None,
        checks=lambda data: refuse(services.transfer_problems(episode=episode, **data)),
    )
    form.fields["to_team"].queryset = selectors.social_care_teams().exclude(  # type: ignore[attr-defined]
        pk=episode.team_id
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if _save(
        request,
        form,
        lambda: services.case_transfer(
            actor=request.user,
            episode=episode,
            to_team=data["to_team"],
            transfer_date=data["transfer_date"],
            reason=data["reason"],
            to_social_worker=data.get("to_social_worker"),
        ),
        "Case transferred.",
    ):
        return redirect("casework:episode", episode.pk)
    return _form_page(
        request, form, episode, "Transfer the case to another team", "Transfer the case"
    )


@needs(WORK)
@require_http_methods(["GET", "POST"])
def reallocate(request: SignedInRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_get(user=request.user, episode_id=episode_id)
    form = ReallocateForm(
        request.POST or None,
        checks=lambda data: refuse(services.reallocation_problems(episode=episode, **data)),
    )
    form.fields["social_worker"].queryset = selectors.case_holders().filter(  # type: ignore[attr-defined]
        team=episode.team
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if _save(
        request,
        form,
        lambda: services.case_reallocate(
            actor=request.user,
            episode=episode,
            social_worker=data["social_worker"],
            reallocation_date=data["reallocation_date"],
            reason=data["reason"],
        ),
        "Case reallocated.",
    ):
        return redirect("casework:episode", episode.pk)
    return _form_page(
        request,
        form,
        episode,
        f"Reallocate the case within {episode.team.name}",
        "Reallocate the case",
        intro="Give the case to another social worker in the same team. To move it to another "
        "team, transfer it instead.",
    )


@needs(WORK)
@require_http_methods(["GET", "POST"])
def close(request: SignedInRequest, episode_id: int) -> HttpResponse:
    """A manager of the case's team closes the episode, or authorises or returns a social
    worker's request; anyone else who works cases asks that manager to close it. Both write
    the closure summary. An authorisation or return posted by anyone else is refused by the
    service, with its reason shown."""
    episode = selectors.episode_get(user=request.user, episode_id=episode_id)
    manager = services.may_authorise_closure(request.user, episode)
    pending = selectors.closure_request_pending(episode)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    posted = request.POST if request.method == "POST" else None
    form = CloseForm(
        posted if action in ("", "close") else None,
        checks=lambda data: refuse(services.closure_problems(episode=episode, **data)),
    )
    return_form = ClosureReturnForm(posted if action == "return" else None)
    done: Any = None
    decision = GovukForm({})  # a refused authorisation's reasons: it has no answers of its own
    decision.is_valid()
    if pending is not None and action == "authorise":
        try:
            services.episode_closure_authorise(actor=request.user, request=pending)
        except ValidationError as error:
            decision.add_errors_from(error)
        else:
            messages.success(request, "Closure authorised: the episode is closed.")
            return redirect("casework:episode", episode.pk)
    elif pending is not None and action == "return":
        data = return_form.cleaned_data if return_form.is_valid() else {}
        done = _save(
            request,
            return_form,
            lambda: services.episode_closure_return(
                actor=request.user, request=pending, note=data["return_note"]
            ),
            "Request returned to the social worker.",
        )
    elif pending is None:
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        write = services.episode_close if manager else services.episode_closure_request
        done = _save(
            request,
            form,
            lambda: write(
                actor=request.user,
                episode=episode,
                closure_date=data["closure_date"],
                reason=data["reason"],
                summary=data["summary"],
            ),
            "Episode closed." if manager else "Closure asked for: a team manager will decide.",
        )
    if done:
        return redirect("casework:episode", episode.pk)
    return render(
        request,
        f"{TEMPLATES}/close.html",
        {
            "episode": episode,
            "form": form,
            "return_form": return_form,
            "decision": decision,
            "manager": manager,
            "pending": pending,
            "returned": selectors.closure_request_returned(episode) if pending is None else None,
            "has_errors": bool(form.errors or return_form.errors or decision.errors),
        },
    )


# The team's due list --------------------------------------------------------------------


@needs(VIEW)
@require_GET
def team(request: SignedInRequest) -> HttpResponse:
    form = TeamChoiceForm(request.GET or None, initial={"team": request.user.team_id})
    chosen = form.cleaned_data.get("team") if form.is_bound and form.is_valid() else None
    if chosen is None and request.user.team_id:
        user_team = request.user.team
        if user_team is not None and user_team.agency.kind == Agency.Kind.SOCIAL_CARE:
            chosen = user_team
    due = (
        selectors.team_due_list(user=request.user, team=chosen, as_of=timezone.localdate())
        if chosen is not None
        else None
    )
    return render(request, f"{TEMPLATES}/team.html", {"form": form, "due": due})
