"""A child's disabilities, in DfE's codes (DOMAIN.md section 3): the code list, the service
that records them, and the form and page a social worker records them on.

The codes are the Children in Need census's own, so the census sends what the social worker
recorded. "No disability" is recorded as such (NONE); a child nobody has recorded anything
for has an empty list and no time recorded, which the census reports rather than hides.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sightline.accounts.models import User
from sightline.core import audit
from sightline.core.forms import GovukForm
from sightline.people.models import Disability, Person
from sightline.people.selectors import NeedsBreakGlass, person_get

RECORD_DISABILITIES = "people.record_disabilities"


NO_DISABILITY = Disability.NONE.value
CHOICES = [(code, label) for code, label in Disability.choices if code != NO_DISABILITY]
DISABILITY_CODES = frozenset(Disability.values)


def _check(*, has_disability: str, codes: list[str]) -> list[str]:
    errors: dict[str, str] = {}
    unknown = [code for code in codes if code not in DISABILITY_CODES or code == NO_DISABILITY]
    if has_disability not in ("yes", "no"):
        errors["has_disability"] = "Select whether the child has a disability"
    elif has_disability == "no" and codes:
        errors["disabilities"] = (
            "You said the child has no disability: clear the disabilities you selected, "
            "or answer yes"
        )
    elif has_disability == "yes" and not codes:
        errors["disabilities"] = "Select each of the child's disabilities"
    if unknown:
        errors["disabilities"] = "Select disabilities from the list"
    if errors:
        raise ValidationError(errors)
    if has_disability == "no":
        return [NO_DISABILITY]
    order = [code for code, _ in CHOICES]
    return sorted(set(codes), key=order.index)


@transaction.atomic
def person_disabilities_record(
    *, actor: User, person: Person, has_disability: str, codes: list[str]
) -> Person:
    """Record the child's disabilities (or that they have none), audited with what they were."""
    if not actor.has_perm(RECORD_DISABILITIES):
        raise PermissionDenied("Only social workers and their managers record disabilities.")
    if person.kind == Person.Kind.ADULT:
        raise ValidationError("Disabilities are recorded here for children only.")
    recorded = _check(has_disability=has_disability, codes=codes)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    before = list(locked.disabilities or [])
    locked.disabilities = recorded
    locked.disabilities_recorded_at = timezone.now()
    locked.save(update_fields=["disabilities", "disabilities_recorded_at"])
    audit.record_change(
        actor=actor,
        action="person.disabilities_recorded",
        target=locked,
        person_id=locked.pk,
        detail={"before": before, "after": recorded},
    )
    person.disabilities = locked.disabilities
    person.disabilities_recorded_at = locked.disabilities_recorded_at
    return locked


class DisabilitiesForm(GovukForm):
    has_disability = forms.ChoiceField(
        label="Does the child have a disability?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        required=False,
    )
    disabilities = forms.MultipleChoiceField(
        label="The child's disabilities",
        help_text="Select all that apply. These are the Department for Education's categories "
        "for the children in need census.",
        choices=CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            _check(
                has_disability=data.get("has_disability") or "",
                codes=list(data.get("disabilities") or []),
            )
        except ValidationError as error:
            self.add_errors_from(error)
        return data


def _initial(person: Person) -> dict[str, Any]:
    codes = list(person.disabilities or [])
    if not person.disabilities_recorded_at:
        return {}
    if codes == [NO_DISABILITY]:
        return {"has_disability": "no"}
    return {"has_disability": "yes", "disabilities": codes}


@login_required
@permission_required(RECORD_DISABILITIES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def disabilities_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        person = person_get(user=user, person_id=person_id, purpose="disabilities").person
    except NeedsBreakGlass:
        url = reverse("people:break-glass", args=[person_id])
        return redirect(f"{url}?next={request.get_full_path()}")
    if person.kind == Person.Kind.ADULT:
        raise PermissionDenied("Disabilities are recorded here for children only.")
    form = DisabilitiesForm(
        request.POST if request.method == "POST" else None, initial=_initial(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            person_disabilities_record(
                actor=user,
                person=person,
                has_disability=form.cleaned_data["has_disability"],
                codes=list(form.cleaned_data["disabilities"]),
            )
        except ValidationError as error:
            form.add_errors_from(error)
        else:
            messages.success(request, "Disabilities recorded.")
            return redirect("chronology:person", person.pk)
    return render(request, "people/disabilities.html", {"person": person, "form": form})
