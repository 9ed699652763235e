"""Assurance requests: the partnership asks, the agency answers, the oversight group judges."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.problems import refuse
from sightline.partnership import selectors
from sightline.partnership.forms import (
    AnswerForm,
    AskAgainForm,
    AssuranceEscalateForm,
    AssuranceRequestForm,
    JudgementForm,
)
from sightline.partnership.services import assurance as services
from sightline.partnership.views import (
    Crumbs,
    SignedInRequest,
    area_view,
    form_page,
    home_crumbs,
    manager_view,
)


def _crumbs(item: Any = None) -> Crumbs:
    crumbs = [*home_crumbs(), ("Assurance requests", reverse("partnership:assurance"))]
    if item is not None:
        crumbs.append(("Request", reverse("partnership:assurance-request", args=[item.pk])))
    return crumbs


@area_view
@require_GET
def assurance_requests(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "partnership/assurance_requests.html",
        {
            "requests": selectors.assurance_requests_visible_to(request.user),
            "crumbs": home_crumbs(),
            "today": timezone.localdate(),
            "manager": request.user.has_perm("partnership.manage"),
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def assurance_request_new(request: SignedInRequest) -> HttpResponse:
    action = None
    initial: dict[str, Any] = {}
    if request.GET.get("action", "").isdigit():
        action = selectors.action_get(user=request.user, action_id=int(request.GET["action"]))
        initial = {"agency": action.owner_agency}
    return form_page(
        request,
        form=AssuranceRequestForm(request.POST or None, initial=initial),
        checks=lambda data: refuse(services.assurance_request_problems(**data)),
        save=lambda data: services.assurance_request_create(
            actor=request.user, action=action, **data
        ),
        success="Assurance requested. The agency has been told.",
        next_url=lambda item: reverse("partnership:assurance-request", args=[item.pk]),
        title="Ask an agency for assurance",
        intro=f"About the action: {action.description}" if action else "",
        crumbs=_crumbs(),
        submit="Send request",
    )


@area_view
@require_GET
def assurance_request(request: SignedInRequest, request_id: int) -> HttpResponse:
    item = selectors.assurance_request_get(user=request.user, request_id=request_id)
    return render(
        request,
        "partnership/assurance_request.html",
        {
            "item": item,
            "crumbs": _crumbs(),
            "today": timezone.localdate(),
            "may_answer": request.user.has_perm("partnership.answer_assurance", item)
            and not item.judgement,
            "manager": request.user.has_perm("partnership.manage"),
            "agency_leads": selectors.agency_leads(agency_id=item.agency_id),
            "may_judge": request.user.has_perm("partnership.judge_assurance")
            and bool(item.responded_at)
            and not item.judgement,
            "next_step": request.user.has_perm("partnership.manage") and item.needs_next_step,
            "follow_ups": list(item.follow_ups.all()),
        },
    )


@area_view
@require_http_methods(["GET", "POST"])
def assurance_answer(request: SignedInRequest, request_id: int) -> HttpResponse:
    item = selectors.assurance_request_get(user=request.user, request_id=request_id)
    if not request.user.has_perm("partnership.answer_assurance", item):
        raise PermissionDenied(
            "Only the named lead of the agency asked answers this request; you may view it."
        )
    return form_page(
        request,
        form=AnswerForm(
            request.POST or None, initial={"response": item.response, "version": item.version}
        ),
        checks=lambda data: refuse(services.assurance_answer_problems(request=item, **data)),
        save=lambda data: services.assurance_request_answer(
            actor=request.user, request=item, **data
        ),
        success="Your answer has been sent to the partnership.",
        next_url=reverse("partnership:assurance-request", args=[item.pk]),
        title="Answer the assurance request",
        caption=f"Due by {item.due_on:%-d %B %Y}",
        intro=item.question,
        crumbs=_crumbs(item),
        submit="Send answer",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def assurance_judge(request: SignedInRequest, request_id: int) -> HttpResponse:
    item = selectors.assurance_request_get(user=request.user, request_id=request_id)
    return form_page(
        request,
        form=JudgementForm(request.POST or None),
        checks=lambda data: refuse(
            services.assurance_judgement_problems(actor=request.user, request=item, **data)
        ),
        save=lambda data: services.assurance_request_judge(
            actor=request.user,
            request=item,
            judgement=data["judgement"],
            notes=data["judgement_notes"],
            oversight_meeting_on=data.get("oversight_meeting_on"),
        ),
        success="Judgement recorded.",
        next_url=reverse("partnership:assurance-request", args=[item.pk]),
        title="Record the oversight group's judgement",
        caption=item.agency.name,
        intro=f"Asked: {item.question}\n\nAnswer: {item.response}",
        crumbs=_crumbs(item),
        submit="Record judgement",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def assurance_ask_again(request: SignedInRequest, request_id: int) -> HttpResponse:
    item = selectors.assurance_request_get(user=request.user, request_id=request_id)
    if not item.needs_next_step:
        messages.info(request, "This request needs no further step.")
        return redirect("partnership:assurance-request", item.pk)
    return form_page(
        request,
        form=AskAgainForm(request.POST or None, initial={"question": item.question}),
        checks=lambda data: refuse(services.ask_again_problems(request=item, **data)),
        save=lambda data: services.assurance_request_ask_again(
            actor=request.user, request=item, **data
        ),
        success=f"{item.agency.name} has been asked again.",
        next_url=lambda again: reverse("partnership:assurance-request", args=[again.pk]),
        title=f"Ask {item.agency.name} again",
        caption=f"Judged {item.get_judgement_display().lower()}",
        intro=f"Judgement: {item.judgement_notes}",
        crumbs=_crumbs(item),
        submit="Send request",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def assurance_escalate(request: SignedInRequest, request_id: int) -> HttpResponse:
    item = selectors.assurance_request_get(user=request.user, request_id=request_id)
    if not item.needs_next_step:
        messages.info(request, "This request needs no further step.")
        return redirect("partnership:assurance-request", item.pk)
    return form_page(
        request,
        form=AssuranceEscalateForm(request.POST or None),
        checks=lambda data: refuse(services.assurance_escalate_problems(request=item, **data)),
        save=lambda data: services.assurance_request_escalate(
            actor=request.user, request=item, **data
        ),
        success="Escalated to the lead safeguarding partners.",
        next_url=reverse("partnership:assurance-request", args=[item.pk]),
        title="Escalate to the lead safeguarding partners",
        caption=f"{item.agency.name}: judged {item.get_judgement_display().lower()}",
        intro=f"Judgement: {item.judgement_notes}",
        crumbs=_crumbs(item),
        submit="Escalate",
    )
