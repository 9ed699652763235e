"""Pages of the risk meetings: thin views over `selectors` and `services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sightline.core.exports import table_download
from sightline.core.forms import GovukForm
from sightline.core.problems import refuse
from sightline.core.requests import SignedInRequest
from sightline.people.models import Person
from sightline.sharing.meetings import forms, selectors, services
from sightline.sharing.meetings.agenda import dram_agenda, dram_window
from sightline.sharing.meetings.models import MeetingKind, Referral, RiskMeeting


def _crumbs(*more: tuple[str, str]) -> list[tuple[str, str]]:
    return [(reverse("core:home"), "Home"), (reverse("sharing:meetings:list"), "Risk meetings")] + [
        *more
    ]


def _form_page(
    request: SignedInRequest,
    *,
    form: GovukForm,
    save: Callable[[dict[str, Any]], Any],
    success: str,
    next_url: Callable[[Any], str],
    title: str,
    back: str,
    crumbs: list[tuple[str, str]],
    submit: str,
    extra: dict[str, Any] | None = None,
    template: str = "sharing/meetings/form_page.html",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(dict(form.cleaned_data))
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, success)
            return redirect(next_url(saved))
    context = {"form": form, "title": title, "back_url": back, "crumbs": crumbs, "submit": submit}
    return render(request, template, {**context, **(extra or {})})


@login_required
@require_GET
def meeting_list(request: SignedInRequest) -> HttpResponse:
    meetings = list(selectors.meetings_for(user=request.user)[:50])
    coordinator = selectors.is_coordinator(request.user)
    if not meetings and not coordinator:
        raise PermissionDenied("Risk meetings are for the coordinator and their attendees.")
    return render(
        request,
        "sharing/meetings/list.html",
        {"meetings": meetings, "coordinator": coordinator, "crumbs": _crumbs()[:1]},
    )


def _day_asked(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def dram_agenda_page(request: SignedInRequest) -> HttpResponse:
    selectors.require_coordinator(request.user)
    day = _day_asked(request)
    start, end = dram_window(day)
    items = dram_agenda(day)
    return render(
        request,
        "sharing/meetings/agenda.html",
        {
            "day": day,
            "start": start,
            "end": end,
            "items": items,
            "crumbs": _crumbs(),
            "held": RiskMeeting.objects.filter(kind=MeetingKind.DRAM, held_on=day).first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: SignedInRequest) -> HttpResponse:
    selectors.require_coordinator(request.user)
    initial = {"chair": request.user.pk, "kind": request.GET.get("kind", MeetingKind.DRAM)}
    if "date" in request.GET:
        initial["held_on"] = _day_asked(request)
    form = forms.MeetingForm(
        request.POST or None,
        initial=initial,
        checks=lambda data: refuse(services.meeting_problems(**data)),
    )
    return _form_page(
        request,
        form=form,
        save=lambda data: services.risk_meeting_create(actor=request.user, **data),
        success="Meeting recorded. A DRAM lists its agenda.",
        next_url=lambda meeting: reverse("sharing:meetings:meeting", args=[meeting.pk]),
        title="Record a risk meeting",
        back=reverse("sharing:meetings:list"),
        crumbs=_crumbs(),
        submit="Record the meeting",
    )


@login_required
@require_GET
def meeting_page(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    cases = list(
        meeting.cases.select_related("subject", "incident", "referral").prefetch_related(
            "people__person", "shares__agency", "actions__owner", "actions__agency"
        )
    )
    waiting: list[Referral] = []
    coordinator = selectors.is_coordinator(request.user)
    if coordinator and meeting.kind != MeetingKind.DRAM:
        listed = {c.referral_id for c in cases}
        waiting = [
            r
            for r in Referral.objects.filter(meeting_kind=meeting.kind, cases__isnull=True)
            .select_related("subject")
            .order_by("referred_at")
            if r.pk not in listed
        ]
    return render(
        request,
        "sharing/meetings/meeting.html",
        {
            "meeting": meeting,
            "cases": cases,
            "attendees": list(meeting.attendees.select_related("agency")),
            "outstanding": services.outstanding_actions(meeting=meeting),
            "waiting": waiting,
            "coordinator": coordinator,
            "crumbs": _crumbs(),
        },
    )


def _coordinated_meeting(request: SignedInRequest, meeting_id: int) -> RiskMeeting:
    selectors.require_coordinator(request.user)
    return selectors.meeting_get(user=request.user, meeting_id=meeting_id)


@login_required
@require_http_methods(["GET", "POST"])
def attendee_add(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = _coordinated_meeting(request, meeting_id)
    form = forms.AttendeeForm(
        request.POST or None, checks=lambda data: refuse(services.attendee_problems(**data))
    )
    url = reverse("sharing:meetings:meeting", args=[meeting.pk])
    return _form_page(
        request,
        form=form,
        save=lambda data: services.attendee_record(actor=request.user, meeting=meeting, **data),
        success="Attendance recorded.",
        next_url=lambda _: url,
        title="Record an attendee or apologies",
        back=url,
        crumbs=_crumbs((url, str(meeting))),
        submit="Record",
    )


@login_required
@require_POST
def referral_list(request: SignedInRequest, meeting_id: int, referral_id: int) -> HttpResponse:
    meeting = _coordinated_meeting(request, meeting_id)
    referral = selectors.referral_get(user=request.user, referral_id=referral_id)
    try:
        services.referral_list_at(actor=request.user, meeting=meeting, referral=referral)
        messages.success(request, "Referral listed at this meeting.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("sharing:meetings:meeting", meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_page(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, case_id=case_id)
    meeting = case.meeting
    present = [a.agency for a in meeting.attendees.filter(present=True).select_related("agency")]
    agencies = list({a.pk: a for a in present}.values())
    shared = {s.agency_id: s.shared for s in case.shares.all()}
    initial: dict[str, Any] = {
        "risk_level": case.risk_level or None,
        "safety_plan": case.safety_plan,
        "marac_decision": case.marac_decision or None,
        "marac_reason": case.marac_reason,
        "version": case.version,
        **{f"shared_{a.pk}": shared.get(a.pk, "") for a in agencies},
    }
    form = forms.CaseForm(
        request.POST or None,
        initial=initial,
        agencies=agencies,
        dram=meeting.kind == MeetingKind.DRAM,
        checks=lambda data: refuse(services.case_problems(case=case, **data)),
    )

    def save(_: dict[str, Any]) -> Any:
        data = form.service_data()
        return services.meeting_case_record(actor=request.user, case=case, **data)

    url = reverse("sharing:meetings:meeting", args=[meeting.pk])
    return _form_page(
        request,
        form=form,
        save=save,
        success="What the meeting agreed is recorded.",
        next_url=lambda saved: reverse("sharing:meetings:case", args=[saved.pk]),
        title=f"Case: {case.subject}",
        back=url,
        crumbs=_crumbs((url, str(meeting))),
        submit="Save what the meeting agreed",
        template="sharing/meetings/case.html",
        extra={
            "case": case,
            "people": list(case.people.select_related("person")),
            "actions": list(case.actions.select_related("owner", "agency")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: SignedInRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, case_id=case_id)
    form = forms.ActionForm(
        request.POST or None,
        checks=lambda data: refuse(services.action_problems(case=case, **data)),
    )
    url = reverse("sharing:meetings:case", args=[case.pk])
    return _form_page(
        request,
        form=form,
        save=lambda data: services.meeting_action_add(actor=request.user, case=case, **data),
        success="Action recorded. Its owner is told in their notifications.",
        next_url=lambda _: url,
        title="Add an action",
        back=url,
        crumbs=_crumbs((url, f"Case: {case.subject}")),
        submit="Add the action",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_review(request: SignedInRequest, action_id: int) -> HttpResponse:
    action = selectors.action_get(user=request.user, action_id=action_id)
    at_meeting = None
    if str(request.GET.get("meeting", "")).isdigit():
        at_meeting = selectors.meeting_get(
            user=request.user, meeting_id=int(request.GET["meeting"])
        )
    form = forms.ReviewForm(
        request.POST or None,
        initial={"version": action.version},
        checks=lambda data: refuse(services.review_problems(**data)),
    )
    url = reverse("sharing:meetings:meeting", args=[(at_meeting or action.case.meeting).pk])
    return _form_page(
        request,
        form=form,
        save=lambda data: services.meeting_action_review(
            actor=request.user, action=action, meeting=at_meeting, **data
        ),
        success="Review of the action recorded.",
        next_url=lambda _: url,
        title="Review an action",
        back=url,
        crumbs=_crumbs((url, "Meeting")),
        submit="Save the review",
        extra={"intro": f"{action.what} ({action.agency.name}, {action.owner.get_full_name()})"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = _coordinated_meeting(request, meeting_id)
    form = forms.MinutesForm(
        request.POST or None,
        initial={"minutes": meeting.minutes, "version": meeting.version},
        checks=lambda data: refuse(services.minutes_problems(meeting=meeting, **data)),
    )
    url = reverse("sharing:meetings:meeting", args=[meeting.pk])
    return _form_page(
        request,
        form=form,
        save=lambda data: services.minutes_publish(actor=request.user, meeting=meeting, **data),
        success="Minutes published.",
        next_url=lambda _: url,
        title="Publish the minutes",
        back=url,
        crumbs=_crumbs((url, str(meeting))),
        submit="Publish the minutes",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: SignedInRequest, person_id: int, kind: str) -> HttpResponse:
    if kind not in (MeetingKind.MARAC, MeetingKind.EXPLOITATION):
        raise Http404("No such meeting")
    subject = Person.objects.filter(pk=person_id).first()
    if subject is None or not selectors.may_refer(user=request.user, person=subject):
        raise Http404("No such person")
    perpetrators = selectors.perpetrators_of(subject)
    children = selectors.children_of(subject)
    for perpetrator in perpetrators:
        children += [c for c in selectors.children_of(perpetrator) if c not in children]
    schools = {c.pk: selectors.school_of(c) for c in children}
    victim_children = {c.pk for c in selectors.children_of(subject)}
    form = forms.ReferralForm(
        request.POST or None,
        initial={"children": [c.pk for c in children]},
        kind=kind,
        perpetrators=perpetrators,
        children=children,
        schools=schools,
        checks=lambda data: refuse(
            services.referral_problems(meeting_kind=kind, subject=subject, **data)
        ),
    )

    def save(data: dict[str, Any]) -> Referral:
        chosen = data.pop("children")
        referred = [
            services.ReferredChild(
                child,
                "victim" if child.pk in victim_children else "perpetrator",
                schools.get(child.pk, ""),
            )
            for child in chosen
        ]
        if kind != MeetingKind.MARAC:
            data["victim_knows"] = False
        return services.referral_create(
            actor=request.user, meeting_kind=kind, subject=subject, children=referred, **data
        )

    name = "MARAC" if kind == MeetingKind.MARAC else "the child exploitation meeting"
    return _form_page(
        request,
        form=form,
        save=save,
        success=f"Referral to {name} made. The coordinator will list it.",
        next_url=lambda referral: reverse("sharing:meetings:referral", args=[referral.pk]),
        title=f"Refer {subject} to {name}",
        back=reverse("chronology:person", args=[subject.pk]),
        crumbs=[(reverse("core:home"), "Home")],
        submit="Make the referral",
    )


@login_required
@require_GET
def referral_page(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, referral_id=referral_id)
    return render(
        request,
        "sharing/meetings/referral.html",
        {
            "referral": referral,
            "safe_contact": selectors.safe_contact(user=request.user, referral=referral),
            "criteria": list(referral.criteria.all()),
            "children": list(referral.children.select_related("person")),
            "crumbs": [(reverse("core:home"), "Home")],
        },
    )


def _quarter(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    quarter = ((today.month - 4) % 12) // 3 + 1
    try:
        return int(request.GET.get("year", year)), int(request.GET.get("quarter", quarter))
    except ValueError:
        raise Http404("Give the year and quarter as numbers") from None


@login_required
@require_GET
def quarterly_return(request: SignedInRequest) -> HttpResponse:
    year, quarter = _quarter(request)
    found = selectors.marac_quarterly_return(user=request.user, year=year, quarter=quarter)
    if request.GET.get("format") == "csv":
        return table_download(
            actor=request.user,
            action="marac_return.exported",
            title="MARAC return",
            filename=f"marac-return-{year}-q{quarter}",
            headers=[
                "Quarter",
                "Cases discussed",
                "Repeat cases",
                "Repeat rate (%)",
                "Children in the households",
                "Adult female population",
                "Cases per 10,000 adult women",
            ],
            rows=[
                [
                    found.label,
                    found.cases,
                    found.repeats,
                    "" if found.repeat_rate is None else f"{found.repeat_rate * 100:.0f}",
                    found.children,
                    found.adult_women,
                    "" if found.cases_per_10000 is None else f"{found.cases_per_10000:.1f}",
                ]
            ],
            fmt="csv",
        )
    return render(
        request,
        "sharing/meetings/return.html",
        {"found": found, "crumbs": _crumbs(), "quarters": (1, 2, 3, 4)},
    )
