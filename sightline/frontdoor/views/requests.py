"""Partner information requests: the front door asks; each agency sees and answers its own."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sightline.core.requests import SignedInRequest
from sightline.frontdoor import selectors
from sightline.frontdoor.forms_triage import AnswerForm, InformationRequestForm
from sightline.frontdoor.models import Contact
from sightline.frontdoor.services.requests import (
    information_request_answer,
    information_request_answer_check,
    information_request_check,
    information_request_create,
)
from sightline.frontdoor.views.triage import front_door

TEMPLATES = "frontdoor/triage"


@front_door
@require_http_methods(["GET", "POST"])
def request_new(request: SignedInRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, contact_id=contact_id)
    contact_url = reverse("frontdoor:contact", args=[contact.pk])
    if contact.status == Contact.Status.DECIDED:
        messages.success(request, f"Contact {contact.reference} is already decided.")
        return redirect(contact_url)
    already = list(contact.information_requests.values_list("agency_id", flat=True))
    form = InformationRequestForm(
        request.POST or None,
        already_asked=already,
        involved=selectors.agencies_involved_with_child(contact),
        child_name=contact.child.given_name if contact.child is not None else "",
        checks=lambda data: information_request_check(contact=contact, **data),
    )
    if request.method == "POST" and form.is_valid():
        try:
            sent = information_request_create(
                actor=request.user,
                contact=contact,
                agencies=form.cleaned_data["agencies"],
                question=form.cleaned_data["question"],
            )
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            names = ", ".join(item.agency.name for item in sent)
            messages.success(request, f"Information requested from {names}.")
            return redirect(contact_url)
    return render(
        request,
        f"{TEMPLATES}/request_new.html",
        {
            "contact": contact,
            "form": form,
            "identifying": selectors.child_identifying_details(contact),
            "hours": settings.INFORMATION_REQUEST_WORKING_HOURS,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def inbox(request: SignedInRequest) -> HttpResponse:
    page = selectors.information_request_inbox(
        user=request.user, page_number=request.GET.get("page", 1)
    )
    return render(request, f"{TEMPLATES}/inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def request_answer(request: SignedInRequest, request_id: int) -> HttpResponse:
    item = selectors.information_request_get(user=request.user, request_id=request_id)
    form = AnswerForm(
        request.POST or None, checks=lambda data: information_request_answer_check(**data)
    )
    if request.method == "POST" and (form.is_valid() or item.answered_at is not None):
        data = getattr(form, "cleaned_data", {})
        try:
            information_request_answer(
                actor=request.user,
                information_request=item,
                known_to_agency=data.get("known_to_agency"),
                answer=data.get("answer", ""),
            )
        except ValidationError as error:
            if item.answered_at is not None:
                form.errors.clear()  # the only thing that matters: it was answered already
            form.add_errors_from(error)
        else:
            messages.success(
                request,
                "Thank you. Your answer has been sent to the front door and added to the "
                f"child's chronology ({item.contact.reference}).",
            )
            return redirect("frontdoor:requests")
    return render(
        request,
        f"{TEMPLATES}/request_answer.html",
        {
            "item": item,
            "form": form,
            "identifying": selectors.child_identifying_details(item.contact),
            "overdue": item.answered_at is None and item.due_at < timezone.now(),
        },
        status=400 if form.errors else 200,
    )
