"""GOV.UK Design System markup for Django forms.

Every form in Sightline subclasses `GovukForm` (or `GovukModelForm`): fields render with
GOV.UK classes, hints and error messages, and `{% include "govuk/error_summary.html" %}`
gives the error summary at the top of the page.

A form shows every error at once. Its own checks (required fields, a real date) run first;
then, on whatever passed them, the service's checks given as `checks=` (a callable that takes
the cleaned data and raises the service's ValidationError), so a contradiction the service
would refuse shows beside the missing answers rather than after they are fixed:

    form = DecisionForm(request.POST or None,
                        checks=lambda data: decision_check(contact=contact, **data))

The service still checks everything itself when it is called (other callers, the API).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates

from sightline.core.text import without_control_characters
from sightline.core.versions import StaleEdit, labels_of


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class GovukDateWidget(forms.MultiWidget):
    template_name = "govuk/widgets/date.html"
    widgets_names: list[str]  # set by MultiWidget from the dict below: _day, _month, _year

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(
                attrs={
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                    "inputmode": "numeric",
                    "maxlength": "2",
                }
            ),
            "month": forms.TextInput(
                attrs={
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                    "inputmode": "numeric",
                    "maxlength": "2",
                }
            ),
            "year": forms.TextInput(
                attrs={
                    "class": "govuk-input govuk-date-input__input govuk-input--width-4",
                    "inputmode": "numeric",
                    "maxlength": "4",
                }
            ),
        }
        super().__init__(widgets, attrs)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        """Each input's id names its part (`id_date_of_birth_day`), as GOV.UK's date input does,
        so an error summary's link to the first input has somewhere to go; a date in error marks
        each of its inputs."""
        in_error = bool(attrs and attrs.pop("data-error", False))
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        for suffix, sub in zip(self.widgets_names, context["widget"]["subwidgets"], strict=True):
            if id_:
                sub["attrs"]["id"] = f"{id_}{suffix}"
            if in_error:
                sub["attrs"]["class"] = f"{sub['attrs'].get('class', '')} govuk-input--error"
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}{self.widgets_names[0]}" if id_ else ""

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A GOV.UK date input (day, month, year) that explains what is wrong with a date."""

    widget = GovukDateWidget

    def __init__(
        self, *, allow_future: bool = True, allow_past: bool = True, **kwargs: Any
    ) -> None:
        self.allow_future = allow_future
        self.allow_past = allow_past
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        label = (self.label or "The date").strip()
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{label} must be a real date, written in numbers")
        if len(year) != 4:
            raise ValidationError(f"{label} must have a year with 4 numbers, like 2024")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label} must be a real date") from None
        today = dt.date.today()
        if not self.allow_future and value > today:
            raise ValidationError(f"{label} must be today or in the past")
        if not self.allow_past and value < today:
            raise ValidationError(f"{label} must be today or in the future")
        return value


def _style(field: forms.Field) -> None:
    widget = field.widget
    # Most specific first: CheckboxSelectMultiple is a RadioSelect, which is a ChoiceWidget.
    css = {
        forms.Textarea: "govuk-textarea",
        forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
        forms.RadioSelect: "govuk-radios__input",
        forms.Select: "govuk-select",
        forms.CheckboxInput: "govuk-checkboxes__input",
        forms.FileInput: "govuk-file-upload",
    }
    if isinstance(widget, GovukDateWidget):
        return
    for kind, name in css.items():
        if isinstance(widget, kind):
            widget.attrs.setdefault("class", name)
            break
    else:
        widget.attrs.setdefault("class", "govuk-input")
    if isinstance(widget, forms.CheckboxSelectMultiple):
        widget.template_name = "govuk/widgets/checkboxes.html"
    elif isinstance(widget, forms.RadioSelect):
        widget.template_name = "govuk/widgets/radios.html"


def _stripping_control_characters(to_python: Any) -> Any:
    """A text field's conversion that also drops control characters other than tab and
    line breaks (sightline.core.text)."""

    def convert(value: Any) -> Any:
        converted = to_python(value)
        return without_control_characters(converted) if isinstance(converted, str) else converted

    return convert


Checks = Callable[[dict[str, Any]], object]


class GovukFormMixin:
    """Adds GOV.UK classes to every widget and turns service errors into form errors."""

    def __init__(self, *args: Any, checks: Checks | None = None, **kwargs: Any) -> None:
        self.checks = checks
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            _style(field)
            if isinstance(field, forms.CharField):
                field.to_python = _stripping_control_characters(field.to_python)  # type: ignore[method-assign]

    def full_clean(self) -> None:
        """The form's own checks, then the service's on what passed them: every error at once."""
        super().full_clean()  # type: ignore[misc]
        cleaned = getattr(self, "cleaned_data", None)
        if self.checks is None or cleaned is None:
            return
        if self.empty_permitted and not self.has_changed():  # type: ignore[attr-defined]
            return  # an extra form of a formset left empty: nothing to check
        try:
            self.checks(dict(cleaned))
        except ValidationError as error:
            self.add_errors_from(error)

    def add_errors_from(self, error: ValidationError) -> None:
        """Attach a service's ValidationError to the matching fields (others to the form).

        A field that already shows an error keeps that one (one message a field, as the
        GOV.UK pattern asks), and a message already shown is not repeated. A save refused
        because someone else saved first (`StaleEdit`) names the fields by this form's labels,
        and the form shown again carries the newer version, keeping what the user typed.
        """
        if isinstance(error, StaleEdit):
            self._carry_version(error)
            return
        shown: dict[str | None, list[str]] = {
            name: list(messages)
            for name, messages in self.errors.items()  # type: ignore[attr-defined]
        }
        fields = self.fields  # type: ignore[attr-defined]
        if hasattr(error, "error_dict"):
            items = [
                (name if name in fields else None, ValidationError(errors).messages)
                for name, errors in error.error_dict.items()
            ]
        else:
            items = [(None, error.messages)]
        for name, messages in items:
            key = name if name is not None else "__all__"
            already = shown.get(key, [])
            if name is not None and already:
                continue
            for message in messages:
                if message not in already:
                    self.add_error(name, message)  # type: ignore[attr-defined]
                    already.append(message)
            shown[key] = already

    def _carry_version(self, error: StaleEdit) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        self.add_error(None, error.describe(labels_of(fields.items())))  # type: ignore[attr-defined]
        if "version" in fields and self.is_bound:  # type: ignore[attr-defined]
            data = getattr(self, "data").copy()  # noqa: B009 - the form's, unknown to the mixin
            data[self.add_prefix("version")] = str(error.current)  # type: ignore[attr-defined]
            setattr(self, "data", data)  # noqa: B010


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass
