"""A practitioner reports a concern: find the child (or describe a new one), then the concern.

/front-door/contacts/new/             find the child (search by name, date of birth, NHS number,
                                      postcode), choose a match you may see, or add a new child
/front-door/contacts/new/?child=<id>  the concern about a child you chose
/front-door/contacts/new/?new=1       the concern about a child you describe

Nothing is saved until the final submit; then the new child (if any), the contact and the
referrer's involvement are written in one transaction by `contact_refer`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sightline.accounts.models import User
from sightline.core.forms import GovukForm
from sightline.core.problems import refuse
from sightline.frontdoor.forms_intake import (
    ChildSearchForm,
    NewChildForm,
    PractitionerContactForm,
)
from sightline.frontdoor.models import Channel, ReferralSource
from sightline.frontdoor.services.contacts import (
    contact_problems,
    contact_refer,
    contact_referred_by,
    referral_source_for_agency,
)
from sightline.people.models import Person
from sightline.people.selectors import NeedsBreakGlass, people_search, person_get
from sightline.people.services import new_child_problems

SEARCH_KEYS = ("name", "nhs_number", "postcode", "date_of_birth_day", "date_of_birth_year")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def _chosen_child(request: HttpRequest, person_id: str) -> Person:
    """The child the practitioner chose: only someone they may see (the read is recorded)."""
    if not person_id.isdigit():
        raise Http404("No such person")
    try:
        return person_get(user=_user(request), person_id=int(person_id), purpose="referral").person
    except NeedsBreakGlass:
        raise Http404("No such person") from None


def _split_errors(error: ValidationError, *forms: GovukForm) -> None:
    """Put each of a service's errors on the form that has the field (else the last form)."""
    if not hasattr(error, "error_dict"):
        forms[-1].add_errors_from(error)
        return
    for name, errors in error.error_dict.items():
        target = next((form for form in forms if name in form.fields), forms[-1])
        target.add_errors_from(ValidationError({name: errors}))


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest) -> HttpResponse:
    child_id = request.GET.get("child", "")
    if child_id or request.GET.get("new") == "1":
        return _concern(request, child=_chosen_child(request, child_id) if child_id else None)
    if request.method == "POST":
        return redirect("frontdoor:contact-new")
    return _find_child(request)


def _find_child(request: HttpRequest) -> HttpResponse:
    searched = any(request.GET.get(key) for key in SEARCH_KEYS) or "search" in request.GET
    form = ChildSearchForm(request.GET if searched else None)
    results: list[Person] | None = None
    if searched and form.is_valid():
        data = form.cleaned_data
        results = people_search(
            user=_user(request),
            name=data["name"],
            date_of_birth=data["date_of_birth"],
            nhs_number=data["nhs_number"],
            postcode=data["postcode"],
            limit=20,
        ).visible
    return render(
        request,
        "frontdoor/intake/practitioner/find_child.html",
        {
            "form": form,
            "results": results,
            "new_child_url": f"{reverse('frontdoor:contact-new')}?new=1",
            "back_url": reverse("core:home"),
        },
    )


def _concern(request: HttpRequest, *, child: Person | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    child_form = (
        NewChildForm(
            data,
            prefix="child",
            checks=lambda given: refuse(new_child_problems(**NewChildForm.fields_of(given))),
        )
        if child is None
        else None
    )
    form = PractitionerContactForm(
        data,
        checks=lambda concern: refuse(contact_problems(channel=Channel.PRACTITIONER, **concern)),
    )
    if request.method == "POST":
        forms_valid = [f.is_valid() for f in (child_form, form) if f is not None]
        if all(forms_valid):
            concern: dict[str, Any] = dict(form.cleaned_data)
            try:
                contact = contact_refer(
                    actor=_user(request),
                    child=child,
                    new_child=child_form.person_fields() if child_form else None,
                    **concern,
                )
            except ValidationError as error:
                _split_errors(error, *[f for f in (child_form, form) if f is not None])
            else:
                return redirect("frontdoor:contact-sent", reference=contact.reference)
    return render(
        request,
        "frontdoor/intake/practitioner/concern.html",
        {
            "form": form,
            "child_form": child_form,
            "child": child,
            "forms": [f for f in (child_form, form) if f is not None],
            "has_errors": bool(form.errors or (child_form is not None and child_form.errors)),
            "referral_source_label": ReferralSource(
                referral_source_for_agency(_user(request).agency, _user(request).profession)
            ).label,
            "back_url": reverse("frontdoor:contact-new"),
            "action": request.get_full_path(),
        },
    )


@login_required
@require_GET
def contact_sent(request: HttpRequest, reference: str) -> HttpResponse:
    contact = contact_referred_by(user=_user(request), reference=reference)
    if contact is None:
        raise Http404("No such contact")
    return render(
        request,
        "frontdoor/intake/practitioner/sent.html",
        {"contact": contact, "back_url": reverse("core:home")},
    )
