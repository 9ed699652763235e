"""The filters of a person's chronology (a GET form: agency, type of event, dates)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from sightline.accounts.models import Agency
from sightline.core.forms import GovukDateField, GovukForm
from sightline.people.forms import explain_missing_date_parts


@dataclass(frozen=True)
class SelectView:
    """What chronology/includes/filter_fields.html needs to draw a select."""

    id: str
    name: str
    label: str
    errors: list[str]
    options: list[tuple[str, str, bool]]  # value, label, selected

    @property
    def options_html(self) -> SafeString:
        """The <option> elements, each value and label escaped (as django.utils.html.escape
        does): drawn here, not by a template loop, as the rows of the chronology are."""
        return SafeString(
            "".join(
                f'\n  <option value="{html.escape(value)}"{" selected" if selected else ""}>'
                f"{html.escape(label)}</option>"
                for value, label, selected in self.options
            )
        )


@dataclass(frozen=True)
class DatePartView:
    label: str  # Day, Month or Year
    name: str
    id: str
    value: str | None
    attrs: SafeString  # the input's other attributes (class, inputmode, maxlength), escaped


@dataclass(frozen=True)
class DateView:
    """What chronology/includes/filter_fields.html needs to draw a GOV.UK date input."""

    id: str
    label: str
    hint: str
    errors: list[str]
    parts: list[DatePartView]


class TimelineFilterForm(GovukForm):
    """The filters above a person's chronology.

    The person page shows it on every visit, so it is drawn by a plain template
    (chronology/includes/filter_fields.html, from `select_views` and `date_views`) rather
    than through Django's widget templates, an include per input. The markup is the same.
    """

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="All agencies",
        to_field_name="code",
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )
    type = forms.ChoiceField(
        label="Type of event",
        required=False,
        error_messages={"invalid_choice": "Choose a type of event from the list"},
    )
    date_from = GovukDateField(label="From", required=False, help_text="For example, 1 4 2024")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 31 3 2025")

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[int, str, str]],
        types: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        """`agencies` are (id, code, name) in the order to offer them, `types` (value, label).

        The agency list is given rather than read, so rendering the form reads nothing; only
        a submitted agency is looked up (and must be one of those offered).
        """
        super().__init__(*args, **kwargs)
        explain_missing_date_parts(self)
        agency = self.fields["agency"]
        agency.queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[agency_id for agency_id, _, _ in agencies]
        )
        agency.choices = [  # type: ignore[attr-defined]
            ("", agency.empty_label),  # type: ignore[attr-defined]
            *((code, name) for _, code, name in agencies),
        ]
        self.fields["type"].choices = [("", "All types"), *types]  # type: ignore[attr-defined]
        for name in ("agency", "type"):
            self.fields[name].widget.template_name = "govuk/widgets/select.html"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", ValidationError("The 'to' date must be on or after the 'from' date")
            )
        return cleaned

    def _select_view(self, name: str) -> SelectView:
        bound = self[name]
        value = bound.value()
        selected = "" if value is None else str(value)
        return SelectView(
            id=bound.auto_id,
            name=bound.html_name,
            label=str(bound.label),
            errors=[str(error) for error in bound.errors],
            options=[
                (str(option), str(label), str(option) == selected)
                for option, label in bound.field.choices  # type: ignore[attr-defined]
            ],
        )

    def _date_view(self, name: str) -> DateView:
        bound = self[name]
        widget = bound.field.widget
        value = bound.value()
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)  # type: ignore[attr-defined]
        return DateView(
            id=bound.auto_id,
            label=str(bound.label),
            hint=str(bound.help_text),
            errors=[str(error) for error in bound.errors],
            parts=[
                DatePartView(
                    label=label,
                    name=f"{bound.html_name}{suffix}",
                    id=f"{bound.auto_id}_{index}",
                    value=None if part is None or part == "" else str(part),
                    attrs=format_html_join(" ", '{}="{}"', subwidget.attrs.items()),
                )
                for index, (label, suffix, subwidget, part) in enumerate(
                    zip(
                        ("Day", "Month", "Year"),
                        widget.widgets_names,  # type: ignore[attr-defined]
                        widget.widgets,  # type: ignore[attr-defined]
                        parts,
                        strict=True,
                    )
                )
            ],
        )

    @property
    def select_views(self) -> list[SelectView]:
        return [self._select_view("agency"), self._select_view("type")]

    @property
    def date_views(self) -> list[DateView]:
        return [self._date_view("date_from"), self._date_view("date_to")]

    @property
    def filters(self) -> dict[str, Any]:
        """The filters that are valid (an invalid one is ignored and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in ("agency", "type", "date_from", "date_to")
            if self.cleaned_data.get(name)
        }
