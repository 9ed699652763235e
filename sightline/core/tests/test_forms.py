"""The shared GOV.UK form helpers: every error at once; date errors link to the day input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from sightline.core.forms import GovukDateField, GovukForm


class Booking(GovukForm):
    name = forms.CharField(label="Name")
    places = forms.IntegerField(label="Places")


def no_more_than_two_places(data: dict[str, Any]) -> None:
    """A service's check: judges only what it is given."""
    errors = {}
    if "places" in data and data["places"] > 2:
        errors["places"] = ["Book 2 places or fewer"]
    if data.get("name") == "Nobody":
        errors["__all__"] = ["There is no one called Nobody"]
    if errors:
        raise ValidationError(errors)


def test_a_form_shows_its_own_errors_and_the_services_together():
    form = Booking({"name": "", "places": "3"}, checks=no_more_than_two_places)
    assert not form.is_valid()
    assert form.errors == {
        "name": ["This field is required."],
        "places": ["Book 2 places or fewer"],
    }


def test_the_services_checks_see_only_values_that_passed_the_forms_own():
    seen: list[dict[str, Any]] = []
    form = Booking({"name": "Nobody", "places": "many"}, checks=seen.append)
    assert not form.is_valid()
    assert seen == [{"name": "Nobody"}]


def test_a_field_keeps_one_error_and_a_message_is_not_repeated():
    form = Booking({"name": "Nobody", "places": "many"}, checks=no_more_than_two_places)
    assert form.errors["places"] == ["Enter a whole number."]
    form.add_errors_from(ValidationError("There is no one called Nobody"))
    assert form.non_field_errors() == ["There is no one called Nobody"]


def test_a_form_without_checks_is_unchanged():
    assert Booking({"name": "Ann", "places": "3"}).is_valid()


class Birth(GovukForm):
    date_of_birth = GovukDateField(label="Date of birth")


def render(template: str, form: forms.Form) -> str:
    return Template("{% load govuk %}" + template).render(Context({"form": form}))


def test_a_date_errors_summary_link_goes_to_the_day_input_that_exists():
    form = Birth({"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": ""})
    assert not form.is_valid()
    summary = render('{% include "govuk/error_summary.html" %}', form)
    page = render("{{ form }}", form)
    assert 'href="#id_date_of_birth_day"' in summary
    assert 'id="id_date_of_birth_day"' in page
    assert 'for="id_date_of_birth_day"' in page
    assert 'id="id_date_of_birth_month"' in page and 'id="id_date_of_birth_year"' in page
    assert page.count("govuk-input--error") == 3  # each input of a date in error is marked


def test_an_empty_extra_form_of_a_formset_is_not_checked():
    seen: list[dict[str, Any]] = []
    form = Booking({}, checks=seen.append, empty_permitted=True, use_required_attribute=False)
    assert form.is_valid()
    assert seen == []
